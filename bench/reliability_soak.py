"""Hundreds of API solves back to back in one process: memory, open files and child
processes come back to where they started (issue 14, part 2).

    .venv/bin/python bench/reliability_soak.py [--solves 500] [--every 100]
        [--warmup 20] [--time-limit 1] [--quick]

Each solve is a random small scenario (a grid of 4-30 units, urban and rural, 1-3
streets, 0-4 sites, random households; seeded), alternately with one worker (in this
process) and two (a pool of spawned processes, started and ended by the solve), then
``optimizer.check`` and ``optimizer.write_plan`` into a temporary folder (files opened
and closed); every tenth scenario is written as a folder and read back with
``optimizer.load_scenario`` (the loader's files too). After ``--warmup`` solves (imports,
caches, the multiprocessing resource tracker) the baseline is taken: resident memory
(RSS), open file descriptors (/proc/self/fd), threads and live child processes;
then again every ``--every`` solves. The figures: RSS growth per 100 solves after the
warm-up, and fds, threads and children at the end against the baseline (a child
process still alive 10 s after its solve returned is a leak). Every plan must pass
the check with households in = out.

``--quick``: 60 solves, every 10, 20 of warm-up.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.reliability_common import write_result  # noqa: E402

MB = 1024**2


def random_scenario(rng: random.Random) -> Any:
    from optimizer.scenario.build import grid_scenario

    rows, cols = rng.randint(2, 5), rng.randint(2, 6)
    split = rng.randint(0, cols)
    streets = [f"S{k}" for k in range(rng.randint(1, 3))]
    hh = [[rng.randint(50, 1400) for _ in range(cols)] for _ in range(rows)]
    kind = [["urban" if c < split else "rural" for c in range(cols)] for _ in range(rows)]
    street = [[streets[c * len(streets) // cols] for c in range(cols)] for _ in range(rows)]
    sites = []
    for i in range(rng.randint(0, 4)):
        area = float(rng.randint(100, 900))
        owned = rng.random() < 0.7
        where = f"r{rng.randrange(rows)}c{rng.randrange(cols)}"
        sites.append({"site_id": f"s{i}", "unit_id": where,
                      "area_m2": area, "owned": owned, "max_area_m2": area + 400.0,
                      **({} if owned else {"purchase_price_yuan": 800_000.0})})
    return grid_scenario(hh, kind=kind, street=street, sites=sites, name="soak")


def census() -> dict[str, int]:
    import psutil

    me = psutil.Process()
    return {"rss_mb": round(me.memory_info().rss / MB, 1),
            "fds": len(os.listdir("/proc/self/fd")),
            "threads": threading.active_count(),
            "children": len(me.children(recursive=True))}


def settle_children(base: int, wait_s: float = 10.0) -> int:
    """Children alive once ``wait_s`` has passed or they are back to ``base``."""
    import psutil

    me = psutil.Process()
    deadline = time.time() + wait_s
    while time.time() < deadline and len(me.children(recursive=True)) > base:
        time.sleep(0.2)
    return len(me.children(recursive=True))


def settle_threads(base: int, wait_s: float = 5.0) -> int:
    """Threads alive once ``wait_s`` has passed or they are back to ``base`` (a pool's
    relay thread ends within half a second of its solve)."""
    deadline = time.time() + wait_s
    while time.time() < deadline and threading.active_count() > base:
        time.sleep(0.1)
    return threading.active_count()


def folder_scenario(rng: random.Random, tmp: Path) -> Any:
    """A small scenario written as a folder and read back with the loader."""
    import shapely

    import optimizer
    from tests.helpers.scenarios import SITES_HEADER, make_scenario

    units = []
    for r in range(rng.randint(1, 3)):
        for c in range(rng.randint(2, 4)):
            x, y = 500_000 + c * 100.0, 3_700_000 + r * 100.0
            units.append({"unit_id": f"u{r}{c}", "households": rng.randint(100, 1400),
                          "kind": "urban", "county": "C1", "street": "S1",
                          "geometry": shapely.box(x, y, x + 100, y + 100)})
    folder = make_scenario(tmp / f"scen-{rng.getrandbits(40):x}", units=units,
                           sites=f"{SITES_HEADER}\ns1,u00,300,true,600,\n")
    return optimizer.load_scenario(folder)


def run(solves: int, every: int, warmup: int, limit: float, seed: int) -> dict[str, Any]:
    import optimizer

    rng = random.Random(seed)
    samples: list[dict[str, Any]] = []
    base: dict[str, int] = {}
    failures: list[str] = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reliability-soak-") as tmpdir:
        tmp = Path(tmpdir)
        for n in range(1, solves + 1):
            sc = folder_scenario(rng, tmp) if n % 10 == 1 else random_scenario(rng)
            workers = 1 if n % 2 else 2
            plan = optimizer.solve(sc, time_limit_s=limit, workers=workers, seed=n)
            report = optimizer.check(sc, plan)
            out = optimizer.write_plan(plan, tmp / f"plan-{n % 3}", scenario=sc, report=report)
            hh_out = sum(c.households for c in plan.communities)
            if not report.passed or hh_out != int(sc.households.sum()) or not out.is_dir():
                failures.append(f"solve {n}: check {report.passed}, households "
                                f"{hh_out}/{int(sc.households.sum())}")
            del plan, report, sc
            if n == warmup or (n > warmup and (n - warmup) % every == 0) or n == solves:
                # A solve hands its plan back without waiting for its pool's workers
                # to exit: let them (and the pool's threads) end before counting, so
                # their pipes still closing are not read as a leak; what is still
                # open once they are gone is.
                settle_children(base["children"] if base else 0,
                                wait_s=10.0 if base else 3.0)
                if base:
                    settle_threads(base["threads"])
                gc.collect()
                now = census()
                if not base:
                    base = dict(now)
                now.update(solves=n, seconds=round(time.perf_counter() - t0))
                samples.append(now)
                print(now, flush=True)
    end = samples[-1]
    span = max(1, end["solves"] - warmup)
    return {"solves": solves, "warmup": warmup, "time_limit_s": limit, "seed": seed,
            "workers": "1 and 2 alternately", "samples": samples,
            "rss_growth_mb_per_100_solves": round((end["rss_mb"] - base["rss_mb"]) * 100
                                                  / span, 1),
            "fds_start_end": [base["fds"], end["fds"]],
            "threads_start_end": [base["threads"], end["threads"]],
            "children_start_end": [base["children"], end["children"]],
            "plans_checked": solves - len(failures), "failures": failures,
            "seconds": round(time.perf_counter() - t0)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--solves", type=int, default=500)
    ap.add_argument("--every", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="60 solves")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.solves, args.every, args.warmup = 60, 10, 20
    figures = run(args.solves, args.every, args.warmup, args.time_limit, args.seed)
    path = write_result("reliability_soak", figures, sys.argv if argv is None
                        else ["reliability_soak.py", *argv], args.quick, args.out)
    print({k: v for k, v in figures.items() if k != "samples"})
    print(f"written to {path}")
    ok = not figures["failures"] and figures["children_start_end"][1] <= \
        figures["children_start_end"][0] and figures["fds_start_end"][1] <= \
        figures["fds_start_end"][0]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
