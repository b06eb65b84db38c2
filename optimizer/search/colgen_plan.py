"""An integer plan over column generation's pool: the cheapest partition of a piece's
units into the generated columns (CP-SAT, hinted with the plan in hand).

Used by the offline bound study (``bench/colgen_bound.py``) to see how good a plan the
pool alone holds; the solve itself takes its plans from the search's other methods.
Apart from :mod:`optimizer.search.colgen` (the bound) because a plan from a pool is no
proof: the pool need not hold every column of reduced cost below the gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.model.piece import PieceData
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.search.colgen import ColGenResult, count_range
from optimizer.search.stop import StopFlag


@dataclass(frozen=True)
class PoolPlan:
    groups: tuple[tuple[int, ...], ...]     # the plan's communities (local units)
    cost_yuan: float
    used_s: float                           # deterministic time when deterministic


def integer_plan(data: PieceData, res: ColGenResult, start: list[tuple[int, ...]], *,
                 time_s: float, workers: int, seed: int, deterministic: bool,
                 stop: StopFlag) -> PoolPlan:
    """The cheapest partition over the generated columns (CP-SAT, from the plan
    ``start``, whose columns are in the pool): a plan, never a proof for the piece,
    since the pool need not hold every column of reduced cost below the gap."""
    pool = res.pool
    cost = np.asarray(pool.cost)
    hint = [pool.index[tuple(sorted(g))] for g in start]
    built = build_setpart(data.n, pool.members, cost, hint,
                          count_range(data, at_most=len(start) or None))
    got = solve_setpart(built, time_s=time_s, workers=workers, seed=seed,
                        deterministic=deterministic, stop=stop)
    chosen = list(got.chosen) if got.chosen else hint
    if float(cost[chosen].sum()) > float(cost[hint].sum()):
        chosen = hint
    return PoolPlan(tuple(pool.members[k] for k in chosen), float(cost[chosen].sum()),
                    got.used_s)
