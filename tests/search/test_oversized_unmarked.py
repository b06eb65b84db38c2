"""A piece with units above the maximum whose FACILITY-95 marks made its attach join
more households to their communities is attached again without the marks
(optimizer.search.oversized_unmarked): the household bounds are a rule, FACILITY-95 a
target, and the checker reads the rules without the marks. Wild seed 961 (10 s, two
workers): a 13-compound street joined 1,855 households to a 3,001-household compound
under the marks, 1,020 without; the checker found a plan joining 1,607 and failed
the exemption "no plan gives fewer households".

Here the search itself is a stand-in (``solve``), so each branch is seen: urban,
2,000-3,000; r0c0 (3,500) above the maximum::

    3500  600  700 2400
"""

from __future__ import annotations

import dataclasses

from optimizer.graph import components
from optimizer.model.piece import piece_data
from optimizer.plan.exemption import Exemption, Joined, Named
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.late_pick import outside
from optimizer.search.oversized_unmarked import unmarked_attach
from optimizer.search.piece_types import ATTACHED_WITHOUT_MARKS, PieceResult, PieceTask
from optimizer.status import Status

S = grid_scenario([[3500, 600, 700, 2400]])
R0C1 = S.unit_ids.index("r0c1")


def _joined(households: int) -> Exemption:
    return Exemption("SIZE-URBAN", "unit-above-max", "r0c0 alone ...", joined=Joined(
        Named(("r0c1",)), households, 2, 1300, 2000, 3000, True))


def _plan(*groups: tuple[str, ...]) -> PieceResult:
    """Communities of ``groups`` (unit ids), the first exempt and joined."""
    choices = tuple(Choice(S.unit_ids.index(g[0]), tuple(S.unit_ids.index(u) for u in g),
                           "build", None, None) for g in groups)
    hh = int(S.households[list(choices[0].members)].sum()) - 3500
    exemptions = ((_joined(hh),),) + ((),) * (len(groups) - 1)
    return PieceResult(0, choices, exemptions, Status.FEASIBLE, 1.0, 0.1, "attach", used_s=0.5)


MARKED_PLAN = _plan(("r0c0", "r0c1", "r0c2"), ("r0c3",))          # joins 1,300
UNMARKED_PLAN = _plan(("r0c0", "r0c1"), ("r0c2", "r0c3"))         # joins 600


def _setup() -> tuple[Scenario, PieceTask]:
    [c] = components(S)
    task = PieceTask(index=0, key=c.key, units=c.units, diagnosis=None, budget_s=3.0,
                     seed=0, threads=1)
    return S.replace(late_rooms=frozenset({R0C1})), task


def test_the_plan_without_the_marks_is_taken_where_it_joins_fewer() -> None:
    marked, task = _setup()
    data = piece_data(marked, task.key, task.units)
    seen: list[tuple[frozenset[int], float]] = []

    def solve(sc: Scenario, t: PieceTask) -> PieceResult:
        seen.append((sc.late_rooms, t.budget_s))
        return UNMARKED_PLAN
    got = unmarked_attach(marked, data, task, MARKED_PLAN, solve)
    assert seen == [(frozenset(), 2.5)]        # without the marks, with what was left
    assert got.choices == UNMARKED_PLAN.choices
    assert got.method == f"attach, {ATTACHED_WITHOUT_MARKS}"
    assert got.used_s == 1.0
    assert outside(S, got)[0] < outside(S, MARKED_PLAN)[0]


def test_the_marked_plan_stays_where_the_unmarked_joins_as_much() -> None:
    marked, task = _setup()
    data = piece_data(marked, task.key, task.units)
    got = unmarked_attach(marked, data, task, MARKED_PLAN, lambda sc, t: MARKED_PLAN)
    assert got.choices == MARKED_PLAN.choices and got.method == "attach"
    assert got.used_s == 1.0                   # the second search's time counted


def test_nothing_is_solved_again_without_marks_or_without_a_join() -> None:
    marked, task = _setup()
    data = piece_data(marked, task.key, task.units)

    def never(sc: Scenario, t: PieceTask) -> PieceResult:
        raise AssertionError("solved again")
    assert unmarked_attach(S, data, task, MARKED_PLAN, never) is MARKED_PLAN
    plain = dataclasses.replace(MARKED_PLAN, exemptions=((),) * len(MARKED_PLAN.choices))
    assert unmarked_attach(marked, data, task, plain, never) is plain


def test_the_marked_plan_stays_where_the_unmarked_exempts_a_community_away() -> None:
    """Fewer households outside the bounds without the marks (1,200 against 1,800),
    but by a community exempt away from r0c0 (r0c1 and r0c2, 1,300: the soft model's
    kind of plan), which the checker rejects where the rest can join r0c0's community:
    wild seed 694, whose marked attach passed its check."""
    marked, task = _setup()
    data = piece_data(marked, task.key, task.units)
    soft = _plan(("r0c0",), ("r0c1", "r0c2"), ("r0c3",))
    soft = dataclasses.replace(soft, exemptions=(
        soft.exemptions[0], (Exemption("SIZE-URBAN", "no-plan", "none found"),), ()))
    assert outside(S, soft)[0] < outside(S, MARKED_PLAN)[0]
    got = unmarked_attach(marked, data, task, MARKED_PLAN, lambda sc, t: soft)
    assert got.choices == MARKED_PLAN.choices and got.method == "attach"
