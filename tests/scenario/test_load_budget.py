"""[budget] of scenario.toml: capital per county and year (FUND-POOL, issue 18).

Fixture: the six-square grid of tests/helpers/scenarios.py (plan year 2014), with the
rural column moved to a second county for the per-county tables::

    +------+------+------+
    |  u1  |  u2  |  u3  |    u1 u2 u4 u5 in C1 ("Jianhu" below), u3 u6 in C2
    +------+------+------+
    |  u4  |  u5  |  u6  |
    +------+------+------+
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimizer.errors import ConfigError
from optimizer.scenario.budget import Budget
from optimizer.scenario.load import load_scenario
from optimizer.scenario.read_budget import budget_from_table
from tests.helpers.problems import errors_of, find
from tests.helpers.scenarios import budget_toml, grid_units, make_scenario, toml_text

F, B = "scenario.toml", "[budget]"


def two_counties(tmp_path: Path, budget: str) -> Path:
    units = grid_units()
    for u in units:
        u["county"] = "C2" if u["kind"] == "rural" else "Jianhu"
    return make_scenario(tmp_path, units=units, budget=budget)


def test_shared_table_and_a_county_override(tmp_path: Path) -> None:
    text = budget_toml((2014, 2016), {2014: 8e6, 2015: 6e6, 2016: 6_000_000}, carry_over=True,
                       counties={"Jianhu": {2014: 5e6, 2015: 5e6, 2016: 4e6}})
    sc = load_scenario(two_counties(tmp_path, text))
    b = sc.budget
    assert b is not None and b.years == (2014, 2015, 2016) and b.carry_over
    assert b.capital("Jianhu", 2014) == 5e6 and b.capital("C2", 2014) == 8e6
    assert b.capital_by_year("C2").tolist() == [8e6, 6e6, 6e6]
    assert b.total("Jianhu") == 14e6
    assert b.has_own("Jianhu") and not b.has_own("C2")
    assert not b.capital_by_year("Jianhu").flags.writeable
    with pytest.raises(TypeError):
        b.own_yuan["C2"] = np.zeros(3)         # type: ignore[index]
    with pytest.raises(KeyError, match="outside the budget horizon"):
        b.capital("C2", 2017)


def test_no_budget_means_none(tmp_path: Path) -> None:
    assert load_scenario(make_scenario(tmp_path)).budget is None


def test_every_county_own_table_needs_no_shared_one(tmp_path: Path) -> None:
    text = budget_toml((2014, 2014), counties={"Jianhu": {2014: 1}, "C2": {2014: 0}})
    b = load_scenario(two_counties(tmp_path, text)).budget
    assert b is not None and b.shared_yuan is None and b.capital("C2", 2014) == 0.0


def test_every_bad_value_is_named_and_collected(tmp_path: Path) -> None:
    text = """[budget]
horizon = [2014, 2016]
carryover = true
capital_yuan = { 2014 = -1.0, 2015 = inf, 2017 = 5e6, y2016 = 1, 2016 = "lots" }
[budget.counties."Jianhu"]
capital_yuan = { 2014 = 1e6, 2015 = nan, 2016 = true }
carry_over = true
[budget.counties."Jianhuu"]
capital = { 2014 = 1 }
"""
    err = errors_of(two_counties(tmp_path, text))
    assert "did you mean 'carry_over'" in str(find(err, F, B, "carryover", "unknown key"))
    find(err, F, B, "capital_yuan.2014", "must be ≥ 0", value=-1.0)
    find(err, F, B, "capital_yuan.2015", "finite")
    find(err, F, B, "capital_yuan.2017", "outside the budget horizon 2014-2016", value=5e6)
    find(err, F, B, "capital_yuan.y2016", "must be a year")
    find(err, F, B, "capital_yuan.2016", "amount in yuan", value="lots")
    j = '[budget.counties."Jianhu"]'
    find(err, F, j, "capital_yuan.2015", "finite")
    find(err, F, j, "capital_yuan.2016", "amount in yuan", value=True)
    find(err, F, j, "carry_over", "is set for all counties in [budget]")
    p = find(err, F, '[budget.counties."Jianhuu"]', "county", "no such county",
             value="Jianhuu")
    assert "did you mean 'Jianhu'" in str(p)
    find(err, F, '[budget.counties."Jianhuu"]', "capital", "unknown key")
    find(err, F, '[budget.counties."Jianhuu"]', "capital_yuan", "is required")


@pytest.mark.parametrize("horizon,text", [
    ("[2016, 2014]", "the last year is before the first"),
    ("[2014]", "two whole years in order"),
    ('["2014", "2016"]', "two whole years in order"),
    ("[2014, 2015.0]", "two whole years in order"),
    ("[2013, 2015]", "starts before the plan year (year = 2014)"),
    ("[2014, 2099]", "at most 30"),
    ("[2014, 9999]", "years from 1900 to 2200"),
])
def test_bad_horizon(tmp_path: Path, horizon: str, text: str) -> None:
    toml = f"[budget]\nhorizon = {horizon}\ncapital_yuan = {{ 2014 = 1 }}\n"
    find(errors_of(make_scenario(tmp_path, budget=toml)), F, B, "horizon", text)


def test_missing_horizon_year_and_capital(tmp_path: Path) -> None:
    err = errors_of(make_scenario(tmp_path, budget="[budget]\ncapital_yuan = { 2014 = 1 }\n"))
    find(err, F, B, "horizon", "is required")
    err = errors_of(make_scenario(tmp_path / "b", budget=budget_toml(
        (2014, 2016), {2014: 1, 2016: 2})))
    find(err, F, B, "capital_yuan", "gives no amount for 2015")
    err = errors_of(make_scenario(tmp_path / "c", budget="[budget]\nhorizon = [2014, 2015]\n"
                                  "carry_over = 1\n"))
    find(err, F, B, "capital_yuan", "is required")
    find(err, F, B, "carry_over", "true or false", value=1)


def test_a_county_without_capital(tmp_path: Path) -> None:
    err = errors_of(two_counties(tmp_path, budget_toml((2014, 2014),
                                                       counties={"Jianhu": {2014: 1}})))
    assert "(none for C2)" in str(find(err, F, B, "capital_yuan", "is required"))


def test_budget_and_other_problems_are_collected_together(tmp_path: Path) -> None:
    toml = toml_text(extra="[budget]\nhorizon = [2014, 2014]\ncapital_yuan = { 2014 = -5 }\n"
                     "[policy]\nurban_max_household = 1\n")
    err = errors_of(make_scenario(tmp_path, toml=toml))
    find(err, F, B, "capital_yuan.2014", "must be ≥ 0")
    find(err, F, "[policy]", "urban_max_household", "unknown key")
    err = errors_of(make_scenario(tmp_path / "b", toml=toml_text().replace(
        'name = "tiny"', 'name = "tiny"\nbudget = 5')))
    find(err, F, B, "budget", "must be a table")


def test_api_what_if_budgets() -> None:
    b = budget_from_table({"horizon": [2013, 2015],
                           "capital_yuan": {2013: 8e6, 2014: 6e6, 2015: 6e6}}, 2013, {"X"})
    half = b.scaled(0.5, (2014,))
    assert half.capital_by_year("X").tolist() == [8e6, 3e6, 6e6]
    assert b.capital("X", 2014) == 6e6                      # the original is untouched
    with pytest.raises(ConfigError) as info:
        budget_from_table({"horizon": [2013, 2015], "capital_yuan": {2013: 1}}, 2013, {"X"})
    assert "gives no amount for 2014, 2015" in str(info.value)
    with pytest.raises(ValueError):
        Budget(2013, 2014, shared_yuan=np.array([1.0, -1.0]))


def test_scenario_replace_takes_a_budget_table(tmp_path: Path) -> None:
    sc = load_scenario(make_scenario(tmp_path))
    new = sc.replace(budget={"horizon": [2014, 2015], "capital_yuan": {2014: 1, 2015: 2}})
    assert sc.budget is None and new.budget is not None and new.budget.capital("C1", 2015) == 2
    with pytest.raises(ConfigError) as info:
        sc.replace(budget={"horizon": [2014, 2014], "counties": {"C9": {"capital_yuan":
                                                                        {2014: 1}}}})
    assert "no such county" in str(info.value)
