"""Column generation's bound on a large piece against the Lagrangian's (issue 16).

    PYTHONPATH=$PWD .venv/bin/python bench/colgen_bound.py CASE_DIR [--rounds 30]
        [--plan-s 20] [--lag-steps 400] [--max-nodes 200000] [--keep 2] [--out FILE]
        [--piece NAME]

Loads a scenario folder (``bench/generalize.py`` writes its cases to --cases-dir),
takes its largest piece (or the first whose key contains --piece), finds a plan the
way a large piece does (:func:`optimizer.search.piece_large.solve_large`, one
worker, deterministic, a budget of --plan-s deterministic seconds), then reports the
Lagrangian floor (:func:`optimizer.model.lagrange.lagrangian_bound`, --lag-steps steps) and column
generation from that plan's communities, its first round priced at the
Lagrangian's multipliers (:mod:`optimizer.search.colgen`), round by
round: restricted LP value, the round's bound, columns added, pricing nodes and CPU
seconds (``time.process_time``: comparable across loads, unlike wall time), then a
plan by CP-SAT over the generated columns (--integer-s). One
JSON line per round and a summary line go to --out (default
bench/results/colgen-<case>.jsonl).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# Run as a script: this file's repository first (`bench` and `optimizer`), unless
# PYTHONPATH names the code to run. An A/B runs one copy of the code with another's
# script (PYTHONPATH=<base export> python <worktree>/bench/piece.py): putting this
# file's repository first then silently ran the worktree's code as the "base"
# (helper cgfast, session 15). The JSON line says which code ran (`code`).
if not os.environ.get("PYTHONPATH") and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from optimizer.graph import components  # noqa: E402
from optimizer.model.lagrange import lagrangian_solution  # noqa: E402
from optimizer.model.piece import piece_data  # noqa: E402
from optimizer.scenario.load import load_scenario  # noqa: E402
from optimizer.search.colgen import (  # noqa: E402
    CENTRAL,
    HEURISTIC_NODES,
    NEGATIVE_ONLY,
    Round,
    generate,
)
from optimizer.search.colgen_plan import integer_plan  # noqa: E402
from optimizer.search.piece_common import plan_cost  # noqa: E402
from optimizer.search.piece_large import solve_large  # noqa: E402
from optimizer.search.piece_types import PieceTask  # noqa: E402
from optimizer.search.stop import StopFlag  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", type=Path)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--plan-s", type=float, default=20.0)
    ap.add_argument("--lag-steps", type=int, default=400)
    ap.add_argument("--max-nodes", type=int, default=200_000)
    ap.add_argument("--keep", type=int, default=2)
    ap.add_argument("--smoothing", type=float, default=0.0)
    ap.add_argument("--heuristic-nodes", type=int, default=HEURISTIC_NODES,
                    help="per centre in the rounds that only look for columns (0: none)")
    ap.add_argument("--negative-only", action=argparse.BooleanOptionalAction,
                    default=NEGATIVE_ONLY, help="exact rounds seek only negative columns")
    ap.add_argument("--central", action=argparse.BooleanOptionalAction, default=CENTRAL,
                    help="exact rounds at the LP's optimal duals nearest the best bound's")
    ap.add_argument("--integer-s", type=float, default=10.0,
                    help="deterministic seconds of CP-SAT over the pool at the end")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--piece", default="",
                    help="the first piece whose key contains this (default: the largest)")
    ap.add_argument("--no-lagrangian-duals", dest="lagrangian_duals", action="store_false",
                    help="do not price the first round at the Lagrangian's multipliers")
    args = ap.parse_args()
    out = args.out or ROOT / "bench" / "results" / f"colgen-{args.case.name}{args.piece}.jsonl"
    scenario = load_scenario(args.case)
    comps = components(scenario)
    comp = (next(c for c in comps if args.piece in " / ".join(c.key)) if args.piece
            else max(comps, key=lambda c: (len(c.units), c.key)))
    data = piece_data(scenario, comp.key, comp.units)
    with open("/proc/loadavg", encoding="utf-8") as f:
        load0 = f.read().split()[0]
    log = open(out, "w", encoding="utf-8")

    def emit(row: dict[str, object]) -> None:
        print(json.dumps(row), flush=True)
        log.write(json.dumps(row) + "\n")
        log.flush()

    emit({"case": args.case.name, "args": {k: str(v) for k, v in vars(args).items()},
          "piece": " / ".join(comp.key), "units": data.n,
          "households": data.total, "lo": data.lo, "hi": data.hi, "load_start": load0})
    t = time.process_time()
    task = PieceTask(0, comp.key, comp.units, None, args.plan_s, seed=0, threads=1)
    plan = solve_large(scenario, data, task, StopFlag(), whole=False)
    ub = plan_cost(scenario, plan.choices)
    emit({"plan_yuan": ub, "communities": len(plan.choices), "method": plan.method,
          "plan_cpu_s": time.process_time() - t})
    t = time.process_time()
    lag, lam = lagrangian_solution(scenario, data, time_s=3600.0, max_iter=args.lag_steps)
    emit({"lagrangian_yuan": lag, "lag_gap_pct": 100 * (ub - lag) / ub,
          "lag_cpu_s": time.process_time() - t})
    local = {int(u): k for k, u in enumerate(data.units)}
    start = [tuple(sorted(local[u] for u in ch.members)) for ch in plan.choices]
    t = time.process_time()
    best = [-np.inf]

    def progress(r: Round) -> None:
        best[0] = max(best[0], r.bound_yuan)
        emit({"round": len(rows) + 1, "lp_yuan": r.lp_yuan, "bound_yuan": r.bound_yuan,
              "best_bound_yuan": best[0], "gap_pct": 100 * (ub - best[0]) / ub,
              "added": r.added, "nodes": r.nodes, "open_centers": r.open_centers,
              "kind": r.kind, "central": r.central, "work_s": round(r.work_s, 3),
              "lp_cpu_s": round(r.lp_cpu_s, 3), "price_cpu_s": round(r.price_cpu_s, 3),
              "cpu_s_total": round(time.process_time() - t, 2)})
        rows.append(r)

    rows: list[Round] = []
    res = generate(scenario, data, start, max_rounds=args.rounds, max_nodes=args.max_nodes,
                   keep=args.keep, progress=progress, smoothing=args.smoothing,
                   duals=lam if args.lagrangian_duals else None,
                   heuristic_nodes=args.heuristic_nodes, negative_only=args.negative_only,
                   central=args.central)
    cg_cpu = time.process_time() - t
    t = time.process_time()
    got = integer_plan(data, res, start, time_s=args.integer_s, workers=1, seed=0,
                       deterministic=True, stop=StopFlag())
    emit({"pool_plan_yuan": got.cost_yuan, "pool_plan_communities": len(got.groups),
          "integer_cpu_s": round(time.process_time() - t, 2)})
    with open("/proc/loadavg", encoding="utf-8") as f:
        load1 = f.read().split()[0]
    emit({"summary": True, "pool_plan_yuan": got.cost_yuan, "plan_yuan": ub, "lagrangian_yuan": lag,
          "colgen_bound_yuan": res.bound_yuan, "lp_yuan": res.lp_yuan,
          "converged": res.converged, "rounds": len(res.rounds), "pool": len(res.pool.members),
          "colgen_cpu_s": round(cg_cpu, 2), "load_end": load1})
    log.close()


if __name__ == "__main__":
    main()
