"""Where the gap of a piece with units above the maximum sits (issue 16, oversized class).

    PYTHONPATH=$PWD .venv/bin/python bench/oversized_gap.py --cases real-virginia-rural-over \
        --budget 120 [--wall]

Each case's oversized piece is solved in this process with one worker (deterministic
budgets unless --wall) by ``solve_data``, as the solve does, with the stranded groups'
steps recorded. One row per block of the piece's result (a part solved on its own, a
stranded group, a lone oversized unit) and, for a stranded group, its plan's cost
split into the oversized units' communities and the communities within the bounds:
the gap ``objective - bound`` is the sum of the rows' gaps plus nothing else (the links
between blocks are in both). A part's row holds its method, plan, bound and gap as its
own solve returned them (recorded around solve_oversized's callback). The group's
bound is the largest of several programs (the priced LP of
optimizer.model.oversized_lp, the whole-number models of optimizer.model.oversized_whole),
so it is not split.
Written to bench/results/oversized-gap-<tag>.csv.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.piece import case_pieces  # noqa: E402
from optimizer.model.piece import piece_data  # noqa: E402
from optimizer.search import oversized as ov  # noqa: E402
from optimizer.search import oversized_attach as oa  # noqa: E402
from optimizer.search import piece as piece_mod  # noqa: E402
from optimizer.search.oversized_fewer import joined_of  # noqa: E402
from optimizer.search.piece import solve_data  # noqa: E402
from optimizer.search.piece_common import plan_cost  # noqa: E402
from optimizer.search.piece_types import PieceTask  # noqa: E402
from optimizer.search.stop import StopFlag  # noqa: E402

FIELDS = ("case", "block", "kind", "units", "households", "method", "objective", "bound",
          "gap_yuan", "gap_pct_of_piece", "joined_hh", "cap_hh", "note")


def _record() -> list[dict[str, Any]]:
    """Wrap the stranded group's steps; the calls' details appended to the list."""
    calls: list[dict[str, Any]] = []
    from optimizer.search import oversized_bound as ob

    attach, bound_and_plan = ov.attach, oa.bound_and_plan

    def attach_(scenario, key, parts, cores, task, stop):  # type: ignore[no-untyped-def]
        block = attach(scenario, key, parts, cores, task, stop)
        calls.append({"what": "attach", "block": block, "cores": cores, "parts": parts})
        return block

    def group_bound_(scenario, gd, parts, cores, cap, stop, **kw):  # type: ignore[no-untyped-def]
        got = bound_and_plan(scenario, gd, parts, cores, cap, stop, **kw)
        floors = sum(ob.core_floor(scenario, gd, c) for c in cores.values())
        calls.append({"what": "bound", "value": got.bound, "cap": cap, "floors": floors})
        return got

    priced = getattr(ob, "priced_bound", None)

    def priced_(*args, **kw):  # type: ignore[no-untyped-def]
        got = priced(*args, **kw)
        calls.append({"what": "priced", "value": got[0]})
        return got

    def part_(scenario, data, task, stop):  # type: ignore[no-untyped-def]
        res = _orig_part(scenario, data, task, stop)
        if task.part_of_piece:
            calls.append({"what": "part", "data": data, "res": res})
        return res

    ov.attach = attach_
    oa.bound_and_plan = group_bound_
    piece_mod.solve_data = part_   # the parts' solves (solve_oversized's callback)
    if priced is not None:
        ob.priced_bound = priced_
    return calls


def run_case(name: str, budget: float, wall: bool, out_dir: Path) -> list[dict[str, Any]]:
    scenario, comps, diag, _center, _shares = case_pieces(name, out_dir, budget, 1)
    rows: list[dict[str, Any]] = []
    for k, comp in enumerate(comps):
        d = diag.get(k)
        if d is None or d.reason != "unit-above-max":
            continue
        calls = _record()
        task = PieceTask(index=k, key=comp.key, units=comp.units, diagnosis=d, budget_s=budget,
                         seed=scenario.solver.seed + k, threads=1, deterministic=not wall)
        data = piece_data(scenario, comp.key, comp.units)
        t0 = time.perf_counter()
        res = solve_data(scenario, data, task, StopFlag())
        wall_s = time.perf_counter() - t0
        obj = plan_cost(scenario, res.choices)
        rows.append({"case": name, "block": "piece", "kind": "piece", "units": data.n,
                     "households": int(data.total), "method": res.method, "objective": obj,
                     "bound": res.bound, "gap_yuan": obj - res.bound,
                     "gap_pct_of_piece": 100 * (obj - res.bound) / obj, "joined_hh": "",
                     "cap_hh": "", "note": f"used {res.used_s:.1f} s, wall {wall_s:.1f} s"})
        groups = _group_rows(scenario, name, obj, calls)
        rest = (obj - res.bound) - sum(r["gap_yuan"] for r in groups
                                       if r["kind"] == "stranded group")
        parts = _part_rows(scenario, name, obj, calls)
        rest -= sum(r["gap_yuan"] for r in parts)
        rows += groups + parts
        rows.append({"case": name, "block": "other",
                     "kind": "lone units, links",
                     "units": "", "households": "", "method": "", "objective": "", "bound": "",
                     "gap_yuan": rest, "gap_pct_of_piece": 100 * rest / obj, "joined_hh": "",
                     "cap_hh": "", "note": "piece gap less the stranded groups' and the parts'"})
        ov.attach, oa.bound_and_plan = _orig
        piece_mod.solve_data = _orig_part
    return rows


def _group_rows(scenario, name: str, total: float, calls: list[dict[str, Any]]  # type: ignore[no-untyped-def]
                ) -> list[dict[str, Any]]:
    rows = []
    bounds = [c for c in calls if c["what"] == "bound"]
    for n, c in enumerate(x for x in calls if x["what"] == "attach"):
        block, cores = c["block"], c["cores"]
        over = [ch for ch in block.choices if any(o in ch.members for o in cores)]
        rest = [ch for ch in block.choices if ch not in over]
        joined = joined_of(scenario, block.choices, cores)
        b = bounds[n] if n < len(bounds) else None
        pr = [x["value"] for x in calls if x["what"] == "priced"]
        floors = b["floors"] if b else float("nan")
        over_cost = sum(plan_cost(scenario, (ch,)) for ch in over)
        rest_cost = plan_cost(scenario, block.choices) - over_cost
        units = sum(len(ch.members) for ch in block.choices)
        hh = sum(int(scenario.households[list(ch.members)].sum()) for ch in block.choices)
        base = {"case": name, "units": units, "households": hh, "method": block.method,
                "joined_hh": joined, "cap_hh": b["cap"] if b else ""}
        rows.append({**base, "block": f"group{n}", "kind": "stranded group",
                     "objective": plan_cost(scenario, block.choices), "bound": block.bound,
                     "gap_yuan": plan_cost(scenario, block.choices) - block.bound,
                     "gap_pct_of_piece": 100 * (plan_cost(scenario, block.choices)
                                                - block.bound) / total,
                     "note": f"proven={block.proven} used={block.used_s:.1f}s "
                             f"group bound={b['value'] if b else ''} priced={pr}"})
        if b is not None:
            # The group's bound is the largest of several programs (the priced LP, the
            # whole-number models of optimizer.model.oversized_whole): no split of it.
            for kind, cost, k in (("oversized communities", over_cost, len(over)),
                                  ("in-bounds communities", rest_cost, len(rest))):
                rows.append({**base, "block": f"group{n}", "kind": kind, "objective": cost,
                             "bound": "", "gap_yuan": "", "gap_pct_of_piece": "",
                             "note": f"{k} communities; plan cost only (the group's bound "
                                     "is one program: no split)"})
            continue
        rows.append({**base, "block": f"group{n}", "kind": "oversized communities",
                     "objective": over_cost, "bound": floors,
                     "gap_yuan": over_cost - floors,
                     "gap_pct_of_piece": 100 * (over_cost - floors) / total,
                     "note": f"{len(over)} communities; bound = core floors"})
        if b is not None:
            lp = b["value"] - floors
            rows.append({**base, "block": f"group{n}", "kind": "in-bounds communities",
                         "objective": rest_cost, "bound": lp, "gap_yuan": rest_cost - lp,
                         "gap_pct_of_piece": 100 * (rest_cost - lp) / total,
                         "note": f"{len(rest)} communities; bound = relaxation over listed"})
    return rows


_orig = (ov.attach, oa.bound_and_plan)
_orig_part = piece_mod.solve_data


def _part_rows(scenario, name: str, total: float, calls: list[dict[str, Any]]  # type: ignore[no-untyped-def]
               ) -> list[dict[str, Any]]:
    """One row per part solved on its own as a piece (its plan, bound and method); a
    part whose plan breaks the bounds joins the stranded groups (its row says so and
    holds no gap: the group's rows have it)."""
    rows = []
    for n, c in enumerate(x for x in calls if x["what"] == "part"):
        data, res = c["data"], c["res"]
        cost = plan_cost(scenario, res.choices)
        joined = any(res.exemptions)
        rows.append({"case": name, "block": f"part{n}", "kind": "part on its own",
                     "units": data.n, "households": int(data.total), "method": res.method,
                     "objective": cost, "bound": res.bound,
                     "gap_yuan": 0.0 if joined else cost - res.bound,
                     "gap_pct_of_piece": 0.0 if joined else 100 * (cost - res.bound) / total,
                     "joined_hh": "", "cap_hh": "",
                     "note": "no plan within the bounds: joins a stranded group" if joined
                     else f"used {res.used_s:.1f} s; {100 * (cost - res.bound) / cost:.2f}% "
                          "of the part"})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--budget", type=float, default=120.0)
    ap.add_argument("--wall", action="store_true", help="wall-clock budgets, not deterministic")
    ap.add_argument("--tag", default="try")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "oversized-gap")
    args = ap.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for name in args.cases.split(","):
        got = run_case(name, args.budget, args.wall, args.out)
        for r in got:
            print(" | ".join(f"{r[k]:,.0f}" if isinstance(r[k], float) else str(r[k])
                             for k in FIELDS), flush=True)
        rows += got
    path = ROOT / "bench" / "results" / f"oversized-gap-{args.tag}.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        for r in rows:
            w.writerow({k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()})
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
