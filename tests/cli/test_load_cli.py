"""`python -m optimizer validate`: exit 0 with the summary, 1 with every error and no
traceback, 2 for usage errors. Fixture: the six-square grid of
tests/helpers/scenarios.py::

    +------+------+------+
    |  u1  |  u2  |  u3  |    u1 u2 u4 u5 urban (1,200 households)
    +------+------+------+    u3 u6 rural (900 households)
    |  u4  |  u5  |  u6  |
    +------+------+------+
"""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from optimizer.cli.main import build_parser, main
from tests.helpers.scenarios import grid_units, make_scenario, sites_csv


def test_validate_ok_prints_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(make_scenario(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "Units: 6 (4 urban, 2 rural); households: 2,100" in out
    assert "C1      S1      urban      4       1,200" in out
    assert "Sites: 2 (1 owned, 1 for sale); 1 below 400 m²" in out
    assert "Neighbour edges: 7; cut by barriers: 0" in out
    assert "Components (county, street, kind pieces): 2 (1 urban, 1 rural)" in out
    # 1,200 urban and 900 rural households cannot make even one community
    assert "[SIZE-URBAN]" in out and "[SIZE-RURAL]" in out


def test_validate_feasible_scenario_says_nothing_impossible(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    units = grid_units()
    for u in units:
        u["households"] = 700 if u["kind"] == "urban" else 600
    assert main(["validate", str(make_scenario(tmp_path, units=units))]) == 0
    assert "no provably impossible piece" in capsys.readouterr().out


def test_validate_bad_data_exit_1_without_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    units = grid_units()
    units[2]["households"] = "2.5"
    units[3]["kind"] = "town"
    folder = make_scenario(tmp_path, units=units, sites=sites_csv(["s1,u9,300,true,600,"]))
    assert main(["validate", str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "3 problems in the scenario" in captured.err
    for part in ("u3 has households='2.5'", "u4 has kind='town'", "s1 has unit_id='u9'"):
        assert part in captured.err
    assert "Traceback" not in captured.err


def test_validate_repair_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    units = grid_units()
    x, y = 500_000.0, 3_700_100.0
    units[0]["geometry"] = shapely.Polygon([(x, y), (x + 100, y + 100), (x + 100, y),
                                            (x, y + 100)])
    folder = make_scenario(tmp_path, units=units)
    assert main(["validate", str(folder)]) == 1
    assert "--repair" in capsys.readouterr().err
    assert main(["validate", "--repair", str(folder)]) == 0
    assert "repaired 1 invalid geometry with make_valid: u1" in capsys.readouterr().out


def test_validate_missing_folder_exit_1(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope")]) == 1
    assert "not found" in capsys.readouterr().err


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2
    assert "usage" in capsys.readouterr().err


def test_solve_and_check_take_repair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The error suggests --repair; every command that loads the scenario accepts it,
    and solve says which units it repaired."""
    units = grid_units()
    for u in units:
        u["households"] = 700 if u["kind"] == "urban" else 600
    x, y = 500_000.0, 3_700_100.0
    units[0]["geometry"] = shapely.Polygon([(x, y), (x + 100, y + 100), (x + 100, y),
                                            (x, y + 100)])
    folder = make_scenario(tmp_path / "sc", units=units)
    out = tmp_path / "plan"
    assert main(["solve", str(folder), "--out", str(out), "--workers", "1", "--quiet",
                 "--time-limit", "5"]) == 1
    err = capsys.readouterr().err
    assert "add --repair to the command (validate, solve, check" in err
    assert main(["solve", str(folder), "--out", str(out), "--workers", "1", "--quiet",
                 "--time-limit", "5", "--repair"]) == 0
    captured = capsys.readouterr()
    assert "note: units.geojson: repaired 1 invalid geometry with make_valid: u1" in captured.err
    assert (out / "assignment.csv").is_file()
    assert main(["check", str(folder), str(out)]) == 1          # the geometry is invalid
    assert main(["check", "--repair", str(folder), str(out)]) == 0
    for command in (["report", "--repair", str(folder), str(out)],
                    ["compare", "--repair", str(folder), "current", str(out)]):
        assert build_parser().parse_args(command).repair


def test_sweep_grid_missing_or_malformed_is_named(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario(tmp_path / "sc")
    bad = tmp_path / "grid.toml"
    bad.write_text("[policy\nurban_max_households = [3000]\n", encoding="utf-8")
    for grid in (tmp_path / "missing.toml", bad):
        assert main(["sweep", str(folder), "--grid", str(grid), "--out",
                     str(tmp_path / "out"), "--quiet"]) == 1
        err = capsys.readouterr().err
        assert str(grid) in err and "Traceback" not in err


def test_solve_params_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--params FILE: its [solver] table in place of the scenario's; a bad field is
    named (exit 1, no plan), and --seed still overrides the file."""
    import json

    scen = make_scenario(tmp_path / "scen")
    bad = tmp_path / "bad.toml"
    bad.write_text("[solver]\ntime_limit_s = 5\nseeds = 3\n")
    assert main(["solve", str(scen), "--out", str(tmp_path / "p0"), "--params", str(bad),
                 "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "bad.toml" in err and "seeds" in err and "did you mean 'seed'" in err
    assert not (tmp_path / "p0").exists()
    good = tmp_path / "fast.toml"
    good.write_text("[solver]\ntime_limit_s = 5\nworkers = 1\nseed = 17\n")
    assert main(["solve", str(scen), "--out", str(tmp_path / "p1"), "--params", str(good),
                 "--quiet"]) == 0
    summary = json.loads((tmp_path / "p1" / "summary.json").read_text())
    assert (summary["seed"], summary["time_limit_s"], summary["workers"]) == (17, 5.0, 1)
    assert main(["solve", str(scen), "--out", str(tmp_path / "p2"), "--params", str(good),
                 "--seed", "3", "--quiet"]) == 0
    assert json.loads((tmp_path / "p2" / "summary.json").read_text())["seed"] == 3
