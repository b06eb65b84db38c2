"""The AREA-PER-HH exemption of an oversized unit whose rooms coming reach too little
(optimizer/search/oversized_short.py) and the checker's notes on it read in Chinese
(optimizer/report/reasons_short.py): the words read back as the engine's record, and
no English word or "see the file" is left in the Chinese."""

from __future__ import annotations

from optimizer.checker import check
from optimizer.report.reasons import note_text
from optimizer.report.reasons_exempt import exemption_text, parse_exemption, reason_zh
from optimizer.scenario.build import grid_scenario
from optimizer.search.driver import solve
from optimizer.search.oversized_short import short_exemption
from tests.helpers.filing import english_words

ROOMS = {"site_id": "P", "unit_id": "r0c1", "area_m2": 300, "owned": True,
         "max_area_m2": 900, "status": "under_construction", "available_year": 2014}


def test_the_engine_record_reads_back_as_itself_and_in_chinese() -> None:
    for kind in ("urban", "rural"):
        h = [[500, 4566, 1000]] if kind == "urban" else [[500, 4602, 1000]]
        sc = grid_scenario(h, kind=kind, street="Fuwan Town", sites=[ROOMS])
        key = ("C1", "Fuwan Town", kind)
        for members in ((1,), (0, 1)):
            record = short_exemption(sc, key, 1, members, 0)
            read = parse_exemption(record.text)
            assert read == record, (read, record)
            zh = exemption_text(record.text, "zh", reasons=(record,))
            assert zh == reason_zh(record) and "原文" not in zh
            assert english_words([zh], set()) == set(), zh
            assert "在建" in zh and "r0c1" in zh and "900平方米" in zh


def test_the_checker_notes_on_it_read_in_chinese() -> None:
    sc = grid_scenario([[4566, 1000, 1000, 1000, 1000]], sites=[dict(ROOMS, unit_id="r0c0")])
    plan = solve(sc, time_limit_s=5, workers=1, seed=0)
    rows = [r for r in check(sc, plan).rows
            if r.rule_id in ("AREA-PER-HH", "REMEDY", "FACILITY-95", "FIX-2013-03")
            and r.status in ("exempt", "fail") or r.rule_id == "FIX-2013-03"]
    assert {r.rule_id for r in rows} == {"AREA-PER-HH", "REMEDY", "FACILITY-95",
                                         "FIX-2013-03"}
    for r in rows:
        zh = str(note_text(r.note, "zh"))
        assert "原文" not in zh and english_words([zh], set()) == set(), (r.note, zh)


def test_the_reports_show_it_in_chinese(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import warnings

    from optimizer import write_plan
    from optimizer.report import write_reports
    from optimizer.report.filing import write_filing
    from tests.helpers.filing import all_text, data_words

    sc = grid_scenario([[4566, 1000, 1000, 1000, 1000]], sites=[dict(ROOMS, unit_id="r0c0")])
    plan = solve(sc, time_limit_s=5, workers=1, seed=0)
    report = check(sc, plan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_plan(plan, tmp_path / "plan", scenario=sc, report=report)
        paths = write_reports(sc, plan, tmp_path / "plan", lang="zh", report=report)
        done = write_filing(sc, plan, tmp_path / "filing", plan_dir=tmp_path / "plan",
                            pdf=False)
    html = paths["html"].read_text(encoding="utf-8")
    assert "服务中心面积尚差13.2平方米" in html        # the exemption, with its reason
    assert "至多可达900平方米" in html
    docs = "\n".join(x for doc in (done[0].layout, done[0].rooms) for x in all_text(doc))
    assert "服务中心面积尚差13.2平方米" in docs
    for doc in (done[0].layout, done[0].rooms):
        assert english_words(all_text(doc), data_words(sc)) == set(), doc.name
