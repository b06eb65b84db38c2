"""The numbers of the Yancheng opinion 盐政发〔2013〕6号, each with its rule id.

Every field carries the rule id of ``shared/policy/RULES.md`` it comes from. The
defaults are the opinion's own numbers; where the opinion leaves a number to the
county (FUND-RURAL, the staff workload), the default is our assumption and says so.
Override any of them in the ``[policy]`` table of scenario.toml.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from optimizer.errors import Problem
from optimizer.rules.param_checks import range_problems

# SERVICES-6-8, clause (五): the basic services every center hosts, by their names in the
# opinion. Urban "6+X": the first six; rural "8+X": all eight (the six, then farm
# supplies 生产资料 and agency services for farmers 为农代理). A [policy] count
# services_urban_base / services_rural_base takes the first that many.
BASIC_SERVICES = ("卫生计生", "民政社保", "养老助残", "文体教育", "治安法律", "环保及流动人口服务",
                  "生产资料", "为农代理")


@dataclass(frozen=True)
class Policy:
    # SIZE-URBAN: an urban community has 2,000-3,000 households.
    urban_min_households: int = 2000
    urban_max_households: int = 3000
    # SIZE-RURAL: a rural community has 1,000-1,500 households.
    rural_min_households: int = 1000
    rural_max_households: int = 1500
    # AREA-PER-HH: at least 20 m² of service rooms per 100 households.
    area_per_100_households_m2: float = 20.0
    # AREA-MIN: and never less than 400 m².
    area_min_m2: float = 400.0
    # NEWDEV-1500: rooms co-built by a new residential development total ≥ 1,500 m².
    newdev_min_area_m2: float = 1500.0
    # COORD-300: one grid coordinator per 300 households (in principle).
    households_per_coordinator: int = 300
    # COORD-300 "grids of about 300 households": how far a grid may be from it (our
    # assumption: ±100, a third of a coordinator's load). A community of 300 or fewer
    # households is one grid whatever its size.
    grid_tolerance_households: int = 100
    # STAFF-3-5: 3-5 full-time community workers per community.
    staff_min: int = 3
    staff_max: int = 5
    # STAFF-3-5 workload (our assumption, not the opinion's): one full-time worker per
    # 600 households, so a 2,000-3,000 household urban community gets 4-5 and a rural
    # one 3. Staff = clamp(ceil(households / this), staff_min, staff_max).
    households_per_staff: int = 600
    # FUND-URBAN: urban office funding ≥ 50,000 yuan/year in 2013 ...
    fund_urban_2013_yuan: float = 50_000.0
    # FUND-URBAN: ... growing to 120,000 yuan/year by the end of 2015 (linear between).
    fund_urban_2015_yuan: float = 120_000.0
    # FUND-RURAL: rural office funding follows the rural fiscal transfer standard. The
    # opinion gives no number; 30,000 yuan/year is our assumption (a quarter of the
    # 2015 urban level), to be replaced by the county's transfer standard.
    fund_rural_yuan: float = 30_000.0
    # FACILITY-95: by 2015, ≥ 95% of communities meet the facility standard.
    facility_target_share: float = 0.95
    # The year the 2015 targets are due (FACILITY-95, HARMONY-90-80, PRO-80-50,
    # SELFGOV-95: "by 2015"); rooms handed over later do not count for them.
    target_year: int = 2015
    # HARMONY-90-80: by 2015, 90% urban / 80% rural harmonious communities (reported).
    harmony_urban_share: float = 0.90
    harmony_rural_share: float = 0.80
    # MGMT-2013: new management system in all urban communities by end of 2013, ≥ 90%
    # of rural ones in 2014 (reported).
    mgmt_urban_share_2013: float = 1.0
    mgmt_rural_share_2014: float = 0.90
    # ORGS-5: ≥ 5 registered social organizations per community (reported).
    orgs_min: int = 5
    # VOLUNTEER-15-10: registered volunteers ≥ 15% of urban, ≥ 10% of rural residents.
    volunteer_urban_share: float = 0.15
    volunteer_rural_share: float = 0.10
    # SERVICES-6-8: urban "6+X" and rural "8+X" basic services per center.
    services_urban_base: int = 6
    services_rural_base: int = 8
    # SELFGOV-95: by 2015, ≥ 95% of urban and rural communities meet the self-governance
    # standard (reported).
    selfgov_share: float = 0.95
    # PRO-80-50: by 2015, ≥ 80% urban / ≥ 50% rural professional qualification.
    pro_urban_share: float = 0.80
    pro_rural_share: float = 0.50
    # PLAN-2013-03 and FIX-2013-03: both plans and the fixes due by end of March 2013.
    plan_deadline: str = "2013-03-31"
    fix_deadline: str = "2013-03-31"
    # Population = households × this (RULES.md "Words"). Jiangsu 2010 census: 2.94
    # persons per family household (2.60 in 2020).
    household_size: float = 2.94

    # --- derived numbers -------------------------------------------------------
    def bounds(self, urban: bool) -> tuple[int, int]:
        """SIZE-URBAN / SIZE-RURAL household bounds for a community of this kind."""
        if urban:
            return self.urban_min_households, self.urban_max_households
        return self.rural_min_households, self.rural_max_households

    def size_rule(self, urban: bool) -> str:
        return "SIZE-URBAN" if urban else "SIZE-RURAL"

    def required_area_m2(self, households: int) -> float:
        """AREA-PER-HH and AREA-MIN: max(400, 20 m² per 100 households)."""
        return max(self.area_min_m2, self.area_per_100_households_m2 * households / 100.0)

    def coordinators(self, households: int) -> int:
        """COORD-300: ceil(households / 300)."""
        return math.ceil(households / self.households_per_coordinator)

    def basic_services(self, urban: bool) -> tuple[str, ...]:
        """SERVICES-6-8: the basic services of an urban ("6") or rural ("8") center."""
        n = self.services_urban_base if urban else self.services_rural_base
        return BASIC_SERVICES[:n]

    def staff(self, households: int) -> int:
        """STAFF-3-5 by the workload assumption ``households_per_staff``."""
        want = math.ceil(households / self.households_per_staff)
        return min(self.staff_max, max(self.staff_min, want))

    def fund_yuan(self, urban: bool, year: int) -> float:
        """FUND-URBAN (by plan year, linear from 2013 to 2015) or FUND-RURAL."""
        if not urban:
            return self.fund_rural_yuan
        if year <= 2013:
            return self.fund_urban_2013_yuan
        if year >= 2015:
            return self.fund_urban_2015_yuan
        step = (self.fund_urban_2015_yuan - self.fund_urban_2013_yuan) / 2.0
        return self.fund_urban_2013_yuan + step * (year - 2013)

    def volunteers(self, households: int, urban: bool) -> int:
        """VOLUNTEER-15-10: volunteers needed for this many households."""
        share = self.volunteer_urban_share if urban else self.volunteer_rural_share
        return math.ceil(share * households * self.household_size)

    def problems(self, file: str = "scenario.toml", section: str = "policy") -> list[Problem]:
        """Every number outside its range, on its own key with its rule id; then a
        lower bound above its upper bound, naming both keys."""
        out = range_problems(self, POLICY_CHECKS, POLICY_PAIRS, file, section)
        for key in ("services_urban_base", "services_rural_base"):
            value = getattr(self, key)
            if isinstance(value, int) and value > len(BASIC_SERVICES):
                out.append(Problem(file, f"must be at most {len(BASIC_SERVICES)}, the basic "
                                   f"services the opinion names ({'、'.join(BASIC_SERVICES)}) "
                                   "(SERVICES-6-8)", record=f"[{section}]", field=key,
                                   value=value))
        return out


# Each field: (rule id of RULES.md, kind of number; see optimizer.rules.param_checks).
POLICY_CHECKS: dict[str, tuple[str, str]] = {
    "urban_min_households": ("SIZE-URBAN", "count1"),
    "urban_max_households": ("SIZE-URBAN", "count1"),
    "rural_min_households": ("SIZE-RURAL", "count1"),
    "rural_max_households": ("SIZE-RURAL", "count1"),
    "area_per_100_households_m2": ("AREA-PER-HH", "amount"),
    "area_min_m2": ("AREA-MIN", "amount"),
    "newdev_min_area_m2": ("NEWDEV-1500", "amount"),
    "households_per_coordinator": ("COORD-300", "count1"),
    "grid_tolerance_households": ("COORD-300 grid size tolerance", "count0"),
    "staff_min": ("STAFF-3-5", "count1"),
    "staff_max": ("STAFF-3-5", "count1"),
    "households_per_staff": ("STAFF-3-5 workload", "count1"),
    "fund_urban_2013_yuan": ("FUND-URBAN", "amount"),
    "fund_urban_2015_yuan": ("FUND-URBAN", "amount"),
    "fund_rural_yuan": ("FUND-RURAL", "amount"),
    "facility_target_share": ("FACILITY-95", "share"),
    "target_year": ("FACILITY-95 target year", "count1"),
    "harmony_urban_share": ("HARMONY-90-80", "share"),
    "harmony_rural_share": ("HARMONY-90-80", "share"),
    "mgmt_urban_share_2013": ("MGMT-2013", "share"),
    "mgmt_rural_share_2014": ("MGMT-2013", "share"),
    "orgs_min": ("ORGS-5", "count0"),
    "volunteer_urban_share": ("VOLUNTEER-15-10", "share"),
    "volunteer_rural_share": ("VOLUNTEER-15-10", "share"),
    "services_urban_base": ("SERVICES-6-8", "count0"),
    "services_rural_base": ("SERVICES-6-8", "count0"),
    "selfgov_share": ("SELFGOV-95", "share"),
    "pro_urban_share": ("PRO-80-50", "share"),
    "pro_rural_share": ("PRO-80-50", "share"),
    "plan_deadline": ("PLAN-2013-03", "date"),
    "fix_deadline": ("FIX-2013-03", "date"),
    "household_size": ("population = households × household_size, RULES.md 'Words'",
                       "positive"),
}
POLICY_PAIRS = (("urban_min_households", "urban_max_households", "SIZE-URBAN"),
                ("rural_min_households", "rural_max_households", "SIZE-RURAL"),
                ("staff_min", "staff_max", "STAFF-3-5"))
