"""Time limits, workers and seeds are numbers in range, wherever they come from: the
command line (a usage error, exit 2), scenario.toml [solver] (a ScenarioError naming
the field) and the API (LimitError). `--time-limit inf` used to run until killed."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import optimizer
from optimizer.cli import main
from optimizer.errors import ScenarioError
from optimizer.rules.limits import LimitError
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.load import load_scenario
from tests.helpers.paths import DEMO
from tests.helpers.scenarios import make_scenario, toml_text


@pytest.mark.parametrize("args", [
    ["--time-limit", "0"], ["--time-limit", "-1"], ["--time-limit", "nan"],
    ["--time-limit", "inf"], ["--time-limit", "1e9"], ["--time-limit", "soon"],
    ["--workers", "-3"], ["--workers", "2.5"], ["--seed", "-1"], ["--seed", "99999999999"],
    ["--memory-gb", "0"], ["--memory-gb", "nan"],
])
def test_cli_refuses_bad_numbers(args: list[str], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["solve", str(DEMO), "--out", str(tmp_path / "plan"), *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert args[0] in err and repr(args[1]) in err
    assert not (tmp_path / "plan").exists()


@pytest.mark.parametrize("args", [["--time-limit", "inf"], ["--processes", "-1"]])
def test_sweep_refuses_bad_numbers(args: list[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["sweep", str(DEMO), "--grid", "g.toml", "--out", str(tmp_path), *args])
    assert info.value.code == 2


@pytest.mark.parametrize("line,field", [
    ("time_limit_s = inf", "time_limit_s"), ("time_limit_s = nan", "time_limit_s"),
    ("time_limit_s = -1", "time_limit_s"), ("time_limit_s = 0", "time_limit_s"),
    ("workers = -3", "workers"), ("seed = -5", "seed"), ("relative_gap = 1.5", "relative_gap"),
])
def test_scenario_toml_refuses_bad_solver_numbers(line: str, field: str, tmp_path: Path) -> None:
    folder = make_scenario(tmp_path / "s", toml=toml_text(extra=f"[solver]\n{line}\n"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    hits = [p for p in info.value.problems if p.record == "[solver]" and p.field == field]
    assert hits, str(info.value)


@pytest.mark.parametrize("kw", [dict(time_limit_s=math.inf), dict(time_limit_s=math.nan),
                                dict(time_limit_s=0), dict(workers=-3), dict(seed=-1),
                                dict(memory_gb=-1.0)])
def test_api_refuses_bad_numbers(kw: dict[str, float]) -> None:
    s = grid_scenario([[2500]])
    with pytest.raises(LimitError) as info:
        optimizer.solve(s, **kw)
    assert next(iter(kw)) in str(info.value)
    assert isinstance(info.value, optimizer.OptimizerError)


def test_large_seed_is_accepted() -> None:
    plan = optimizer.solve(grid_scenario([[2500]]), time_limit_s=2, workers=1,
                           seed=2**31 - 1)
    assert plan.summary["seed"] == 2**31 - 1
