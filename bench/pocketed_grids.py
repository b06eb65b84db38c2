"""Pockets in ordinary pieces (issue 16, no unit above the maximum): small urban grids
with a pocket of compounds (no split of them keeps 2,000-3,000 households, and the one
compound leading out cannot take a share that leaves the rest splittable), solved with
one worker, seed 0, deterministic budgets, and checked by the independent checker.

    PYTHONPATH=$PWD .venv/bin/python bench/pocketed_grids.py [--limit 30]

One line per grid: status, objective, bound, gap, communities, exempt communities,
checker verdict, CPU seconds (time.process_time) and the piece's method. None of the
generalization bench's cases (bench/generalize_cases.py) has a pocket in an ordinary
piece other than a whole small piece (those keep the soft model), so these grids are
where the change shows.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from optimizer.checker.checker import check  # noqa: E402
from optimizer.scenario.build import grid_scenario  # noqa: E402
from optimizer.search import solve  # noqa: E402

Grid = list[list[int | None]]


def grids() -> dict[str, Grid]:
    """The test grid of tests/search/test_pocketed.py and two 5x8 grids of compounds
    of 300-900 households (seeds 1, 2) with a pocket in the top right corner."""
    out: dict[str, Grid] = {"test-grid": [[1000, 1100, 715, 1684], [None, None, 1275, 221]]}
    for seed in (1, 2):
        g: Grid = [[int(v) for v in np.random.default_rng(seed).integers(300, 900, 8)]
                   for _ in range(5)]
        g[0][5], g[0][6], g[0][7], g[1][7] = 715, 1684, 221, 1275
        g[1][5] = g[1][6] = g[2][6] = g[2][7] = None
        out[f"grid5x8-s{seed}"] = g
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=30.0)
    args = ap.parse_args()
    for name, g in grids().items():
        s = grid_scenario(g)
        t = time.process_time()
        plan = solve(s, time_limit_s=args.limit, workers=1, seed=0)
        cpu = time.process_time() - t
        report = check(s, plan)
        exempt = sum(1 for c in plan.communities if c.exemption)
        methods = "; ".join(p.method for p in plan.pieces)
        print(f"{name}: units={len(s.unit_ids)} status={plan.status.value} "
              f"objective={plan.objective:,.0f} bound={plan.bound:,.0f} gap={plan.gap:.4%} "
              f"communities={len(plan.communities)} exempt={exempt} "
              f"checker={'pass' if report.passed else 'FAIL'} cpu={cpu:.1f}s "
              f"method={methods}", flush=True)


if __name__ == "__main__":
    main()
