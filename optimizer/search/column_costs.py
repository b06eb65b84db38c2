"""What each unit adds to a listed community by its center (distance, moved
households) and the piece's neighbour links: the parts of a column's exact cost that
do not depend on the center's rooms (optimizer.search.column_price.price_groups,
optimizer.search.pricing). Apart from columns.py to keep it within ~400 lines."""

from __future__ import annotations

import numpy as np

from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario


def unit_center_costs(scenario: Scenario, data: PieceData
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``per[u, c]``: what unit u adds to a community centred at c (distance, moved
    households); the piece's neighbour-link counts between units, and each unit's."""
    n, units = data.n, data.units
    h = data.households.astype(np.int64)
    w = scenario.objective
    km = np.hypot(data.x[:, None] - data.x[None, :], data.y[:, None] - data.y[None, :]) / 1000.0
    per = h[:, None] * km * w.distance_yuan_per_household_km
    cur = scenario.current_community
    if cur is not None:
        lab = [cur[int(u)] for u in units]
        moved = np.array([[lab[u] is not None and lab[u] != lab[c] for c in range(n)]
                          for u in range(n)], dtype=bool)
        per = per + moved * (h[:, None] * w.moved_yuan_per_household)
    adj = np.zeros((n, n), dtype=np.int64)
    pos = np.searchsorted(units, scenario.edges)
    inside = (pos < n) & (units[np.minimum(pos, n - 1)] == scenario.edges)
    keep = inside.all(axis=1)
    np.add.at(adj, (pos[keep, 0], pos[keep, 1]), 1)
    adj += adj.T
    return per, adj, adj.sum(axis=1)
