"""Every reason the engine can write reads in Chinese (optimizer/report/reasons.py), every
parameter has a printed name, and every quote of the opinion is verbatim.

The reasons are produced by the engine itself: the diagnoses of small scenarios built
to hit each kind, and ``no_plan_reason`` with every ``why`` the search code passes
(found by reading the code, so a new one fails here until it has a template)."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace

import pytest

from optimizer.graph import components
from optimizer.graph.diagnosis import diagnose
from optimizer.model.piece import piece_data
from optimizer.report import params
from optimizer.report.filing.basis import LAYOUT_BASIS, ROOMS_BASIS
from optimizer.report.reasons import exemption_text, note_text, parse_exemption
from optimizer.rules.costs import Costs, ObjectiveWeights
from optimizer.rules.policy import Policy
from optimizer.scenario.build import grid_scenario
from optimizer.search.core import impossible_why
from optimizer.search.piece_common import no_plan_reason
from tests.helpers.filing import english_words
from tests.helpers.paths import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")


def _zh_ok(text: str) -> None:
    zh = exemption_text(text, "zh")
    assert parse_exemption(text) is not None, text
    assert CJK.search(zh) and "原文" not in zh, zh
    assert english_words([zh], set()) == set(), zh


def _core_why(urban: bool) -> str:
    """impossible_why's words where it names a core (two dead ends sharing a unit)."""
    s = grid_scenario([[1800, 300, 1800], [2600, 2600, 2600]] if urban else
                      [[900, 150, 900], [1300, 1300, 1300]], kind="urban" if urban else "rural")
    comp = components(s)[0]
    why, core = impossible_why(s, piece_data(s, comp.key, comp.units), 1234)
    assert core, why
    return why


def _why_strings() -> list[str]:
    """Each ``why`` the search passes to no_plan_reason, with numbers filled in."""
    def strings(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.JoinedStr):
            return ["".join(v.value if isinstance(v, ast.Constant) else "1,234"
                            for v in node.values)]  # type: ignore[misc]
        if isinstance(node, ast.IfExp):
            return strings(node.body) + strings(node.orelse)
        return []

    out: list[str] = []
    for path in sorted((ROOT / "optimizer" / "search").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            whys = [s for n in ast.walk(fn) if isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "why" for t in n.targets)
                    for s in strings(n.value)]
            # ``why, core = impossible_why(...)``: the words of optimizer.search.core
            # (with the core it found, and without: the listing's count alone)
            whys += [w for n in ast.walk(fn) if isinstance(n, ast.Call)
                     and getattr(n.func, "id", "") == "impossible_why" for urban in (True, False)
                     for w in (_core_why(urban), _core_why(urban).split("; ")[0])]
            for call in ast.walk(fn):
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") \
                        == "no_plan_reason":
                    arg = call.args[2]
                    out += whys if isinstance(arg, ast.Name) else strings(arg)
    return out


def test_every_no_plan_reason_reads_in_chinese() -> None:
    whys = _why_strings()
    assert len(set(whys)) >= 5, whys
    for urban in (True, False):
        scenario = SimpleNamespace(policy=Policy())
        lo, hi = scenario.policy.bounds(urban)
        data = SimpleNamespace(urban=urban, n=12, total=5_432, lo=lo, hi=hi,
                               key=("C1", "S1", "urban" if urban else "rural"))
        for why in whys:
            _zh_ok(no_plan_reason(scenario, data, why).text)  # type: ignore[arg-type]


DIAGNOSED = {
    # kind of diagnosis -> a scenario that has one
    "too-small": lambda: grid_scenario([[300, 200]], kind="rural", street="Fuwan Town"),
    "no-integer-k": lambda: grid_scenario([[1600, 1600]], street="Huaqing Street"),
    "unit-above-max": lambda: grid_scenario([[3500, 2500]], street="S1"),
    "cut-off": lambda: grid_scenario([[2500, 800]], cut=[("r0c0", "r0c1")]),
    "no-partition": lambda: grid_scenario([[1500, 1000, 1500]]),
    # a village that can only be alone leaves 1,600 households: no count (wild seed 191)
    "no-partition-alone": lambda: grid_scenario([[1500, 600, 500, 500]], kind="rural"),
    # ... and two such villages cutting off a part of 300 households
    "no-partition-alone-part": lambda: grid_scenario([[300, 1500, 400, 1450, 700]],
                                                     kind="rural"),
    "part": lambda: grid_scenario([[2500, None, 800, 700]], kind="rural"),
    "no-center": lambda: grid_scenario([[1200, 1300]], kind="rural", no_build=["r0c0", "r0c1"]),
    "no-center-small-site": lambda: grid_scenario(
        [[1200, 1300]], kind="rural", no_build=["r0c0", "r0c1"],
        sites=[dict(site_id="S1", unit_id="r0c0", area_m2=100.0, owned=True, max_area_m2=150.0)]),
}


def test_every_diagnosis_reads_in_chinese() -> None:
    seen = set()
    for make in DIAGNOSED.values():
        for d in diagnose(make()):
            seen.add(d.reason)
            _zh_ok(f"{d.rule}: {d.message}")
    source = (ROOT / "optimizer" / "graph" / "diagnosis.py").read_text(encoding="utf-8")
    kinds = set(re.findall(r'reason(?:=| = )"([a-z-]+)"', source))
    assert kinds <= seen, kinds - seen


def test_the_demo_exemption_and_checker_notes() -> None:
    text = ("SIZE-RURAL: Town 'Fuwan Town' (county 'Jianhu'): the rural villages JH-1, JH-2 "
            "and JH-3 (a piece of 3 units cut off by a barrier from the rest of the town's "
            "rural area) have 706 households; a rural community needs 1,000-1,500 "
            "(SIZE-RURAL): 294 households short.")
    zh = exemption_text(text, "zh")
    assert zh.startswith("SIZE-RURAL:建湖县Fuwan镇") and "尚差294户" in zh and "JH-3" in zh
    assert note_text("exempt: unit U1 alone has 3500 households, above 3000", "zh") \
        == "豁免:基本单元U1单独即有3500户,超过上限3000户"
    assert note_text("4 of 5 communities meet the area standard", "zh") \
        == "5个社区中4个达到用房面积标准"
    # an unknown note is referred to its file, never shown in English
    assert note_text("something new", "zh", "compliance.csv") == "说明原文见compliance.csv"
    assert exemption_text("SIZE-URBAN: something new", "zh") \
        == "SIZE-URBAN:豁免理由原文见communities.csv"
    assert exemption_text(text, "en") == text


def test_every_parameter_has_a_printed_name() -> None:
    for cls in (Policy, Costs, ObjectiveWeights):
        for f in fields(cls):
            assert f.name in params.PARAMS, f"{cls.__name__}.{f.name} has no name in " \
                                            "optimizer/report/params.py"


def _shared() -> Path | None:
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "policy" / "yancheng-2013-6.zh.txt"
        if path.is_file():
            return path
    return None


@pytest.mark.skipif(_shared() is None, reason="../shared/policy/yancheng-2013-6.zh.txt absent")
def test_the_basis_quotes_the_opinion_verbatim() -> None:
    path = _shared()
    assert path is not None
    text = re.sub(r"\s", "", path.read_text(encoding="utf-8"))
    rules_md = (path.parent / "RULES.md").read_text(encoding="utf-8")
    for clause in (*LAYOUT_BASIS, *ROOMS_BASIS):
        assert re.sub(r"\s", "", clause.quote) in text, clause.quote
        for rule in clause.rules:
            assert f"| {rule} |" in rules_md, rule


@pytest.mark.parametrize("grid", [[[1200, 1300]], [[600, 300]]])
def test_stand_in_center_exemptions_read_in_chinese(grid: list[list[int]]) -> None:
    """A piece with no place for a center (ONE-STATION, alone or with a size rule:
    'A | B'): the solver's exemption texts all have a Chinese template."""
    from optimizer.search import solve

    s = grid_scenario(grid, kind="rural", no_build=["r0c0", "r0c1"])
    texts = [c.exemption for c in solve(s, time_limit_s=5, workers=1).communities
             if c.exemption]
    assert any("ONE-STATION" in t for t in texts), texts
    for t in texts:
        for part in t.split(" | "):
            _zh_ok(part)
        assert "原文" not in exemption_text(t, "zh")


def test_an_oversized_units_community_with_joined_units_reads_in_chinese() -> None:
    from optimizer.graph.oversized import oversized_reason, take_apart

    for kind in ("urban", "rural"):
        scale = 1 if kind == "urban" else 2
        s = grid_scenario([[1500 // scale, 1200 // scale, 4000 // scale, 1500 // scale],
                           [900 // scale, 1100 // scale, None, 2000 // scale]], kind=kind)
        lo, hi = s.policy.bounds(kind == "urban")
        around = take_apart(s, list(range(s.n_units)), lo, hi)
        pocket = [p for p in around.parts if p.stranded]
        o = around.oversized[0]
        for proven in (True, False):
            for joined in ([pocket[0].units[0]], list(pocket[0].units)):
                text = oversized_reason(s, ("C1", "S1", kind), o, joined, pocket, proven)
                _zh_ok(text)
                zh = exemption_text(text, "zh")
                assert s.unit_ids[joined[-1]] in zh and s.unit_ids[o] in zh
        _zh_ok(oversized_reason(s, ("C1", "S1", kind), o))


def test_a_stand_in_once_the_oversized_units_hold_their_places_reads_in_chinese() -> None:
    """ONE-STATION's last resort once an oversized unit's community holds the only site
    (optimizer/graph/held.py): the place held is said in Chinese too."""
    from optimizer.search import solve

    site = {"site_id": "S", "unit_id": "r0c3", "area_m2": 300, "owned": True,
            "max_area_m2": 500}
    s = grid_scenario([[600, 600, 50, 50, 1600]], kind="rural",
                      no_build=[f"r0c{c}" for c in range(5)], sites=[site])
    texts = [c.exemption for c in solve(s, time_limit_s=5, workers=1).communities
             if c.exemption]
    held = [t for t in texts if "hold the places for a center they need (r0c3)" in t]
    assert held, texts
    for t in texts:
        for part in t.split(" | "):
            _zh_ok(part)
    record = parse_exemption(held[0])
    assert record is not None and record.held == ("r0c3",)
    assert "已占用其所需的服务中心之处r0c3" in exemption_text(held[0], "zh")


@pytest.mark.parametrize("method", [
    "exact(k=7,8,9), then moves(28)+lns(38 rounds)",
    "exact(k=6,7,8), then anneal(-1 in 1)+lns(29 rounds)",
    "exact(k=2), then fewer(-1 in 3)+lns(4 rounds), unrepaired",
    "exact(k=2), the start",
    "oversized(3): exact(k=7,8,9), then moves(2)+lns(31 rounds); exact(k=3); attach(110)",
    "fewer(-2 in 5)+anneal(-0 in 4)+moves(12)+lns(40 rounds)",
    "fewer(-5 in 25)+windows(62 of 1351)+lns(14 rounds)",
    "exact(k=9), then windows(3 of 40)+lns(5 rounds)",
    "oversized(3): attach(6027, stopped)",
])
def test_every_method_of_the_search_reads_in_chinese(method: str) -> None:
    """The exact pieces' search from the best plan in hand (optimizer.search.piece_exact
    exact_counts: ', then <steps>', ', the start') and the large pieces' steps
    (piece_large: fewer, anneal, moves, lns): no English word in the Chinese report."""
    from optimizer.report.reasons import method_text

    text = method_text(method, "zh")
    assert isinstance(text, str) and english_words([text], set()) == set(), text
    assert "summary.json" not in text, text
