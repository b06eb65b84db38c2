"""Small drawn scenarios shared by the search tests."""

from __future__ import annotations

from typing import Any

from optimizer.plan.model import Plan
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario

__all__ = ["STREETS", "TWO_STREETS", "communities_of", "two_streets"]
TWO_STREETS = [[700, 800, 900, 600], [900, 600, 800, 700], [500, 700, 700, 900]]
STREETS = [["S1", "S1", "S2", "S2"]] * 3


def two_streets(**kw: Any) -> Scenario:
    """Two urban streets side by side (S1 | S2), three rows of four compounds."""
    return grid_scenario(TWO_STREETS, street=STREETS, **kw)


def communities_of(plan: Plan) -> list[list[str]]:
    """The plan's communities as sorted lists of unit ids, sorted (order-free compare)."""
    groups: dict[str, list[str]] = {}
    for u, c in zip(plan.unit_ids, plan.community, strict=True):
        groups.setdefault(c, []).append(u)
    return sorted(sorted(g) for g in groups.values())
