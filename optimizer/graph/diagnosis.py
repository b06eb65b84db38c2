"""Feasibility diagnosis: the pieces that provably cannot meet SIZE-URBAN/SIZE-RURAL
or ONE-STATION.

A pure function of the scenario (no solver). For each component of
:func:`optimizer.graph.pieces.components` (a connected piece of one county, street, kind):

- ``unit-above-max``: one unit alone holds more households than a community may
  (a unit is never split);
- ``too-small``: the piece has fewer households than one community needs;
- ``no-integer-k``: no whole number k of communities has k·L ≤ H ≤ k·U;
- ``cut-off``: the piece is too small or fits no k, and ``scenario.cut_edges`` link it
  to another piece of the same town/street and kind: a barrier cut it off;
- ``no-center`` (ONE-STATION): some unit cannot be in any community within the
  bounds that has a place for a service center (:mod:`optimizer.graph.center`).

Each diagnosis says, in planner terms, which units, which town, which rule, how many
households short or over, and which relaxation would help.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from dataclasses import dataclass

import numpy as np

from optimizer.graph.alone import alone_reason
from optimizer.graph.core_units import part_reason
from optimizer.graph.pieces import (
    Component,
    decompose,
    feasible_community_counts,
)
from optimizer.graph.split_search import SPLIT_STEPS, splittable
from optimizer.graph.tight import tight_splittable
from optimizer.plan.exemption import Exemption, Named
from optimizer.scenario.model import Scenario

MAX_IDS_SHOWN = 10


@dataclass(frozen=True)
class Diagnosis:
    rule: str                       # SIZE-URBAN, SIZE-RURAL or ONE-STATION (no-center)
    reason: str                     # too-small | no-integer-k | unit-above-max | cut-off |
                                    # no-partition | no-center
    key: tuple[str, str, str]       # (county, street, kind)
    units: tuple[str, ...]          # unit ids concerned (all of them)
    households: int                 # of those units
    message: str                    # what is wrong, in planner terms
    relaxation: str                 # what would help
    # the exemption it grounds, as a record: its text is f"{rule}: {message}"
    record: Exemption | None = None

    def __str__(self) -> str:
        return f"{self.message} Relaxation: {self.relaxation}."


EXHAUSTIVE_UNITS = 64   # pieces up to this size are searched for a valid split (split_search)


def list_ids(ids: tuple[str, ...] | list[str], limit: int = MAX_IDS_SHOWN) -> str:
    """'a, b, c' or 'a, b, ..., j and 5 more'."""
    ids = list(ids)
    if len(ids) <= limit:
        return ", ".join(ids) if len(ids) < 2 else ", ".join(ids[:-1]) + " and " + ids[-1]
    return ", ".join(ids[:limit]) + f" and {len(ids) - limit:,} more"


def shown(ids: tuple[str, ...] | list[str], limit: int = MAX_IDS_SHOWN) -> tuple[
        tuple[str, ...], int]:
    """The ids :func:`list_ids` shows, and how many it counts as "more"."""
    ids = tuple(ids)
    return (ids, 0) if len(ids) <= limit else (ids[:limit], len(ids) - limit)


def _communities(k: int) -> str:
    return f"{k} communit{'y' if k == 1 else 'ies'}"


class _Words:
    """Planner words for one (county, street, kind)."""

    def __init__(self, key: tuple[str, str, str]) -> None:
        county, street, kind = key
        self.kind = kind
        self.rural = kind == "rural"
        self.town = "town" if self.rural else "town/street"
        self.place = f"{'Town' if self.rural else 'Town/street'} '{street}' (county '{county}')"
        self.unit = "rural village" if self.rural else "urban compound"
        self.units = "rural villages" if self.rural else "urban compounds"
        self.area = f"{kind} area"
        self.a_kind = f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"

    def named(self, ids: tuple[str, ...], whole: bool, cut_off: bool) -> Named:
        """What :meth:`piece` names, as a record."""
        return Named(*shown(ids), "whole" if whole else "part", cut_off and not whole,
                     0 if whole else len(ids))

    def piece(self, ids: tuple[str, ...], whole: bool, cut_off: bool) -> str:
        """'the rural villages a, b, c (a piece of 3 units cut off by a barrier ...)'."""
        named = (f"the {self.unit} {ids[0]}" if len(ids) == 1
                 else f"the {self.units} {list_ids(ids)}")
        if whole:
            return f"the whole {self.area}, {named[4:]},"
        size = "a single unit" if len(ids) == 1 else f"a piece of {len(ids):,} units"
        how = ("cut off by a barrier from" if cut_off
               else "with no neighbour link to")
        return f"{named} ({size} {how} the rest of the {self.town}'s {self.area})"


# diagnose's answers by scenario object (weak keys: an answer goes with its scenario),
# with the search caps they were found under
_DIAGNOSED: weakref.WeakKeyDictionary[Scenario, tuple[tuple[int, int], tuple[Diagnosis, ...]]] \
    = weakref.WeakKeyDictionary()


def diagnose(scenario: Scenario) -> list[Diagnosis]:
    """Every provably infeasible piece of the scenario, in component order.

    Answered once per scenario object: a Scenario is frozen (its arrays read-only, every
    what-if a new object from :meth:`Scenario.replace`), and the split searches below
    are step-bounded but not clocked (2.0-2.2 s for seed 313's 40-village piece at load
    4). The search diagnosed the same scenario up to three times (the driver, then
    FACILITY-95's second try, optimizer.search.late_rooms.meeting_target, which did it
    after the clock's end: bench/wild.py seed 313 at 10 s, one worker, ended 1.2 s
    later for it; bench/JOURNAL.md, session 32, helper hunt)."""
    caps = (EXHAUSTIVE_UNITS, SPLIT_STEPS)
    got = _DIAGNOSED.get(scenario)
    if got is None or got[0] != caps:
        got = (caps, tuple(_diagnose(scenario)))
        _DIAGNOSED[scenario] = got
    return list(got[1])


def _diagnose(scenario: Scenario) -> list[Diagnosis]:
    comps, comp_of = decompose(scenario)
    per_key = Counter(c.key for c in comps)
    linked: dict[int, set[int]] = {}
    cut = np.asarray(scenario.cut_edges, dtype=np.int64).reshape(-1, 2)
    for ca, cb in zip(comp_of[cut[:, 0]].tolist(), comp_of[cut[:, 1]].tolist(), strict=True):
        if ca != cb and comps[ca].key == comps[cb].key:
            linked.setdefault(ca, set()).add(cb)
            linked.setdefault(cb, set()).add(ca)
    out: list[Diagnosis] = []
    for c, comp in enumerate(comps):
        out.extend(_diagnose_component(scenario, comps, c, per_key[comp.key] == 1,
                                       sorted(linked.get(c, ()))))
        out.extend(_no_center(scenario, comp))
    return out


def _no_center(scenario: Scenario, comp: Component) -> list[Diagnosis]:
    """ONE-STATION: units no community within the bounds can give a center
    (:mod:`optimizer.graph.center`)."""
    from optimizer.graph.center import center_why_text, centerless, why_unit

    lo, hi = scenario.policy.bounds(comp.urban)
    found = centerless(scenario, comp.units.tolist(), lo, hi)
    units = sorted(set(found.within_bounds) | set(found.at_any_size))
    if not units:
        return []
    w = _Words(comp.key)
    ids = tuple(scenario.unit_ids[u] for u in units)
    hh = int(scenario.households[units].sum())
    whys = tuple(why_unit(scenario, u, lo) for u in units[:3])
    why = "; ".join(center_why_text(x) for x in whys) \
        + (f"; and {len(units) - 3} more" if len(units) > 3 else "")
    named = (f"the {w.unit} {ids[0]}" if len(ids) == 1 else f"the {w.units} {list_ids(ids)}")
    any_size = set(units) <= set(found.at_any_size)
    scope = ("in any community holding it, of any size" if any_size
             else f"in any {w.kind} community of {lo:,}-{hi:,} households holding "
                  f"{'it' if len(ids) == 1 else 'one of them'}")
    message = (f"{w.place}: no place for a service center (ONE-STATION) {scope}, for "
               f"{named} ({hh:,} households): {why}, and no unit such a community could "
               f"share with {'it' if len(ids) == 1 else 'them'} has a place for one either.")
    relaxation = (f"allow a new center in {ids[0] if len(ids) == 1 else 'one of them'} (clear "
                  f"no_build), or add a site in or near {'it' if len(ids) == 1 else 'them'} "
                  f"to sites.csv (at least "
                  f"{scenario.policy.required_area_m2(lo):,.0f} m² once extended)")
    record = Exemption("ONE-STATION", "no-center", f"ONE-STATION: {message}", *comp.key,
                       named=Named(*shown(ids)), households=hh, lo=0 if any_size else lo,
                       hi=0 if any_size else hi, centers=whys,
                       centers_more=max(0, len(units) - 3), any_size=any_size)
    return [Diagnosis(rule="ONE-STATION", reason="no-center", key=comp.key, units=ids,
                      households=hh, message=message, relaxation=relaxation, record=record)]


def _diagnose_component(scenario: Scenario, comps: list[Component], c: int, whole: bool,
                        linked: list[int]) -> list[Diagnosis]:

    comp = comps[c]
    lo, hi = scenario.policy.bounds(comp.urban)
    rule = scenario.policy.size_rule(comp.urban)
    w = _Words(comp.key)
    hh = scenario.households
    ids = tuple(scenario.unit_ids[i] for i in comp.units.tolist())
    over = [i for i in comp.units.tolist() if int(hh[i]) > hi]
    if over:
        return [_unit_above_max(scenario, comp, i, lo, hi, rule, w) for i in over]
    h = comp.households
    if feasible_community_counts(h, lo, hi):
        units = comp.units.tolist()
        split = None if len(ids) > EXHAUSTIVE_UNITS else splittable(scenario, units, lo, hi)
        if split is None and len(ids) <= EXHAUSTIVE_UNITS:  # a few communities (seed 313)
            split = tight_splittable(scenario, units, lo, hi)
        centers = ""
        if split is True:           # by households; and with a place for each center?
            from optimizer.graph.center import capacity_m2, centerless

            cap = [capacity_m2(scenario, u) for u in units]
            # (a unit with no center in any community within the bounds is _no_center's
            # ONE-STATION diagnosis, the narrower one: this is for the pieces where each
            # unit has one alone but no two such communities fit together)
            found = centerless(scenario, units, lo, hi) if min(cap) < math.inf else None
            if found is not None and not found.within_bounds and not found.at_any_size \
                    and splittable(scenario, units, lo, hi, cap) is False:
                split, centers = False, (" that each have a place for a service center "
                                         "(ONE-STATION: a no_build unit without a site "
                                         "large enough needs a neighbour that has one)")
        if split is not False:
            return []
        piece = w.piece(ids, whole, cut_off=bool(linked))
        message = (f"{w.place}: {piece} {'have' if len(ids) > 1 else 'has'} {h:,} "
                   f"households, but no way to split {'them' if len(ids) > 1 else 'it'} "
                   f"into connected {w.kind} communities of {lo:,}-{hi:,} households"
                   f"{centers} exists ({rule}; every split of these {len(ids)} units was "
                   f"checked).")
        why = None if centers else alone_reason(scenario, units, lo, hi, w.kind, shown, list_ids)
        link = None if centers or why else part_reason(scenario, units, lo, hi, w.kind, shown)
        message += why[0] if why else link[0] if link else ""
        record = Exemption(rule, "no-partition", f"{rule}: {message}", *comp.key,
                           named=w.named(ids, whole, bool(linked)), households=h, lo=lo, hi=hi,
                           n_units=len(ids), alone=why[1] if why else None,
                           cut=link[1] if link else None, core=link[2] if link else None)
        return [Diagnosis(rule=rule, reason="no-partition", key=comp.key, units=ids,
                          households=h, message=message, record=record,
                          relaxation=f"widen the {w.kind} bounds for this piece (an "
                                     f"exemption under {rule}), or merge it with a "
                                     f"neighbouring {w.town} (crossing NESTING)")]
    piece = w.piece(ids, whole, cut_off=bool(linked))
    verb = "has" if len(ids) == 1 or whole else "have"
    fixes: list[str] = []
    if h < lo:
        reason = "too-small"
        message = (f"{w.place}: {piece} {verb} {h:,} households; {w.a_kind} community needs "
                   f"{lo:,}-{hi:,} ({rule}): {lo - h:,} households short.")
        if h == 0:
            fixes.append(f"exempt this empty piece from {rule}")
        else:
            fixes.append(f"lower the {w.kind} minimum to {h:,} for this piece (an exemption "
                         f"under {rule})")
    else:
        reason = "no-integer-k"
        k = h // hi
        message = (f"{w.place}: {piece} {verb} {h:,} households, and no whole number of "
                   f"{w.kind} communities of {lo:,}-{hi:,} households fits ({rule}): "
                   f"{_communities(k)} could hold at most {k * hi:,} ({h - k * hi:,} over) "
                   f"and {k + 1} need at least {(k + 1) * lo:,} ({(k + 1) * lo - h:,} short).")
        new_hi, new_lo = math.ceil(h / k), h // (k + 1)
        fixes.append(f"raise the {w.kind} maximum to {new_hi:,} (+{new_hi - hi:,}) so "
                     f"{_communities(k)} fit, or lower the {w.kind} minimum to {new_lo:,} "
                     f"(-{lo - new_lo:,}) so {k + 1} fit")
    if linked:
        reason = "cut-off"
        fixes.append(_join_across(scenario, comps, comp, linked, lo, hi, w))
    elif not whole:
        fixes.append(f"connect it to the rest of the {w.town}'s {w.area} (a missing road "
                     f"or shared boundary in the unit data?)")
    fixes.append(f"merge it with the {w.area} of a neighbouring {w.town} (crossing NESTING)")
    record = Exemption(rule, "too-small" if h < lo else "no-integer-k", f"{rule}: {message}",
                       *comp.key, named=w.named(ids, whole, bool(linked)), households=h,
                       lo=lo, hi=hi)
    return [Diagnosis(rule=rule, reason=reason, key=comp.key, units=ids, households=h,
                      message=message, relaxation=", ".join(fixes[:-1]) + ", or " + fixes[-1],
                      record=record)]


def _join_across(scenario: Scenario, comps: list[Component], comp: Component,
                 linked: list[int], lo: int, hi: int, w: _Words) -> str:
    """'join it to the neighbouring piece across the barrier (...)'."""

    others = [comps[j] for j in linked]
    other_ids = [scenario.unit_ids[i] for o in others for i in o.units.tolist()]
    together = comp.households + sum(o.households for o in others)
    ks = feasible_community_counts(together, lo, hi)
    outcome = (f"enough for {_communities(ks[0])}" if ks
               else "which still fits no whole number of communities")
    return (f"join it to the neighbouring piece across the barrier ({list_ids(other_ids, 5)}; "
            f"together {together:,} households, {outcome}; a bridge or ferry counts as a "
            f"link)")


def _unit_above_max(scenario: Scenario, comp: Component, i: int, lo: int, hi: int, rule: str,
                    w: _Words) -> Diagnosis:
    uid = scenario.unit_ids[i]
    h = int(scenario.households[i])
    message = unit_above_max_message(scenario, comp.key, i, hi, rule)
    relaxation = (f"split {uid} into smaller units in the data (by building or villagers' "
                  f"group), or raise the {w.kind} maximum to {h:,} for its community (an "
                  f"exemption under {rule})")
    return Diagnosis(rule=rule, reason="unit-above-max", key=comp.key, units=(uid,),
                     households=h, message=message, relaxation=relaxation,
                     record=unit_above_max_record(scenario, comp.key, i, hi, rule))


def unit_above_max_record(scenario: Scenario, key: tuple[str, str, str], i: int, hi: int,
                          rule: str) -> Exemption:
    """The exemption of the community of unit ``i``, above the maximum ``hi``."""
    return Exemption(rule, "unit-above-max",
                     f"{rule}: {unit_above_max_message(scenario, key, i, hi, rule)}", *key,
                     named=Named((scenario.unit_ids[i],)),
                     households=int(scenario.households[i]), hi=hi)


def unit_above_max_message(scenario: Scenario, key: tuple[str, str, str], i: int, hi: int,
                           rule: str) -> str:
    """'Town/street 'S' (county 'C'): the urban compound X alone has N households, ...'"""
    w = _Words(key)
    uid = scenario.unit_ids[i]
    h = int(scenario.households[i])
    return (f"{w.place}: the {w.unit} {uid} alone has {h:,} households, {h - hi:,} over "
            f"the {w.kind} maximum of {hi:,} ({rule}); a unit is never split, so its "
            f"community cannot meet {rule}.")
