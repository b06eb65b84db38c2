"""Rooms that come first (PIPELINE, NEWDEV-FIRST): which center a community must take.

- PIPELINE: rooms under construction or planned (sites.csv ``status``) are handed to the
  community that holds them, and are never built twice: a community holding such a
  site takes one of its pipeline sites as its center (keep, or grown by renovation or
  extension as the site allows), never a new build, a co-build or another site beside
  it. Imposed where the site can be the center of some community within the bounds:
  its reach, max(area, max_area), covers the area a community of the lower bound needs
  (AREA-PER-HH, AREA-MIN); rooms too small for any community stay an ordinary option.
- FACILITY-95 (the search's second try, optimizer.search.late_rooms): where a plan
  missed the target because a community's center is imposed rooms handed over after
  the target year, and a community holding their unit could hold imposed rooms handed
  over by then that reach its need, the units so marked (``scenario.late_rooms``)
  must take such rooms (TIMELY): a pipeline site handed over by the target year.
  Never set in a first solve, so nothing changes where the plan meets the target.
- NEWDEV-FIRST: the budget-funded remedies are for communities with no development
  able to co-build: a community holding a ``new_development`` unit (and no imposed
  pipeline site) takes the co-built rooms (``codevelop``, NEWDEV-1500) as its center.

- STAND-IN-LAST (not a rule of RULES.md: what makes the ONE-STATION exemption true):
  where the search lifted no_build so that a build may stand in (``scenario.stand_in``,
  units no community can give a legal center), a community takes that build only when
  none of its units can hold its center legally (:func:`may_stand_in`). Else the
  checker rightly rejects the plan: the community could have had a legal center
  (ONE-STATION "exemption not justified", REMEDY no_build).

Pure functions of the scenario and a group of units; the model adds them as
constraints (:func:`add_precedence`), the constructive methods filter options with
:func:`allowed`. The checker proves the same on its own (``optimizer.checker.pipeline``,
``optimizer.checker.center``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from optimizer.graph.center import imposed_sites, legal_capacity_m2
from optimizer.model.options import OptionSpec
from optimizer.scenario.model import Scenario

PIPELINE, NEWDEV, FREE, TIMELY = "pipeline", "codevelop", "", "timely"


def first_rooms(scenario: Scenario, units: Iterable[int]) -> str:
    """What a community of ``units`` must take first: TIMELY, PIPELINE, NEWDEV or FREE."""
    us = list(units)
    if scenario.late_rooms and any(u in scenario.late_rooms for u in us):
        return TIMELY
    if any(imposed_sites(scenario, u) for u in us):
        return PIPELINE
    if any(scenario.is_new_development(u) for u in us):
        return NEWDEV
    return FREE


def spec_fits(scenario: Scenario, kind: str, spec: OptionSpec) -> bool:
    """Whether option ``spec`` may be the center of a community that must take ``kind``."""
    if kind == PIPELINE:
        return spec.site is not None and scenario.sites.is_pipeline(spec.site)
    if kind == TIMELY:
        return spec.site is not None and timely(scenario, spec.site)
    if kind == NEWDEV:
        return spec.remedy == "codevelop"
    return True


def timely(scenario: Scenario, site: int) -> bool:
    """Whether ``site`` is a pipeline site handed over by the target year (FACILITY-95)."""
    s = scenario.sites
    return s.is_pipeline(site) and int(s.handover_year[site]) <= scenario.policy.target_year


def may_stand_in(scenario: Scenario, units: Iterable[int]) -> bool:
    """STAND-IN-LAST: whether a community of ``units`` may take a stand-in build: none
    of its units can hold its center legally (a build where no_build is not set, co-built
    rooms, or a site that reaches the area its households need)."""
    us = list(units)
    if scenario.stand_in is None or not us:
        return True
    need = scenario.policy.required_area_m2(int(scenario.households[us].sum()))
    return all(legal_capacity_m2(scenario, u) < need for u in us)


def most_households(scenario: Scenario, unit: int) -> float:
    """The most households a community may have for ``unit`` to hold its center
    legally (STAND-IN-LAST): inf where it may build or co-build, -1 where it never can."""
    cap = legal_capacity_m2(scenario, unit)
    pol = scenario.policy
    if cap == math.inf:
        return math.inf
    if cap < pol.area_min_m2:
        return -1
    if pol.area_per_100_households_m2 <= 0:
        return math.inf
    h = math.floor(cap * 100.0 / pol.area_per_100_households_m2)
    while h >= 0 and pol.required_area_m2(h) > cap:      # the division's rounding
        h -= 1
    while pol.required_area_m2(h + 1) <= cap:
        h += 1
    return h


def allowed(scenario: Scenario, units: Iterable[int], specs: Sequence[OptionSpec]
            ) -> list[OptionSpec]:
    """The options of ``specs`` a community of ``units`` may take."""
    us = list(units)
    kind = first_rooms(scenario, us)
    alone = not any(s.stand_in for s in specs) or may_stand_in(scenario, us)
    return [s for s in specs if spec_fits(scenario, kind, s) and (alone or not s.stand_in)]


def add_precedence(m: Any, scenario: Scenario, units: Sequence[int],
                   members: Mapping[int, Sequence[int]], x: Mapping[tuple[int, int], Any],
                   options: Mapping[int, Sequence[OptionSpec]],
                   opt: Mapping[tuple[int, int], Any],
                   weight: Mapping[int, Any] | None = None) -> None:
    """In a CP-SAT model: a member holding an imposed pipeline site puts its center on
    a pipeline site; a member with a new development puts it on the co-built rooms or
    a pipeline site. ``units`` maps local indices to the scenario's; ``members[j]`` the
    units center ``j`` may serve; ``weight[j]`` the households of its community (for
    STAND-IN-LAST: a member that could hold the center legally forbids a stand-in
    build at ``j``, a member with a site only while the community fits that site)."""
    if weight is not None and scenario.stand_in is not None:
        _add_stand_in_last(m, scenario, units, members, x, options, opt, weight)
    for j, served in members.items():
        pipe = [opt[j, k] for k, s in enumerate(options[j])
                if spec_fits(scenario, PIPELINE, s) and (j, k) in opt]
        first = pipe + [opt[j, k] for k, s in enumerate(options[j])
                        if spec_fits(scenario, NEWDEV, s) and (j, k) in opt]
        late = [opt[j, k] for k, s in enumerate(options[j])
                if spec_fits(scenario, TIMELY, s) and (j, k) in opt] \
            if scenario.late_rooms else []
        for i in served:
            u = int(units[i])
            if (i, j) not in x:
                continue
            if u in scenario.late_rooms:
                m.add(x[i, j] <= sum(late))
            elif imposed_sites(scenario, u):
                m.add(x[i, j] <= sum(pipe))
            elif scenario.is_new_development(u):
                m.add(x[i, j] <= sum(first))


def _add_stand_in_last(m: Any, scenario: Scenario, units: Sequence[int],
                       members: Mapping[int, Sequence[int]],
                       x: Mapping[tuple[int, int], Any],
                       options: Mapping[int, Sequence[OptionSpec]],
                       opt: Mapping[tuple[int, int], Any], weight: Mapping[int, Any]
                       ) -> None:
    """STAND-IN-LAST as linear constraints: for a stand-in build ``o`` at ``j`` and a
    member ``i`` that can hold a center for at most H households, x[i, j] + o ≤ 1
    (H infinite) or households(j) ≥ (H + 1)·(x[i, j] + o − 1)."""
    most: dict[int, float] = {}
    for j, served in members.items():
        builds = [opt[j, k] for k, s in enumerate(options[j]) if s.stand_in and (j, k) in opt]
        if not builds:
            continue
        o = builds[0]
        for i in served:
            if (i, j) not in x:
                continue
            if i not in most:
                most[i] = most_households(scenario, int(units[i]))
            top = most[i]
            if top < 0:
                continue
            if top == math.inf:
                m.add(x[i, j] + o <= 1)
            else:
                m.add(weight[j] >= (int(top) + 1) * (x[i, j] + o - 1))
