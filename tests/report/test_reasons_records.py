"""The engine makes each exemption as a record (optimizer/plan/exemption.py) and the
report writes its Chinese from the record; a plan read from a folder has only the words,
which the report reads back (parse_exemption, another tool's file). Both must agree:
reading an engine text back gives the record it was written from, so the Chinese is
the same either way. Also: the records travel from the solver to Community.reasons and
the words stay communities.csv's."""

from __future__ import annotations

from types import SimpleNamespace

from optimizer.graph.diagnosis import diagnose
from optimizer.graph.oversized import oversized_exemption, take_apart
from optimizer.plan.exemption import Exemption, text_of
from optimizer.report.reasons_exempt import exemption_text, parse_exemption, reason_zh
from optimizer.rules.policy import Policy
from optimizer.scenario.build import grid_scenario
from optimizer.search.piece_common import no_plan_reason
from tests.report.test_reasons import DIAGNOSED


def _same(record: Exemption) -> None:
    read = parse_exemption(record.text)
    assert read is not None, record.text
    assert read == record, (read, record)
    assert reason_zh(read) == reason_zh(record)
    assert exemption_text(record.text, "zh", reasons=(record,)) == reason_zh(record)


def _engine_records() -> list[Exemption]:
    out = [d.record for make in DIAGNOSED.values() for d in diagnose(make())
           if d.record is not None]
    for urban in (True, False):
        scenario = SimpleNamespace(policy=Policy())
        lo, hi = scenario.policy.bounds(urban)
        data = SimpleNamespace(urban=urban, n=12, total=5_432, lo=lo, hi=hi,
                               key=("C1", "S1", "urban" if urban else "rural"))
        for why, cols in (("proved impossible by the exact model", 0),
                          ("none found in time", 0),
                          ("proved impossible: no partition into its 1,234 possible "
                           "communities", 1234)):
            out.append(no_plan_reason(scenario, data, why, cols))  # type: ignore[arg-type]
        # the units no non-overlapping communities can hold all of (search/core.py)
        word = "urban compounds" if urban else "rural villages"
        core = (f"proved impossible: no partition into its 1,234 possible communities; no "
                f"non-overlapping communities of {lo:,}-{hi:,} households can hold all of "
                f"the {word} JH-LX-0169 and JH-LX-0187")
        out.append(no_plan_reason(scenario, data, core, 1234,  # type: ignore[arg-type]
                                  ("JH-LX-0169", "JH-LX-0187")))
    for kind in ("urban", "rural"):
        s = grid_scenario([[1500, 1200, 4000, 1500], [900, 1100, None, 2000]], kind=kind)
        lo, hi = s.policy.bounds(kind == "urban")
        around = take_apart(s, list(range(s.n_units)), lo, hi)
        pocket = [p for p in around.parts if p.stranded]
        o = around.oversized[0]
        for proven in (True, False):
            out.append(oversized_exemption(s, ("C1", "S1", kind), o,
                                           list(pocket[0].units), pocket, proven))
    return out


def test_every_engine_record_reads_back_as_itself() -> None:
    records = _engine_records()
    assert {r.kind for r in records} >= {"unit-above-max", "too-small", "no-integer-k",
                                         "no-partition", "no-plan", "no-center"}
    assert any(r.joined is not None and r.joined.proven for r in records)
    assert any(r.joined is not None and not r.joined.proven for r in records)
    for r in records:
        _same(r)


def test_the_report_uses_the_records_and_reads_words_without_them() -> None:
    """A record whose words are not readable still writes its Chinese (no parsing);
    words without records are read; words of another tool refer to the file."""
    [r] = [d.record for d in diagnose(DIAGNOSED["too-small"]()) if d.record is not None]
    odd = Exemption(r.rule, r.kind, "SIZE-RURAL: worded by hand", r.county, r.street, r.area,
                    r.named, r.households, r.lo, r.hi)
    assert exemption_text(odd.text, "zh", reasons=(odd,)) == reason_zh(r)
    assert exemption_text(r.text, "zh") == reason_zh(r)
    assert exemption_text(odd.text, "zh") == "SIZE-RURAL:豁免理由原文见communities.csv"


def test_solved_plans_carry_records_whose_words_are_the_column() -> None:
    """Stand-in centers (ONE-STATION beside a size rule: two records), a soft piece."""
    from optimizer.search import solve

    s = grid_scenario([[600, 300]], kind="rural", no_build=["r0c0", "r0c1"])
    plan = solve(s, time_limit_s=5, workers=1)
    exempt = [c for c in plan.communities if c.exemption]
    assert exempt
    for c in exempt:
        assert c.reasons and text_of(c.reasons) == c.exemption
        assert all(r.kind != "text" for r in c.reasons)
        kinds = [r.kind for r in c.reasons]
        assert "no-center" in kinds or "forbidden-build" in kinds, kinds
        for r in c.reasons:
            _same(r)


def test_a_no_plan_record_names_its_place() -> None:
    """Wild seed 301: a 75-compound urban area proven impossible whole; its exemption
    named neither a unit nor the street, in English or in Chinese."""
    plans = [r for r in _engine_records() if r.kind == "no-plan"]
    assert plans
    for r in plans:
        assert (r.county, r.street) == ("C1", "S1")
        assert f"'S1' (county 'C1'), {r.area} area: no partition" in r.text
        assert reason_zh(r).startswith(f"{r.rule}:C1S1的")
