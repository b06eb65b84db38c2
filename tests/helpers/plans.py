"""One legality check for the search's plans in tests: every unit once, each community
within the bounds, connected and holding its center, and (optionally) at the cheapest
allowed center (best_choice's); and the community a unit is in, read off a Plan."""

from __future__ import annotations

import numpy as np

from optimizer.graph import is_connected
from optimizer.model.piece import PieceData
from optimizer.plan import Community, Plan
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import best_choice


def assert_legal(s: Scenario, data: PieceData, plan: list[Choice], *,
                 cheapest_center: bool = True) -> None:
    units = sorted(u for ch in plan for u in ch.members)
    assert units == sorted(int(u) for u in data.units)        # every unit once
    for ch in plan:
        hh = int(s.households[list(ch.members)].sum())
        assert data.lo <= hh <= data.hi
        assert is_connected(ch.members, s.neighbours)
        assert ch.center in ch.members
        if cheapest_center:
            local = sorted(int(np.flatnonzero(data.units == u)[0]) for u in ch.members)
            assert best_choice(s, data, local) == ch          # the cheapest allowed center


def legal_plan(s: Scenario, data: PieceData, groups: list[list[int]]) -> list[Choice]:
    """Each group of local units as a community at its cheapest allowed center
    (best_choice's), the whole checked legal: the start the search's tests improve."""
    plan = [best_choice(s, data, g) for g in groups]
    assert all(ch is not None for ch in plan)
    out = [ch for ch in plan if ch is not None]
    assert_legal(s, data, out)
    return out


def community_of(plan: Plan, uid: str) -> Community:
    """The community of ``plan`` that holds the unit ``uid``."""
    cid = plan.community[plan.unit_ids.index(uid)]
    return next(c for c in plan.communities if c.community_id == cid)
