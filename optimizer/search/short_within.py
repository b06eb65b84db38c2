"""A unit within the maximum whose every possible center is too small: rooms coming
short, AREA-PER-HH exempt for its one community (issue 16, bench/wild.py seed 67).

PIPELINE: rooms under construction or planned are handed to the community holding
them and never built twice, so a community holding such a site (imposed: it reaches
the area a community of the lower bound needs, optimizer.model.precedence) takes a
pipeline site of its own units as its center, at most at its full reach
max(area_m2, max_area_m2); ONE-STATION allows no second center beside it, and no rule
lets a site exceed its reach. Where every pipeline site of every unit a community of
at most the maximum could hold together with the unit reaches less than that
community needs (AREA-PER-HH), no community holding the unit can meet AREA-PER-HH,
whatever the plan: seed 67's compound 235 (2,600 households, within the urban
maximum) needs 520 m², and its planned rooms S116-235 (coming 2017) reach 491 m².
Before, every community holding it was dropped from the listing (no legal center),
the street had no partition, and its soft plan's SIZE exemptions failed the check.

Beside a unit above the maximum, and in pieces of at most EXHAUSTIVE_UNITS units
without one (:func:`_beside_oversized`; wild seed 399, session 33: before, only beside
one; elsewhere every community holding the unit left the listing and a SIZE exemption
on a core stood where the piece splits within the bounds), and in larger pieces
where no community of up to twice the maximum holding the unit has a pipeline site
reaching its need (:func:`proved`; wild seed 766, session 43), or where the unit's
only community within the bounds is itself: it joins no neighbour within the maximum
(wild seed 1275, session 46: a 3,000-household compound in a 91-compound street).
Such a unit's
community takes the pipeline site reaching the most among its units at that full reach
(``Choice.capped``), only where
no legal center exists for its group (:func:`short_group_choice`), and gets an
AREA-PER-HH exemption naming the unit, the site, its reach and the shortfall
(:func:`within_exemption`); every other community of the piece is priced and bounded
as before. The checker proves it with its own code (optimizer.checker.short_within).

The proof (:func:`within_short_site`): the lightest connected path from the unit to a
unit ``v`` has w(u, v) households, so a community holding both holds at least that
many; a pipeline site of ``v`` reaching less than the need of w(u, v) households (of
at least the unit's own) is short for every such community. Only paths of at most the
maximum count: a community within the bounds never holds more. Where some community
below the minimum would fit the rooms (the unit alone, seed 399), the proof is taken
over the communities within the bounds, each connected group of them holding the unit
listed (:func:`_in_bounds`, at most MOST_GROUPS; the paths alone do not bound what
the minimum adds): such a community alone is exempt (``Proved.floor``,
:func:`within_hi`), one below the minimum is not.
"""

from __future__ import annotations

import heapq
import math
import weakref
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from optimizer.graph.center import joins_none
from optimizer.graph.diagnosis import EXHAUSTIVE_UNITS, _Words
from optimizer.graph.pieces import grown_groups, neighbour_masks
from optimizer.model.precedence import imposed_sites
from optimizer.plan.exemption import CenterWhy, Exemption, Named
from optimizer.scenario.model import Scenario

KIND = "short-within"
STATUS_WORDS = {"under_construction": "under construction", "planned": "planned"}
_CACHE: list[tuple[weakref.ref[Scenario], dict[int, Proved | None]]] = []
_CACHE_SIZE = 8
MOST_GROUPS = 50_000    # groups holding the unit the within-bounds proof looks at, at most
BREAK_REACH = 2         # x the maximum: the widest community optimizer.search.cored lets
                        # break the bounds (its slacks run to the maximum; a test ties them)


def reach_m2(scenario: Scenario, site: int) -> float:
    """The most a site's rooms can reach: max(area_m2, max_area_m2)."""
    s = scenario.sites
    return max(float(s.area_m2[site]), float(s.max_area_m2[site]))


def m2_text(x: float) -> str:
    """913.2 -> '913.2', 900.0 -> '900', 1234.56 -> '1,234.56'."""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def within_short_site(scenario: Scenario, unit: int) -> int | None:
    """The site ``unit``'s community must take, short, where ``unit`` (within the
    maximum) holds rooms PIPELINE imposes and no community of at most the maximum
    (or, failing that, of the minimum to the maximum) holding it can have a legal
    center (module docstring): the pipeline site of the unit reaching the most (the
    first of equals). None otherwise (above the maximum:
    optimizer.search.oversized_short)."""
    found = proved(scenario, unit)
    return None if found is None else found.site


class Proved(NamedTuple):
    """The proof of :func:`within_short_site` for one unit."""

    site: int           # the pipeline site its community takes
    floor: int          # the fewest households of a community it covers: 0 or the minimum
    least: float        # m² each is short by at least (the minimum's reading; nan for
                        # the old one, whose words keep the unit's own need: seed 67)


def proved(scenario: Scenario, unit: int) -> Proved | None:
    """:func:`within_short_site`'s proof, memoised per scenario: first for every
    community of at most the maximum, else for those within the bounds."""
    got = next((seen for ref, seen in _CACHE if ref() is scenario), None)
    if got is None:         # weakly held: a scenario copy (stand-ins, repricing) is new
        got = {}
        _CACHE.insert(0, (weakref.ref(scenario), got))
        del _CACHE[_CACHE_SIZE:]
    if unit not in got:
        lo, hi = scenario.policy.bounds(bool(scenario.urban[unit]))
        if not imposed_sites(scenario, unit) or int(scenario.households[unit]) > hi:
            got[unit] = None        # the common case first: the piece's scans are O(n)
        elif _beside_oversized(scenario, unit, hi):
            got[unit] = _short_site(scenario, unit, 0)
        elif _piece_size(scenario, unit) <= EXHAUSTIVE_UNITS:
            got[unit] = _short_site(scenario, unit, 0) or _short_site(scenario, unit, lo)
        elif _alone_within(scenario, unit, lo, hi):
            # Its one community within the bounds is itself: wild seed 1275's compound
            # 131 (3,000 households, its rooms under construction short of 600 m²) in a
            # 91-compound street. Read below, a community breaking the maximum could
            # centre it, so the street fell to the soft model, whose SIZE exemptions the
            # checker rejects (the street splits within the bounds, 131 alone).
            got[unit] = _short_site(scenario, unit, 0)
        else:
            # Larger pieces: only where no community of up to twice the maximum holding
            # the unit has a pipeline site reaching its need. The widest community
            # optimizer.search.cored lets break the bounds holds that many (its slack
            # runs to the maximum), so its SIZE exemption cannot give the unit a center
            # either, and the piece fell whole to the soft model: wild seed 766's
            # compound 035 (2,344 households, rooms reaching 439.8 m² of the 468.8
            # needed) in a 134-compound street, whose soft plan built where no_build
            # forbids and failed the check; read short, the listing splits the rest
            # within the bounds.
            got[unit] = _short_site(scenario, unit, 0, reach=BREAK_REACH * hi)
    return got[unit]


def anywhere(scenario: Scenario, members: Iterable[int]) -> tuple[int, Proved] | None:
    """(unit, proof) of the first member of a group with the lightest paths' proof
    (communities of at most the maximum, ``floor`` 0), in a piece of any size: the
    proof holds there too and the checker takes it at any size; the search keeps to
    :func:`proved`'s reading (past EXHAUSTIVE_UNITS units its floors would be scaled
    on every such piece: seed 123's gap 0.32% -> 5.38%, session 36), so this one only
    names a community the last resort had to centre short (short_mark.mark_short:
    wild seed 785's compound 5573c43d, 2,600 households, rooms reaching 503.4 m² of
    the 520 needed, in a 204-compound street)."""
    for u in members:
        found = _short_site(scenario, int(u), 0)
        if found is not None:
            return int(u), found
    return None


def _alone_within(scenario: Scenario, unit: int, lo: int, hi: int) -> bool:
    """Whether ``unit`` alone is the one community within the bounds holding it: it has
    at least the minimum, and with any neighbour of its piece passes the maximum."""
    key = scenario.piece_key(unit)
    same = {v for v in scenario.neighbours[unit].tolist() if scenario.piece_key(v) == key}
    return int(scenario.households[unit]) >= lo and joins_none(scenario, unit, hi, same)


def _piece_size(scenario: Scenario, unit: int) -> int:
    """The number of units of ``unit``'s piece."""
    key = scenario.piece_key(unit)
    return sum(scenario.piece_key(v) == key for v in range(len(scenario.unit_ids)))


def _short_site(scenario: Scenario, unit: int, floor: int, reach: int | None = None
                ) -> Proved | None:
    """The proof for the communities of ``floor`` to the maximum households holding
    ``unit``: with ``floor`` 0 by the lightest paths (module docstring); with the
    minimum, by every connected group holding the unit within the bounds
    (:func:`_in_bounds`). ``reach``: with ``floor`` 0, the paths followed up to that
    many households in place of the maximum (a wider proof: the same site)."""
    pol, h, s = scenario.policy, scenario.households, scenario.sites
    hi = pol.bounds(bool(scenario.urban[unit]))[1]
    top = hi if reach is None else max(hi, reach)
    own = int(h[unit])
    rooms = imposed_sites(scenario, unit)
    if not rooms or own > hi:
        return None
    # Kept from the oversized case (optimizer.search.oversized_short.short_site): an
    # ordinary site of the unit reaching its own need blocks the exemption.
    if any(not s.is_pipeline(k) and reach_m2(scenario, k) >= pol.required_area_m2(own)
           for k in scenario.sites_by_unit.get(unit, ())):
        return None
    key = scenario.piece_key(unit)
    done: set[int] = set()
    heap = [(own, unit)]
    while heap:
        w, v = heapq.heappop(heap)
        if v in done or w > top:
            continue
        done.add(v)
        if floor == 0 and any(s.is_pipeline(k) and reach_m2(scenario, k)
                              >= pol.required_area_m2(w)
                              for k in scenario.sites_by_unit.get(v, ())):
            return None
        for n in scenario.neighbours[v].tolist():
            if n not in done and scenario.piece_key(n) == key:
                heapq.heappush(heap, (w + int(h[n]), n))
    site = max(rooms, key=lambda k: (reach_m2(scenario, k), -k))
    if floor == 0:
        return Proved(site, 0, math.nan)
    least = _in_bounds(scenario, unit, sorted(done), floor, hi)
    return None if least is None else Proved(site, floor, least)


def _in_bounds(scenario: Scenario, unit: int, near: list[int], lo: int, hi: int
               ) -> float | None:
    """The least shortfall (m²) over every connected group of ``near`` (the units at
    most ``hi`` households away) holding ``unit`` with lo..hi households, where each
    has a pipeline site (its center: PIPELINE, ``unit``'s rooms imposed) and none
    reaches the group's need (AREA-PER-HH); None where one reaches it, where no such
    group exists (then the size rule is what breaks), or past MOST_GROUPS groups."""
    pol, s = scenario.policy, scenario.sites
    nbr = neighbour_masks(scenario, near)
    hh = [int(scenario.households[v]) for v in near]
    pipes = [(1 << k, max(reach_m2(scenario, j) for j in sites))
             for k, v in enumerate(near)
             if (sites := [j for j in scenario.sites_by_unit.get(v, ()) if s.is_pipeline(j)])]
    least = math.inf
    for n, (group, w) in enumerate(grown_groups(nbr, hh, 1 << near.index(unit),
                                                (1 << len(near)) - 1, hi)):
        if n >= MOST_GROUPS:
            return None
        if w < lo:
            continue
        short = pol.required_area_m2(w) - max(r for bit, r in pipes if group & bit)
        if short <= 0:
            return None
        least = min(least, short)
    return least if math.isfinite(least) else None


def _beside_oversized(scenario: Scenario, unit: int, hi: int) -> bool:
    """Whether ``unit``'s piece holds a unit above the maximum. Beside units above the
    maximum the checker rejects a SIZE exemption on a core (the rest of the piece can
    join them), so the reading over every community of at most the maximum holds there
    (seed 67), and only it: over the communities within the bounds its parts and
    joins read worse (session 33, seed 110's 9-compound street: 3.98 M yuan against
    3.05 M, 60 s, one worker). Elsewhere only in pieces of at most EXHAUSTIVE_UNITS
    units: in a larger one the community of such a unit is a core the checker proves
    (no non-overlapping communities within the bounds with legal centers hold it,
    optimizer.checker.cover) and takes a legal center with a SIZE exemption
    (optimizer.search.cored; bench/wild.py seed 123's 239-compound street, 村-107 of
    2,292 households in a community of 4,691 centred on S249-村-108), in about half
    the time the listing's full path takes there (start and set partitioning: 95 s
    against 35 s wall for the street, load 7-8; session 33: read short there, the
    60-s plan of one worker at load 7.7 was the unrepaired soft start, 8 SIZE
    exemptions the checker rejects). The checker accepts either reading."""
    key = scenario.piece_key(unit)
    return any(scenario.piece_key(int(v)) == key
               for v in np.flatnonzero(np.asarray(scenario.households) > hi).tolist())


def short_member(scenario: Scenario, members: Iterable[int]) -> tuple[int, int] | None:
    """(unit, site) of the first member of a group whose community must take short rooms
    (:func:`within_short_site`), or None."""
    for u in members:
        k = within_short_site(scenario, int(u))
        if k is not None:
            return int(u), k
    return None


def within_hi(scenario: Scenario, unit: int, households: int) -> bool:
    """Whether a group of ``households`` holding ``unit`` is within the proof's reach
    (at most the maximum: the proof says nothing of larger groups; at least the
    minimum where only that is proven, :func:`_short_site`)."""
    found = proved(scenario, unit)
    floor = 0 if found is None else found.floor
    return floor <= households <= scenario.policy.bounds(bool(scenario.urban[unit]))[1]


SHORT_WHY = ("PIPELINE: its rooms are handed over to its community, not built twice; "
             "ONE-STATION: no second center beside them")


def short_rooms_exemption(scenario: Scenario, key: tuple[str, str, str], unit: int,
                          members: tuple[int, ...], site: int, *,
                          within: bool, proof: Proved | None = None) -> Exemption:
    """The AREA-PER-HH exemption of the community of ``members`` holding ``unit``,
    centred on its pipeline ``site`` at full reach: the shortfall only, naming the unit,
    the site, its reach, the area needed and why. One text for a unit above the maximum
    (search/oversized_short.py) and one within it (``within``: also the least shortfall,
    the unit alone, that every community holding it has); report/reasons_short.py reads
    both back. ``proof``: the unit's (:func:`anywhere`) where :func:`proved` has none."""
    w = _Words(key)
    pol, s = scenario.policy, scenario.sites
    uid = scenario.unit_ids[unit]
    own = int(scenario.households[unit])
    total = int(scenario.households[list(members)].sum())
    hi = pol.bounds(bool(scenario.urban[unit]))[1]
    need = pol.required_area_m2(total)
    reach = reach_m2(scenario, site)
    status = STATUS_WORDS.get(str(s.status[site]), str(s.status[site]))
    whose = (f"has {own:,} households, who need" if total == own else
             f"has {own:,} households and its community {total:,}, who need")
    where = "within" if within else "above"
    text = (f"AREA-PER-HH: {w.place}: the {w.unit} {uid} {where} the maximum {whose} "
            f"{m2_text(need)} m²; its {status} site {s.site_ids[site]}, its community's "
            f"center ({SHORT_WHY}), reaches {m2_text(reach)} m² at most, so the center "
            f"is {m2_text(need - reach)} m² short")
    lo = 0
    if within:
        found = proof or proved(scenario, unit)
        assert found is not None, "within_exemption on a unit without the proof"
        lo = found.floor
        sizes = f"of at most {hi:,}" if lo == 0 else f"of {lo:,}-{hi:,}"
        least = pol.required_area_m2(own) - reach if lo == 0 else found.least
        text += (f"; no community {sizes} households holding {uid} has a "
                 f"pipeline site reaching its need (at least {m2_text(least)} m² "
                 f"short in every plan)")
    centers = (CenterWhy(uid, (s.site_ids[site],), reach, need, total),)
    return Exemption("AREA-PER-HH", KIND if within else "short-rooms", text + ".", *key,
                     named=Named((uid,)), households=own, centers=centers, why=status,
                     lo=lo, hi=hi if within else 0)


def within_exemption(scenario: Scenario, key: tuple[str, str, str], unit: int,
                     members: tuple[int, ...], site: int, proof: Proved | None = None
                     ) -> Exemption:
    """The exemption of a unit within the maximum every center of whose communities is
    short (:func:`short_rooms_exemption`)."""
    return short_rooms_exemption(scenario, key, unit, members, site, within=True,
                                 proof=proof)


__all__ = ["BREAK_REACH", "KIND", "SHORT_WHY", "Proved", "anywhere", "proved", "short_member",
           "short_rooms_exemption", "within_exemption", "within_hi", "within_short_site"]
