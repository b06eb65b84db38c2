"""Rooms that come first (PIPELINE, NEWDEV-FIRST): which center a community must take.

- PIPELINE: rooms under construction or planned (sites.csv ``status``) are handed to the
  community that holds them, and are never built twice: a community holding such a
  site takes one of its pipeline sites as its center (keep, or grown by renovation or
  extension as the site allows), never a new build, a co-build or another site beside
  it. Imposed where the site can be the center of some community within the bounds:
  its reach, max(area, max_area), covers the area a community of the lower bound needs
  (AREA-PER-HH, AREA-MIN); rooms too small for any community stay an ordinary option.
- NEWDEV-FIRST: the budget-funded remedies are for communities with no development
  able to co-build: a community holding a ``new_development`` unit (and no imposed
  pipeline site) takes the co-built rooms (``codevelop``, NEWDEV-1500) as its center.

Pure functions of the scenario and a group of units; the model adds them as
constraints (:func:`add_precedence`), the constructive methods filter options with
:func:`allowed`. The checker proves the same on its own (``optimizer.checker.pipeline``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from optimizer.model.options import OptionSpec
from optimizer.scenario.model import Scenario

PIPELINE, NEWDEV, FREE = "pipeline", "codevelop", ""


def imposed_sites(scenario: Scenario, unit: int) -> tuple[int, ...]:
    """The pipeline sites of ``unit`` a community holding it must take as its center."""
    sites, pol = scenario.sites, scenario.policy
    lo = pol.bounds(bool(scenario.urban[unit]))[0]
    need = pol.required_area_m2(lo)
    return tuple(k for k in scenario.sites_by_unit.get(unit, ())
                 if sites.is_pipeline(k)
                 and max(float(sites.area_m2[k]), float(sites.max_area_m2[k])) >= need)


def first_rooms(scenario: Scenario, units: Iterable[int]) -> str:
    """What a community of ``units`` must take first: PIPELINE, NEWDEV or FREE."""
    us = list(units)
    if any(imposed_sites(scenario, u) for u in us):
        return PIPELINE
    if any(scenario.is_new_development(u) for u in us):
        return NEWDEV
    return FREE


def spec_fits(scenario: Scenario, kind: str, spec: OptionSpec) -> bool:
    """Whether option ``spec`` may be the center of a community that must take ``kind``."""
    if kind == PIPELINE:
        return spec.site is not None and scenario.sites.is_pipeline(spec.site)
    if kind == NEWDEV:
        return spec.remedy == "codevelop"
    return True


def allowed(scenario: Scenario, units: Iterable[int], specs: Sequence[OptionSpec]
            ) -> list[OptionSpec]:
    """The options of ``specs`` a community of ``units`` may take."""
    kind = first_rooms(scenario, units)
    return [s for s in specs if spec_fits(scenario, kind, s)]


def add_precedence(m: Any, scenario: Scenario, units: Sequence[int],
                   members: Mapping[int, Sequence[int]], x: Mapping[tuple[int, int], Any],
                   options: Mapping[int, Sequence[OptionSpec]],
                   opt: Mapping[tuple[int, int], Any]) -> None:
    """In a CP-SAT model: a member holding an imposed pipeline site puts its center on
    a pipeline site; a member with a new development puts it on the co-built rooms or
    a pipeline site. ``units`` maps local indices to the scenario's; ``members[j]`` the
    units center ``j`` may serve."""
    for j, served in members.items():
        pipe = [opt[j, k] for k, s in enumerate(options[j])
                if spec_fits(scenario, PIPELINE, s) and (j, k) in opt]
        first = pipe + [opt[j, k] for k, s in enumerate(options[j])
                        if spec_fits(scenario, NEWDEV, s) and (j, k) in opt]
        for i in served:
            u = int(units[i])
            if (i, j) not in x:
                continue
            if imposed_sites(scenario, u):
                m.add(x[i, j] <= sum(pipe))
            elif scenario.is_new_development(u):
                m.add(x[i, j] <= sum(first))
