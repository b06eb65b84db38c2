"""What the phasing model needs of each planned community: what its rooms cost the
county's budget, from which year they can reach the standard, whether they count for
FACILITY-95, and what it costs to run each year (FUND-POOL, PIPELINE, FUND-URBAN).

The one place where a community's yearly costs are priced for the phasing is
:func:`yearly_cost_yuan` (office funding by year, FUND-URBAN's growth included, pay,
staff, coordinators and the rooms' running cost, from :mod:`optimizer.rules.remedy`):
when the costs gain more years or terms there, the phasing, its budget table and the
budget curve follow.

Decisions where the opinion and the contract are silent (README, "Phasing"):

- Capital is paid in the year the rooms reach the standard (works within a year).
- A community that keeps an existing site large enough meets the standard from the
  first year: no works, no row in phasing.csv.
- Rooms under construction or planned (PIPELINE) reach the standard in their
  ``available_year`` (at the earliest the horizon's first year) at no budget cost; if
  they still need renovation or extension, that is paid in that year or later.
- Rooms co-built by a developer (NEWDEV-1500) cost the budget nothing; the scenario
  gives no year for a development, so they count from the first year. Give such rooms
  as a ``planned`` site with its ``available_year`` to phase them.
- A community exempt from ONE-STATION (no place for a center) is not counted for
  FACILITY-95, as the checker does; its stand-in build is still phased.
- A community whose center is AREA-PER-HH exempt (an oversized unit's rooms coming
  that cannot reach its households' need, optimizer.search.oversized_short) is counted
  and never meets the standard, whatever is paid, as the checker counts it: its works
  are phased after those that raise the share (bench/wild.py seed 163: the plan
  claimed 5 of 5 communities, the checker 4).
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.plan.model import Community, Plan
from optimizer.rules.remedy import operating_cost_yuan
from optimizer.scenario.model import Scenario

TODAY, BUDGET, DEVELOPER, PIPELINE = "today", "budget", "developer", "pipeline"


@dataclass(frozen=True)
class PhaseItem:
    """One planned community as the phasing sees it."""

    community_id: str
    county: str
    households: int
    remedy: str
    capex_yuan: float        # capital from the county's budget
    funding: str             # TODAY, BUDGET, DEVELOPER or PIPELINE
    earliest_year: int       # the first year its rooms can reach the standard
    counted: bool            # counts for FACILITY-95
    reaches: bool = True     # its rooms reach the standard once its works are done

    @property
    def needs_money(self) -> bool:
        return self.funding == BUDGET and self.capex_yuan > 0

    @property
    def scores(self) -> bool:
        """Its works raise the FACILITY-95 share (counted, and reaching the standard)."""
        return self.counted and self.reaches


def yearly_cost_yuan(scenario: Scenario, community: Community, year: int) -> float:
    """What ``community`` costs to run in ``year``: office funding (FUND-URBAN by year,
    FUND-RURAL), committee, staff and coordinator pay, and the running cost of its
    planned rooms (every year of the horizon: the scenario does not price the rooms a
    community uses before its works, so the planned rooms stand in for them)."""
    urban = community.kind == "urban"
    return (operating_cost_yuan(int(community.households), urban, year, scenario.policy,
                                scenario.costs)
            + scenario.costs.running_yuan_per_m2_year * float(community.area_after_m2))


def center_exempt(community: Community) -> bool:
    """No place for a center (ONE-STATION exempt): not counted for FACILITY-95."""
    return "ONE-STATION" in community.exemption_rules


def rooms_short(community: Community) -> bool:
    """AREA-PER-HH exempt: its center's rooms never reach the area its households need."""
    return "AREA-PER-HH" in community.exemption_rules


def phase_items(scenario: Scenario, plan: Plan, first_year: int) -> list[PhaseItem]:
    """Every community of ``plan`` as a :class:`PhaseItem`, in the plan's order."""
    sites = scenario.sites
    out = []
    for c in plan.communities:
        k = sites.index(c.site_id) if c.site_id and c.site_id in sites.site_ids else None
        handover = sites.available_year(k) if k is not None else None
        earliest = max(first_year, handover or first_year)
        capex = float(c.capex_yuan)
        if handover is not None:
            funding = BUDGET if capex > 0 else PIPELINE
        elif c.remedy == "keep":
            funding = TODAY
        elif c.remedy == "codevelop":
            funding = DEVELOPER
        else:
            funding = BUDGET
        out.append(PhaseItem(c.community_id, c.county, int(c.households), c.remedy,
                             capex if funding == BUDGET else 0.0, funding, earliest,
                             not center_exempt(c), not rooms_short(c)))
    return out
