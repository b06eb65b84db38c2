"""Test support for the attach step of pieces with units above the maximum
(optimizer.search.oversized_attach)."""

from __future__ import annotations

from typing import Any

import numpy as np

from optimizer.model.piece import piece_data
from optimizer.search import oversized_attach


def straight_to_the_models(scenario: Any, key: Any, parts: Any, cores: Any, task: Any,
                           stop: Any) -> Any:
    """A stand-in for ``oversized_attach._attach`` whose listing found no plan: the
    group goes straight to the models, then the wider listing (``_models_then_wider``,
    looked up when called, so a test may patch it too)."""
    units = sorted({u for p in parts for u in p.units} | {u for c in cores.values() for u in c})
    gd = piece_data(scenario, key, np.asarray(units))
    return oversized_attach._models_then_wider(scenario, gd, parts, cores, task, stop, 0.0,
                                               True)
