"""The checker's own pricing of a community: its center (REMEDY) and its annual cost.

Written from the rule table (``shared/policy/RULES.md``) and the meaning of each number
in :mod:`optimizer.rules.costs` and :mod:`optimizer.rules.policy`, apart from the
solver's :mod:`optimizer.rules.remedy` on purpose: the checker shares the *numbers*
(the frozen ``Policy`` and ``Costs``), never the *formulas*, so a pricing bug in the
engine shows as a COST failure instead of passing unseen (import-linter contract in
pyproject.toml: ``optimizer.checker`` never imports ``optimizer.rules.remedy``).
Even the policy's own derived numbers (required area, coordinators, staff, office
funding) are recomputed here from the policy's fields.

Words: R = the area the center must have, a0 = a site's usable area today
(sites.csv ``area_m2``), amax = the most it can reach (``max_area_m2``).

Required area (AREA-PER-HH, AREA-MIN): R = max(area_min_m2,
area_per_100_households_m2 × households / 100).

The center, by remedy (REMEDY lists self-build, renovate, extend, swap and purchase
"where rooms are missing or too small"; NEWDEV-1500 the co-built rooms):

- keep: an owned site already as large as R: no works, no capital; its area stays a0.
- renovate 改建: an owned site too small today (a0 < R) converted to R m² within what
  the building allows (R ≤ amax). Costs.renovate_yuan_per_m2 is priced "per m² of
  resulting area", so capital = renovate × R.
- extend 扩建: the same site grown by an extension; extend_yuan_per_m2 is "per m²
  added", so capital = extend × (R − a0).
- purchase 购买: a site for sale bought at its price; its area becomes max(a0, R), the
  missing part added as an extension, so R ≤ max(a0, amax) and
  capital = price + extend × (max(a0, R) − a0).
- swap 置换: a purchase paid partly by giving up an owned site of the community
  (``swap_site_id``), credited at swap_credit_yuan_per_m2 × its area. The credit pays
  for the site bought, never more than its price (an exchange does not earn money),
  so capital = price − min(price, credit) + extend × (max(a0, R) − a0). No owned site
  given up (credit area 0): no swap.
- build 自建: a new center of R m²; build_yuan_per_m2 is per m² of floor "plus land
  per m² of floor", so capital = (build + land) × R.
- codevelop: the developer co-builds at least newdev_min_area_m2 (NEWDEV-1500) "at the
  developer's cost, not the budget's": area max(1500, R), capital 0.

The annual cost of a community (BUDGET-OWN keeps it apart from capital):

- office funding: FUND-URBAN is fund_urban_2013_yuan in 2013 "growing to"
  fund_urban_2015_yuan by 2015, read as a straight line between the two (the policy's
  stated reading), before 2013 the 2013 figure and after 2015 the 2015 one;
  FUND-RURAL is fund_rural_yuan every year;
- committee pay: PAY-URBAN pays each of committee_size_urban "two committees" members
  at least "last year's" (上年度) urban average wage: the pay of year y is the wage of
  y − 1. PAY-RURAL pays the village party secretary rural_secretary_income_multiple ×
  last year's rural per-capita net income, and the other committee_size_rural − 1
  members, "other community workers" (PAY-OTHER), the pay_other_ratio share of it. The
  wage (income) of a year is the bulletin's (urban_wage_by_year, rural_income_by_year),
  else that of the latest year given before it, or of wage_year (urban_wage_yuan,
  rural_income_yuan), compounded at wage_growth a year (back in time too);
- full-time staff: STAFF-3-5 workers, ceil(households / households_per_staff) kept
  within staff_min..staff_max, each paid the PAY-OTHER share of a member's pay;
- coordinators: COORD-300, ceil(households / households_per_coordinator), each paid
  coordinator_pay_ratio × a member's pay;
- social insurance: SOCIAL-INS, every worker above (committee, staff, coordinators)
  costs the employer social_insurance_rate × pay on top;
- the center: running_yuan_per_m2_year × its area, plus its capital spread over
  horizon_years at discount_rate as an annuity, capital × r (1+r)^n / ((1+r)^n − 1)
  (capital / n when r = 0).
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.rules.costs import Costs
from optimizer.rules.policy import Policy

OWNED_REMEDIES = ("keep", "renovate", "extend")     # on a site the community owns
FOR_SALE_REMEDIES = ("purchase", "swap")            # on a site for sale
NEW_REMEDIES = ("build", "codevelop")               # a new center, no site
REMEDIES = OWNED_REMEDIES + FOR_SALE_REMEDIES + NEW_REMEDIES   # CONTRACT.md ``remedy``


@dataclass(frozen=True)
class Center:
    """A center as the checker prices it."""

    remedy: str
    area_m2: float
    capex_yuan: float


# --- the policy's derived numbers, recomputed ---------------------------------------
def required_area_m2(households: int, policy: Policy) -> float:
    """AREA-PER-HH and AREA-MIN: max(400 m², 20 m² per 100 households)."""
    per_hh = policy.area_per_100_households_m2 * households / 100.0
    return per_hh if per_hh > policy.area_min_m2 else policy.area_min_m2


def coordinators(households: int, policy: Policy) -> int:
    """COORD-300: one grid coordinator per 300 households, a part counting whole."""
    per = policy.households_per_coordinator
    return (households + per - 1) // per


def staff(households: int, policy: Policy) -> int:
    """STAFF-3-5 under the workload assumption: one per households_per_staff, 3..5."""
    per = policy.households_per_staff
    want = (households + per - 1) // per
    return min(max(want, policy.staff_min), policy.staff_max)


def office_funding_yuan(urban: bool, year: int, policy: Policy) -> float:
    """FUND-URBAN by plan year (a straight line from 2013 to 2015), or FUND-RURAL."""
    if not urban:
        return policy.fund_rural_yuan
    first, last = 2013, 2015
    t = min(max(year, first), last) - first
    a, b = policy.fund_urban_2013_yuan, policy.fund_urban_2015_yuan
    return a + (b - a) * t / (last - first)


def average_wage(urban: bool, year: int, costs: Costs) -> float:
    """The urban average wage (rural per-capita net income) of ``year``."""
    given = costs.urban_wage_by_year if urban else costs.rural_income_by_year
    for y, amount in given:
        if y == year:
            return amount
    start, amount = costs.wage_year, (costs.urban_wage_yuan if urban else
                                      costs.rural_income_yuan)
    for y, v in sorted(given):
        if start < y < year:
            start, amount = y, v
    return amount * (1.0 + costs.wage_growth) ** (year - start)


def member_pay_yuan(urban: bool, year: int, costs: Costs) -> float:
    """PAY-URBAN: an urban committee member's pay in ``year`` (last year's wage);
    PAY-RURAL: a village secretary's (last year's rural income, times the multiple)."""
    if urban:
        return average_wage(True, year - 1, costs)
    return average_wage(False, year - 1, costs) * costs.rural_secretary_income_multiple


def committee_pay_yuan(urban: bool, year: int, costs: Costs) -> float:
    """The "two committees" in ``year``: PAY-URBAN for every urban member; PAY-RURAL
    for the rural secretary and PAY-OTHER for the other rural members."""
    pay = member_pay_yuan(urban, year, costs)
    if urban:
        return costs.committee_size_urban * pay
    others = costs.committee_size_rural - 1
    return pay * (1.0 + others * costs.pay_other_ratio)


def annuity_per_yuan(costs: Costs) -> float:
    """Yearly payment that repays one yuan of capital over the horizon at the rate."""
    r, n = costs.discount_rate, costs.horizon_years
    if r == 0:
        return 1.0 / n
    grow = (1.0 + r) ** n
    return r * grow / (grow - 1.0)


# --- the center -----------------------------------------------------------------------
def site_reach_m2(area_m2: float, max_area_m2: float) -> float:
    """The most a site can give by any remedy: its area today or what renovation,
    extension or a purchase with extension reach (``max_area_m2``)."""
    return max(area_m2, max_area_m2)


def site_center(remedy: str, target_m2: float, area_m2: float, max_area_m2: float,
                owned: bool, price_yuan: float, costs: Costs,
                credit_area_m2: float = 0.0) -> Center | None:
    """``remedy`` on one site giving ``target_m2``; None where the remedy cannot apply
    (a remedy for the other kind of site, a keep too small, a renovation or extension
    of a site already large enough or unable to reach the target, a purchase beyond
    the site's reach, a swap giving nothing up)."""
    if owned:
        if remedy == "keep":
            return Center("keep", area_m2, 0.0) if target_m2 <= area_m2 else None
        if remedy not in ("renovate", "extend") or not area_m2 < target_m2 <= max_area_m2:
            return None
        if remedy == "renovate":
            return Center("renovate", target_m2, target_m2 * costs.renovate_yuan_per_m2)
        return Center("extend", target_m2, (target_m2 - area_m2) * costs.extend_yuan_per_m2)
    if remedy not in FOR_SALE_REMEDIES or target_m2 > site_reach_m2(area_m2, max_area_m2):
        return None
    after = max(area_m2, target_m2)
    extension = (after - area_m2) * costs.extend_yuan_per_m2
    if remedy == "purchase":
        return Center("purchase", after, price_yuan + extension)
    if credit_area_m2 <= 0:
        return None
    credit = min(price_yuan, credit_area_m2 * costs.swap_credit_yuan_per_m2)
    return Center("swap", after, (price_yuan - credit) + extension)


def new_center(remedy: str, target_m2: float, policy: Policy, costs: Costs) -> Center:
    """build: (building + land) per m² of the target; codevelop: the developer's
    rooms, at least NEWDEV-1500, at no cost to the budget."""
    if remedy == "build":
        return Center("build", target_m2,
                      target_m2 * (costs.build_yuan_per_m2 + costs.land_yuan_per_m2))
    if remedy == "codevelop":
        return Center("codevelop", max(target_m2, policy.newdev_min_area_m2), 0.0)
    raise ValueError(f"{remedy!r} is not a new center (build, codevelop)")


# --- the annual cost ----------------------------------------------------------------
@dataclass(frozen=True)
class AnnualCost:
    """A community's yearly cost, term by term (yuan per year)."""

    funding: float          # FUND-URBAN / FUND-RURAL
    committee: float        # PAY-URBAN / PAY-RURAL (+ PAY-OTHER, rural)
    staff: float            # STAFF-3-5 at PAY-OTHER
    coordinators: float     # COORD-300
    social_insurance: float  # SOCIAL-INS on the three pays above
    running: float          # the center's upkeep
    capital: float          # the center's capital as an annuity

    @property
    def total(self) -> float:
        return (self.funding + self.committee + self.staff + self.coordinators
                + self.social_insurance + self.running + self.capital)


def annual_cost(households: int, urban: bool, year: int, capex_yuan: float,
                area_m2: float, policy: Policy, costs: Costs) -> AnnualCost:
    """The yearly cost of a community of ``households`` with a center of ``area_m2``
    that cost ``capex_yuan``, in plan ``year``."""
    member = member_pay_yuan(urban, year, costs)
    committee = committee_pay_yuan(urban, year, costs)
    workers = staff(households, policy) * costs.pay_other_ratio * member
    coord = coordinators(households, policy) * costs.coordinator_pay_ratio * member
    return AnnualCost(
        funding=office_funding_yuan(urban, year, policy),
        committee=committee,
        staff=workers,
        coordinators=coord,
        social_insurance=(committee + workers + coord) * costs.social_insurance_rate,
        running=area_m2 * costs.running_yuan_per_m2_year,
        capital=capex_yuan * annuity_per_yuan(costs),
    )


def site_can_hold(required_m2: float, area_m2: float, max_area_m2: float) -> bool:
    """Whether some remedy (keep, renovate, extend, purchase) gives this site
    ``required_m2``: exactly when the site can reach it."""
    return required_m2 <= site_reach_m2(area_m2, max_area_m2)


__all__ = ["FOR_SALE_REMEDIES", "NEW_REMEDIES", "OWNED_REMEDIES", "REMEDIES", "AnnualCost",
           "Center", "annual_cost", "annuity_per_yuan", "average_wage", "committee_pay_yuan",
           "coordinators",
           "member_pay_yuan", "new_center", "office_funding_yuan", "required_area_m2",
           "site_can_hold", "site_center", "site_reach_m2", "staff"]
