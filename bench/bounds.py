"""Lower bounds of large rural pieces of the city preset: arithmetic vs Lagrangian.

    python -m bench.bounds [--cases-dir bench/out/cases] [--sizes 300 500 1400]
                           [--time-s 30] [--plan-s 20] [--all-large]

Generates the city preset (seed 2013) into ``--cases-dir``/city when missing, takes
the rural pieces (connected (county, street, kind) components) whose unit counts are
nearest to ``--sizes``, and prints per piece: units, households, the number of
(center, member) pairs of the relaxation, the arithmetic bound, the Lagrangian bound
(time, peak memory of its numpy/python allocations by tracemalloc), and for
reference the cost of a plan (region growing + neighbourhood search, ``--plan-s``).
``--all-large`` instead bounds every piece too large for a whole-piece model (the
ones piece.py gives only the arithmetic bound) and prints the sums.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from optimizer.graph import decompose
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.lagrange import _relaxation, lagrangian_bound
from optimizer.model.piece import PieceData, model_size, piece_data
from optimizer.scenario.load import load_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import cut_edges_yuan, price
from optimizer.search.heuristic import best_choice, grow_regions
from optimizer.search.lns import improve
from optimizer.search.piece import BOUND_X
from optimizer.search.stop import StopFlag
from optimizer.synth.voronoi.generate import generate

SEED = 2013


def plan_cost(scenario: Scenario, data: PieceData, seconds: float) -> float:
    start = [ch for ch in (best_choice(scenario, data, r) for r in grow_regions(data))
             if ch is not None]
    choices, _ = improve(scenario, data, start, time_s=seconds, seed=0, stop=StopFlag())
    hh = [int(scenario.households[list(ch.members)].sum()) for ch in choices]
    if not all(data.lo <= x <= data.hi for x in hh):
        return float("nan")
    return sum(price(scenario, ch).objective_yuan for ch in choices) \
        + cut_edges_yuan(scenario, choices)


def all_large(scenario: Scenario, comps: list, time_s: float) -> None:  # type: ignore[type-arg]
    arith = lagr = worst = total_s = 0.0
    count = 0
    for c in comps:
        data = piece_data(scenario, c.key, c.units)
        if model_size(data, BOUND_X + 1) <= BOUND_X:
            continue
        t0 = time.perf_counter()
        bound = lagrangian_bound(scenario, data, time_s=time_s)
        used = time.perf_counter() - t0
        a = arithmetic_bound(scenario, data)
        arith, lagr, count = arith + a, lagr + max(a, bound), count + 1
        worst, total_s = max(worst, used), total_s + used
    print(f"{count} large pieces: sum of arithmetic bounds {arith:,.0f}, sum of "
          f"max(arithmetic, Lagrangian) {lagr:,.0f} (+{lagr - arith:,.0f}); Lagrangian "
          f"time {total_s:.0f} s in all, {worst:.1f} s at most")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases-dir", type=Path, default=Path("bench/out/cases"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[300, 500, 1400])
    ap.add_argument("--time-s", type=float, default=30.0)
    ap.add_argument("--plan-s", type=float, default=20.0)
    ap.add_argument("--all-large", action="store_true")
    args = ap.parse_args()
    folder = args.cases_dir / "city"
    if not (folder / "scenario.toml").exists():
        generate("city", SEED, folder)
    scenario = load_scenario(folder)
    comps, _ = decompose(scenario)
    if args.all_large:
        all_large(scenario, comps, args.time_s)
        return
    rural = [c for c in comps if c.key[2] == "rural"]
    picked = []
    for size in args.sizes:
        c = min((c for c in rural if c not in picked), key=lambda c: abs(len(c.units) - size))
        picked.append(c)
    print(f"{'units':>5} {'hh':>6} {'pairs':>9} {'arith M':>8} {'lagr M':>8} {'time s':>6} "
          f"{'peak MB':>7} {'plan M':>8} {'gap arith':>9} {'gap lagr':>8}")
    for c in picked:
        data = piece_data(scenario, c.key, c.units)
        arith = arithmetic_bound(scenario, data)
        tracemalloc.start()
        t0 = time.perf_counter()
        lagr = lagrangian_bound(scenario, data, time_s=args.time_s)
        used = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        rel = _relaxation(scenario, data)
        pairs = 0 if rel is None else len(rel.ctr) + len(rel.ctr_z) + data.n
        plan = plan_cost(scenario, data, args.plan_s)
        print(f"{data.n:>5} {data.total:>6} {pairs:>9,} {arith / 1e6:>8.3f} {lagr / 1e6:>8.3f} "
              f"{used:>6.1f} {peak:>7.0f} {plan / 1e6:>8.3f} {1 - arith / plan:>9.1%} "
              f"{1 - lagr / plan:>8.1%}", flush=True)
        assert lagr <= plan + 1e-6, "the bound exceeds a plan: invalid"


if __name__ == "__main__":
    main()
