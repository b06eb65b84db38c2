"""Where an unlisted big street's gap sits by count: the bound per count and the room.

For one piece of a bench case (bench/generalize_cases.py) prints, one JSON line each:

- the count floor (optimizer.model.count_floor) and why counts below it are impossible;
- the counted Lagrangian floor (optimizer.model.lagrange) with the fewest count set to
  k for several k: what proving k − 1 impossible would add to the bound;
- the room argument: every community holds at most U, so over a plan of k communities
  the room below U sums to kU − H; units above U/2 are each in a community of their own
  and such a community holds at most the fullest connected group within U around its
  unit, so Σ (U − fullest(u)) over those units must fit kU − H (a necessary condition,
  exact search per unit; "capped" where the node cap cut it, then not a proof);
- with ``--tree``, tree partitions (optimizer.search.starts.tree_start) drawn at each k.

    PYTHONPATH=$PWD .venv/bin/python bench/street_count.py --case big-county \
        --piece Shizhou --cases-dir /tmp/cases [--counts 4] [--steps 200] [--tree 20]

Deterministic (fixed steps, seeded draws); one process.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.generalize_cases import CASES
from optimizer.graph import components
from optimizer.model.count_floor import count_floor, least_size
from optimizer.model.lagrange import counted_lagrangian_bound
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.load import load_scenario
from optimizer.search.piece_common import plan_cost
from optimizer.search.starts import tree_start
from optimizer.search.stop import StopFlag

NODE_CAP = 200_000      # search nodes per unit of the fullest-group search


def fullest(data: PieceData, u: int, cap: int = NODE_CAP) -> tuple[int, bool]:
    """The most households of a connected group within the maximum holding ``u``, and
    whether the search finished (include or exclude each bordering unit in turn)."""
    h = [int(v) for v in data.households]
    hi = data.hi
    best, nodes = h[u], 0

    def grow(group: frozenset[int], total: int, frontier: list[int], banned: frozenset[int]
             ) -> None:
        nonlocal best, nodes
        nodes += 1
        best = max(best, total)
        if best == hi or nodes > cap:
            return
        fits = [v for v in frontier if v not in banned and total + h[v] <= hi]
        if not fits:
            return
        v = fits[0]
        wider = (set(frontier) | {int(w) for w in data.nbrs[v]}) - group - {v}
        grow(group | {v}, total + h[v], sorted(wider), banned)
        grow(group, total, [w for w in frontier if w != v], banned | {v})

    grow(frozenset({u}), h[u], sorted(int(w) for w in data.nbrs[u]), frozenset())
    return best, nodes <= cap


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True)
    ap.add_argument("--piece", required=True)
    ap.add_argument("--cases-dir", type=Path, default=Path("bench/out/cases"))
    ap.add_argument("--counts", type=int, default=4)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--tree", type=float, default=0.0, help="deterministic s per count")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    folder = a.cases_dir / a.case
    if not folder.exists():
        next(c for c in CASES if c.name == a.case).build(folder)
    sc = load_scenario(folder)
    comp = next(c for c in components(sc) if a.piece in " / ".join(c.key))
    data = piece_data(sc, comp.key, comp.units)
    total, hi = data.total, data.hi
    floor = count_floor(data)
    print(json.dumps({"piece": " / ".join(comp.key), "units": data.n, "households": total,
                      "lo": data.lo, "hi": hi, "counted": floor.counted,
                      "count_floor": floor.least, "proofs": floor.proofs}), flush=True)
    big = [u for u in range(data.n) if 2 * int(data.households[u]) > hi]
    forced, exact = 0, True
    for u in big:
        most, done = fullest(data, u)
        forced += hi - most
        exact = exact and done
    for k in range(floor.least, floor.least + a.counts):
        t = time.process_time()
        lag, runs = counted_lagrangian_bound(sc, data, k, time_s=600.0, max_iter=a.steps)
        row: dict[str, object] = {
            "least": k, "fill": round(total / (k * hi), 4),
            "least_size": least_size(total, data.lo, hi, k), "lagrangian": round(lag),
            "runs": runs, "room": k * hi - total, "forced_room": forced,
            "room_proves_impossible": exact and forced > k * hi - total,
            "cpu_s": round(time.process_time() - t, 2)}
        if a.tree > 0:
            got = tree_start(sc, data, time_s=a.tree, seed=a.seed, deterministic=True,
                             stop=StopFlag(), counts=[k])
            row.update(tree_attempts=got.attempts, tree_found=got.found,
                       tree_cost=round(plan_cost(sc, got.choices)) if got.choices else None)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
