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
"""

from __future__ import annotations

from optimizer.graph.diagnosis import _Words
from optimizer.model.options import unit_options
from optimizer.model.precedence import imposed_sites
from optimizer.plan.exemption import CenterWhy, Exemption, Named
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import cheapest

STATUS_WORDS = {"under_construction": "under construction", "planned": "planned"}
SHORT_WHY = ("PIPELINE: its rooms are handed over to its community, not built twice; "
             "ONE-STATION: no second center beside them")


def reach_m2(scenario: Scenario, site: int) -> float:
    """The most a site's rooms can reach: max(area_m2, max_area_m2)."""
    s = scenario.sites
    return max(float(s.area_m2[site]), float(s.max_area_m2[site]))


def m2_text(x: float) -> str:
    """913.2 -> '913.2', 900.0 -> '900', 1234.56 -> '1,234.56'."""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


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
    """Where ``unit`` (above the maximum) holds no rooms PIPELINE imposes but units that
    joined its community do: the one of their pipeline sites that reaches the most,
    when even it cannot reach the area ``unit``'s own households need and no ordinary
    site of ``unit`` does (bench/wild.py seeds 24 and 110: a compound cut off with it,
    below the minimum, holds rooms under construction of 593 m² at most beside a
    compound of 4,628 households). None otherwise. Whether the unit with those rooms
    must join is the caller's search (and the checker's proof, optimizer.checker.forced)."""
    if imposed_sites(scenario, unit):
        return None
    rooms = [k for u in members if u != unit for k in imposed_sites(scenario, u)]
    if not rooms:
        return None
    need = scenario.policy.required_area_m2(int(scenario.households[unit]))
    best = max(rooms, key=lambda k: (reach_m2(scenario, k), -k))
    s = scenario.sites
    if reach_m2(scenario, best) >= need or any(
            not s.is_pipeline(k) and reach_m2(scenario, k) >= need
            for k in scenario.sites_by_unit.get(unit, ())):
        return None
    return best


def group_site(scenario: Scenario, unit: int, members: tuple[int, ...]) -> int:
    """Of the pipeline sites PIPELINE imposes on the community of ``members`` (``unit``'s
    and any other member's), the one that reaches the most: the checker asks for it."""
    rooms = [k for u in members for k in imposed_sites(scenario, u)] or [unit]
    return max(rooms, key=lambda k: (reach_m2(scenario, k), -k))


def short_choice(scenario: Scenario, members: tuple[int, ...], site: int) -> Choice | None:
    """The community of ``members`` centred on ``site`` extended to its full reach:
    the cheapest option on the site that gets there (``Choice.capped``)."""
    unit = int(scenario.sites.unit[site])
    return cheapest(scenario, (
        Choice(center=unit, members=members, remedy=spec.remedy, site=site,
               credit_site=None, capped=True)
        for spec in unit_options(scenario, unit) if spec.site == site and not spec.swap))


def short_exemption(scenario: Scenario, key: tuple[str, str, str], unit: int,
                    members: tuple[int, ...], site: int) -> Exemption:
    """The AREA-PER-HH exemption of the community of ``unit`` centred on ``site``: the
    shortfall only, naming the unit, the site, its reach, the area needed and why."""
    w = _Words(key)
    pol, s = scenario.policy, scenario.sites
    uid = scenario.unit_ids[unit]
    own = int(scenario.households[unit])
    total = int(scenario.households[list(members)].sum())
    need = pol.required_area_m2(total)
    reach = reach_m2(scenario, site)
    status = STATUS_WORDS.get(str(s.status[site]), str(s.status[site]))
    whose = (f"has {own:,} households, who need" if total == own else
             f"has {own:,} households and its community {total:,}, who need")
    text = (f"AREA-PER-HH: {w.place}: the {w.unit} {uid} above the maximum {whose} "
            f"{m2_text(need)} m²; its {status} site {s.site_ids[site]}, its community's "
            f"center ({SHORT_WHY}), reaches {m2_text(reach)} m² at most, so the center "
            f"is {m2_text(need - reach)} m² short.")
    return Exemption("AREA-PER-HH", "short-rooms", text, *key, named=Named((uid,)),
                     households=own,
                     centers=(CenterWhy(uid, (s.site_ids[site],), reach, need, total),),
                     why=status)
