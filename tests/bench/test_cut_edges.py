"""The cut-edge districting runner (bench/cut_edges.py) on a tiny benchmark folder laid
out like ../shared/benchmarks/districting-cut-edges, so it runs without the shared data.

``G_county``: a 2 × 3 grid of six nodes of weight 10, k = 2, L = U = 30::

    0 - 1 - 2
    |   |   |
    3 - 4 - 5

Every split into two connected halves of three nodes cuts 3 edges (the rows cut the
three verticals; {0,1,3} / {2,4,5} cuts 1-2, 1-4, 3-4), so the optimum is 3.
``P_county``: the path 0 - 1 - 2 weighing 10, 20, 10, k = 2, L = U = 20: only {1} and
{0, 2} weigh 20, and {0, 2} is not connected, so it is infeasible under contiguity
(with no overt reason: no node above U, k·L = P = k·U).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

sys.path.insert(0, str(ROOT))

from bench.cut_edges import FIELDS, main  # noqa: E402


def _data(folder: Path) -> Path:
    (folder / "instances" / "county").mkdir(parents=True)
    grid = {"k": 2, "L": 30, "U": 30,
            "nodes": [{"id": i, "population": 10, "lon": float(i % 3), "lat": float(i // 3)}
                      for i in range(6)],
            "edges": [[0, 1], [1, 2], [3, 4], [4, 5], [0, 3], [1, 4], [2, 5]]}
    path = {"k": 2, "L": 20, "U": 20,
            "nodes": [{"id": i, "population": p} for i, p in enumerate((10, 20, 10))],
            "edges": [[0, 1], [1, 2]]}
    for name, raw in (("G_county", grid), ("P_county", path)):
        (folder / "instances" / "county" / f"{name}.json").write_text(json.dumps(raw))
    (folder / "results.csv").write_text(
        "instance,level,published_objective,published_bound\nG_county,county,3,3\n")
    (folder / "instances.csv").write_text(
        "instance,level,status\nG_county,county,paper benchmark instance\n"
        "P_county,county,infeasible with contiguity\n")
    return folder


def test_runner_solves_checks_and_records_the_load(tmp_path: Path) -> None:
    data = _data(tmp_path / "bench-data")
    out = tmp_path / "ce.csv"
    code = main(["--data", str(data), "--time-limit", "20", "--workers", "1",
                 "--out", str(out), "--plans", str(tmp_path / "plans")])
    assert code == 0
    with open(out, newline="") as f:
        rows = {r["instance"]: r for r in csv.DictReader(f)}
    assert list(rows) == ["G_county", "P_county"]
    grid, path = rows["G_county"], rows["P_county"]
    assert (grid["objective"], grid["bound"], grid["status"], grid["check"]) == (
        "3", "3", "optimal", "ok")
    assert path["status"] == "infeasible" and path["objective"] == ""
    plan = json.loads((tmp_path / "plans" / "G_county.json").read_text())
    assert plan["cut_edges"] == 3 and sorted(plan["assignment"]).count(0) == 3
    for row in rows.values():
        assert set(row) == set(FIELDS)
        assert row["started_utc"] and row["commit"] and row["time_limit_s"] == "20.0"
        for key in ("load_avg_start", "load_avg_end"):
            assert len([float(x) for x in row[key].split()]) == 3


def test_missing_data_is_refused_with_the_option_to_pass(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(tmp_path / "nowhere")]) == 2
    assert "--data" in capsys.readouterr().err
