"""model_size, remembered per piece: the same answer for every cap as counting afresh."""

from __future__ import annotations

import numpy as np

import optimizer.model.piece as mp
from optimizer.districting.region import reach
from optimizer.model.piece import model_size, piece_data
from optimizer.scenario.build import grid_scenario


def _counted(data: mp.PieceData, cap: int) -> int:
    return min(cap, sum(len(reach(data, j, data.hi)) for j in range(data.n)))


def test_model_size_remembered_answers_every_cap_as_counted() -> None:
    """A 3 x 4 urban grid: asked with caps in a mixed order (below the whole count,
    above it, between two asked before), each answer is the count cut at that cap,
    and a second piece of the same units is counted on its own."""
    s = grid_scenario([[900, 1200, 700, 1500], [1100, 800, 1300, 600],
                       [1000, 900, 1400, 500]])
    data = piece_data(s, ("c", "s", "urban"), np.arange(12))
    whole = _counted(data, 10**9)
    assert 12 < whole < 144
    for cap in (5, whole + 10, 3, whole, whole - 1, 1, 10**9, 12):
        assert model_size(data, cap) == _counted(data, cap)
    other = piece_data(s, ("c", "s", "urban"), np.arange(12))
    assert model_size(other, 7) == 7
    assert mp._SIZES[other] == (7, 7)
    assert mp._SIZES[data] == (whole + 10, whole)
