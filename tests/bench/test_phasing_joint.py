"""The joint model of bench/phasing_joint.py on the two drawn streets of
tests/helpers/phasing.py (without the planned site): with money enough it is the plan
without a budget; with little it is never worse than solve's sequential answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from optimizer.search import driver, solve
from tests.helpers import phasing as fx
from tests.helpers.paths import ROOT

sys.path.insert(0, str(ROOT))

from bench.phasing_joint import joint  # noqa: E402

SITES = [s for s in fx.SITES if "status" not in s]


def test_joint_against_the_plan_and_the_sequential_answer() -> None:
    base = fx.grid_scenario(fx.TWO_STREETS, street=[["S1", "S1", "S2", "S2"]] * 3,
                            sites=SITES)
    plain = driver.solve(base, time_limit_s=10, workers=1, seed=0)
    rich = joint(base, [1e8, 0.0, 0.0], carry=False, limit_s=20)
    assert rich["joint_proven"] and rich["joint_share"] == 0.95
    assert rich["joint_objective"] == pytest.approx(plain.objective, abs=5)
    tight = base.replace(budget={"horizon": [2013, 2015],
                                 "capital_yuan": {2013: 5e5, 2014: 5e5, 2015: 5e5}})
    seq = solve(tight, time_limit_s=10, workers=1, seed=0)
    got = joint(tight, [5e5, 5e5, 5e5], carry=False, limit_s=20)
    seq_share = min(seq.summary["phasing"]["facility_share"], 0.95)
    assert got["joint_share"] >= seq_share - 1e-9
    if got["joint_share"] == pytest.approx(seq_share):
        assert got["joint_objective"] <= seq.objective + 5


def test_joint_keeps_new_development_first(tmp_path: Path) -> None:
    """A drawn street with a new development (seed 4, 12 compounds): with money enough
    the joint optimum is the plan without a budget to the yuan. Before the joint model
    applied NEWDEV-FIRST it let a community holding the development build instead of
    co-build, 2.7% below any legal plan (bench/results/phasing_joint-0a52803.csv)."""
    from optimizer.model.precedence import NEWDEV, first_rooms
    from optimizer.scenario.load import load_scenario
    from optimizer.synth import generate

    generate("big-street", 4, tmp_path / "s4", size=12, villages=0, seat=0)
    s = load_scenario(tmp_path / "s4")
    assert any(s.is_new_development(u) for u in range(s.n_units))
    plain = driver.solve(s, time_limit_s=20, workers=1, seed=0)
    assert plain.status.name == "OPTIMAL"
    members = [u for u in range(s.n_units) if s.is_new_development(u)]
    assert first_rooms(s, members) == NEWDEV
    rich = joint(s, [1e9, 0.0, 0.0], carry=False, limit_s=20)
    assert rich["joint_proven"]
    assert rich["joint_objective"] == pytest.approx(plain.objective, abs=5)


def test_options_take_the_rooms_coming_first() -> None:
    """PIPELINE: a group holding rooms planned (COMING in r0c3) takes them as its center,
    as ``solve`` must; options() copied NEWDEV-FIRST alone and offered a new build beside
    them. Now it asks optimizer.model.precedence.allowed."""
    from bench.phasing_joint import options
    from optimizer.search.assemble import price
    from optimizer.search.attempt import Choice

    s = fx.scenario()
    ix = s.unit_index
    members = tuple(sorted((ix["r0c2"], ix["r0c3"])))
    coming = s.sites.site_ids.index("COMING")
    want = []
    for remedy in ("keep", "renovate", "extend"):
        try:
            p = price(s, Choice(ix["r0c3"], members, remedy, coming, None))
        except ValueError:
            continue
        want.append((p.objective_yuan, p.capex_yuan))
    assert want
    assert options(s, members) == want
