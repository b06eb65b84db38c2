"""A piece's plan with communities on short rooms of a unit within the maximum: their
AREA-PER-HH exemption, and a bound valid for such plans (optimizer.search.short_within).

The search prices such a community at its rooms' full reach (``Choice.capped``), less
than a center at the need would cost; a floor that prices every community at a center
reaching its need (the arithmetic floor, the Lagrangian one) could then exceed the
plan (helper `reach` found it so for units above the maximum: 3-22% above the plan).
The floors of such a piece are taken on :func:`floor_scenario` instead: AREA-PER-HH
scaled down by the least reach of those units' rooms over the need of a community of
the maximum, so every community of every plan within the bounds meets the scaled need
(a short one holds at most the maximum households, its center reaching at least the
unit's own rooms; AREA-MIN is at most those rooms, which PIPELINE imposes). The
listing's own bound prices the short communities exactly (optimizer.search.short_price)
and stands; any other method's is lowered to that floor (:func:`mark_short`).
"""

from __future__ import annotations

import dataclasses

from optimizer.model.bounds import arithmetic_bound
from optimizer.model.piece import PieceData
from optimizer.model.precedence import imposed_sites
from optimizer.plan.exemption import Reasons
from optimizer.scenario.model import Scenario
from optimizer.search.piece_types import PieceResult
from optimizer.search.short_within import (
    anywhere,
    reach_m2,
    short_member,
    within_exemption,
    within_hi,
    within_short_site,
)
from optimizer.status import Status

LISTED = "columns("      # the listing's method (optimizer.search.piece._by_columns)
SIZE = ("SIZE-URBAN", "SIZE-RURAL")


def short_units(scenario: Scenario, data: PieceData) -> dict[int, int]:
    """The piece's units whose community must take short rooms -> their site."""
    out = {}
    for u in data.units.tolist():
        k = within_short_site(scenario, int(u))
        if k is not None:
            out[int(u)] = k
    return out


def floor_scenario(scenario: Scenario, data: PieceData,
                   extra: dict[int, int] | None = None) -> Scenario:
    """``scenario`` itself where the piece has no such unit; else with AREA-PER-HH scaled
    by min(reach / need of the maximum) over them (module docstring). ``extra``: more
    such units -> their site (mark_short's last-resort ones)."""
    short = {**short_units(scenario, data), **(extra or {})}
    if not short:
        return scenario
    pol = scenario.policy
    f = min(1.0, *(reach_m2(scenario, k) / pol.required_area_m2(data.hi)
                   for k in short.values()))
    return dataclasses.replace(scenario, policy=dataclasses.replace(
        pol, area_per_100_households_m2=pol.area_per_100_households_m2 * f))


def same_imposed(scenario: Scenario, scaled: Scenario, data: PieceData) -> bool:
    """Whether the scaling leaves what PIPELINE imposes as it is (else only the
    arithmetic floor is taken on it: the Lagrangian prices PIPELINE)."""
    return all(imposed_sites(scaled, int(u)) == imposed_sites(scenario, int(u))
               for u in data.units.tolist())


def floors_on(scenario: Scenario, data: PieceData) -> tuple[Scenario, bool]:
    """The scenario a piece's floors are taken on, and whether the Lagrangian one may be
    (:func:`floor_scenario`, :func:`same_imposed`)."""
    fl = floor_scenario(scenario, data)
    return fl, fl is scenario or same_imposed(scenario, fl, data)


def mark_short(scenario: Scenario, data: PieceData, res: PieceResult) -> PieceResult:
    """The AREA-PER-HH exemption on each community centred on short rooms of a unit
    within the maximum (none already there), and where any is, the bound at most the
    scaled floor unless the listing gave it. A community the last resort centred short
    (piece_common.last_resort) whose unit has the lightest paths' proof past
    :func:`proved`'s reading (short_within.anywhere) is named so too. Either way such
    a community within the bounds loses a "no plan" SIZE exemption it does not need:
    wild seed 785's 2,600-household compound kept "none found in time" words the
    checker rejects."""
    out: list[Reasons] = []
    extra: dict[int, int] = {}
    for ch, ex in zip(res.choices, res.exemptions, strict=True):
        w = int(scenario.households[list(ch.members)].sum())
        found = short_member(scenario, ch.members) if ch.capped else None
        proof = None
        if found is None and ch.capped and ch.site is not None and w <= data.hi:
            late = anywhere(scenario, ch.members)
            if late is not None:
                found, proof = (late[0], late[1].site), late[1]
                extra[found[0]] = found[1]
        if found is not None and data.lo <= w <= data.hi:
            ex = tuple(e for e in ex if not (e.kind == "no-plan" and e.rule in SIZE))
        if found is None or ch.site is None or any(e.rule == "AREA-PER-HH" for e in ex) \
                or (proof is None and not within_hi(scenario, found[0], w)):
            out.append(ex)
            continue
        out.append((*ex, within_exemption(scenario, data.key, found[0], ch.members,
                                          ch.site, proof)))
    if out == list(res.exemptions):
        return res
    bound = res.bound
    if not res.method.startswith(LISTED) or extra:
        sized = not any(e.rule in SIZE for ex in out for e in ex)
        scaled = floor_scenario(scenario, data, extra)
        floor = arithmetic_bound(scaled, data) if sized else \
            arithmetic_bound(scaled, data, lo=0, hi=data.total)
        bound = min(bound, floor)
    status = res.status if bound >= res.bound else Status.FEASIBLE
    return dataclasses.replace(res, exemptions=tuple(out), bound=bound, status=status)


def only_short(reasons: Reasons) -> bool:
    """Whether a community's exemptions are only such short rooms (a plan within the
    bounds: optimizer.search.oversized does not join its part to the stranded ones)."""
    return all(e.kind == "short-within" for e in reasons)


__all__ = ["floor_scenario", "floors_on", "mark_short", "only_short", "same_imposed", "short_units"]
