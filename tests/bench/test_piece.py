"""bench/piece.py: one piece of a bench case solved with the driver's budget, one JSON line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.piece import main


def test_one_piece_of_the_town_is_solved_and_reported(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    main(["--case", "town", "--piece", "urban", "--limit", "2", "--cases-dir", str(tmp_path)])
    got = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert got["case"] == "town" and "urban" in got["piece"]
    assert got["objective"] >= got["bound"] - 1.0
    assert got["communities"] >= 1
