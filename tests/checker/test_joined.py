"""Planted faults in an oversized unit's "joined units" claim (optimizer/checker/
stranded.py): units that are not cut off, a joined part that does split within the
bounds, a false "no plan gives fewer households" — each rejected; true ones accepted;
a claim beyond the checker's bounds is not_assessed, never a pass.

The texts are the solver's own words (optimizer.graph.oversized.oversized_reason).
Rural bounds 1,000-1,500; 3,000 is the unit above the maximum; one row of units
unless drawn otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.checker import stranded
from optimizer.checker.checker import check
from optimizer.checker.least import fewer_joined, least_to_give
from optimizer.graph.oversized import oversized_reason, take_apart
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.check_fixture import build_plan

KEY = ("C1", "S1", "rural")


def build(at: str, *units: str, exemption: str = "") -> dict[str, Any]:
    return dict(grids=[[u] for u in units], remedy="build", site="", at=at,
                exemption=exemption)


def text(s: Scenario, big: str, joined: list[str], part_of: list[str],
         proven: bool = True) -> str:
    """The solver's exemption for ``big``'s community holding ``joined``, of the
    stranded parts holding ``part_of`` (its units as take_apart finds them)."""
    ix = s.unit_index
    around = take_apart(s, list(range(s.n_units)), *s.policy.bounds(False))
    parts = [p for p in around.parts if set(p.units) & {ix[u] for u in part_of}]
    return oversized_reason(s, KEY, ix[big], [ix[u] for u in joined], parts, proven)


def rows(s: Scenario, spec: dict[str, dict[str, Any]], cid: str) -> dict[str, tuple[str, str]]:
    """rule id -> (status, note) of community ``cid``'s size and exemption lines."""
    report = check(s, build_plan(s, spec))
    return {r.rule_id: (r.status, r.note) for r in report.rows
            if r.community_id == cid and r.rule_id in ("SIZE-RURAL", "EXEMPTION")}


# --- what joined is cut off ------------------------------------------------------------
STRAND = dict(households=[[400, 500, 3000, 700, 800]], kind="rural")


def test_a_true_stranded_part_is_accepted() -> None:
    """R400 R500 | 3000 | R700 R800: the left part (900) fits no community: it joins."""
    s = grid_scenario(**STRAND)                                      # type: ignore[arg-type]
    t = text(s, "r0c2", ["r0c0", "r0c1"], ["r0c0"])
    assert "no plan gives fewer" in t
    spec = {"O": build("r0c2", "r0c0", "r0c1", "r0c2", exemption=t),
            "R": build("r0c3", "r0c3", "r0c4")}
    got = rows(s, spec, "O")
    assert got["SIZE-RURAL"][0] == "exempt", got
    assert "cannot form communities of 1000..1500 on their own" in got["SIZE-RURAL"][1]
    assert "EXEMPTION" not in got


def test_joined_units_that_are_not_cut_off_are_rejected() -> None:
    """R400 R500 3000 / R700 R800 below: without the big unit the other four still
    connect (2,400 households), so its two neighbours are not cut off from them."""
    s = grid_scenario(households=[[400, 500, 3000], [700, 800, None]],  # type: ignore[list-item]
                      kind="rural")
    t = text(s, "r0c2", ["r0c0", "r0c1"], ["r0c0"])
    # the solver's text of a part of exactly those two units: planted
    t = t.replace("of the 4 units (2,400 households)", "of the 2 units (900 households)")
    assert "of the 2 units (900 households)" in t
    spec = {"O": build("r0c2", "r0c0", "r0c1", "r0c2", exemption=t),
            "R": build("r1c0", "r1c0", "r1c1")}
    status, note = rows(s, spec, "O")["SIZE-RURAL"]
    assert status == "fail"
    assert "exemption not justified: not cut off as it says" in note
    assert "they connect to r1c0, r1c1" in note


def test_a_joined_part_that_splits_within_the_bounds_is_rejected() -> None:
    """R600 R600 | 3000 | R700 R800: the left part (1,200) is a community on its own."""
    s = grid_scenario(households=[[600, 600, 3000, 700, 800]], kind="rural")
    t = text(s, "r0c2", ["r0c0", "r0c1"], ["r0c0"])
    spec = {"O": build("r0c2", "r0c0", "r0c1", "r0c2", exemption=t),
            "R": build("r0c3", "r0c3", "r0c4")}
    status, note = rows(s, spec, "O")["SIZE-RURAL"]
    assert status == "fail"
    assert "splits into connected communities of 1000..1500 on its own: r0c0, r0c1" in note


# --- the fewest joined households ---------------------------------------------------------
FEWEST = dict(households=[[300, 1100, 400, 3000, 1500]], kind="rural")


def test_the_fewest_joined_true_is_accepted() -> None:
    """R300 R1100 R400 | 3000 | R1500: the least the left part (1,800) can give is 400
    (r0c2): giving r0c0's 300 is not possible, it does not border the big unit."""
    s = grid_scenario(**FEWEST)                                      # type: ignore[arg-type]
    t = text(s, "r0c3", ["r0c2"], ["r0c2"])
    spec = {"L": build("r0c1", "r0c0", "r0c1"),
            "O": build("r0c3", "r0c2", "r0c3", exemption=t), "R": build("r0c4", "r0c4")}
    status, note = rows(s, spec, "O")["SIZE-RURAL"]
    assert status == "exempt", note
    assert "no plan joins fewer households of them" in note


def test_a_false_fewest_joined_claim_is_rejected() -> None:
    """The whole left part (1,800) joined with "no plan gives fewer households"."""
    s = grid_scenario(**FEWEST)                                      # type: ignore[arg-type]
    t = text(s, "r0c3", ["r0c0", "r0c1", "r0c2"], ["r0c2"])
    spec = {"O": build("r0c3", "r0c0", "r0c1", "r0c2", "r0c3", exemption=t),
            "R": build("r0c4", "r0c4")}
    status, note = rows(s, spec, "O")["SIZE-RURAL"]
    assert status == "fail"
    assert "a plan gives fewer households to the communities of units above the maximum: " \
           "400 of the part" in note
    # the same plan without the claim (the search's "least found in time") is accepted
    spec["O"]["exemption"] = text(s, "r0c3", ["r0c0", "r0c1", "r0c2"], ["r0c2"], proven=False)
    status, note = rows(s, spec, "O")["SIZE-RURAL"]
    assert status == "exempt", note
    assert "the fewest joined households is not claimed" in note


def test_a_claim_beyond_the_checkers_bounds_is_not_assessed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The true fewest claim, with the searches' unit bound below the part's size (that
    the part cannot split is arithmetic: 1,800 fits no whole number of communities):
    the size rule stays exempt (the big unit proves it), the claim is not_assessed."""
    monkeypatch.setattr(stranded, "MAX_UNITS", 1)
    s = grid_scenario(households=[[300, 1100, 400, 3000, 1500]], kind="rural")
    t = text(s, "r0c3", ["r0c2"], ["r0c2"])
    spec = {"L": build("r0c1", "r0c0", "r0c1"),
            "O": build("r0c3", "r0c2", "r0c3", exemption=t), "R": build("r0c4", "r0c4")}
    got = rows(s, spec, "O")
    assert got["SIZE-RURAL"][0] == "exempt"
    assert got["EXEMPTION"][0] == "not_assessed"
    assert got["EXEMPTION"][1] == (
        "SIZE-RURAL exemption's claim not assessed: that no plan gives fewer households: "
        "a part of 3 units, more than the 1 the checker's search of the fewest joined "
        "households takes")
    summary = check(s, build_plan(s, spec)).summary_text()
    assert "exemption claims not assessed (beyond the checker's bounds): O" in summary
    assert "EXEMPTION" not in summary.split("lacks the data")[-1].split("\n")[0]


def test_least_search_agrees_with_brute_force() -> None:
    """On random small lines and grids, fewer_joined finds a plan below a bound exactly
    when enumerating every joined set does."""
    import itertools
    import random

    from optimizer.checker.split import find_split

    rng = random.Random(7)
    for _ in range(60):
        n = rng.randint(3, 7)
        hh = [rng.choice([200, 300, 400, 500, 700, 900]) for _ in range(n)]
        nbrs = [[v for v in (u - 1, u + 1) if 0 <= v < n] for u in range(n)]
        borders = {0} if rng.random() < 0.5 else {0, n - 1}
        best = None
        for k in range(n + 1):
            for joined in itertools.combinations(range(n), k):
                rest = [u for u in range(n) if u not in joined]
                js = set(joined)
                comps, cur = [], []
                for u in range(n):
                    if u in js:
                        cur.append(u)
                    elif cur:
                        comps.append(cur)
                        cur = []
                if cur:
                    comps.append(cur)
                if any(not set(c) & borders for c in comps):
                    continue
                ok = not rest or find_split(rest, hh, nbrs, 1000, 1500).exists
                if ok:
                    h = sum(hh[u] for u in joined)
                    best = h if best is None else min(best, h)
        assert best is not None
        for below in (best, best + 1):
            got = fewer_joined(list(range(n)), hh, nbrs, borders, 1000, 1500, below)
            assert got.fewer is (below > best), (hh, borders, below, best)
        assert least_to_give(sum(hh), 1000, 1500) <= best


def test_a_fewest_claim_depends_on_the_other_communities() -> None:
    """The workbench re-checks a community whose verdict reads others' (exemptions.
    depends_on_plan): the "no plan gives fewer" claim; not the search's "least found"."""
    from optimizer.checker.exemptions import depends_on_plan
    from optimizer.checker.facts import Context

    s = grid_scenario(**FEWEST)                                      # type: ignore[arg-type]
    spec = {"L": build("r0c1", "r0c0", "r0c1"),
            "O": build("r0c3", "r0c2", "r0c3", exemption=text(s, "r0c3", ["r0c2"], ["r0c2"])),
            "R": build("r0c4", "r0c4")}
    plan = build_plan(s, spec)
    ctx = Context.build(s, plan)
    com = {c.community_id: c for c in plan.communities}
    assert depends_on_plan(ctx, com["O"])
    assert not depends_on_plan(ctx, com["L"])
    spec["O"]["exemption"] = text(s, "r0c3", ["r0c2"], ["r0c2"], proven=False)
    plan = build_plan(s, spec)
    assert not depends_on_plan(Context.build(s, plan),
                               next(c for c in plan.communities if c.community_id == "O"))
