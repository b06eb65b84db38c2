"""Deterministic solve of one piece of a bench case, with the driver's budget (issue 16:
A/B of a search or bound change on one piece, independent of the machine's load).

    PYTHONPATH=$PWD .venv/bin/python bench/piece.py --case big-street-300 --piece Longlin \
        --limit 60 [--procs 2] [--seed S] [--cases-dir DIR] [--list]

The piece's budget is what bench/generalize.py's solve gives it: limit * procs * w / W
(driver.py's weights, procs = min(2 workers, pieces)); one thread, deterministic time,
seed = 2013 + piece index (the big county: seed 1 + index, as its case says; pass --seed).
Prints method, objective, bound, gap, communities, the households of those exempt from the
size rule, used and wall seconds as one JSON line.
``--wall``: wall-clock mode instead (as with two workers): the budget at most the limit,
the clock stops the piece at it (optimizer.search.clock.timed); depends on the load.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script: this file's repository first (`bench` and `optimizer`), unless
# PYTHONPATH names the code to run. An A/B runs one copy of the code with another's
# script (PYTHONPATH=<base export> python <worktree>/bench/piece.py): putting this
# file's repository first then silently ran the worktree's code as the "base"
# (helper cgfast, session 15). The JSON line says which code ran (`code`).
if not os.environ.get("PYTHONPATH") and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generalize_cases import CASES  # noqa: E402
from optimizer.graph import Component, components  # noqa: E402
from optimizer.scenario.load import load_scenario  # noqa: E402
from optimizer.scenario.model import Scenario  # noqa: E402
from optimizer.search.assemble import price  # noqa: E402
from optimizer.search.clock import timed  # noqa: E402
from optimizer.search.driver import _diagnoses_by_component, _stand_ins  # noqa: E402
from optimizer.search.late_first import first_marks  # noqa: E402
from optimizer.search.piece import solve_piece  # noqa: E402
from optimizer.search.piece_types import PieceTask  # noqa: E402
from optimizer.search.stop import StopFlag  # noqa: E402


def case_pieces(name: str, cases_dir: Path, limit: float, procs: int
                ) -> tuple[Scenario, list[Component], dict[int, Any], dict[int, Any],
                           list[float]]:
    """A bench case's scenario (written under ``cases_dir`` when missing; a folder
    already there, e.g. a held-out scenario, is read as it is), its pieces,
    their diagnoses and centres as the driver finds them, and each piece's budget:
    limit * procs * w / W with driver.py's weights, procs = min(workers, pieces)."""
    folder = cases_dir / name
    if not folder.exists():
        next(c for c in CASES if c.name == name).build(folder)
    sc = load_scenario(folder)
    comps = components(sc)
    diag, center = _diagnoses_by_component(sc, comps)
    w = [(float(c.households) + 1.0) * float(max(len(c.units), 30)) ** 0.5 for c in comps]
    used = max(1, min(procs, len(comps)))
    return sc, comps, diag, center, [limit * used * x / sum(w) for x in w]


def main(argv: list[str] | None = None) -> None:
    """Solve the first piece whose key contains --piece; print one JSON line."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True)
    ap.add_argument("--piece", default="")
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--cases-dir", type=Path, default=ROOT / "bench" / "out" / "pieces")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--wall", action="store_true", help="wall-clock mode (not deterministic)")
    ap.add_argument("--marks", action="store_true",
                    help="FACILITY-95's marks set as the marked search sets them "
                         "(optimizer.search.late_first.first_marks)")
    ap.add_argument("--threads", type=int, default=1,
                    help="the piece's threads (wall-clock mode: the solve gives a piece "
                         "that runs alone all the workers)")
    a = ap.parse_args(argv)
    sc, comps, diag, center, budgets = case_pieces(a.case, a.cases_dir, a.limit, a.procs)
    if a.marks:
        sc = sc.replace(late_rooms=first_marks(sc))
    seed = sc.solver.seed if a.seed is None else a.seed
    for k, c in enumerate(comps):
        budget = budgets[k]
        if a.list:
            print(k, " / ".join(c.key), len(c.units), int(c.households), f"{budget:.1f} s")
            continue
        if (str(k) != a.piece) if a.piece.isdigit() else a.piece not in " / ".join(c.key):
            continue            # a number: the piece's index in --list (keys may repeat)
        if a.wall:
            budget = min(budget, a.limit)
        task = PieceTask(index=k, key=c.key, units=c.units, diagnosis=diag.get(k),
                         budget_s=budget, seed=seed + k,
                         threads=a.threads if a.wall else 1,
                         deterministic=not a.wall, wall_s=budget if a.wall else None,
                         **_stand_ins(sc, c, diag.get(k), center.get(k)))
        t0 = time.perf_counter()
        with timed(StopFlag(), task.wall_s) as clock:
            res = solve_piece(sc, task, clock.flag)
        obj = sum(price(sc, ch).objective_yuan for ch in res.choices)
        # households of the communities exempt from the size rule (an oversized unit's,
        # with what joined it), largest first
        exempt = sorted((int(sc.households[list(ch.members)].sum())
                         for ch, ex in zip(res.choices, res.exemptions, strict=True)
                         if any(e.rule.startswith("SIZE-") for e in ex)), reverse=True)
        print(json.dumps({"case": a.case, "piece": " / ".join(c.key), "units": len(c.units),
                          "method": res.method, "objective": round(obj, 2),
                          "bound": round(res.bound, 2),
                          "gap_pct": round(100 * (obj - res.bound) / obj, 3),
                          "communities": len(res.choices), "exempt_hh": exempt,
                          "budget_s": round(budget, 2),
                          "used_s": round(res.used_s, 2), "clock_stopped": clock.fired,
                          "wall_s": round(time.perf_counter() - t0, 1),
                          "code": str(Path(solve_piece.__code__.co_filename).parents[2])}),
              flush=True)
        break


if __name__ == "__main__":
    main()
