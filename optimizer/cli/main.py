"""Command line: argument parsing and printing only; the work is in the library.

Exit codes: 0 success, 1 bad data / failed check / no plan, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from optimizer.rules import limits
from optimizer.errors import OptimizerError

if TYPE_CHECKING:
    from optimizer.report.filing import CountyFiling
    from optimizer.scenario.model import Scenario

T = TypeVar("T")


def _cmd_validate(args: argparse.Namespace) -> int:
    from optimizer.graph.summary import scenario_summary_text
    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(args.scenario, repair=args.repair)
    print(scenario_summary_text(scenario))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from optimizer.checker.checker import check
    from optimizer.plan.io import read_plan, write_compliance_csv
    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(args.scenario, repair=args.repair)
    plan = read_plan(args.plan)
    report = check(scenario, plan)
    print(report.summary_text())
    if args.write:
        from optimizer.plan.folder import replace_file

        replace_file(args.plan, "compliance.csv",
                     lambda path: write_compliance_csv(report, path))
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
    from optimizer.plan.folder import claim_output
    from optimizer.plan.io import check_plan_folder

    # One run at a time per plan folder (and its OUT.pieces/), and nothing solved for a
    # folder that cannot take the plan (not ours, edited files, not writable).
    with claim_output(args.out) as (_, notes):
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        check_plan_folder(args.out)
        return _solve_into(args)


def _solve_into(args: argparse.Namespace) -> int:
    import dataclasses

    from optimizer.checker import check
    from optimizer.cli.progress import ConsoleProgress
    from optimizer.plan.io import write_plan
    from optimizer.scenario.load import load_scenario
    from optimizer.search import solve
    from optimizer.search.checkpoint import clear_checkpoint
    from optimizer.search.signals import Interrupted, stop_on_signals
    from optimizer.search.stop import StopFlag

    t0 = time.perf_counter()
    scenario = load_scenario(args.scenario, repair=args.repair)
    load_s = time.perf_counter() - t0
    _print_notes(scenario)
    pieces = Path(args.out).with_name(Path(args.out).name + ".pieces")
    if not args.resume:
        clear_checkpoint(pieces)
    executor = _executor(args.executor, args.workers or 0, args.memory_gb)
    stop = StopFlag()
    try:
        # From here a first Ctrl-C or SIGTERM stops the search and the best plan is
        # still checked and written; a second one stops at once (Interrupted).
        with stop_on_signals(stop) as heard:
            try:
                with ConsoleProgress(enabled=not args.quiet) as progress:
                    plan = solve(scenario, time_limit_s=args.time_limit, workers=args.workers,
                                 seed=args.seed, progress=progress, checkpoint=pieces,
                                 executor=executor, memory_gb=args.memory_gb, stop=stop)
            finally:
                _close(executor)
            t1 = time.perf_counter()
            report = check(scenario, plan)
            plan = dataclasses.replace(plan, summary={
                **plan.summary, "load_time_s": round(load_s, 3),
                "check_time_s": round(time.perf_counter() - t1, 3)})
            write_plan(plan, args.out, scenario=scenario, report=report, timed=True)
    except Interrupted as exc:
        kept = len(list(pieces.glob("*.json"))) if pieces.is_dir() else 0
        print(f"stopped by a second {exc} before the plan was written: no plan written"
              + (f"; the {kept} pieces finished before the first signal are kept in "
                 f"{pieces} (solve --resume reuses them)" if kept else ""), file=sys.stderr)
        return 130
    print(plan.summary_text())
    print(report.summary_text())
    for note in plan.summary.get("notes", []):
        print(f"note: {note}", file=sys.stderr)
    light = sum("memory budget" in c["method"] for c in plan.summary.get("components", []))
    if light:
        print(f"{light} components stopped early by --memory-gb {args.memory_gb:g} "
              "(their best plan so far; see 'method' in summary.json)")
    if plan.summary.get("interrupted"):
        print(f"interrupted by {heard.name or 'a stop request'}: pieces still running "
              "then kept their best plan so far, pieces not started got a first plan "
              "(summary.json: interrupted)", file=sys.stderr)
    elif stop.is_set():
        print(f"{heard.name or 'a stop request'} after the search had ended: the complete "
              "plan was written", file=sys.stderr)
    print(f"plan written to {args.out}")
    if not plan.summary.get("interrupted"):
        clear_checkpoint(pieces)
    if args.report and not stop.is_set():
        from optimizer.report import write_reports

        paths = write_reports(scenario, plan, args.out, lang=args.lang, report=report)
        print(f"reports written: {', '.join(sorted(p.name for p in set(paths.values())))}")
    elif args.report:
        print("reports not written (interrupted): python -m optimizer report SCENARIO PLAN "
              "writes them", file=sys.stderr)
    return 0 if report.passed else 1


def _print_notes(scenario: Scenario) -> None:
    """What loading decided (repaired geometries, a file read as GB18030) and its
    warnings, on stderr: a solve must not hide them."""
    from optimizer.graph.summary import warning_lines

    for note in scenario.notes:
        print(f"note: {note}", file=sys.stderr)
    for line in warning_lines(scenario):
        print(line, file=sys.stderr)


def _executor(spec: str | None, processes: int,  # type: ignore[no-untyped-def]
              memory_gb: float | None = None):
    if spec is None:
        return None
    from optimizer.search.executors import executor_from_spec

    return executor_from_spec(spec, processes, memory_gb)


def _close(executor: object) -> None:
    close = getattr(executor, "close", None)
    if close is not None:
        close()


def _cmd_sweep(args: argparse.Namespace) -> int:
    from optimizer.cli.progress import ConsoleProgress
    from optimizer.scenario.load import load_scenario
    from optimizer.sweeps import NOT_RUN, sweep

    scenario = load_scenario(args.scenario, repair=args.repair)
    grid = _flat_grid(_read_grid(args.grid))
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


def _read_grid(path: str) -> dict:  # type: ignore[type-arg]
    """GRID.toml as a table, read like scenario.toml (BOM, GBK, CRLF); a missing or
    malformed file is a named problem, not a traceback."""
    import tomllib

    from optimizer.errors import ProblemCollector
    from optimizer.scenario.read_text import read_text

    collector = ProblemCollector()
    text = read_text(Path(path), path, collector)
    doc: dict = {}  # type: ignore[type-arg]
    if text is not None:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            collector.add(path, f"TOML syntax error: {exc}")
    collector.raise_if_any()
    return doc


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
    from optimizer.plan.io import read_plan
    from optimizer.report import write_reports
    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(args.scenario, repair=args.repair)
    plan = read_plan(args.plan)
    paths = write_reports(scenario, plan, args.plan, lang=args.lang)
    for name, path in sorted(paths.items()):
        print(f"{name}: {path}")
    if args.filing:
        from optimizer.report.filing import write_filing

        return _print_filing(write_filing(scenario, plan, Path(args.plan) / "filing",
                                          plan_dir=args.plan, lang=args.lang))
    return 0


def _cmd_file(args: argparse.Namespace) -> int:
    import datetime as dt

    from optimizer.plan.io import read_plan
    from optimizer.report.filing import write_filing
    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(args.scenario, repair=args.repair)
    plan = read_plan(args.plan)
    try:
        day = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"error: --date {args.date!r} is not a date YYYY-MM-DD", file=sys.stderr)
        return 2
    return _print_filing(write_filing(scenario, plan, args.out, plan_dir=args.plan,
                                      lang=args.lang, date=day, version=args.edition,
                                      pdf=args.pdf))


def _print_filing(done: list[CountyFiling]) -> int:
    for f in done:
        print(f"{f.county}: {f.folder}")
        for path in (f.layout, f.rooms, f.annex, *f.pdfs):
            print(f"  {path.name}")
        print(f"  {len(f.maps)} maps")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from optimizer.plan.io import read_plan
    from optimizer.report.compare import current_plan, diff
    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(args.scenario, repair=args.repair)
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
        from optimizer.report.maps_diff import plot_diff

        ax = plot_diff(scenario, d, lang=args.lang)
        from matplotlib.figure import Figure

        fig = ax.figure
        assert isinstance(fig, Figure)     # the plot's own figure, not a subfigure
        fig.savefig(args.map, dpi=130, bbox_inches="tight")
        print(f"map written to {args.map}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from optimizer.web.server import serve

    serve(Path(args.scenarios) if args.scenarios else None, args.host, args.port,
          Path(args.data_dir), args.workers, lambda line: print(line, flush=True),
          login=args.login)
    return 0


def _cmd_users(args: argparse.Namespace) -> int:
    import getpass

    from optimizer.web.server import users

    password = None
    if args.action in ("add", "passwd"):
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"password for {args.name}: ")
            if getpass.getpass("again: ") != password:
                print("error: the passwords differ", file=sys.stderr)
                return 1
    if args.action != "list" and not args.name:
        print("error: give the user NAME", file=sys.stderr)
        return 2
    if args.action == "add" and not args.county:
        print("error: give --county COUNTY (or '*' for every county)", file=sys.stderr)
        return 2
    return users(args.action, args.name, args.county, Path(args.data_dir), password, print)


def _checked(parse: Callable[[str], T], problem: Callable[[T], str | None]
             ) -> Callable[[str], T]:
    """An argparse type: parse the text, then refuse what ``problem`` (optimizer.rules.limits)
    finds wrong, so a bad number is a usage error (exit 2) naming the option's rule."""
    def convert(text: str) -> T:
        try:
            value = parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        why = problem(value)
        if why:
            raise argparse.ArgumentTypeError(f"{text!r}: {why}")
        return value
    return convert


SECONDS = _checked(float, limits.time_limit_problem)
WORKERS = _checked(int, limits.workers_problem)
SEED = _checked(int, limits.seed_problem)
GB = _checked(float, limits.memory_problem)

EXECUTOR_HELP = ("where tasks run: local (process pool, default), inprocess, dask (a local "
                 "Dask cluster) or dask=tcp://HOST:8786 (a running Dask scheduler; needs "
                 "pip install 'community-optimizer[cluster]')")


def _repair_flag(parser: argparse.ArgumentParser) -> None:
    """--repair on every command that loads a scenario: a plan solved from repaired
    geometries must be checkable and reportable from the same repair."""
    parser.add_argument("--repair", action="store_true",
                        help="repair invalid unit geometries with shapely.make_valid "
                             "(the repaired ids are listed)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m optimizer",
                                description="Community layout and service-room plans "
                                            "(Yancheng 2013 rules).")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check a scenario folder and summarize it")
    v.add_argument("scenario", help="scenario folder (scenario.toml, units, sites)")
    _repair_flag(v)
    v.set_defaults(func=_cmd_validate)

    c = sub.add_parser("check", help="check a plan folder against a scenario, rule by rule")
    c.add_argument("scenario")
    c.add_argument("plan")
    c.add_argument("--write", action="store_true",
                   help="rewrite the plan's compliance.csv with the checker's verdict")
    _repair_flag(c)
    c.set_defaults(func=_cmd_check)

    g = sub.add_parser("generate", help="write a realistic generated scenario folder")
    g.add_argument("--preset", required=True,
                   choices=("town", "county", "city", "big-street", "village-town",
                            "big-county", "oversized", "real-shapes"),
                   help="town/county/city: the first presets; the others cover the regimes "
                        "of issue 16 (see optimizer/synth/presets.py)")
    g.add_argument("--seed", type=SEED, default=0)
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
    s.add_argument("--time-limit", type=SECONDS, default=None,
                   help="seconds of search, on the clock (default: the scenario's [solver]); "
                        "loading, checking and writing come on top (summary.json shows them)")
    s.add_argument("--workers", type=WORKERS, default=None,
                   help="cores to use (default: the scenario's [solver], else all; 0 = all; "
                        "1 = deterministic)")
    s.add_argument("--seed", type=SEED, default=None)
    s.add_argument("--quiet", action="store_true", help="no live progress line")
    s.add_argument("--resume", action="store_true",
                   help="reuse the pieces a killed or interrupted run of the same scenario "
                        "and seed finished (kept in OUT.pieces/)")
    s.add_argument("--report", action="store_true",
                   help="also write plan.xlsx, maps, report.html and plan.gpkg")
    s.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language")
    s.add_argument("--executor", default=None, metavar="local|inprocess|dask[=ADDRESS]",
                   help=EXECUTOR_HELP)
    s.add_argument("--memory-gb", type=GB, default=None, metavar="GB",
                   help="memory budget: fewer worker processes, and a task past its "
                        "share stops early with its best plan so far (see README)")
    _repair_flag(s)
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
    w.add_argument("--processes", type=WORKERS, default=0,
                   help="local pool processes / LocalCluster workers (default: all cores)")
    w.add_argument("--time-limit", type=SECONDS, default=30.0, help="seconds per point")
    w.add_argument("--seed", type=SEED, default=0)
    w.add_argument("--quiet", action="store_true", help="no live progress line")
    w.add_argument("--memory-gb", type=GB, default=None, metavar="GB",
                   help="memory budget: fewer worker processes, and a task past its "
                        "share stops early with its best plan so far (see README)")
    _repair_flag(w)
    w.set_defaults(func=_cmd_sweep)

    r = sub.add_parser("report", help="write plan.xlsx, maps, report.html and plan.gpkg "
                                      "into a plan folder")
    r.add_argument("scenario")
    r.add_argument("plan")
    r.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of tables and maps (default zh)")
    r.add_argument("--filing", action="store_true",
                   help="also write the county filing package into PLAN/filing (see 'file')")
    _repair_flag(r)
    r.set_defaults(func=_cmd_report)

    f = sub.add_parser("file", help="write the county filing package (PLAN-2013-03): per "
                                    "county, the layout plan and the rooms plan as Word and "
                                    "PDF, the xlsx annex and the maps")
    f.add_argument("scenario")
    f.add_argument("plan", help="plan folder (its grids.csv, phasing.csv, compliance.csv and "
                                "communities.csv name/services are used when present)")
    f.add_argument("--out", required=True, help="folder for one sub-folder per county")
    f.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of the documents (default zh)")
    f.add_argument("--date", default=None, help="date on the cover, YYYY-MM-DD (default today)")
    f.add_argument("--edition", default="1", help="version on the cover (default 1)")
    pdf = f.add_mutually_exclusive_group()
    pdf.add_argument("--pdf", dest="pdf", action="store_true", default=None,
                     help="require PDFs (LibreOffice); default: PDFs when LibreOffice is found")
    pdf.add_argument("--no-pdf", dest="pdf", action="store_false", help="no PDFs")
    _repair_flag(f)
    f.set_defaults(func=_cmd_file)

    d = sub.add_parser("compare", help="compare two plans of a scenario (PLAN_B may be "
                                       "'current' for today's communities)")
    d.add_argument("scenario")
    d.add_argument("plan_a", help="plan folder, or 'current'")
    d.add_argument("plan_b", help="plan folder, or 'current'")
    d.add_argument("--csv", help="write the per-community table to this CSV file")
    d.add_argument("--map", help="write the comparison map to this PNG/SVG file")
    d.add_argument("--lang", choices=("zh", "en"), default="en", help="map language")
    _repair_flag(d)
    d.set_defaults(func=_cmd_compare)

    v = sub.add_parser("serve", help="start the planner's workbench (a web server) and "
                                     "print its address")
    v.add_argument("scenarios", nargs="?", default="scenarios",
                   help="folder of scenario folders (default: scenarios)")
    v.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: no login; any other "
                        "needs accounts, see 'users')")
    v.add_argument("--port", type=int, default=8000, help="port (0: any free one)")
    v.add_argument("--data-dir", default="workbench-data",
                   help="folder of the workbench's database and uploads")
    v.add_argument("--workers", type=int, default=1,
                   help="cores each solve started from the page may use (1 = deterministic)")
    v.add_argument("--login", action="store_true",
                   help="ask for a login on 127.0.0.1 too")
    v.set_defaults(func=_cmd_serve)

    u = sub.add_parser("users", help="workbench accounts: add, passwd, remove, list")
    u.add_argument("action", choices=("add", "passwd", "remove", "list"))
    u.add_argument("name", nargs="?")
    u.add_argument("--county", help="the county whose workspaces the user sees ('*': all)")
    u.add_argument("--data-dir", default="workbench-data")
    u.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")
    u.set_defaults(func=_cmd_users)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except OptimizerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:   # the machine's faults (disk full, no permission), in words
        from optimizer.plan.lock import describe

        print(f"error: {describe(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
