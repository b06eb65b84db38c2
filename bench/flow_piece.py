"""Does a piece split into k connected legal communities? An assignment model that
lists no communities (issue 16, helper `tight313`).

`bench/exact_piece.py` lists every connected community within the bounds: on a
40-village rural rest of 3,003 households (wild seed 313, 钟庄街道), whose three
communities must each hold 1,000-1,003 households, the listing alone did not end in
300 s. This model assigns units to k communities instead, so its size grows with the
units times k, not with the communities:

- ``x[u, j]``: unit ``u`` lies in community ``j`` (each unit in exactly one);
- each community holds lo..hi households (SIZE-URBAN / SIZE-RURAL);
- each community is connected (CONTIGUITY): a root per community, ``r[u, j]``, sends
  one unit of flow to every other unit it holds along arcs inside the community
  (single-commodity flow per community);
- symmetry: a community's root is its lowest unit, and the roots rise with ``j``
  (every partition is counted once);
- one center per community (ONE-STATION) with the legality of exact_piece.legal:
  where it holds rooms PIPELINE imposes, a pipeline site reaching its households;
  else where it holds a new development, the co-built rooms; else any site or build
  reaching them (``exact_piece.rooms``: per unit the most households each kind serves).

Written from RULES.md and the scenario's numbers only (the pricing of required area
and a site's reach is the checker's, as in exact_piece): no solver function. A bench
tool; INFEASIBLE for every count k proves that no split exists.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from ortools.sat.python import cp_model

from bench.exact_piece import INF, rooms
from optimizer.scenario.load import load_scenario
from optimizer.scenario.model import Scenario


def counts(total: int, lo: int, hi: int) -> list[int]:
    """Every k with k·lo ≤ total ≤ k·hi."""
    return [k for k in range(max(1, -(-total // hi)), total // lo + 1)]


def solve_k(scenario: Scenario, piece: Sequence[int], k: int, time_s: float, workers: int,
            log: bool = False, bounds: tuple[int, int] | None = None) -> dict[str, object]:
    """The assignment model of ``piece`` (unit indices) with exactly ``k`` communities
    (``bounds``: other than the policy's, to test the model)."""
    piece = sorted(piece)
    n = len(piece)
    at = {u: i for i, u in enumerate(piece)}
    urban = bool(scenario.urban[piece[0]])
    lo, hi = bounds or scenario.policy.bounds(urban)
    hh = [int(scenario.households[u]) for u in piece]
    nb = [[at[int(v)] for v in scenario.neighbours[u].tolist() if int(v) in at] for u in piece]
    r = rooms(scenario, piece)
    imposed = [i for i, u in enumerate(piece) if u in r.imposed]
    newdev = [i for i, u in enumerate(piece) if u in r.newdev]
    m = cp_model.CpModel()
    x = [[m.new_bool_var(f"x{i}_{j}") for j in range(k)] for i in range(n)]
    root = [[m.new_bool_var(f"r{i}_{j}") for j in range(k)] for i in range(n)]
    for i in range(n):
        m.add_exactly_one(x[i])
    for j in range(k):
        m.add_exactly_one(root[i][j] for i in range(n))
        h = cp_model.LinearExpr.weighted_sum([x[i][j] for i in range(n)], hh)
        m.add_linear_constraint(h, lo, hi)
        for i in range(n):
            m.add_implication(root[i][j], x[i][j])
            # the root is the community's lowest unit
            for v in range(i):
                m.add_implication(root[i][j], x[v][j].Not())
        if j:
            m.add(sum(i * root[i][j - 1] for i in range(n))
                  < sum(i * root[i][j] for i in range(n)))
        # flow: the root supplies, every held unit consumes one
        f = {(a, b): m.new_int_var(0, n - 1, f"f{a}_{b}_{j}") for a in range(n) for b in nb[a]}
        for (a, b), var in f.items():
            m.add(var == 0).only_enforce_if(x[a][j].Not())
            m.add(var == 0).only_enforce_if(x[b][j].Not())
        for i in range(n):
            supply = m.new_int_var(0, n - 1, f"s{i}_{j}")
            m.add(supply == 0).only_enforce_if(root[i][j].Not())
            m.add(sum(f[i, b] for b in nb[i]) - sum(f[a, i] for a in nb[i])
                  == supply - x[i][j] + root[i][j])
        # ONE-STATION with PIPELINE / NEWDEV-FIRST (exact_piece.legal)
        has_pipe = m.new_bool_var(f"p{j}")
        has_dev = m.new_bool_var(f"d{j}")
        for flag, which in ((has_pipe, imposed), (has_dev, newdev)):
            for i in which:
                m.add_implication(x[i][j], flag)
            m.add(flag <= sum(x[i][j] for i in which))
        centers = []
        for i, u in enumerate(piece):
            for kind, most in (("pipe", r.pipe_most[u]),
                               ("dev", INF if u in r.newdev else -1),
                               ("any", r.any_most[u])):
                if most < lo:
                    continue
                c = m.new_bool_var(f"c{i}_{j}_{kind}")
                m.add_implication(c, x[i][j])
                if most < INF:
                    m.add(h <= most).only_enforce_if(c)
                if kind == "any":
                    m.add_implication(c, has_pipe.Not())
                    m.add_implication(c, has_dev.Not())
                if kind == "dev":
                    m.add_implication(c, has_pipe.Not())
                centers.append(c)
        m.add_exactly_one(centers)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_s
    solver.parameters.num_workers = workers
    solver.parameters.log_search_progress = log
    st = solver.solve(m)
    out: dict[str, object] = {"k": k, "status": solver.status_name(st),
                              "wall_s": round(solver.wall_time, 2),
                              "deterministic_s": round(solver.deterministic_time, 2)}
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        coms = [[i for i in range(n) if solver.value(x[i][j])] for j in range(k)]
        out["communities"] = [[scenario.unit_ids[piece[i]] for i in g] for g in coms]
        out["households"] = [sum(hh[i] for i in g) for g in coms]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--unit", required=True, help="a unit of the piece (its id)")
    ap.add_argument("--drop", nargs="*", default=[],
                    help="units left out (e.g. one that can only be a community alone)")
    ap.add_argument("--time", type=float, default=300.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--log", action="store_true")
    a = ap.parse_args()
    s = load_scenario(a.scenario)
    u0 = s.unit_index[a.unit]
    drop = {s.unit_index[v] for v in a.drop}
    piece = [i for i in range(s.n_units) if s.piece_key(i) == s.piece_key(u0) and i not in drop]
    # the connected part holding the unit (a piece key may hold several parts)
    inside, todo = {u0}, [u0]
    while todo:
        u = todo.pop()
        for v in s.neighbours[u].tolist():
            if int(v) in piece and int(v) not in inside:
                inside.add(int(v))
                todo.append(int(v))
    part = sorted(inside)
    lo, hi = s.policy.bounds(bool(s.urban[u0]))
    total = sum(int(s.households[i]) for i in part)
    print(json.dumps({"units": len(part), "households": total, "lo": lo, "hi": hi}))
    for k in counts(total, lo, hi):
        print(json.dumps(solve_k(s, part, k, a.time, a.workers, a.log), ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    main()
