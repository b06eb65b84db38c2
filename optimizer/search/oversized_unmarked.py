"""A piece with units above the maximum planned again without FACILITY-95's marks
where the marks made its plan break the household bounds more.

FACILITY-95 is a target; the household bounds are a rule, and an exemption from them
holds only where no plan under the rules does better. The marks (optimizer.search.
late_first) narrow the centers a community may take, so the attach of an oversized
piece (optimizer.search.oversized_attach) can find that "no plan gives fewer
households to the communities of units above the maximum" only under them: wild seed
961's 13-compound street joined 1,855 households to a 3,001-household compound with
the marks, 1,020 without, and the checker, which reads the rules without the marks,
found a plan joining 1,607 and failed the exemption. The same reasoning as
optimizer.search.piece._unmarked_split for ordinary pieces.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.late_pick import outside
from optimizer.search.piece_types import ATTACHED_WITHOUT_MARKS, PieceResult, PieceTask


def unmarked_attach(scenario: Scenario, data: PieceData, task: PieceTask, res: PieceResult,
                    solve: Callable[[Scenario, PieceTask], PieceResult]) -> PieceResult:
    """``res``, or where the piece holds marks and a community of ``res`` carries units
    joined to an oversized unit's community (``Exemption.joined``), the plan ``solve``
    gives without the marks when it puts fewer households outside the bounds
    (late_pick.outside, as the whole run's unmarked search is judged) and exempts no
    more communities away from the units above the maximum. The
    time of both counts in ``used_s``."""
    marks = scenario.late_rooms & frozenset(data.units.tolist())
    if not marks or task.locks or not any(ex.joined is not None
                                          for exs in res.exemptions for ex in exs):
        return res
    plain = scenario.without_marks(marks)
    other = solve(plain, dataclasses.replace(task, budget_s=max(0.2, task.budget_s
                                                                  - res.used_s)))
    used = res.used_s + other.used_s
    if other.choices and outside(plain, other)[0] < outside(scenario, res)[0] \
            and _stray(data, other) <= _stray(data, res):
        return dataclasses.replace(other, used_s=used,
                                   method=f"{other.method}, {ATTACHED_WITHOUT_MARKS}")
    return dataclasses.replace(res, used_s=used)


def _stray(data: PieceData, res: PieceResult) -> int:
    """Exempt communities holding no unit above the maximum: wild seed 694's unmarked
    search ended on the soft model, fewer households outside the bounds than the
    marked attach but a short community exempt beside the units above the maximum,
    which the checker rejects ("the rest of the piece can join them"), where the
    marked plan passed."""
    over = {int(u) for u, h in zip(data.units.tolist(), data.households.tolist(),
                                   strict=True) if h > data.hi}
    return sum(1 for ch, exs in zip(res.choices, res.exemptions, strict=True)
               if exs and not over & set(ch.members))


__all__ = ["unmarked_attach"]
