"""Both pricings, the solver's (optimizer/rules/remedy.py) and the checker's own
(optimizer/checker/pricing.py), pinned to figures worked out by hand from RULES.md and
the default numbers of optimizer/rules/costs.py and policy.py. No expected figure
below is computed by either implementation: each is written as arithmetic, with the
rule it comes from.

The default numbers used (Costs, Policy):
    urban wage of 2012 W = 43,130 (PAY-URBAN: the pay of year y follows the wage of
    y − 1, growing 10 % a year where not given: 2013 pay 43,130, 2015 pay
    43,130 × 1.1² = 52,187.30); rural income of 2012 11,000 × 2 = 22,000 per village
    secretary in 2013 (PAY-RURAL; 26,620 in 2015); employer social insurance 30 % on all
    pay (SOCIAL-INS); committees of 5; PAY-OTHER 80 %; coordinators 50 %;
    renovate 1,200 /m² of result; extend 2,800 /m² added; build 3,000 + land 1,000 /m²;
    swap credit 2,000 /m² given up; running 60 /m²/year; capital over 20 years at 5 %;
    FUND-URBAN 50,000 (2013) -> 120,000 (2015); FUND-RURAL 30,000.

The two communities:
    urban, 2,400 households: R = max(400, 0.20 × 2,400) = 480 m²; coordinators
        ceil(2,400 / 300) = 8; staff clamp(ceil(2,400 / 600) = 4, 3, 5) = 4.
    rural, 1,200 households: R = max(400, 0.20 × 1,200 = 240) = 400 m²; coordinators
        ceil(1,200 / 300) = 4; staff clamp(ceil(1,200 / 600) = 2, 3, 5) = 3.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from optimizer.checker import pricing
from optimizer.rules import remedy
from optimizer.rules.costs import Costs
from optimizer.rules.policy import Policy
from optimizer.rules.remedy import CenterOption

POLICY, COSTS = Policy(), Costs()

# The capital annuity: 5 % over 20 years, r / (1 - (1 + r)^-20) = 0.0802425872 per yuan.
A = 0.05 / (1 - 1.05 ** -20)

URBAN_HH, RURAL_HH = 2_400, 1_200
REQUIRED = {"urban": 480.0, "rural": 400.0}      # m², derived in the module doc

# Operating cost per year: funding + (committee + staff + coordinators) × 1.3 (SOCIAL-INS).
#   urban 2013, pay 43,130: committee 5 × 43,130 = 215,650; staff 4 × 0.8 × 43,130 =
#          138,016; coordinators 8 × 0.5 × 43,130 = 172,520; pay 526,186 × 1.3 = 684,041.80
#          + FUND-URBAN 50,000 = 734,041.80; in 2015 the pay is 43,130 × 1.1² and the
#          funding 120,000: 12.2 × 52,187.30 × 1.3 + 120,000 = 947,690.58
#   rural 2013, pay 22,000: committee 22,000 + 4 × 0.8 × 22,000 = 92,400; staff 3 × 0.8 ×
#          22,000 = 52,800; coordinators 4 × 0.5 × 22,000 = 44,000; pay 189,200 × 1.3 =
#          245,960 + FUND-RURAL 30,000 = 275,960; in 2015 the pay is 22,000 × 1.1²:
#          8.6 × 26,620 × 1.3 + 30,000 = 327,611.60
URBAN_UNITS = 5 + 4 * 0.8 + 8 * 0.5            # member pays: committee, staff, coordinators
RURAL_UNITS = 1 + 4 * 0.8 + 3 * 0.8 + 4 * 0.5
OPERATING = {
    ("urban", 2013): 50_000 + URBAN_UNITS * 43_130 * 1.3,                 # 734,041.80
    ("urban", 2015): 120_000 + URBAN_UNITS * 43_130 * 1.1 ** 2 * 1.3,     # 947,690.58
    ("rural", 2013): 30_000 + RURAL_UNITS * 22_000 * 1.3,                 # 275,960
    ("rural", 2015): 30_000 + RURAL_UNITS * 22_000 * 1.1 ** 2 * 1.3,      # 327,611.60
}

# One community of every remedy, urban and rural: (kind, remedy, site, capex, area).
# site = (area today, max area, owned, price, credit area given up by a swap).
CASES: list[tuple[str, str, tuple[float, float, bool, float, float] | None, float, float]] = [
    # keep: owned 500 m² >= 480: no works, area stays 500
    ("urban", "keep", (500, 800, True, 0, 0), 0.0, 500.0),
    # renovate: owned 300 m² < 480 <= 600: 1,200 × 480 = 576,000
    ("urban", "renovate", (300, 600, True, 0, 0), 1_200 * 480, 480.0),
    # extend: owned 300 m²: 2,800 × (480 - 300) = 504,000
    ("urban", "extend", (300, 600, True, 0, 0), 2_800 * (480 - 300), 480.0),
    # purchase: 450 m² for 1,000,000, extended to 480: 1,000,000 + 2,800 × 30 = 1,084,000
    ("urban", "purchase", (450, 900, False, 1_000_000, 0), 1_000_000 + 2_800 * 30, 480.0),
    # swap: as purchase, giving up 100 m² credited 2,000 × 100 = 200,000: 884,000
    ("urban", "swap", (450, 900, False, 1_000_000, 100),
     1_000_000 - 2_000 * 100 + 2_800 * 30, 480.0),
    # build: (3,000 + 1,000) × 480 = 1,920,000
    ("urban", "build", None, (3_000 + 1_000) * 480, 480.0),
    # codevelop: the developer's 1,500 m² (NEWDEV-1500), no budget capital
    ("urban", "codevelop", None, 0.0, 1_500.0),
    # keep: owned 450 m² >= 400
    ("rural", "keep", (450, 450, True, 0, 0), 0.0, 450.0),
    # renovate: owned 250 m² < 400 <= 500: 1,200 × 400 = 480,000
    ("rural", "renovate", (250, 500, True, 0, 0), 1_200 * 400, 400.0),
    # extend: 2,800 × (400 - 250) = 420,000
    ("rural", "extend", (250, 500, True, 0, 0), 2_800 * (400 - 250), 400.0),
    # purchase: 300 m² for 600,000, extended by 100: 600,000 + 280,000 = 880,000
    ("rural", "purchase", (300, 600, False, 600_000, 0), 600_000 + 2_800 * 100, 400.0),
    # swap: giving up 120 m², credit 2,000 × 120 = 240,000: 640,000
    ("rural", "swap", (300, 600, False, 600_000, 120), 600_000 - 2_000 * 120 + 2_800 * 100,
     400.0),
    # swap whose credit (240,000) exceeds the price (150,000): the credit pays the site
    # only, the extension is still paid: 0 + 280,000
    ("rural", "swap", (300, 600, False, 150_000, 120), 0 + 2_800 * 100, 400.0),
    # build: 4,000 × 400 = 1,600,000
    ("rural", "build", None, (3_000 + 1_000) * 400, 400.0),
    # codevelop: 1,500 m², no capital
    ("rural", "codevelop", None, 0.0, 1_500.0),
]


def _ids(case: tuple[Any, ...]) -> str:
    return f"{case[0]}-{case[1]}" + ("-capped" if case[2] and case[2][3] == 150_000 else "")


def _solver(kind: str, remedy_name: str, site: Any) -> tuple[float, float]:
    need = REQUIRED[kind]
    if site is None:
        opt = (remedy.build_option(need, COSTS) if remedy_name == "build"
               else remedy.codevelop_option(need, POLICY))
    else:
        a0, amax, owned, price, credit = site
        found = remedy.site_option(remedy_name, need, a0, amax, owned, price, COSTS, credit)
        assert found is not None
        opt = found
    return opt.capex_yuan, opt.area_after_m2


def _checker(kind: str, remedy_name: str, site: Any) -> tuple[float, float]:
    need = REQUIRED[kind]
    if site is None:
        got = pricing.new_center(remedy_name, need, POLICY, COSTS)
    else:
        a0, amax, owned, price, credit = site
        found = pricing.site_center(remedy_name, need, a0, amax, owned, price, COSTS, credit)
        assert found is not None
        got = found
    return got.capex_yuan, got.area_m2


@pytest.mark.parametrize("year", [2013, 2015])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_both_pricings_match_the_hand_figures(case: Any, year: int) -> None:
    kind, name, site, capex, area = case
    urban = kind == "urban"
    hh = URBAN_HH if urban else RURAL_HH
    # annual = operating + capital × annuity + 60 yuan/m² running
    annual = OPERATING[kind, year] + capex * A + 60 * area
    s_capex, s_area = _solver(kind, name, site)
    c_capex, c_area = _checker(kind, name, site)
    assert (s_capex, s_area) == pytest.approx((capex, area), abs=1e-6), "solver (remedy.py)"
    assert (c_capex, c_area) == pytest.approx((capex, area), abs=1e-6), "checker (pricing.py)"
    s_annual = remedy.annual_cost_yuan(hh, urban, year, capex, area, POLICY, COSTS)
    c_annual = pricing.annual_cost(hh, urban, year, capex, area, POLICY, COSTS).total
    assert s_annual == pytest.approx(annual, abs=1e-6), "solver (remedy.py)"
    assert c_annual == pytest.approx(annual, abs=1e-6), "checker (pricing.py)"


def test_a_few_annual_figures_in_full() -> None:
    """Spelled out to the yuan, so the sums above can be read against a calculator."""
    # urban build, 2013: 734,041.80 + 1,920,000 × 0.0802425872 + 60 × 480
    #                  = 734,041.80 + 154,065.77 + 28,800 = 916,907.57
    got = pricing.annual_cost(URBAN_HH, True, 2013, 1_920_000, 480, POLICY, COSTS)
    assert got.total == pytest.approx(916_907.57, abs=0.01)
    # social insurance 30 % × (215,650 + 138,016 + 172,520) = 157,855.80
    assert (got.funding, got.committee, got.staff, got.coordinators, got.social_insurance,
            got.running) == pytest.approx((50_000, 215_650, 138_016, 172_520, 157_855.80,
                                           28_800))
    # urban build, 2015: 947,690.58 + 154,065.77 + 28,800 = 1,130,556.35
    assert pricing.annual_cost(URBAN_HH, True, 2015, 1_920_000, 480, POLICY, COSTS).total \
        == pytest.approx(1_130_556.35, abs=0.01)
    # rural keep of 450 m², 2015: 327,611.60 + 60 × 450 = 354,611.60
    assert remedy.annual_cost_yuan(RURAL_HH, False, 2015, 0, 450, POLICY, COSTS) \
        == pytest.approx(354_611.60)
    assert pricing.annual_cost(RURAL_HH, False, 2015, 0, 450, POLICY, COSTS).total \
        == pytest.approx(354_611.60)


def test_pay_follows_the_previous_years_wage_given_by_year() -> None:
    # the bulletin's 2013 wage 47,500 given: 2014 pay 47,500; 2015 pay 47,500 × 1.1;
    # 2013 pay still the 2012 wage 43,130; social insurance 32 %
    costs = Costs(urban_wage_by_year=((2013, 47_500.0),), social_insurance_rate=0.32)
    for year, pay in ((2013, 43_130), (2014, 47_500), (2015, 47_500 * 1.1)):
        assert pricing.member_pay_yuan(True, year, costs) == pytest.approx(pay)
        assert costs.member_pay_yuan(True, year) == pytest.approx(pay)
    # urban 2014 operating: FUND 85,000 + 12.2 × 47,500 × 1.32
    want = 85_000 + URBAN_UNITS * 47_500 * 1.32
    assert remedy.operating_cost_yuan(URBAN_HH, True, 2014, POLICY, costs) == pytest.approx(want)
    assert pricing.annual_cost(URBAN_HH, True, 2014, 0, 0, POLICY, costs).total \
        == pytest.approx(want)


def test_the_objective_counts_the_horizon_not_one_year() -> None:
    # urban, 2013-2015: funding 50,000, 85,000, 120,000; pay 43,130 × (1, 1.1, 1.21)
    years = (2013, 2014, 2015)
    pay = URBAN_UNITS * 43_130 * 1.3 * (1 + 1.1 + 1.21)
    want = (50_000 + 85_000 + 120_000 + pay) / 3
    assert remedy.horizon_operating_yuan(URBAN_HH, True, years, POLICY, COSTS) \
        == pytest.approx(want)
    assert want > OPERATING["urban", 2013] + 100_000    # an extra community costs more


@pytest.mark.parametrize(("year", "fund"), [
    (2012, 50_000),                          # before the opinion: the 2013 level
    (2013, 50_000),                          # FUND-URBAN: >= 50,000 in 2013 ...
    (2014, 50_000 + (120_000 - 50_000) / 2),  # ... halfway on the straight line: 85,000
    (2015, 120_000),                         # ... 120,000 by the end of 2015
    (2016, 120_000),
])
def test_urban_office_funding_by_year(year: int, fund: float) -> None:
    assert pricing.office_funding_yuan(True, year, POLICY) == pytest.approx(fund)
    assert POLICY.fund_yuan(True, year) == pytest.approx(fund)
    assert pricing.office_funding_yuan(False, year, POLICY) == 30_000   # FUND-RURAL


@pytest.mark.parametrize(("hh", "area", "coord", "staff"), [
    (0, 400.0, 0, 3),          # AREA-MIN floor; staff never below 3
    (1_000, 400.0, 4, 3),      # 200 < 400; ceil(3.33) = 4; ceil(1.67) = 2 -> 3
    (2_000, 400.0, 7, 4),      # 0.20 × 2,000 = 400; ceil(6.67) = 7; ceil(3.33) = 4
    (2_001, 400.2, 7, 4),      # just above: 400.2 m²
    (3_000, 600.0, 10, 5),     # ceil(10) = 10; ceil(5) = 5
    (3_600, 720.0, 12, 5),     # 6 by workload, capped at 5 (STAFF-3-5)
])
def test_required_area_coordinators_and_staff(hh: int, area: float, coord: int,
                                              staff: int) -> None:
    assert pricing.required_area_m2(hh, POLICY) == pytest.approx(area)
    assert POLICY.required_area_m2(hh) == pytest.approx(area)
    assert pricing.coordinators(hh, POLICY) == coord == POLICY.coordinators(hh)
    assert pricing.staff(hh, POLICY) == staff == POLICY.staff(hh)


def test_annuity_and_committee_pay() -> None:
    # 0.05 × 1.05^20 / (1.05^20 - 1) = 0.0802425872; with r = 0: 1/20
    assert pricing.annuity_per_yuan(COSTS) == pytest.approx(0.0802425872, abs=1e-10)
    assert COSTS.annuity_factor() == pytest.approx(0.0802425872, abs=1e-10)
    flat = Costs(discount_rate=0.0)
    assert pricing.annuity_per_yuan(flat) == flat.annuity_factor() == pytest.approx(0.05)
    # committees in 2013: urban 5 × 43,130; rural 22,000 + 4 × 80 % × 22,000
    assert pricing.committee_pay_yuan(True, 2013, COSTS) == 215_650 \
        == COSTS.committee_pay_yuan(True, 2013)
    assert pricing.committee_pay_yuan(False, 2013, COSTS) == pytest.approx(92_400)
    assert COSTS.committee_pay_yuan(False, 2013) == pytest.approx(92_400)


@pytest.mark.parametrize(("remedy_name", "site"), [
    ("keep", (300, 800, True, 0, 0)),        # too small to keep
    ("renovate", (500, 800, True, 0, 0)),    # already large enough: keep, not renovate
    ("extend", (300, 450, True, 0, 0)),      # cannot reach 480
    ("purchase", (300, 450, False, 1, 0)),   # cannot reach 480
    ("purchase", (500, 800, True, 0, 0)),    # owned: nothing to buy
    ("keep", (500, 800, False, 1, 0)),       # for sale: not the community's to keep
    ("swap", (450, 900, False, 1, 0)),       # gives nothing up
])
def test_both_pricings_refuse_the_same_impossible_remedies(remedy_name: str,
                                                           site: Any) -> None:
    a0, amax, owned, price, credit = site
    assert remedy.site_option(remedy_name, 480, a0, amax, owned, price, COSTS, credit) is None
    assert pricing.site_center(remedy_name, 480, a0, amax, owned, price, COSTS,
                               credit) is None


def _build_without_land(required_m2: float, costs: Costs) -> CenterOption:
    """remedy.build_option with a bug: the land forgotten."""
    return CenterOption("build", required_m2, costs.build_yuan_per_m2 * required_m2)


def test_a_pricing_bug_in_the_solver_is_caught_by_the_checker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """remedy.py's build price with the land forgotten (3,000 instead of 4,000 per m²),
    planted in the function itself so every module that imported it has the bug: the
    checker, pricing on its own, fails COST (it used to agree with the solver)."""
    from optimizer.checker import check
    from optimizer.scenario.build import grid_scenario
    from optimizer.search import solve

    monkeypatch.setattr(remedy.build_option, "__code__", _build_without_land.__code__)
    s = grid_scenario([[1200, 1300]])
    plan = solve(s, time_limit_s=5, workers=1)
    [com] = plan.communities
    assert com.remedy == "build" and math.isclose(com.capex_yuan, 3_000 * 500)
    report = check(s, plan)
    bad = {(r.rule_id, r.community_id) for r in report.failures()}
    assert ("COST", com.community_id) in bad and ("TOTALS", "*") in bad
    cost = next(r for r in report.failures() if r.rule_id == "COST")
    assert "recomputed 2,000,000.00" in cost.note     # (3,000 + 1,000) × 500 m²
