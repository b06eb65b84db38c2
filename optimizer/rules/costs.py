"""Unit costs, salaries and objective weights, with every default's reasoning.

None of these numbers is in the Yancheng opinion; each default is an assumption of
ours, stated with where it comes from, and every one can be overridden in the
``[costs]`` or ``[objective]`` table of scenario.toml.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.errors import Problem
from optimizer.rules.limits import (
    relative_gap_problem,
    seed_problem,
    time_limit_problem,
    workers_problem,
)
from optimizer.rules.param_checks import range_problems

YearTable = tuple[tuple[int, float], ...]    # (year, amount), a [costs] inline table
# The Costs fields that are year tables, checked pair by pair rather than by range.
YEAR_TABLES = ("urban_wage_by_year", "rural_income_by_year")


@dataclass(frozen=True)
class Costs:
    # PAY-URBAN: urban "two committees" members earn at least last year's (上年度) local
    # average wage of urban employees: the pay of year y follows the wage of y - 1.
    # The wage of wage_year (2012). No Yancheng 2012 figure was found; the
    # northern-Jiangsu neighbour Xuzhou's 2012 average annual wage of urban
    # non-private-unit employees, 43,130 yuan (its statistical bulletin), stands in.
    urban_wage_yuan: float = 43_130.0
    # PAY-RURAL: a village party secretary earns at least 2 × last year's county rural
    # per-capita net income. Assumption: 11,000 yuan, the order of northern-Jiangsu
    # rural per-capita net income in 2012; replace with the county's bulletin figure.
    rural_income_yuan: float = 11_000.0
    # The year urban_wage_yuan and rural_income_yuan describe.
    wage_year: int = 2012
    # Wages and incomes by the year they describe, from the statistical bulletins:
    # [costs] urban_wage_by_year = { 2013 = 47500, 2014 = 52000 }. A year not given
    # grows from the nearest year given before it (or wage_year) by wage_growth.
    urban_wage_by_year: YearTable = ()
    rural_income_by_year: YearTable = ()
    # Yearly growth of wages and rural incomes for the years not given (assumption:
    # 10%, Jiangsu's urban wage and rural income grew about 10-13% a year in 2011-2013).
    wage_growth: float = 0.10
    # SOCIAL-INS: every community worker is covered by social insurance (社会保障): the
    # employer's contributions on top of pay, for committee members, full-time staff
    # and coordinators. Assumption: 30% of pay (pension 20%, medical 7%, unemployment
    # 2%, work injury and maternity 1%: Jiangsu's employer rates of 2013).
    social_insurance_rate: float = 0.30
    # PAY-RURAL multiplier of the opinion.
    rural_secretary_income_multiple: float = 2.0
    # "Two committees" members paid per community (assumption: 5 urban, 5 rural, the
    # usual size of a residents'/villagers' committee).
    committee_size_urban: int = 5
    committee_size_rural: int = 5
    # PAY-OTHER: other community workers (full-time staff, other rural committee
    # members) earn this share of a committee member's pay (assumption: 80%).
    pay_other_ratio: float = 0.80
    # COORD-300 coordinators are paid this share of a committee member's pay
    # (assumption: 50%; coordinators are often part-time and subsidised).
    coordinator_pay_ratio: float = 0.50
    # REMEDY 改建 renovate: refit of an existing building, per m² of resulting area
    # (assumption: 1,200 yuan/m², interior refit of public rooms in 2013 prices).
    renovate_yuan_per_m2: float = 1_200.0
    # REMEDY 扩建 extend: an extension, per m² added (assumption: 2,800 yuan/m²,
    # structure and fit-out of a low-rise extension).
    extend_yuan_per_m2: float = 2_800.0
    # REMEDY 自建 build: a new center, per m² of floor (assumption: 3,000 yuan/m²) ...
    build_yuan_per_m2: float = 3_000.0
    # ... plus land per m² of floor (assumption: 1,000 yuan/m², allocated land with a
    # plot ratio of about 1).
    land_yuan_per_m2: float = 1_000.0
    # REMEDY 置换 swap: an owned site given up in exchange is credited at this value per
    # m² (assumption: 2,000 yuan/m²).
    swap_credit_yuan_per_m2: float = 2_000.0
    # Running cost (utilities, cleaning, upkeep) per m² per year (assumption: 60 yuan).
    running_yuan_per_m2_year: float = 60.0
    # Capital is annualized over this horizon at this rate (assumption: 20 years, 5%,
    # a public-building depreciation life and a 2013 long-term lending rate).
    horizon_years: int = 20
    discount_rate: float = 0.05

    def annuity_factor(self) -> float:
        """Annual payment per yuan of capital over ``horizon_years`` at ``discount_rate``."""
        r, n = self.discount_rate, self.horizon_years
        if r == 0:
            return 1.0 / n
        return r / (1.0 - (1.0 + r) ** -n)

    def wage_in(self, urban: bool, year: int) -> float:
        """The urban average wage (or rural per-capita net income) of ``year``: the
        bulletin's figure where given, else grown by wage_growth from the nearest
        year given before it (wage_year's figure at the least; backwards before it)."""
        table = dict(self.urban_wage_by_year if urban else self.rural_income_by_year)
        if year in table:
            return float(table[year])
        base_year = self.wage_year
        base = self.urban_wage_yuan if urban else self.rural_income_yuan
        earlier = [y for y in table if y < year and y > base_year]
        if earlier:
            base_year = max(earlier)
            base = float(table[base_year])
        return base * (1.0 + self.wage_growth) ** (year - base_year)

    def member_pay_yuan(self, urban: bool, year: int) -> float:
        """Pay in ``year`` of one committee member (PAY-URBAN: last year's urban average
        wage) or of a village party secretary (PAY-RURAL: 2 × last year's rural income)."""
        if urban:
            return self.wage_in(True, year - 1)
        return self.rural_secretary_income_multiple * self.wage_in(False, year - 1)

    def committee_pay_yuan(self, urban: bool, year: int) -> float:
        """Pay of the whole committee in ``year`` (PAY-URBAN, PAY-RURAL, PAY-OTHER)."""
        pay = self.member_pay_yuan(urban, year)
        if urban:
            return self.committee_size_urban * pay
        return pay + (self.committee_size_rural - 1) * self.pay_other_ratio * pay

    def employer_factor(self) -> float:
        """What a yuan of pay costs the employer (SOCIAL-INS)."""
        return 1.0 + self.social_insurance_rate

    def problems(self, file: str = "scenario.toml", section: str = "costs") -> list[Problem]:
        """Every number outside its range, on its own key with its rule id."""
        out = range_problems(self, COSTS_CHECKS, (), file, section)
        for key in YEAR_TABLES:
            for year, amount in getattr(self, key):
                if not 1900 <= year <= 2200 or not 0 <= amount <= 1e9:
                    out.append(Problem(file, "must map whole years (1900-2200) to amounts "
                                       "from 0 to 1,000,000,000 (PAY-URBAN/PAY-RURAL)",
                                       record=f"[{section}]", field=key,
                                       value=f"{year} = {amount}"))
        return out



@dataclass(frozen=True)
class ObjectiveWeights:
    """Secondary terms, in yuan-equivalents per year added to the annual cost."""

    # Accessibility: yuan per household per km from its unit to its center
    # (assumption: 20 yuan, about ten round trips a year at 1 yuan/km of time and fare).
    distance_yuan_per_household_km: float = 20.0
    # Minimal change: yuan per household moved away from its current community
    # (assumption: 30 yuan, the yearly share of re-registration and disruption costs).
    moved_yuan_per_household: float = 30.0
    # Compactness: yuan per cut edge between two communities (off by default).
    cut_edge_yuan: float = 0.0

    def problems(self, file: str = "scenario.toml", section: str = "objective") -> list[Problem]:
        """Every weight outside its range, on its own key."""
        return range_problems(self, OBJECTIVE_CHECKS, (), file, section)


@dataclass(frozen=True)
class SolverParams:
    """Passed through to the search (``[solver]`` in scenario.toml)."""

    time_limit_s: float = 60.0
    workers: int = 0  # 0 = all cores
    seed: int = 0
    relative_gap: float = 0.0
    log_search: bool = False

    def problems(self, file: str = "scenario.toml", section: str = "solver") -> list[Problem]:
        out = []
        for name, check in (("time_limit_s", time_limit_problem), ("workers", workers_problem),
                            ("seed", seed_problem), ("relative_gap", relative_gap_problem)):
            value = getattr(self, name)
            problem = check(value)
            if problem:
                out.append(Problem(file, problem, record=f"[{section}]", field=name,
                                   value=value))
        return out


# Each field: (rule id of RULES.md, or what our assumption prices; kind of number).
COSTS_CHECKS: dict[str, tuple[str, str]] = {
    "urban_wage_yuan": ("PAY-URBAN", "amount"),
    "rural_income_yuan": ("PAY-RURAL", "amount"),
    "wage_year": ("PAY-URBAN/PAY-RURAL, the year of the wage given", "count1"),
    "wage_growth": ("wage growth, our assumption", "share"),
    "social_insurance_rate": ("SOCIAL-INS", "share"),
    "rural_secretary_income_multiple": ("PAY-RURAL", "amount"),
    "committee_size_urban": ("PAY-URBAN committee size", "count1"),
    "committee_size_rural": ("PAY-RURAL committee size", "count1"),
    "pay_other_ratio": ("PAY-OTHER", "amount"),
    "coordinator_pay_ratio": ("COORD-300 pay", "amount"),
    "renovate_yuan_per_m2": ("REMEDY renovate 改建", "amount"),
    "extend_yuan_per_m2": ("REMEDY extend 扩建", "amount"),
    "build_yuan_per_m2": ("REMEDY build 自建", "amount"),
    "land_yuan_per_m2": ("REMEDY build 自建, land", "amount"),
    "swap_credit_yuan_per_m2": ("REMEDY swap 置换", "amount"),
    "running_yuan_per_m2_year": ("running cost, our assumption", "amount"),
    "horizon_years": ("capital annuity horizon, our assumption", "count1"),
    "discount_rate": ("capital annuity rate, our assumption", "amount"),
}
OBJECTIVE_CHECKS: dict[str, tuple[str, str]] = {
    "distance_yuan_per_household_km": ("accessibility weight", "amount"),
    "moved_yuan_per_household": ("minimal change weight", "amount"),
    "cut_edge_yuan": ("compactness weight", "amount"),
}
