"""Every note the checker writes on the reported targets, the service lists, the grids
and the rooms that come first has its Chinese (optimizer/report/reasons_today.py)."""

from __future__ import annotations

import dataclasses

from optimizer.checker.checker import check
from optimizer.report.reasons import limit_text, note_text
from optimizer.scenario.today import TODAY_FIELDS
from tests.helpers.check_fixture import build_plan, scenario, valid_spec
from tests.helpers.today import FULL, spec_with_x, with_today

RULES = {"HARMONY-90-80", "MGMT-2013", "ORGS-5", "PRO-80-50", "SELFGOV-95", "VOLUNTEER-15-10",
         "SERVICES-6-8", "COORD-300", "PIPELINE", "NEWDEV-FIRST"}


def _notes(report) -> list[tuple[str, str, object]]:  # type: ignore[no-untyped-def]
    return [(r.rule_id, r.note, r.limit) for r in report.rows if r.rule_id in RULES]


def test_every_note_in_chinese() -> None:
    rows = {k: dict(v) for k, v in FULL.items()}
    rows["T2"]["social_orgs"] = None
    rows["V1"]["harmony_standard"] = None
    cases = [check(with_today(rows), build_plan(with_today(rows), spec_with_x())),
             check(scenario(), build_plan(scenario(), valid_spec()))]
    cols = tuple(c for c in TODAY_FIELDS if c != "volunteers")
    s = with_today(FULL, cols)
    spec = spec_with_x()
    spec["RA"]["services"] = spec["RA"]["services"][:6]
    spec["B1"]["services"] = spec["B1"]["services"][:-1]
    spec["RA"]["shares"] = [[("r3c0", 220), ("r2c0", 200)], [("r2c0", 20), ("r2c1", 200)],
                            [("r2c1", 20), ("r3c1", 220)], [("r3c2", 220)]]
    plan = build_plan(s, spec)
    plan = dataclasses.replace(plan, communities=tuple(
        dataclasses.replace(c, coordinators=9) if c.community_id == "A1" else c
        for c in plan.communities))
    cases.append(check(s, plan))
    seen = 0
    for report in cases:
        for rule, note, limit in _notes(report):
            if note:
                zh = str(note_text(note, "zh"))
                assert "说明原文见" not in zh and "原因见" not in zh, (rule, note, zh)
                seen += 1
            if isinstance(limit, str):
                zh_limit = str(limit_text(limit, "zh"))
                assert not any(w in zh_limit for w in ("of", "by", "urban", "rural")), limit
    assert seen > 40
