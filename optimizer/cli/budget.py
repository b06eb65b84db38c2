"""``python -m optimizer budget-curve SCENARIO --out DIR``: what a capital budget buys
(:mod:`optimizer.search.budget_curve`), printed and written (curve.csv, curve.xlsx,
curve.png, curve.svg, curve.json). Ctrl-C keeps the points finished (exit 130)."""

from __future__ import annotations

import argparse
import sys


def _amounts(text: str | None) -> list[float] | None:
    if text is None:
        return None
    out = []
    for part in text.split(","):
        try:
            v = float(part.strip())
        except ValueError:
            v = float("nan")
        if not v >= 0 or v == float("inf"):
            raise argparse.ArgumentTypeError(f"--budgets: {part.strip()!r} is not an amount "
                                             "in yuan ≥ 0")
        out.append(v)
    return out


def cmd_budget_curve(args: argparse.Namespace) -> int:
    from optimizer.cli.progress import ConsoleProgress
    from optimizer.plan.read import read_plan
    from optimizer.report.budget_curve import write_budget_curve
    from optimizer.scenario.load import load_scenario
    from optimizer.search.budget_curve import NOT_RUN, budget_curve
    from optimizer.search.stop import StopFlag

    scenario = load_scenario(args.scenario, repair=args.repair)
    plans = [read_plan(p) for p in args.plan] if args.plan else None
    stop = StopFlag()
    with ConsoleProgress(enabled=not args.quiet, what="points") as progress:
        curve = budget_curve(scenario, budgets=args.budgets, points=args.points,
                             max_yuan=args.max_yuan, plans=plans,
                             time_limit_s=args.time_limit, workers=args.workers,
                             seed=args.seed, progress=progress, stop=stop)
    written = write_budget_curve(curve, args.out, lang=args.lang, scenario_name=scenario.name)
    df = curve.points
    shown = df[["budget_yuan", "status", "facility_share", "share_bound", "meeting",
                "counted", "total_cost_yuan", "gap"]]
    print(shown.to_string(index=False))
    if curve.first_target_yuan is not None:
        print(f"FACILITY-95 is first reached at a total of {curve.first_target_yuan:,.0f} yuan "
              f"over {curve.summary['first_year']}-{curve.summary['last_year']}")
    else:
        print("FACILITY-95 is not reached by any budget of the curve")
    print(f"curve written to {written['curve.png'].parent}")
    skipped = int((df["status"] == NOT_RUN).sum())
    if curve.interrupted:
        print(f"interrupted: {len(df) - skipped} of {len(df)} points done, {skipped} not run",
              file=sys.stderr)
        return 130
    return 0
