"""An oversized unit whose own rooms coming cannot reach the area its households need.

A unit above the maximum is a community of its own (SIZE-URBAN / SIZE-RURAL exempt,
naming it). Where it holds rooms under construction or planned, PIPELINE makes them
its community's center (they are handed over, never built twice) and ONE-STATION
allows no second center beside them; when even the one of those sites that reaches
the most cannot give the area the unit's own households need (AREA-PER-HH), that
shortfall is a consequence of the same unit. Its community then takes that site,
extended to its full reach by the cheapest option that gets there, and an AREA-PER-HH
exemption for the shortfall only, naming the unit, the site, its reach and the area
needed (the held-out sweep's ov-u60-newdev-pipeline: a new development of 4,566
households, 913.2 m² needed, its planned rooms 900 m² at most; before, no plan).

Not where the unit also holds an ordinary site (existing, or for sale) that reaches the
need: then no exemption is proven and the search says there is no place for a center
(optimizer.search.oversized_errors.no_place_error), as before. The checker proves the
exemption on its own (optimizer.checker.shortfall).

The same holds where units that must join the unit (a part cut off below the minimum)
bring the rooms, or make the community outgrow rooms that reach the unit's own need
(:func:`joined_site`; bench/wild.py seeds 24, 110 and 133): the community takes the
rooms reaching most at their full reach, and the checker proves the joined units
forced (optimizer.checker.forced). A block with such a center is bounded by
:func:`short_bound`: the LP and the arithmetic floor price every center at its need.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from optimizer.graph.oversized import Part
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.piece import PieceData
from optimizer.model.precedence import imposed_sites
from optimizer.plan.exemption import Exemption
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import capped_choice
from optimizer.search.oversized_bound import bound_and_plan
from optimizer.search.piece_common import plan_cost
from optimizer.search.short_within import reach_m2, short_rooms_exemption
from optimizer.search.stop import StopFlag


def short_site(scenario: Scenario, unit: int) -> int | None:
    """The pipeline site ``unit``'s community must take as its center although it cannot
    reach the area the unit's own households need: of the sites PIPELINE imposes, the
    one that reaches the most (the first of equals); None when one of them reaches the
    need, when it holds none, or when an ordinary site of the unit reaches the need (no
    exemption is proven then)."""
    rooms = imposed_sites(scenario, unit)
    if not rooms:
        return None
    need = scenario.policy.required_area_m2(int(scenario.households[unit]))
    best = max(rooms, key=lambda k: (reach_m2(scenario, k), -k))
    if reach_m2(scenario, best) >= need:
        return None
    s = scenario.sites
    if any(not s.is_pipeline(k) and reach_m2(scenario, k) >= need
           for k in scenario.sites_by_unit.get(unit, ())):
        return None
    return best


def joined_site(scenario: Scenario, unit: int, members: tuple[int, ...]) -> int | None:
    """Where the community of ``unit`` (above the maximum) and the units that joined it
    (``members``) holds rooms PIPELINE imposes (a joined unit's, or ``unit``'s own) that
    cannot reach the area all its households need: the one of those sites that reaches
    the most, the community's only legal center (PIPELINE, ONE-STATION). None when one
    reaches that need, when none is imposed, or when an ordinary site of ``unit``
    reaches its own households' need (no exemption is proven then, as
    :func:`short_site`). Two cases: rooms of joined units too small even for ``unit``'s
    own households (bench/wild.py seeds 24 and 110: a compound cut off with it, below
    the minimum, holds rooms under construction of 593 m² at most beside a compound of
    4,628 households), and rooms that reach ``unit``'s own need but not the community's
    with the units that must join it (seed 133: compound 1203's 3,347 households need
    669.4 m², the cut-off part of 1,341 households below the minimum must join, and its
    rooms under construction S36-1189 reach 847.4 m² of the 937.6 m² the 4,688 need).
    Whether the units must join is the caller's search (and the checker's proof,
    optimizer.checker.forced)."""
    rooms = [k for u in members for k in imposed_sites(scenario, u)]
    if not rooms:
        return None
    h = scenario.households
    need = scenario.policy.required_area_m2(int(h[list(members)].sum()))
    own = scenario.policy.required_area_m2(int(h[unit]))
    best = max(rooms, key=lambda k: (reach_m2(scenario, k), -k))
    s = scenario.sites
    if reach_m2(scenario, best) >= need or any(
            not s.is_pipeline(k) and reach_m2(scenario, k) >= own
            for k in scenario.sites_by_unit.get(unit, ())):
        return None
    return best


def group_site(scenario: Scenario, unit: int, members: tuple[int, ...]) -> int:
    """Of the pipeline sites PIPELINE imposes on the community of ``members`` (``unit``'s
    and any other member's), the one that reaches the most: the checker asks for it."""
    rooms = [k for u in members for k in imposed_sites(scenario, u)] or [unit]
    return max(rooms, key=lambda k: (reach_m2(scenario, k), -k))


def short_bound(scenario: Scenario, gd: PieceData, parts: list[Part],
                cores: dict[int, list[int]], cap: int, choices: Sequence[Choice],
                stop: StopFlag, *, time_s: float = 0.0, seed: int = 0,
                deterministic: bool = True) -> tuple[float, float]:
    """A bound valid for every plan of the group ``gd`` (its ``parts`` and oversized
    ``cores``, at most ``cap`` households joining, as the LP's) whose communities may
    be centred on rooms coming too small (AREA-PER-HH exempt; ``choices``: such a
    plan), and the LP's work. The LP and the floor at the full need price each
    community at a center reaching its need: on bench/wild.py seeds 24, 96, 110, 133
    and helper strand's test shape they said 3-22% more than the plan found (the
    driver's clamp to the objective hid it).

    Where every part is below the minimum and touches one oversized unit, the plan is
    the only partition (each part joins that unit whole) and each center the cheapest
    the rules allow (a short one: its rooms at full reach), so its cost is the bound.
    Else the larger of the arithmetic floor and the LP bound (its whole-number versions
    ``time_s``) on :func:`_scaled`, the LP only where the scaling leaves what PIPELINE
    imposes as it is (a policy whose minimum community needs more than AREA-MIN could
    change it, and the LP's pricing keeps PIPELINE)."""
    if all(p.households < gd.lo and len(p.touches) == 1 for p in parts):
        return plan_cost(scenario, tuple(choices)), 0.0
    scaled = _scaled(scenario, gd, parts, cores, cap)
    floor = arithmetic_bound(scaled, gd, lo=0, hi=gd.total)
    if any(imposed_sites(scaled, int(u)) != imposed_sites(scenario, int(u))
           for u in gd.units.tolist()):
        return floor, 0.0
    got = bound_and_plan(scaled, gd, parts, cores, cap, stop, time_s=time_s, seed=seed,
                         deterministic=deterministic, plan=[ch.members for ch in choices])
    return max(floor, got.bound), got.work


def _scaled(scenario: Scenario, gd: PieceData, parts: list[Part],
            cores: dict[int, list[int]], cap: int) -> Scenario:
    """``scenario`` with AREA-PER-HH scaled down by the least, over the imposed rooms of
    the group, of their reach over the area the most households a short community on
    them can hold need: one oversized unit's core and every part touching it, at most
    ``cap`` households of them (the LP's cap: the bound is of plans joining no more),
    for the cores the rooms are in or beside (a community without a core keeps the
    bounds and its center legal). Every community of the group then meets the scaled need, so
    every plan is priced at or above a bound on it."""
    pol, h = scenario.policy, scenario.households
    near = {o: int(h[c].sum()) + min(cap, sum(p.households for p in parts if o in p.touches))
            for o, c in cores.items()}
    f = 1.0
    for u in gd.units.tolist():
        of = [o for o, c in cores.items() if u in c] or \
            [o for p in parts if u in p.units for o in p.touches]
        most = max((near[o] for o in of if o in near), default=gd.total)
        for k in imposed_sites(scenario, int(u)):
            f = min(f, reach_m2(scenario, k) / pol.required_area_m2(most))
    return dataclasses.replace(scenario, policy=dataclasses.replace(
        pol, area_per_100_households_m2=pol.area_per_100_households_m2 * f))


def short_choice(scenario: Scenario, members: tuple[int, ...], site: int) -> Choice | None:
    """The community of ``members`` centred on ``site`` extended to its full reach:
    the cheapest option on the site that gets there (``Choice.capped``)."""
    return capped_choice(scenario, members, site)


def short_exemption(scenario: Scenario, key: tuple[str, str, str], unit: int,
                    members: tuple[int, ...], site: int) -> Exemption:
    """The AREA-PER-HH exemption of the community of ``unit`` above the maximum centred
    on ``site`` (:func:`optimizer.search.short_within.short_rooms_exemption`)."""
    return short_rooms_exemption(scenario, key, unit, members, site, within=False)
