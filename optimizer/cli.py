"""Command line: argument parsing and printing only; the work is in the library.

Exit codes: 0 success, 1 bad data / failed check / no plan, 2 usage error.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from optimizer.errors import OptimizerError


def _cmd_validate(args: argparse.Namespace) -> int:
    from optimizer.scenario.load import load_scenario
    from optimizer.scenario.summary import scenario_summary_text

    scenario = load_scenario(args.scenario, repair=args.repair)
    print(scenario_summary_text(scenario))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from optimizer.checker import check
    from optimizer.plan_io import read_plan
    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(args.scenario)
    plan = read_plan(args.plan)
    report = check(scenario, plan)
    print(report.summary_text())
    if args.write:
        report.to_frame().to_csv(Path(args.plan) / "compliance.csv", index=False)
    return 0 if report.passed else 1


def _cmd_generate(args: argparse.Namespace) -> int:
    from optimizer.synth import PresetError, generate

    options: dict[str, object] = {}
    for item in args.option:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise PresetError(f"--option {item!r}: write KEY=VALUE")
        options[key.strip()] = value.strip()
    if args.size is not None:
        options["size"] = args.size
    out = generate(args.preset, args.seed, args.out, **options)
    print(f"wrote {args.preset} scenario (seed {args.seed}) to {out}")
    return 0


def _cmd_solve(args: argparse.Namespace) -> int:
    from optimizer.checker import check
    from optimizer.plan_io import write_plan
    from optimizer.progress import ConsoleProgress
    from optimizer.scenario.load import load_scenario
    from optimizer.search import solve

    scenario = load_scenario(args.scenario)
    pieces = Path(args.out).with_name(Path(args.out).name + ".pieces")
    if pieces.exists() and not args.resume:
        shutil.rmtree(pieces)
    executor = _executor(args.executor, args.workers or 0, args.memory_gb)
    try:
        with ConsoleProgress(enabled=not args.quiet) as progress:
            plan = solve(scenario, time_limit_s=args.time_limit, workers=args.workers,
                         seed=args.seed, progress=progress, checkpoint=pieces,
                         executor=executor, memory_gb=args.memory_gb)
    finally:
        _close(executor)
    report = check(scenario, plan)
    write_plan(plan, args.out, scenario=scenario, report=report)
    print(plan.summary_text())
    print(report.summary_text())
    light = sum("memory budget" in c["method"] for c in plan.summary.get("components", []))
    if light:
        print(f"{light} components stopped early by --memory-gb {args.memory_gb:g} "
              "(their best plan so far; see 'method' in summary.json)")
    print(f"plan written to {args.out}")
    if not plan.summary.get("interrupted"):
        shutil.rmtree(pieces, ignore_errors=True)
    if args.report:
        from optimizer.report import write_reports

        paths = write_reports(scenario, plan, args.out, lang=args.lang, report=report)
        print(f"reports written: {', '.join(sorted(p.name for p in set(paths.values())))}")
    return 0 if report.passed else 1


def _executor(spec: str | None, processes: int,  # type: ignore[no-untyped-def]
              memory_gb: float | None = None):
    if spec is None:
        return None
    from optimizer.executors import executor_from_spec

    return executor_from_spec(spec, processes, memory_gb)


def _close(executor: object) -> None:
    close = getattr(executor, "close", None)
    if close is not None:
        close()


def _cmd_sweep(args: argparse.Namespace) -> int:
    import tomllib

    from optimizer.progress import ConsoleProgress
    from optimizer.scenario.load import load_scenario
    from optimizer.sweeps import NOT_RUN, sweep

    scenario = load_scenario(args.scenario)
    with open(args.grid, "rb") as fh:
        grid = _flat_grid(tomllib.load(fh))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    executor = _executor(args.executor, args.processes, args.memory_gb)
    try:
        with ConsoleProgress(enabled=not args.quiet, what="points") as progress:
            table = sweep(scenario, grid, time_limit_s=args.time_limit, seed=args.seed,
                          processes=args.processes, executor=executor, progress=progress,
                          out_dir=out)
    finally:
        _close(executor)
    table.to_csv(out / "kpis.csv", index=False)
    print(table.to_string(index=False))
    print(f"KPI table written to {out / 'kpis.csv'}, plans to {out}/point-*/")
    skipped = int((table["status"] == NOT_RUN).sum())
    if skipped:
        print(f"interrupted: {len(table) - skipped} of {len(table)} points have a plan, "
              f"{skipped} not run", file=sys.stderr)
        return 130
    return 0 if (table["check"] == "pass").all() else 1


def _flat_grid(doc: dict, prefix: str = "") -> dict:  # type: ignore[type-arg]
    """GRID.toml: ``name = [values]``; ``[policy]`` tables give ``policy.name``."""
    grid: dict = {}  # type: ignore[type-arg]
    for key, value in doc.items():
        if isinstance(value, dict):
            grid.update(_flat_grid(value, f"{prefix}{key}."))
        else:
            grid[prefix + key] = value if isinstance(value, list) else [value]
    return grid


def _cmd_report(args: argparse.Namespace) -> int:
    from optimizer.plan_io import read_plan
    from optimizer.report import write_reports
    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(args.scenario)
    plan = read_plan(args.plan)
    paths = write_reports(scenario, plan, args.plan, lang=args.lang)
    for name, path in sorted(paths.items()):
        print(f"{name}: {path}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from optimizer.compare import current_plan, diff
    from optimizer.plan_io import read_plan
    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(args.scenario)
    plans = [current_plan(scenario) if p == "current" else read_plan(p)
             for p in (args.plan_a, args.plan_b)]
    d = diff(scenario, plans[0], plans[1], names=(args.plan_a, args.plan_b))
    print(d.summary_text())
    frame = d.to_frame()
    print(frame[frame["change"] != "unchanged"].to_string(index=False))
    if args.csv:
        frame.to_csv(args.csv, index=False)
    if args.map:
        import matplotlib

        matplotlib.use("Agg")
        ax = d.plot(scenario, lang=args.lang)
        from matplotlib.figure import Figure

        fig = ax.figure
        assert isinstance(fig, Figure)     # the plot's own figure, not a subfigure
        fig.savefig(args.map, dpi=130, bbox_inches="tight")
        print(f"map written to {args.map}")
    return 0


EXECUTOR_HELP = ("where tasks run: local (process pool, default), inprocess, dask (a local "
                 "Dask cluster) or dask=tcp://HOST:8786 (a running Dask scheduler; needs "
                 "pip install 'community-optimizer[cluster]')")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m optimizer",
                                description="Community layout and service-room plans "
                                            "(Yancheng 2013 rules).")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check a scenario folder and summarize it")
    v.add_argument("scenario", help="scenario folder (scenario.toml, units, sites)")
    v.add_argument("--repair", action="store_true",
                   help="repair invalid geometries with make_valid (the ids are listed)")
    v.set_defaults(func=_cmd_validate)

    c = sub.add_parser("check", help="check a plan folder against a scenario, rule by rule")
    c.add_argument("scenario")
    c.add_argument("plan")
    c.add_argument("--write", action="store_true",
                   help="rewrite the plan's compliance.csv with the checker's verdict")
    c.set_defaults(func=_cmd_check)

    g = sub.add_parser("generate", help="write a realistic generated scenario folder")
    g.add_argument("--preset", required=True,
                   choices=("town", "county", "city", "big-street", "village-town",
                            "big-county", "oversized", "real-shapes"),
                   help="town/county/city: the first presets; the others cover the regimes "
                        "of issue 16 (see optimizer/synth/presets.py)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--size", type=int, default=None,
                   help="the preset's main size: compounds per street (big-street), "
                        "villages per town (village-town), units (oversized, real-shapes "
                        "with shapes=grown)")
    g.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="another preset parameter, e.g. geometry=grown, kind=urban, "
                        "rest=nosplit, shapes=georgia, oversized=3 (repeatable)")
    g.add_argument("out", help="output folder")
    g.set_defaults(func=_cmd_generate)

    s = sub.add_parser("solve", help="solve a scenario and write the plan folder")
    s.add_argument("scenario")
    s.add_argument("--out", required=True, help="plan folder to write")
    s.add_argument("--time-limit", type=float, default=None, help="seconds (default: scenario)")
    s.add_argument("--workers", type=int, default=None,
                   help="cores to use (default: all; 1 = deterministic)")
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--quiet", action="store_true", help="no live progress line")
    s.add_argument("--resume", action="store_true",
                   help="reuse the pieces a killed or interrupted run of the same scenario "
                        "and seed finished (kept in OUT.pieces/)")
    s.add_argument("--report", action="store_true",
                   help="also write plan.xlsx, maps, report.html and plan.gpkg")
    s.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language")
    s.add_argument("--executor", default=None, metavar="local|inprocess|dask[=ADDRESS]",
                   help=EXECUTOR_HELP)
    s.add_argument("--memory-gb", type=float, default=None, metavar="GB",
                   help="memory budget: fewer worker processes, and a task past its "
                        "share stops early with its best plan so far (see README)")
    s.set_defaults(func=_cmd_solve)

    w = sub.add_parser("sweep", help="solve a scenario for every combination of what-if "
                                     "values: KPI table and plan folders")
    w.add_argument("scenario")
    w.add_argument("--grid", required=True,
                   help="TOML file of name = [values]: section.field (policy, costs, "
                        "objective, solver) or year, e.g. [policy] urban_max_households = "
                        "[3000, 3500]")
    w.add_argument("--out", required=True, help="folder for kpis.csv and point-NNN/ plans")
    w.add_argument("--executor", default="local", metavar="local|inprocess|dask[=ADDRESS]",
                   help=EXECUTOR_HELP)
    w.add_argument("--processes", type=int, default=0,
                   help="local pool processes / LocalCluster workers (default: all cores)")
    w.add_argument("--time-limit", type=float, default=30.0, help="seconds per point")
    w.add_argument("--seed", type=int, default=0)
    w.add_argument("--quiet", action="store_true", help="no live progress line")
    w.add_argument("--memory-gb", type=float, default=None, metavar="GB",
                   help="memory budget: fewer worker processes, and a task past its "
                        "share stops early with its best plan so far (see README)")
    w.set_defaults(func=_cmd_sweep)

    r = sub.add_parser("report", help="write plan.xlsx, maps, report.html and plan.gpkg "
                                      "into a plan folder")
    r.add_argument("scenario")
    r.add_argument("plan")
    r.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of tables and maps (default zh)")
    r.set_defaults(func=_cmd_report)

    d = sub.add_parser("compare", help="compare two plans of a scenario (PLAN_B may be "
                                       "'current' for today's communities)")
    d.add_argument("scenario")
    d.add_argument("plan_a", help="plan folder, or 'current'")
    d.add_argument("plan_b", help="plan folder, or 'current'")
    d.add_argument("--csv", help="write the per-community table to this CSV file")
    d.add_argument("--map", help="write the comparison map to this PNG/SVG file")
    d.add_argument("--lang", choices=("zh", "en"), default="en", help="map language")
    d.set_defaults(func=_cmd_compare)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except OptimizerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
