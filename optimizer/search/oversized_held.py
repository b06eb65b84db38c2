"""ONE-STATION's last resort in a piece with units above the maximum, once their
communities hold the places for a center they need (optimizer.graph.held).

The driver decides the stand-ins (a build where no_build forbids one) on the whole
piece, before the oversized units' companions claim their places: a village that
reaches a site within the bounds gets none, even when that site is the one an
oversized unit's community must take. The held-out sweep's vt40-nobuild-over3 (no_build
on a whole town, one site of 780 m² at most) then had no plan: two parts of 19 and 14
villages cut off by three units above the maximum joined the community holding the
site, whose 5,873 households needed 1,175 m². Here, when the search finds no place for
a center (:class:`~optimizer.search.oversized_errors.NoPlaceError`), the piece is
solved again with a build allowed to stand in at the units left without any place
once the oversized units' communities hold theirs. Each community centred on such a
stand-in is exempt (ONE-STATION), naming its units that no community outside the
plan's other oversized communities can give a center (of any size, or within the
bounds while it is within them) and the places those hold; where one cannot be
named so, the plan is not given and the error stands (the checker,
optimizer/checker/held.py, would reject it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from optimizer.graph.held import held_reason, held_units, left_centerless, places_held
from optimizer.model.piece import PieceData, piece_data
from optimizer.plan.exemption import Exemption, Reasons, text_of
from optimizer.scenario.model import Scenario
from optimizer.search.oversized_errors import NoPlaceError
from optimizer.search.oversized_least import ATTACH_S
from optimizer.search.piece_common import stand_in_reason, with_stand_ins
from optimizer.search.piece_types import PieceResult, PieceTask

Solve = Callable[[Scenario, PieceData, PieceTask], PieceResult]


def held_stand_ins(scenario: Scenario, data: PieceData, task: PieceTask, err: NoPlaceError,
                   cores: dict[int, list[int]], claimed: dict[int, bool],
                   solve: Solve) -> PieceResult | None:
    """The piece solved again (``solve``) with stand-ins at the units no community can
    give a center once the oversized units' ``cores`` (claimed: at a legal place) are
    held, each community centred there exempt; None when there are none such, or
    when some community centred on one cannot name a unit the plan's other oversized
    communities leave without a place."""
    units = data.units.tolist()
    held = held_units(cores, claimed)
    within, any_size = left_centerless(scenario, units, held, data.lo, data.hi)
    extra = sorted(u for u in within | any_size
                   if scenario.is_no_build(u) and u not in task.stand_ins)
    if not extra:
        return None
    lifted = with_stand_ins(scenario, extra)
    again = dataclasses.replace(task, stand_ins=tuple(sorted({*task.stand_ins, *extra})),
                                budget_s=max(ATTACH_S, task.budget_s - err.spent))
    res = solve(lifted, piece_data(lifted, data.key, data.units), again)
    exemptions: list[Reasons] = []
    for k, (ch, ex) in enumerate(zip(res.choices, res.exemptions, strict=True)):
        if ch.remedy == "build" and ch.center in extra:
            why = _reason(scenario, data, res, k)
            if why is None:
                return None
            ex = (*ex, stand_in_reason(scenario, why, ch.center))
        exemptions.append(ex)
    reason = " | ".join(dict.fromkeys(text_of(ex) for ex in exemptions if ex))
    return dataclasses.replace(res, exemptions=tuple(exemptions), reason=reason,
                               used_s=res.used_s + err.spent,
                               method=res.method + " (stand-ins once the places are held)")


def _reason(scenario: Scenario, data: PieceData, res: PieceResult, k: int
            ) -> Exemption | None:
    """The ONE-STATION exemption of community ``k`` of ``res``, centred on a stand-in:
    its units no community outside the plan's other oversized communities can give a
    center (of any size; else within the bounds, when it is within them), and the
    places those communities hold. None when there is no such unit."""
    h = scenario.households
    ch = res.choices[k]
    others = {u for j, c in enumerate(res.choices) if j != k
              and any(int(h[u]) > data.hi for u in c.members) for u in c.members}
    places = places_held(scenario, others)
    if not places:
        return None
    within, any_size = left_centerless(scenario, data.units.tolist(), others, data.lo,
                                       data.hi)
    total = int(h[list(ch.members)].sum())
    named = [u for u in ch.members if u in any_size]
    if not named and data.lo <= total <= data.hi:
        named = [u for u in ch.members if u in within]
    if not named:
        return None
    return held_reason(scenario, data.key, list(ch.members), named,
                       set(named) <= any_size, places)
