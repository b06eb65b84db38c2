"""communities_today.csv: what is known of today's communities (issue 17).

Fixture: the six-square grid of tests/helpers/scenarios.py; today's communities are
old-A (u1 u2 u3) and old-B (u4 u5 u6)::

    +------+------+------+
    |  u1  |  u2  |  u3  |    old-A
    +------+------+------+
    |  u4  |  u5  |  u6  |    old-B
    +------+------+------+
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from optimizer.scenario.formula_names import formula_warnings
from optimizer.scenario.load import load_scenario
from optimizer.scenario.today import TODAY_FIELDS, TodayCommunity
from tests.helpers.problems import errors_of, find
from tests.helpers.scenarios import grid_units, make_scenario, sites_csv, today_csv

FILE = "communities_today.csv"


def test_found_by_its_contract_name_and_read(tmp_path: Path) -> None:
    sc = load_scenario(make_scenario(tmp_path, today=today_csv()))
    today = sc.communities_today
    assert today is not None and len(today) == 2 and today.names == ("old-A", "old-B")
    assert today.columns == TODAY_FIELDS and today.file == FILE
    assert today.get("old-A") == TodayCommunity(
        "old-A", social_orgs=6, volunteers=450, workers=9, qualified_workers=7,
        mgmt_system=True, harmony_standard=True, selfgov_standard=False,
        services_x=("助餐", "法律咨询"))
    b = today.get("old-B")
    assert b is not None and b.social_orgs == 3
    for field in TODAY_FIELDS[1:]:
        assert b.value(field) is None                  # empty cell: not known, never 0
    assert today.value("old-B", "workers") is None
    assert today.known_count("social_orgs") == 2 and today.known_count("workers") == 1
    assert any(FILE in n and "found in the folder" in n for n in sc.notes)


def test_without_the_file_nothing_is_known(tmp_path: Path) -> None:
    assert load_scenario(make_scenario(tmp_path)).communities_today is None


def test_named_in_data_under_another_name(tmp_path: Path) -> None:
    sc = load_scenario(make_scenario(tmp_path, today=today_csv(), today_file="今日社区.csv"))
    assert sc.communities_today is not None and sc.communities_today.file == "今日社区.csv"
    assert not any("found in the folder" in n for n in sc.notes)


def test_named_file_missing(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, today=today_csv(), today_file="today.csv")
    (folder / "today.csv").unlink()
    find(errors_of(folder), "today.csv", None, None, "file not found")


def test_missing_columns_are_not_known_and_rows_may_be_missing(tmp_path: Path) -> None:
    text = today_csv(["old-B,120"], header="current_community,volunteers")
    today = load_scenario(make_scenario(tmp_path, today=text)).communities_today
    assert today is not None and today.columns == ("volunteers",)
    assert today.value("old-B", "volunteers") == 120
    assert today.value("old-B", "social_orgs") is None      # no such column
    assert today.get("old-A") is None and today.value("old-A", "volunteers") is None
    with pytest.raises(KeyError):
        today.value("old-A", "volunteer")


def test_header_only_file_is_an_empty_table(tmp_path: Path) -> None:
    today = load_scenario(make_scenario(tmp_path, today=today_csv([]))).communities_today
    assert today is not None and len(today) == 0


def test_booleans_and_service_lists_as_offices_write_them(tmp_path: Path) -> None:
    text = today_csv(["old-A,,,,,TRUE,是,否, 助餐 ；法律咨询;;助餐 ",
                      "old-B,,,,,False,,,;"])
    today = load_scenario(make_scenario(tmp_path, today=text)).communities_today
    assert today is not None
    a, b = today.get("old-A"), today.get("old-B")
    assert a is not None and b is not None
    assert (a.mgmt_system, a.harmony_standard, a.selfgov_standard) == (True, True, False)
    assert a.services_x == ("助餐", "法律咨询")          # trimmed, empty and repeats dropped
    assert b.mgmt_system is False and b.services_x is None


@pytest.mark.parametrize("encoding,bom", [("gbk", b""), ("gb18030", b""),
                                          ("utf-8", codecs.BOM_UTF8)])
def test_gbk_and_bom_files_with_chinese_names(tmp_path: Path, encoding: str,
                                              bom: bytes) -> None:
    units = grid_units()
    for u in units:
        u["current_community"] = "湖中社区" if u["kind"] == "urban" else "冈东村"
    text = today_csv(["湖中社区,5,300,8,6,是,是,否,助餐；家政服务",
                      "冈东村,2,,4,1,否,,,"])
    folder = make_scenario(tmp_path, units=units)
    (folder / FILE).write_bytes(bom + text.replace("\n", "\r\n").encode(encoding))
    sc = load_scenario(folder)
    today = sc.communities_today
    assert today is not None and today.names == ("湖中社区", "冈东村")
    assert today.value("湖中社区", "services_x") == ("助餐", "家政服务")
    assert today.value("冈东村", "mgmt_system") is False
    assert today.value("冈东村", "workers") == 4
    gb = [n for n in sc.notes if "GB18030" in n]
    assert bool(gb) == (encoding != "utf-8") and (not gb or FILE in gb[0])


def test_every_bad_value_is_named_and_collected(tmp_path: Path) -> None:
    text = today_csv(["old-A,6,450,9,10,true,true,false,",        # qualified > workers
                      "old-C,1,,,,,,,",                             # no such community
                      "old-A,2,,,,,,,",                             # duplicate
                      ",3,,,,,,,",                                  # no name
                      "old-B,-1,2.5,many,,yes,1,已,"])              # bad counts, bad flags
    err = errors_of(make_scenario(tmp_path, today=text))
    find(err, FILE, "old-A", "qualified_workers", "must be ≤ workers=9", value=10)
    p = find(err, FILE, "old-C", "current_community", "current_community of the units file")
    assert "did you mean 'old-A'" in str(p) or "did you mean 'old-B'" in str(p)
    find(err, FILE, "old-A", "current_community", "must be unique; it appears on rows 1, 3")
    find(err, FILE, "row 4", "current_community", "non-empty")
    find(err, FILE, "old-B", "social_orgs", "must be ≥ 0", value="-1")
    find(err, FILE, "old-B", "volunteers", "whole number", value="2.5")
    find(err, FILE, "old-B", "workers", "not a number", value="many")
    for field, value in (("mgmt_system", "yes"), ("harmony_standard", "1"),
                         ("selfgov_standard", "已")):
        find(err, FILE, "old-B", field, "must be true or false (是/否)", value=value)


def test_problems_of_other_files_are_collected_with_these(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, today=today_csv(["old-Z,1,,,,,,,"]),
                           sites=sites_csv(["s1,u9,300,true,600,"]))
    err = errors_of(folder)
    find(err, FILE, "old-Z", "current_community")
    find(err, "sites.csv", "s1", "unit_id")


def test_units_without_current_community(tmp_path: Path) -> None:
    units = grid_units()
    for u in units:
        del u["current_community"]
    err = errors_of(make_scenario(tmp_path, units=units, today=today_csv()))
    find(err, FILE, None, "current_community", "no current_community column")
    assert len(err.problems) == 1


def test_missing_key_column_and_unknown_columns(tmp_path: Path) -> None:
    err = errors_of(make_scenario(tmp_path, today="community,volunteers\nold-A,3\n"))
    find(err, FILE, None, None, "required column 'current_community'")
    text = "current_community,volunteer,social_orgs\nold-A,3,1\n"
    sc = load_scenario(make_scenario(tmp_path / "b", today=text))
    w = find(sc.warnings, FILE, None, "column", "not read", value="volunteer")
    assert "did you mean 'volunteers'" in str(w)
    assert sc.communities_today is not None
    assert sc.communities_today.value("old-A", "volunteers") is None


def test_service_names_are_text_and_formula_like_ones_are_named(tmp_path: Path) -> None:
    text = today_csv(['old-A,,,,,,,,"=HYPERLINK(""x"");助餐"', 'old-B,,,,,,,,"=HYPERLINK(""x"")"'])
    sc = load_scenario(make_scenario(tmp_path, today=text))
    assert sc.communities_today is not None
    assert sc.communities_today.value("old-A", "services_x") == ('=HYPERLINK("x")', "助餐")
    lines = formula_warnings(sc)
    assert any("communities_today.csv: services_x: '=HYPERLINK(\"x\")' (2 communities)" in ln
               for ln in lines), lines
