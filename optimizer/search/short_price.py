"""The listing's price of a community that must take short rooms (AREA-PER-HH exempt).

Kept apart from optimizer.search.columns (which stays under 400 lines): a group
without a legal center that holds a unit within the maximum whose every possible
center is short (optimizer.search.short_within) is priced as
optimizer.search.heuristic.best_choice takes it, so the listing holds it and the
partition's cost and bound are exact for it too.
"""

from __future__ import annotations

import math

import numpy as np

from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.heuristic import short_group_choice
from optimizer.search.short_within import within_short_site


def short_groups(scenario: Scenario, data: PieceData, groups: list[tuple[int, ...]],
                  cost: np.ndarray, degree: np.ndarray, adj: np.ndarray) -> None:
    """Price in place the groups without a legal center that hold a unit whose every
    possible center is short (optimizer.search.short_within: AREA-PER-HH exempt, its
    pipeline rooms at their full reach), exactly as best_choice takes them. Bench/wild.py
    seed 67: every community holding compound 235 was dropped, so its street had no
    partition."""
    short = {k for k, u in enumerate(data.units.tolist())
             if within_short_site(scenario, u) is not None}
    if not short:
        return
    units = data.units
    for g, members in enumerate(groups):
        if math.isfinite(cost[g]) or not short.intersection(members):
            continue
        ch = short_group_choice(scenario, tuple(int(units[i]) for i in members))
        if ch is None:
            continue
        m = list(members)
        links = float(degree[m].sum() - adj[np.ix_(m, m)].sum())
        cost[g] = price(scenario, ch).objective_yuan \
            + scenario.objective.cut_edge_yuan * links / 2.0


__all__ = ["short_groups"]
