"""Stranded units that can only join an oversized unit's community whose one site is too
small, no build allowed anywhere: no plan, and the error says why in planner terms
(the held-out sweep's vt40-nobuild-over3: village-town preset, seed 43, 40 villages,
three raised above the maximum, no_build on the whole town). Before, the search ended
in ``AssertionError: a chosen community has a center`` (oversized_attach._block)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.heldout_edits import apply
from optimizer.errors import SolveError
from optimizer.scenario.load import load_scenario
from optimizer.search.driver import solve
from optimizer.synth import generate


def test_stranded_villages_joined_to_an_oversized_one_without_a_center_say_why(
        tmp_path: Path) -> None:
    folder = generate("village-town", 43, tmp_path / "vt40", size=40)
    apply(folder, ["oversize3r", "no_build_all"], 43)
    sc = load_scenario(folder)
    with pytest.raises(SolveError) as err:
        solve(sc, time_limit_s=10, workers=1, seed=43)
    text = str(err.value)
    assert "ONE-STATION" in text and "no_build" in text
    assert "JH-CC-0022" in text                       # the village above the maximum
    assert "5,873 households need 1,175 m²" in text
    assert "JH-CC-V03-ROOM, reaches 780 m²" in text   # its one site, at most
