"""What the Lagrangian floor of one bench piece costs per step and gives per step count.

For one piece of a bench case (the piece solve_piece sees: stand-ins applied, the
count floor proven without a plan's count) prints one JSON line: units, pairs, the
runs the floor takes (optimizer.search.piece._lag_runs), the reserve the search sets
aside for it (min(1/4 budget, _lag_time(n))), CPU seconds of the set-up and per step
(time.process_time, ``--probe`` steps per run), the bound at each of ``--steps``
(steps in all: a floor of two runs gives each half; deterministic: the step count
decides), and the steps a reserve's worth of CPU buys on this machine with the bound
there (the wall-clock mode's floor, without its noise; before issue 16 and on branch
lagr, where the reserve's seconds alone end it), and the same for a piece the
clock stopped (HURRY_LAG_S of CPU; and the fixed HURRY_LAG_STEPS per run before issue 16).

    PYTHONPATH=$PWD .venv/bin/python bench/lag_steps.py --case big-county --seed 1 \
        --limit 600 --piece Shizhou --cases-dir /tmp/lagr/cases [--steps 40 400]

One process, deterministic bounds; the seconds are this machine's (issue 16).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `optimizer` importable
    sys.path.insert(0, str(ROOT))

from bench.piece import case_pieces  # noqa: E402
from optimizer.model.count_floor import count_floor  # noqa: E402
from optimizer.model.lagrange import _relaxation, counted_lagrangian_bound  # noqa: E402
from optimizer.model.piece import piece_data  # noqa: E402
from optimizer.search.driver import _stand_ins  # noqa: E402
from optimizer.search.piece import (  # noqa: E402
    HURRY_LAG_S,
    HURRY_LAG_STEPS,
    LAG_STEPS,
    _lag_runs,
    _lag_time,
)
from optimizer.search.piece_common import with_stand_ins  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True)
    ap.add_argument("--piece", required=True)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--cases-dir", type=Path, default=ROOT / "bench" / "out" / "pieces")
    ap.add_argument("--steps", type=int, nargs="*", default=[LAG_STEPS])
    ap.add_argument("--probe", type=int, default=40)
    a = ap.parse_args(argv)
    sc, comps, diag, center, budgets = case_pieces(a.case, a.cases_dir, a.limit, a.procs)
    k, c = next((k, c) for k, c in enumerate(comps) if a.piece in " / ".join(c.key))
    budget = budgets[k]
    stand = _stand_ins(sc, c, diag.get(k), center.get(k)).get("stand_ins", ())
    scen = with_stand_ins(sc, stand) if stand else sc
    data = piece_data(scen, c.key, c.units)
    least = count_floor(data).least
    runs = _lag_runs(data, least)
    reserve = min(0.25 * budget, _lag_time(data.n))
    t0 = time.process_time()
    rel = _relaxation(scen, data)
    setup = time.process_time() - t0
    pairs = 0 if rel is None else len(rel.ctr)

    def timed(steps: int) -> tuple[float, float]:
        """The floor and its CPU seconds at ``steps`` in all (shared by the runs)."""
        t = time.process_time()
        b, _ = counted_lagrangian_bound(scen, data, least, time_s=1e9,
                                        max_iter=steps // runs)
        return b, time.process_time() - t

    _, t_zero = timed(0)                  # set-up and the exact pass of each run
    _, t_probe = timed(a.probe * runs)    # a.probe steps per run
    per_step = max(1e-9, (t_probe - t_zero) / (a.probe * runs))
    # The wall-clock mode: the cap max(reserve, 0.5) s shared by the runs, after each
    # run's set-up (t_zero / runs); the step count asked for (LAG_STEPS // runs) caps it.
    cap = max(reserve, 0.5)
    fits = int(max(0.0, cap - t_zero) / per_step)
    asked = max(10, int(LAG_STEPS * min(1.0, reserve / _lag_time(data.n))))
    got = max(runs, min(asked, fits))
    got_branch = max(runs, min(LAG_STEPS, fits))      # branch lagr: the clock ends it
    # A piece the clock stopped: HURRY_LAG_S for up to LAG_STEPS (branch lagr) or the
    # fixed HURRY_LAG_STEPS (before it).
    hurry = max(runs, min(LAG_STEPS, int(max(0.0, HURRY_LAG_S - t_zero) / per_step)))
    bounds = {s: timed(s) for s in a.steps}
    at_got, _ = timed(got)
    at_got_branch, _ = timed(got_branch)
    at_hurry, _ = timed(hurry)
    print(json.dumps({
        "case": a.case, "piece": " / ".join(c.key), "units": data.n, "households": data.total,
        "pairs": pairs, "least": least, "runs": runs, "budget_s": round(budget, 1),
        "reserve_s": round(reserve, 2), "lag_time_est_s": round(_lag_time(data.n), 2),
        "relaxation_setup_cpu_s": round(setup, 3), "zero_step_cpu_s": round(t_zero, 3),
        "cpu_per_step_ms": round(1000 * per_step, 3),
        "cpu_full_s": {str(s): round(v[1], 2) for s, v in bounds.items()},
        "bound": {str(s): round(v[0], 2) for s, v in bounds.items()},
        "wall_mode_steps": got, "wall_mode_bound": round(at_got, 2),
        "wall_mode_steps_lagr": got_branch, "wall_mode_bound_lagr": round(at_got_branch, 2),
        "hurried_steps": hurry, "hurried_bound": round(at_hurry, 2),
        "hurried_40_bound": round(timed(HURRY_LAG_STEPS * runs)[0], 2)}), flush=True)


if __name__ == "__main__":
    main()
