"""Center options of a possible center unit, as linear cost pieces for the model.

Each option's annual cost is ``fixed + per_m2 × area`` with the area bounded below
by the required area (AREA-PER-HH, AREA-MIN) and by ``min_area_m2``, and above by
``max_area_m2``. The pricing is the same arithmetic as :mod:`optimizer.rules.remedy`
(checked in the tests); this module only rewrites it as linear pieces.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from optimizer.scenario.model import Scenario


@dataclass(frozen=True)
class OptionSpec:
    remedy: str
    site: int | None            # global site index; None for build/codevelop
    fixed_yuan: float           # annual cost independent of the area
    per_m2_yuan: float          # annual cost per m² of area after
    min_area_m2: float          # area after ≥ this (today's area for purchase, 1500 codevelop)
    max_area_m2: float          # area after ≤ this (math.inf when unbounded)
    fixed_area: bool = False    # keep: area after = today's area, which must cover the need
    needs_growth: bool = False  # renovate/extend: only when today's area is below the need
    area_before_m2: float = 0.0
    swap: bool = False          # credit an owned site of the same community
    stand_in: bool = False      # a build where no_build is lifted (ONE-STATION's last resort)


def unit_options(scenario: Scenario, unit: int) -> list[OptionSpec]:
    """Every way a community centred in global unit ``unit`` can get its center."""
    c = scenario.costs
    ann = c.annuity_factor()
    run = c.running_yuan_per_m2_year
    sites = scenario.sites
    out: list[OptionSpec] = []
    for s in scenario.sites_by_unit.get(unit, ()):
        a0 = float(sites.area_m2[s])
        amax = float(sites.max_area_m2[s])
        if bool(sites.owned[s]):
            out.append(OptionSpec("keep", s, 0.0, run, a0, a0, fixed_area=True,
                                  area_before_m2=a0))
            out.append(OptionSpec("renovate", s, 0.0, c.renovate_yuan_per_m2 * ann + run, 0.0,
                                  amax, needs_growth=True, area_before_m2=a0))
            out.append(OptionSpec("extend", s, -c.extend_yuan_per_m2 * ann * a0,
                                  c.extend_yuan_per_m2 * ann + run, 0.0, amax,
                                  needs_growth=True, area_before_m2=a0))
        else:
            price = float(sites.price_yuan[s])
            fixed = price * ann - c.extend_yuan_per_m2 * ann * a0
            per = c.extend_yuan_per_m2 * ann + run
            top = max(amax, a0)
            out.append(OptionSpec("purchase", s, fixed, per, a0, top, area_before_m2=a0))
            out.append(OptionSpec("swap", s, fixed, per, a0, top, area_before_m2=a0, swap=True))
    if not scenario.is_no_build(unit):
        out.append(OptionSpec("build", None, 0.0,
                              (c.build_yuan_per_m2 + c.land_yuan_per_m2) * ann + run, 0.0,
                              math.inf, stand_in=scenario.is_stand_in(unit)))
    if scenario.is_new_development(unit):
        out.append(OptionSpec("codevelop", None, 0.0, run,
                              scenario.policy.newdev_min_area_m2, math.inf))
    return out
