"""One independent piece of the problem, as arrays: the units of one connected
component of one (county, street, kind), their neighbours, distances and the
units each possible center can reach within the household upper bound.

Built from a Scenario; knows nothing of CP-SAT. A piece is a districting
:class:`~optimizer.districting.region.Region` whose weights are households.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.districting.region import Region, geodesic, reach
from optimizer.scenario.model import Scenario

__all__ = ["PieceData", "geodesic", "model_size", "piece_data", "reach"]


@dataclass(frozen=True, eq=False)
class PieceData(Region):
    key: tuple[str, str, str]
    units: np.ndarray              # global unit indices, sorted
    urban: bool

    @property
    def households(self) -> np.ndarray:
        """Per local unit (the region's weights)."""
        return self.weights


def piece_data(scenario: Scenario, key: tuple[str, str, str], units: np.ndarray) -> PieceData:
    units = np.asarray(sorted(int(u) for u in units), dtype=np.int64)
    local = {int(u): k for k, u in enumerate(units)}
    nbrs = tuple(tuple(sorted(local[int(v)] for v in scenario.neighbours[int(u)]
                              if int(v) in local)) for u in units)
    urban = bool(scenario.urban[units[0]])
    lo, hi = scenario.policy.bounds(urban)
    return PieceData(key=key, units=units, weights=scenario.households[units].copy(),
                     nbrs=nbrs, x=scenario.x[units].copy(), y=scenario.y[units].copy(),
                     urban=urban, lo=lo, hi=hi)


def model_size(data: PieceData, cap: int) -> int:
    """Σ over centers of the units they reach (the assignment variables of the exact
    models), counted up to ``cap``: which model a piece can afford."""
    total = 0
    for j in range(data.n):
        total += len(reach(data, j, data.hi))
        if total >= cap:
            return cap
    return total
