"""What a community's center costs: the REMEDY options and the annual cost.

Pure arithmetic on policy and cost numbers, shared by the model (to price its
options) and by the independent checker (to recompute a plan's figures). It knows
nothing of solver variables.

The options (REMEDY, NEWDEV-1500), with R = required area (AREA-PER-HH, AREA-MIN),
a0 = a site's area today and amax its ``max_area_m2``:

- ``keep``      owned site with a0 ≥ R: area a0, no capital.
- ``renovate``  owned site, a0 < R ≤ amax: refit and convert to R m²;
                capital = renovate × R (the whole resulting floor is refitted).
- ``extend``    owned site, a0 < R ≤ amax: extension of R − a0 m²;
                capital = extend × (R − a0).
- ``purchase``  site for sale with R ≤ amax: price, plus an extension of
                max(0, R − a0) m²; area max(a0, R).
- ``swap``      as purchase, but an owned site of the same community (not its
                center) is given up in exchange, credited at swap_credit × its area,
                up to the price.
- ``build``     a new center of R m² in a unit without ``no_build``:
                capital = (build + land) × R.
- ``codevelop`` in a unit with ``new_development``: the developer co-builds
                max(1500, R) m² at its own cost (NEWDEV-1500): no budget capital.

The annual cost of a community in year y = office funding (FUND-*, by year)
+ (committee pay (PAY-*) + full-time staff (STAFF-3-5, PAY-OTHER) + coordinators
(COORD-300)) × (1 + employer social insurance, SOCIAL-INS), the pay of year y following
the wage of y - 1 ("上年度", Costs.member_pay_yuan) + capital × annuity factor + running
cost × area.

The objective counts the running costs over the plan horizon (2013-2015 by default,
or [budget]'s: ``Scenario.plan_years``), not one year: the search minimizes the
average yearly cost over those years (:func:`horizon_rates`), so an extra community
is priced at what it costs while FUND-URBAN grows from 50,000 to 120,000 yuan and
wages rise; the average is the horizon's total divided by its number of years, and
keeps the secondary terms (yuan per year) on the same footing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from optimizer.rules.costs import Costs
from optimizer.rules.policy import Policy

REMEDIES = ("keep", "renovate", "extend", "swap", "purchase", "build", "codevelop")
SITE_REMEDIES_OWNED = ("keep", "renovate", "extend")
SITE_REMEDIES_FOR_SALE = ("purchase", "swap")


@dataclass(frozen=True)
class CenterOption:
    """One way to give a community its center."""

    remedy: str
    area_after_m2: float
    capex_yuan: float
    site: int | None = None          # index into Scenario.sites, None for build/codevelop
    credit_site: int | None = None   # owned site given up by a swap


def site_option(remedy: str, required_m2: float, area_m2: float, max_area_m2: float,
                owned: bool, price_yuan: float, costs: Costs,
                credit_area_m2: float = 0.0) -> CenterOption | None:
    """The option ``remedy`` on one site, or None when that remedy cannot apply."""
    if owned:
        if remedy == "keep":
            return CenterOption("keep", area_m2, 0.0) if area_m2 >= required_m2 else None
        if remedy in ("renovate", "extend"):
            if area_m2 >= required_m2 or required_m2 > max_area_m2:
                return None
            if remedy == "renovate":
                return CenterOption("renovate", required_m2,
                                    costs.renovate_yuan_per_m2 * required_m2)
            return CenterOption("extend", required_m2,
                                costs.extend_yuan_per_m2 * (required_m2 - area_m2))
        return None
    if remedy not in SITE_REMEDIES_FOR_SALE or required_m2 > max(max_area_m2, area_m2):
        return None
    after = max(area_m2, required_m2)
    capex = price_yuan + costs.extend_yuan_per_m2 * (after - area_m2)
    if remedy == "swap":
        if credit_area_m2 <= 0:
            return None
        capex -= min(price_yuan, costs.swap_credit_yuan_per_m2 * credit_area_m2)
    return CenterOption(remedy, after, capex)


def best_site_option(required_m2: float, area_m2: float, max_area_m2: float, owned: bool,
                     price_yuan: float, costs: Costs, annuity: float,
                     credit_area_m2: float = 0.0) -> CenterOption | None:
    """The cheapest option on one site by annualized capital plus running cost."""
    best: CenterOption | None = None
    best_cost = math.inf
    for remedy in REMEDIES[:5]:
        opt = site_option(remedy, required_m2, area_m2, max_area_m2, owned, price_yuan, costs,
                          credit_area_m2)
        if opt is None:
            continue
        cost = opt.capex_yuan * annuity + costs.running_yuan_per_m2_year * opt.area_after_m2
        if cost < best_cost - 1e-9:
            best, best_cost = opt, cost
    return best


def build_option(required_m2: float, costs: Costs) -> CenterOption:
    """REMEDY 自建: a new center of exactly the required area."""
    return CenterOption("build", required_m2,
                        (costs.build_yuan_per_m2 + costs.land_yuan_per_m2) * required_m2)


def codevelop_option(required_m2: float, policy: Policy) -> CenterOption:
    """NEWDEV-1500: rooms co-built by the developer, at the developer's cost."""
    return CenterOption("codevelop", max(policy.newdev_min_area_m2, required_m2), 0.0)


@dataclass(frozen=True)
class OperatingRates:
    """A community's operating cost, term by term (yuan per year): fixed (office
    funding and the committee, with social insurance), per full-time worker and per
    coordinator (with social insurance)."""

    fixed: float
    staff: float
    coordinator: float

    def cost(self, staff: int, coordinators: int) -> float:
        return self.fixed + staff * self.staff + coordinators * self.coordinator


def operating_rates(urban: bool, year: int, policy: Policy, costs: Costs) -> OperatingRates:
    """The operating cost's terms in ``year``."""
    member = costs.member_pay_yuan(urban, year)
    emp = costs.employer_factor()
    return OperatingRates(policy.fund_yuan(urban, year) + costs.committee_pay_yuan(urban, year)
                          * emp, costs.pay_other_ratio * member * emp,
                          costs.coordinator_pay_ratio * member * emp)


def horizon_rates(urban: bool, years: tuple[int, ...], policy: Policy, costs: Costs
                  ) -> OperatingRates:
    """The operating cost's terms averaged over the plan horizon ``years``: what the
    objective counts per year."""
    rates = [operating_rates(urban, y, policy, costs) for y in years]
    n = len(rates)
    return OperatingRates(sum(r.fixed for r in rates) / n, sum(r.staff for r in rates) / n,
                          sum(r.coordinator for r in rates) / n)


def operating_cost_yuan(households: int, urban: bool, year: int, policy: Policy,
                        costs: Costs) -> float:
    """Funding, committee, staff and coordinator pay (with social insurance) for one
    community in ``year``."""
    return operating_rates(urban, year, policy, costs).cost(policy.staff(households),
                                                            policy.coordinators(households))


def horizon_operating_yuan(households: int, urban: bool, years: tuple[int, ...],
                           policy: Policy, costs: Costs) -> float:
    """The operating cost per year averaged over the plan horizon (the objective's)."""
    return horizon_rates(urban, years, policy, costs).cost(policy.staff(households),
                                                           policy.coordinators(households))


def facility_cost_yuan(capex_yuan: float, area_after_m2: float, costs: Costs) -> float:
    """Annualized capital plus running cost of a center per year."""
    return capex_yuan * costs.annuity_factor() + costs.running_yuan_per_m2_year * area_after_m2


def annual_cost_yuan(households: int, urban: bool, year: int, capex_yuan: float,
                     area_after_m2: float, policy: Policy, costs: Costs) -> float:
    """The whole annual cost of one community (the objective's main term)."""
    return (operating_cost_yuan(households, urban, year, policy, costs)
            + facility_cost_yuan(capex_yuan, area_after_m2, costs))
