"""Each community at its cheapest centre after the search (optimizer.search.recentre):
a plan whose communities stand at dearer centres comes back cheaper with the same
members, legal, and repeatable; a plan already at its cheapest centres is left alone;
a raised stop changes nothing."""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizer.graph import components
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.attempt import Choice
from optimizer.search.piece_common import plan_cost
from optimizer.search.recentre import recentre
from optimizer.search.stop import StopFlag
from tests.helpers.plans import assert_legal, legal_plan

ROWS, COLS = 4, 8


def _street() -> tuple[Scenario, PieceData, list[Choice]]:
    """32 urban compounds in four 2x4 blocks, each block a community at its cheapest
    centre."""
    rng = np.random.default_rng(5)
    s = grid_scenario(rng.integers(250, 400, size=(ROWS, COLS)).tolist())
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    out = legal_plan(s, data, [[r * COLS + c for r in range(ROWS) for c in (2 * k, 2 * k + 1)]
                               for k in range(COLS // 2)])
    return s, data, out


def _dearest(s: Scenario, ch: Choice) -> Choice:
    """The same community at its dearest member as centre (same remedy and site kind
    where it prices; the search's sub-models can leave a community there)."""
    worst = ch
    for u in ch.members:
        try_ = dataclasses.replace(ch, center=u, site=None, credit_site=None)
        try:
            if price(s, try_).objective_yuan > price(s, worst).objective_yuan:
                worst = try_
        except ValueError:
            continue
    return worst


def test_dearer_centres_come_back_cheaper_with_the_same_members() -> None:
    s, data, best = _street()
    dear = [_dearest(s, ch) for ch in best]
    assert plan_cost(s, dear) > plan_cost(s, best)
    got = recentre(s, data, dear, StopFlag())
    assert got.choices and got.saved_yuan > 0
    assert [ch.members for ch in got.choices] == [ch.members for ch in dear]
    assert plan_cost(s, got.choices) == plan_cost(s, dear) - got.saved_yuan
    assert plan_cost(s, got.choices) <= plan_cost(s, best) + 1e-6
    assert_legal(s, data, list(got.choices))
    assert recentre(s, data, dear, StopFlag()) == got              # repeatable
    assert got.used_s > 0


def test_a_plan_at_its_cheapest_centres_is_left_alone() -> None:
    s, data, best = _street()
    got = recentre(s, data, best, StopFlag())
    assert got.choices == () and got.saved_yuan == 0.0


def test_a_raised_stop_changes_nothing() -> None:
    s, data, best = _street()
    dear = [_dearest(s, ch) for ch in best]
    stop = StopFlag()
    stop.set()
    assert recentre(s, data, dear, stop).choices == ()
