"""SolverParams: loaded from a [solver] table or a TOML file, every bad field named."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import optimizer
from optimizer.errors import ConfigError
from optimizer.rules.solver import SolverParams
from optimizer.scenario.build import grid_scenario


def _fields(exc: pytest.ExceptionInfo[ConfigError]) -> set[tuple[str, str | None]]:
    return {(p.record or "", p.field) for p in exc.value.problems}


def test_from_table() -> None:
    p = SolverParams.from_table({"time_limit_s": 5, "workers": 1, "seed": 7})
    assert p == SolverParams(time_limit_s=5.0, workers=1, seed=7)
    assert isinstance(p.time_limit_s, float)
    assert SolverParams.from_table(None) == SolverParams()


def test_a_bad_field_is_named() -> None:
    with pytest.raises(ConfigError) as err:
        SolverParams.from_table({"time_limit_s": -1, "workers": 1.5, "sed": 3,
                                 "relative_gap": 2})
    # unknown keys, wrong types and out-of-range values, all at once (the fuzz run:
    # time_limit_s = false hid workers = -1)
    assert _fields(err) == {("[solver]", "workers"), ("[solver]", "sed"),
                            ("[solver]", "time_limit_s"), ("[solver]", "relative_gap")}
    text = str(err.value)
    assert "did you mean 'seed'" in text and "workers" in text
    with pytest.raises(ConfigError) as err:
        SolverParams.from_table({"time_limit_s": False, "workers": -1})
    assert _fields(err) == {("[solver]", "time_limit_s"), ("[solver]", "workers")}
    # a badly typed key's stand-in (its default) is not judged in its place
    with pytest.raises(ConfigError) as err:
        SolverParams.from_table({"time_limit_s": "soon"})
    assert _fields(err) == {("[solver]", "time_limit_s")}


def test_from_file(tmp_path: Path) -> None:
    f = tmp_path / "fast.toml"
    f.write_text('name = "ignored"\n[policy]\nx = 1\n[solver]\ntime_limit_s = 3\nseed = 11\n')
    assert SolverParams.from_file(f) == SolverParams(time_limit_s=3.0, seed=11)
    (tmp_path / "none.toml").write_text('name = "no solver table"\n')
    assert SolverParams.from_file(tmp_path / "none.toml") == SolverParams()
    bad = tmp_path / "bad.toml"
    bad.write_text("[solver]\nworkers = -2\nlog_search = \"yes\"\n")
    with pytest.raises(ConfigError) as err:
        SolverParams.from_file(bad)
    assert {p.file for p in err.value.problems} == {"bad.toml"}
    assert ("[solver]", "log_search") in _fields(err)
    with pytest.raises(ConfigError, match="missing.toml"):
        SolverParams.from_file(tmp_path / "missing.toml")
    (tmp_path / "broken.toml").write_text("[solver\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        SolverParams.from_file(tmp_path / "broken.toml")


def test_solve_takes_params_and_keywords_override_them() -> None:
    s = grid_scenario([[700, 800], [900, 600]])
    plan = optimizer.solve(s, SolverParams(time_limit_s=5, workers=1, seed=9))
    assert plan.summary["seed"] == 9 and plan.summary["time_limit_s"] == 5
    plan = optimizer.solve(s, SolverParams(time_limit_s=5, workers=1, seed=9), seed=4)
    assert plan.summary["seed"] == 4


def test_the_public_api_has_real_signatures() -> None:
    """optimizer.solve/check/sweep are the library's functions, not **kwargs wrappers."""
    from optimizer.checker import check
    from optimizer.search.budgeted import solve
    from optimizer.sweeps import sweep

    assert (optimizer.solve, optimizer.check, optimizer.sweep) == (solve, check, sweep)
    assert optimizer.SolverParams is SolverParams
    for fn in (solve, check, sweep):
        kinds = {p.kind for p in inspect.signature(fn).parameters.values()}
        assert inspect.Parameter.VAR_KEYWORD not in kinds, fn
        assert inspect.Parameter.VAR_POSITIONAL not in kinds, fn
    assert list(inspect.signature(solve).parameters)[:2] == ["scenario", "params"]
