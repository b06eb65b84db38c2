"""bench/oversized_grids.py on a few seeds: the summary line counts what it says, and
``--brute`` compares each plan with the brute force (a grid the checker rejected on
b92f302, stress 482, now passes and joins the least)."""

from __future__ import annotations

import sys

import pytest

from tests.helpers.paths import ROOT

sys.path.insert(0, str(ROOT))

from bench.oversized_grids import main  # noqa: E402


def test_the_runner_reports_each_grid_and_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--kind", "stress", "--seeds", "481-484", "--brute"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0, out
    assert len(out) == 1
    assert out[0].startswith("summary stress seeds 481-484: 3 grids, ")
    assert "checker-rejected 0, errors 0, brute-forced " in out[0]
    assert "above the least 0, cpu " in out[0]
