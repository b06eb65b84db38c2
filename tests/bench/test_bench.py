"""The bench runner on a tiny drawn scenario: the table has its columns and its figures
come from a real solve, check and (when spopt is installed) MaxP run.

Eight 100 m squares, all urban, county C1 street S1, 700 households each (5,600 in
all: two urban communities of 2,000-3,000, and MaxP with the 2,000 floor can form
two regions)::

    +----+----+----+----+
    | a1 | a2 | a3 | a4 |      owned site s1 in a1 (300 m²)
    +----+----+----+----+
    | b1 | b2 | b3 | b4 |
    +----+----+----+----+
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers.paths import ROOT

sys.path.insert(0, str(ROOT))

from bench.maxp import spopt_version  # noqa: E402
from bench.run import COLUMNS, main  # noqa: E402
from tests.helpers.scenarios import eight_squares  # noqa: E402


def _tiny(folder: Path) -> Path:
    return eight_squares(folder, None, site_unit="a1")


def _run(tmp_path: Path, *extra: str) -> tuple[int, pd.Series, Path]:
    folder = _tiny(tmp_path / "tiny")
    out = tmp_path / "res" / "table.md"
    code = main(["--scenario", str(folder), "--time-limit", "3", "--workers", "1",
                 "--out", str(out), *extra])
    return code, pd.read_csv(out.with_suffix(".csv")).iloc[0], out


def test_bench_table_has_the_columns_and_real_figures(tmp_path: Path) -> None:
    code, _, out = _run(tmp_path, "--no-maxp")
    frame = pd.read_csv(out.with_suffix(".csv"))
    assert tuple(frame.columns) == COLUMNS
    row = frame.iloc[0]
    assert row["case"] == "tiny"
    assert row["units"] == 8 and row["households"] == 5600
    assert row["communities"] == 2
    assert row["check"] == "pass" and code == 0
    assert row["bound"] <= row["objective"] + 1e-6
    assert row["peak_mem_mb"] > 10
    md = out.with_suffix(".md").read_text()
    assert md.startswith("| case | units |") and "Machine:" in md and "ortools" in md
    saved = json.loads(out.with_suffix(".json").read_text())["rows"][0]
    assert len(saved["load_avg_start"]) == 3 and len(saved["load_avg_end"]) == 3  # shared box?


def test_bench_runs_maxp_beside_the_solver(tmp_path: Path) -> None:
    if spopt_version() is None:
        pytest.skip("spopt is not installed (pip install -r bench/requirements.txt)")
    code, row, _ = _run(tmp_path)
    assert code == 0
    assert row["maxp_regions"] == 2
    assert row["maxp_over_upper"] == 0 and row["maxp_noncontiguous"] == 0
    assert row["maxp_check"] == "pass"
    # MaxP is priced with the same model: it cannot beat a proven optimum.
    assert row["maxp_cost"] >= row["bound"] - 1e-3


def test_unknown_case_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--cases", "village", "--out", str(tmp_path / "x.md")])
