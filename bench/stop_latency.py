"""How long does a piece take to return once it is told to stop?

    .venv/bin/python bench/stop_latency.py SCENARIO [--pieces 0,2] [--at 0.5,2,5,10,20]
        [--budget 60] [--modes det,wall] [--out bench/results/stop_latency.csv]

A time limit holds only if every step of a piece looks at its stop flag (the clock
and Ctrl-C both raise it). For each piece chosen (default: every piece of 20 units or
more), each mode (``det``: one worker's deterministic budget; ``wall``: a clock
budget) and each moment ``--at`` seconds after the piece starts, solves the piece in
this process with its stop flag raised at that moment, and records how long after
it the piece returned (``latency_s``) and, 0.3 s after the flag went up, the step it
was in (the innermost frame of ``optimizer``: a step with a long latency there does
not look at the flag). A moment past the piece's own end gives ``finished`` instead.
The machine's load average is written beside the CSV (.json).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `optimizer` importable
    sys.path.insert(0, str(ROOT))

from bench.machine import machine_info  # noqa: E402

PEEK_S = 0.3        # after the flag, where the piece is


def where(thread_id: int) -> str:
    """The innermost ``optimizer`` frame of a thread: file:line function."""
    frame = sys._current_frames().get(thread_id)
    if frame is None:
        return "gone"
    for fs in reversed(traceback.extract_stack(frame)):
        if "/optimizer/" in fs.filename:
            return f"{fs.filename.split('/optimizer/')[-1]}:{fs.lineno} {fs.name}"
    return "outside optimizer"


def run_one(scenario: Any, task: Any, at: float) -> dict[str, Any]:
    from optimizer.search.piece import solve_piece
    from optimizer.search.stop import StopFlag

    flag = StopFlag()
    me = threading.get_ident()
    seen: dict[str, Any] = {}

    def fire() -> None:
        seen["t_stop"] = time.perf_counter()
        flag.set()
        time.sleep(PEEK_S)
        if "t_end" not in seen:
            seen["step"] = where(me)

    timer = threading.Timer(at, fire)
    t0 = time.perf_counter()
    timer.start()
    res = solve_piece(scenario, task, flag)
    seen["t_end"] = time.perf_counter()
    timer.cancel()
    row: dict[str, Any] = {"at_s": at, "time_s": round(seen["t_end"] - t0, 3),
                           "method": res.method, "status": res.status.value}
    if "t_stop" in seen:
        row["latency_s"] = round(seen["t_end"] - seen["t_stop"], 3)
        row["step"] = seen.get("step", "returned within the peek")
    else:
        row["latency_s"] = None
        row["step"] = "finished"
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--pieces", default="")
    ap.add_argument("--at", default="0.5,2,5,10,20")
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--modes", default="det,wall")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "stop_latency.csv"))
    args = ap.parse_args(argv)
    import dataclasses

    import pandas as pd

    from optimizer.graph import components
    from optimizer.scenario.load import load_scenario
    from optimizer.search.piece import PieceTask

    scenario = load_scenario(args.scenario)
    comps = components(scenario)
    chosen = [int(x) for x in args.pieces.split(",")] if args.pieces \
        else [k for k, c in enumerate(comps) if len(c.units) >= 20]
    load_before = os.getloadavg()
    rows = []
    for k in chosen:
        c = comps[k]
        for mode in args.modes.split(","):
            task = PieceTask(index=k, key=c.key, units=c.units, diagnosis=None,
                             budget_s=args.budget, seed=k, threads=1,
                             deterministic=mode == "det")
            for at in (float(x) for x in args.at.split(",")):
                row = {"piece": k, "key": " / ".join(c.key), "units": len(c.units),
                       "mode": mode, "load_1min": os.getloadavg()[0],
                       **run_one(scenario, dataclasses.replace(task), at)}
                print(json.dumps(row), flush=True)
                rows.append(row)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(out, index=False)
    out.with_suffix(".json").write_text(json.dumps(
        {"machine": machine_info(ROOT), "command": " ".join(sys.argv),
         "load_average_1_5_15min": {"before": load_before, "after": os.getloadavg()}},
        indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
