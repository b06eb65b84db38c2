"""Sites under construction or planned (PIPELINE): sites.csv ``status`` and
``available_year``. Fixture: the six-square grid of tests/helpers/scenarios.py (plan
year 2014, county C1)::

    +------+------+------+
    |  u1  |  u2  |  u3  |    s1 existing in u1; pipeline sites in u2, u3, u5
    +------+------+------+
    |  u4  |  u5  |  u6  |
    +------+------+------+
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimizer.scenario.build import make_sites
from optimizer.scenario.load import load_scenario
from optimizer.scenario.model import Sites, frozen_array
from tests.helpers.problems import errors_of, find
from tests.helpers.scenarios import PIPELINE_HEADER, budget_toml, make_scenario, sites_csv

GOOD = ["s1,u1,300,true,600,,,",
        "s2,u2,500,true,500,,under_construction,2015",
        "s3,u3,800,true,900,,planned,2016",
        "s4,u5,450,true,450,,existing,",
        "s5,u6,600,true,600,,planned,2016"]


def test_pipeline_sites_load_with_status_and_year(tmp_path: Path) -> None:
    sc = load_scenario(make_scenario(tmp_path, sites=sites_csv(GOOD, PIPELINE_HEADER)))
    s = sc.sites
    assert s.status == ("existing", "under_construction", "planned", "existing", "planned")
    assert s.handover_year.tolist() == [0, 2015, 2016, 0, 2016]
    assert not s.handover_year.flags.writeable and not s.pipeline.flags.writeable
    assert [s.is_pipeline(k) for k in range(5)] == [False, True, True, False, True]
    assert [s.available_year(k) for k in range(5)] == [None, 2015, 2016, None, 2016]
    assert s.available_by(2014).tolist() == [True, False, False, True, False]
    assert s.available_by(2015).tolist() == [True, True, False, True, False]
    assert s.available_by(2016).all()
    assert sc.warnings == ()


def test_without_the_columns_every_site_is_existing(tmp_path: Path) -> None:
    sc = load_scenario(make_scenario(tmp_path))
    assert sc.sites.status == ("existing", "existing")
    assert sc.sites.handover_year.tolist() == [0, 0]
    assert not sc.sites.pipeline.any()


def test_every_bad_status_and_year_is_named_and_collected(tmp_path: Path) -> None:
    rows = ["s1,u1,300,true,600,,building,2015",          # unknown status
            "s2,u2,500,true,500,,Planned,2015",            # case matters, with a hint
            "s3,u3,800,true,900,,planned,",                # year missing
            "s4,u4,450,true,450,,under_construction,",     # year missing
            "s5,u5,450,true,450,,existing,2015",           # year for an existing site
            "s6,u6,600,true,600,,,2016",                   # year, status empty = existing
            "s7,u1,600,true,600,,planned,2015.5",          # not whole
            "s8,u1,600,true,600,,planned,soon",            # not a number
            "s9,u1,600,true,600,,planned,1999",            # before 2000
            "s10,u1,600,true,600,,planned,2035",           # after plan year 2014 + 20
            "s11,u1,600,true,600,,planned,2e3"]            # exponent
    err = errors_of(make_scenario(tmp_path, sites=sites_csv(rows, PIPELINE_HEADER)))
    find(err, "sites.csv", "s1", "status", "must be one of existing, under_construction, "
         "planned", value="building")
    assert "did you mean 'planned'" in str(find(err, "sites.csv", "s2", "status"))
    find(err, "sites.csv", "s3", "available_year", "is required when status = planned")
    find(err, "sites.csv", "s4", "available_year", "under_construction")
    find(err, "sites.csv", "s5", "available_year", "must be empty for an existing site")
    find(err, "sites.csv", "s6", "available_year", "must be empty for an existing site")
    for site, value in (("s7", "2015.5"), ("s8", "soon"), ("s9", "1999"), ("s10", "2035"),
                        ("s11", "2e3")):
        p = find(err, "sites.csv", site, "available_year", value=value)
        assert "whole year from 2000 to 2034" in str(p) and "plan year 2014 + 20" in str(p)
    assert not [p for p in err.problems if p.record == "s1" and p.field == "available_year"]
    assert len(err.problems) == len(rows)     # one per row, none lost, none doubled


def test_year_without_status_column_is_refused(tmp_path: Path) -> None:
    header = "site_id,unit_id,area_m2,owned,max_area_m2,purchase_price_yuan,available_year"
    err = errors_of(make_scenario(tmp_path, sites=sites_csv(["s1,u1,300,true,600,,2015"],
                                                            header)))
    find(err, "sites.csv", "s1", "available_year", "must be empty for an existing site")


@pytest.mark.parametrize("year,ok", [(2036, True), (2037, False)])
def test_latest_year_is_the_budget_horizon_end_plus_20(tmp_path: Path, year: int,
                                                       ok: bool) -> None:
    folder = make_scenario(tmp_path, sites=sites_csv([f"s1,u1,300,true,600,,planned,{year}"],
                                                     PIPELINE_HEADER),
                           budget=budget_toml((2014, 2016)))
    if ok:
        assert load_scenario(folder).sites.available_year(0) == year
    else:
        p = find(errors_of(folder), "sites.csv", "s1", "available_year", value=str(year))
        assert "to 2036 (the budget horizon's end + 20)" in str(p)


def test_year_before_the_plan_year_is_a_warning(tmp_path: Path) -> None:
    sc = load_scenario(make_scenario(
        tmp_path, sites=sites_csv(["s1,u1,300,true,600,,under_construction,2012"],
                                  PIPELINE_HEADER)))
    assert sc.sites.available_year(0) == 2012
    find(sc.warnings, "sites.csv", "s1", "available_year", "before the plan year 2014")


def test_sites_built_without_status_are_existing_and_subset_keeps_status() -> None:
    old = Sites(("a", "b"), frozen_array([0, 1], np.int64), frozen_array([300, 500], float),
                frozen_array([True, True], bool), frozen_array([600, 500], float),
                frozen_array([np.nan, np.nan], float))
    assert old.status == ("existing", "existing") and old.handover_year.tolist() == [0, 0]
    sites = make_sites([{"site_id": "a", "unit_id": "u1", "area_m2": 300, "owned": True,
                         "max_area_m2": 600},
                        {"site_id": "b", "unit_id": "u2", "area_m2": 500, "owned": True,
                         "max_area_m2": 500, "status": "planned", "available_year": 2015}],
                       {"u1": 0, "u2": 1})
    sub = sites.subset([1], np.array([-1, 0]))
    assert sub.site_ids == ("b",) and sub.unit.tolist() == [0]
    assert sub.status == ("planned",) and sub.available_year(0) == 2015
    with pytest.raises(ValueError, match="handover year"):
        Sites(("a",), frozen_array([0], np.int64), frozen_array([1], float),
              frozen_array([True], bool), frozen_array([1], float),
              frozen_array([np.nan], float), ("planned",), frozen_array([0], np.int64))
