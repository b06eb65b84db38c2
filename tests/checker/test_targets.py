"""The reported targets and the service lists (issue 17 items 1 and 3): not_assessed
without communities_today.csv, measured with it, never "pass" without data.

The fixture of tests/helpers/check_fixture.py with today's communities drawn on it::

    today's T1 = r0c0 r0c1 r1c0 r1c1  (4,300 h: A1 2,200 + A2 2,100)
    today's T2 = r0c2 r0c3 r1c2 r1c3  (3,000 h: B1)
    today's V1 = r2c0 r2c1 r3c0 r3c1 r3c2  (1,100 h: RA)
    today's V2 = r2c2 r2c3            (1,300 h: RB)
"""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.checker.checker import check
from optimizer.plan.compliance import ComplianceReport
from optimizer.scenario.today import TODAY_FIELDS
from tests.helpers.check_fixture import build_plan, scenario, valid_spec
from tests.helpers.today import FULL, X, spec_with_x, with_today

REPORTED = {"HARMONY-90-80", "MGMT-2013", "ORGS-5", "PRO-80-50", "SELFGOV-95",
            "VOLUNTEER-15-10"}


def line(report: ComplianceReport, rule: str, cid: str = "*") -> Any:
    return next(r for r in report.rows if r.rule_id == rule and r.community_id == cid)


def test_without_the_data_every_reported_target_is_not_assessed() -> None:
    s = scenario()
    report = check(s, build_plan(s, valid_spec()))
    for rule in REPORTED:
        r = line(report, rule)
        assert r.status == "not_assessed" and r.value is None, r
        assert "communities_today.csv not given" in r.note
        assert not [x for x in report.rows if x.rule_id == rule and x.community_id != "*"]
    assert line(report, "SERVICES-6-8").status == "not_assessed"   # the X part unknown
    assert line(report, "SERVICES-6-8", "A1").note.startswith("basic services complete")
    assert "volunteers needed" in line(report, "VOLUNTEER-15-10").note
    assert report.passed       # not_assessed is not a failure ...
    text = report.summary_text()
    assert "0 fail" in text and "12 not_assessed" in text   # ... nor a pass: 6 + 5 + 1
    assert "not assessed (the scenario lacks the data)" in text
    assert not any(r.status == "pass" for r in report.rows if r.rule_id in REPORTED)


def test_counts_shared_by_households_with_the_2015_shortfall() -> None:
    s = with_today(FULL)
    report = check(s, build_plan(s, spec_with_x()))
    # T1's 10 organizations: A1 holds 2,200/4,300 -> 5.1 -> 5; A2 2,100/4,300 -> 4.9 -> 4
    assert (line(report, "ORGS-5", "A1").status, line(report, "ORGS-5", "A1").value) == ("pass", 5)
    a2 = line(report, "ORGS-5", "A2")
    assert (a2.status, a2.value, a2.limit) == ("fail", 4, 5)
    assert a2.note.endswith("1 still to register")
    orgs = line(report, "ORGS-5")
    assert orgs.status == "fail" and "1 organizations still to register" in orgs.note
    # volunteers: A1 needs ceil(15% × 2,200 × 2.94) = 971; T1's 3,000 × 2,200/4,300 = 1,534
    v = line(report, "VOLUNTEER-15-10", "A1")
    assert (v.status, v.value, v.limit) == ("pass", 1534, 971)
    b1 = line(report, "VOLUNTEER-15-10", "B1")       # 1,000 of ceil(0.15 × 3,000 × 2.94)
    assert (b1.status, b1.value, b1.limit) == ("fail", 1000, 1323)
    assert b1.note.endswith("323 still to recruit")
    # PRO-80-50: B1 has T2's 5 workers, 2 qualified, and the plan staffs it with 5:
    # ceil(0.8 × 5) = 4 needed, 2 to train
    pro = line(report, "PRO-80-50", "B1")
    assert pro.status == "fail" and pro.note == "2 of 5 workers qualified; 2 qualified " \
                                                "workers still to train"
    # RB (rural, 50%): V2's 3 workers, 2 qualified, staff 3: ceil(1.5) = 2 -> pass
    assert line(report, "PRO-80-50", "RB").status == "pass"


def test_standards_are_shares_of_communities() -> None:
    s = with_today(FULL)
    report = check(s, build_plan(s, spec_with_x()))
    harmony = line(report, "HARMONY-90-80")   # urban: A1, A2 (T1) meet, B1 (T2) not
    assert harmony.status == "fail" and "urban 2 of 3, rural 2 of 2" in harmony.note
    assert "1 still to bring up to it: B1" in harmony.note
    mgmt = line(report, "MGMT-2013")          # rural RB (V2) lacks it: 1 of 2 < 90%
    assert mgmt.status == "fail" and "rural 1 of 2" in mgmt.note
    assert line(report, "SELFGOV-95").status == "pass"
    assert line(report, "SELFGOV-95").value == 1.0


def test_unknown_data_is_not_assessed_unless_the_target_is_decided_anyway() -> None:
    rows = {k: dict(v) for k, v in FULL.items()}
    rows["T2"]["social_orgs"] = None          # B1's organizations not known
    rows["V1"]["harmony_standard"] = None
    rows["T1"]["selfgov_standard"] = None     # A1, A2 not known: 3 of 5 known meet
    s = with_today(rows)
    report = check(s, build_plan(s, spec_with_x()))
    b1 = line(report, "ORGS-5", "B1")
    assert (b1.status, b1.value) == ("not_assessed", None)
    assert "social_orgs of today's T2 not known" in b1.note
    assert line(report, "ORGS-5").status == "fail"    # A2 fails whatever B1 holds
    # HARMONY: urban already misses 90% (B1 fails): fail whatever RA is
    assert line(report, "HARMONY-90-80").status == "fail"
    # SELFGOV: 3 of 5 known meet; 95% needs all 5: unknown decides -> not_assessed
    assert line(report, "SELFGOV-95").status == "not_assessed"
    rows["T1"]["social_orgs"] = 20                     # now every known one passes
    s = with_today(rows)
    assert line(check(s, build_plan(s, spec_with_x())), "ORGS-5").status == "not_assessed"


def test_a_column_the_file_lacks_is_not_known() -> None:
    cols = tuple(c for c in TODAY_FIELDS if c not in ("volunteers", "services_x"))
    s = with_today(FULL, cols)
    report = check(s, build_plan(s, spec_with_x()))
    v = line(report, "VOLUNTEER-15-10", "A1")
    assert v.status == "not_assessed" and "has no volunteers column" in v.note
    assert line(report, "SERVICES-6-8", "A1").status == "not_assessed"


# --- SERVICES-6-8 ---------------------------------------------------------------------
def test_service_lists_pass_with_their_x_services() -> None:
    s = with_today(FULL)
    report = check(s, build_plan(s, spec_with_x()))
    for cid in X:
        assert line(report, "SERVICES-6-8", cid).status == "pass", cid
    assert line(report, "SERVICES-6-8", "RA").note == "8 basic services and 1 X services"
    assert report.failed_rules() <= {"ORGS-5", "VOLUNTEER-15-10", "PRO-80-50",
                                     "HARMONY-90-80", "MGMT-2013"}


@pytest.mark.parametrize("drop", ["生产资料", "为农代理"])
def test_a_rural_center_without_farm_services_fails(drop: str) -> None:
    s = with_today(FULL)
    spec = spec_with_x()
    spec["RA"]["services"] = [x for x in spec["RA"]["services"] if x != drop]
    r = line(check(s, build_plan(s, spec)), "SERVICES-6-8", "RA")
    assert r.status == "fail" and r.note == f"missing basic services: {drop}"


def test_an_x_service_dropped_fails() -> None:
    s = with_today(FULL)
    spec = spec_with_x()
    spec["B1"]["services"] = [x for x in spec["B1"]["services"] if x != "托幼"]
    report = check(s, build_plan(s, spec))
    r = line(report, "SERVICES-6-8", "B1")
    assert r.status == "fail" and r.note == "X services dropped: 托幼 (of today's T2)"
    assert line(report, "SERVICES-6-8").status == "fail"


def test_x_services_go_to_the_community_taking_most_households() -> None:
    # T1's 助餐 goes to A1 (2,200 of T1's 4,300), not A2: A2 need not list it ...
    s = with_today(FULL)
    spec = spec_with_x()
    assert line(check(s, build_plan(s, spec)), "SERVICES-6-8", "A2").status == "pass"
    # ... and A1 must
    spec["A1"]["services"] = list(s.policy.basic_services(True))
    assert line(check(s, build_plan(s, spec)), "SERVICES-6-8", "A1").status == "fail"


def test_a_plan_with_no_lists_is_not_assessed_but_one_empty_list_fails() -> None:
    s = with_today(FULL)
    spec = spec_with_x()
    for sp in spec.values():
        sp["services"] = []
    report = check(s, build_plan(s, spec))
    assert {r.status for r in report.rows if r.rule_id == "SERVICES-6-8"} == {"not_assessed"}
    spec = spec_with_x()
    spec["A2"]["services"] = []
    assert line(check(s, build_plan(s, spec)), "SERVICES-6-8", "A2").status == "fail"
