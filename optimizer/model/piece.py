"""One independent piece of the problem, as arrays: the units of one connected
component of one (county, street, kind), their neighbours, distances and the
units each possible center can reach within the household upper bound.

Built from a Scenario; knows nothing of CP-SAT. A piece is a districting
:class:`~optimizer.districting.region.Region` whose weights are households.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

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
    models), counted up to ``cap``: which model a piece can afford. Remembered per
    piece (by identity, as long as the piece lives): a piece asks it for its models'
    choice and again for every model a stopped piece may still build
    (optimizer.search.attempt), 0.19 s each on wild seed 834's 249-compound street."""
    known = _SIZES.get(data)
    if known is not None and (known[1] < known[0] or cap <= known[0]):
        return min(known[1], cap)       # the whole count, or at least cap
    total = 0
    for j in range(data.n):
        total += len(reach(data, j, data.hi))
        if total >= cap:
            total = cap
            break
    _SIZES[data] = (cap, total)
    return total


# piece -> (the cap counted to, the count): below the cap, the whole count
_SIZES: WeakKeyDictionary[PieceData, tuple[int, int]] = WeakKeyDictionary()
