"""Random small grids with units above the maximum, solved and checked (issue 16, "Done
when": on pieces with oversized units ``solve`` returns plans that pass its own checker).

    PYTHONPATH=$PWD .venv/bin/python bench/oversized_grids.py --kind ordinary --seeds 0-1000
    PYTHONPATH=$PWD .venv/bin/python bench/oversized_grids.py --kind stress --seeds 0-1000

Two generators (the sweeps of the session that found tests/search/test_boxed.py's
STRESS grids):

- ``ordinary``: 2x3, 2x4 or 3x3 grids, urban or rural, households 200-1,800 per unit,
  1 to half the units no_build (tests/search/test_stand_in_last.py's generator);
- ``stress``: 3x3, 3x4 or 2x5 grids, most units above the maximum (1,800 rural, 4,000
  urban), a third to two thirds of the units no_build (boxed-in oversized units).

Each grid is solved with ``solve(time_limit_s=10, workers=1, seed=0)`` (deterministic
budgets: the same plan on any load) and checked by the independent checker. One line
per defective grid: ``rejected`` (the checker fails the plan: first failing rule and
its note) or ``error`` (the solve raised; a SolveError that names a unit above the
maximum may be a legitimate refusal, an AssertionError is a defect), then a summary
line with the counts and the CPU seconds of the whole run (time.process_time plus
finished child processes).

``--brute`` also compares each plan of a grid with a unit above the maximum (none
boxed in) with the brute force of tests/helpers/bruteforce.py (``least_joined``: every
partition into connected communities within the bounds, each with a center, the
oversized units' communities apart): a line ``above-least`` where the plan gives
their communities more households than the least. The brute force has no pockets and
no stand-ins, so a plan may give less (those grids are not counted); it never may
give more. A third opinion beside the solver's and the checker's.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from optimizer.checker.checker import check  # noqa: E402
from optimizer.plan.model import Plan  # noqa: E402
from optimizer.scenario.build import grid_scenario  # noqa: E402
from optimizer.scenario.model import Scenario  # noqa: E402
from optimizer.search import solve  # noqa: E402

Grid = list[list[int]]


def ordinary(seed: int) -> tuple[Grid, str, list[str]]:
    """A 2x3..3x3 grid of 200-1,800 households, some units no_build."""
    rng = random.Random(seed)
    rows, cols = rng.choice([(2, 3), (2, 4), (3, 3)])
    kind = rng.choice(["urban", "rural"])
    g = [[rng.choice([200, 500, 700, 900, 1200, 1500, 1800]) for _ in range(cols)]
         for _ in range(rows)]
    cells = [f"r{r}c{c}" for r in range(rows) for c in range(cols)]
    nb = rng.sample(cells, rng.randint(1, len(cells) // 2 + 1))
    return g, kind, nb


def stress(seed: int) -> tuple[Grid, str, list[str]]:
    """A 3x3/3x4/2x5 grid, most units above the maximum, a third to two thirds no_build."""
    rng = random.Random(10_000 + seed)
    rows, cols = rng.choice([(3, 3), (3, 4), (2, 5)])
    kind = rng.choice(["urban", "rural"])
    big = 1800 if kind == "rural" else 4000
    g = [[rng.choice([200, 500, 900, 1200, big, big, big]) for _ in range(cols)]
         for _ in range(rows)]
    cells = [f"r{r}c{c}" for r in range(rows) for c in range(cols)]
    nb = rng.sample(cells, rng.randint(len(cells) // 3, 2 * len(cells) // 3))
    return g, kind, nb


KINDS = {"ordinary": ordinary, "stress": stress}


def scenario(kind: str, seed: int) -> Scenario:
    g, k, nb = KINDS[kind](seed)
    return grid_scenario(g, kind=k, no_build=nb)


def joined(s: Scenario, plan: Plan) -> int:
    """Households in the communities of units above the maximum beside those units and
    the companions their exemptions name (the lightest path to a place for a center)."""
    hi = s.policy.bounds(bool(s.urban[0]))[1]
    hh = dict(zip(s.unit_ids, s.households.tolist(), strict=True))
    members: dict[str, list[str]] = {}
    for u, cid in zip(plan.unit_ids, plan.community, strict=True):
        members.setdefault(cid, []).append(u)
    out = 0
    for c in plan.communities:
        over = [u for u in members.get(c.community_id, []) if hh[u] > hi]
        if over:
            mates = sum(named.households for r in c.reasons
                        if (named := getattr(r, "companions", None)) is not None)
            out += c.households - sum(hh[u] for u in over) - mates
    return out


def _cpu() -> float:
    """CPU seconds of this process and its finished children (a solve may fork)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def _seeds(text: str) -> range:
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi)) if hi else range(int(lo), int(lo) + 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=sorted(KINDS), required=True)
    ap.add_argument("--seeds", default="0-1000", help="A-B (B excluded) or one seed")
    ap.add_argument("--limit", type=float, default=10.0)
    ap.add_argument("--brute", action="store_true",
                    help="compare the joined households with a brute force")
    args = ap.parse_args(argv)
    if args.brute:
        from tests.helpers.bruteforce import least_joined
    seeds = _seeds(args.seeds)
    rejected = errors = boxed = above = brute = 0
    t0 = _cpu()
    for seed in seeds:
        g, k, nb = KINDS[args.kind](seed)
        s = grid_scenario(g, kind=k, no_build=nb)
        try:
            plan = solve(s, time_limit_s=args.limit, workers=1, seed=0)
        except Exception as e:  # noqa: BLE001 - every failure is a finding here
            errors += 1
            msg = str(e).replace("\n", " ")[:160]
            print(f"error {args.kind} {seed} {type(e).__name__}: {msg}", flush=True)
            continue
        is_boxed = any(r.boxed for c in plan.communities for r in c.reasons)
        boxed += is_boxed
        hi = s.policy.bounds(k == "urban")[1]
        if args.brute and not is_boxed and int(s.households.max()) > hi:
            brute += 1
            least, got = least_joined(s), joined(s, plan)
            if 0 <= least < got:
                above += 1
                print(f"above-least {args.kind} {seed}: the plan joins {got}, brute force "
                      f"{least}", flush=True)
        report = check(s, plan)
        if not report.passed:
            rejected += 1
            fail = next(r for r in report.rows if r.status == "fail")
            note = fail.note.replace("\n", " ")[:160]
            print(f"rejected {args.kind} {seed} {fail.rule_id}: {note}", flush=True)
    print(f"summary {args.kind} seeds {seeds.start}-{seeds.stop}: {len(seeds)} grids, "
          f"with a boxed-in unit {boxed}, checker-rejected {rejected}, errors {errors}, "
          + (f"brute-forced {brute}, above the least {above}, " if args.brute else "")
          + f"cpu {_cpu() - t0:.1f} s", flush=True)
    return 1 if rejected or errors or above else 0


if __name__ == "__main__":
    raise SystemExit(main())
