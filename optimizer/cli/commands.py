"""The commands of the CLI: each loads, calls the library and prints (no work here).

Exit codes: 0 success, 1 bad data / failed check / no plan, 2 usage error, 130
interrupted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from optimizer.report.filing import CountyFiling
    from optimizer.scenario.model import Scenario


def cmd_validate(args: argparse.Namespace) -> int:
    from optimizer.graph.summary import scenario_summary_text
    from optimizer.scenario.load import load_scenario

    scenario = load_scenario(args.scenario, repair=args.repair)
    print(scenario_summary_text(scenario))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from optimizer.checker.checker import check
    from optimizer.plan.io import write_compliance_csv
    from optimizer.plan.read import read_plan
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


def cmd_generate(args: argparse.Namespace) -> int:
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
    if args.today is not None:
        from optimizer.synth.today import write_today

        path = write_today(out, args.seed, args.today)
        print(f"wrote {path.name} (synthetic figures of today's communities, "
              f"{args.today:.0%} of the cells known)")
    return 0


def cmd_solve(args: argparse.Namespace) -> int:
    import os

    from optimizer.poolstart import warm

    if args.workers != 1 and args.executor in (None, "local") and (os.cpu_count() or 1) > 1:
        # The pool's fork server imports the search now, beside this process's own
        # imports and the scenario's reading (optimizer.poolstart). A run that turns
        # out one piece or one worker wastes that import (~1.5 CPU s, no wall time on
        # an idle second core).
        warm()
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
    from optimizer.search import SolverParams, solve
    from optimizer.search.checkpoint import clear_checkpoint
    from optimizer.search.clock import cli_tail_s
    from optimizer.search.signals import Interrupted, stop_on_signals
    from optimizer.search.stop import StopFlag

    params = SolverParams.from_file(args.params) if args.params else None
    t0 = time.perf_counter()
    scenario = load_scenario(args.scenario, repair=args.repair)
    load_s = time.perf_counter() - t0
    # Run as `python -m optimizer`, --time-limit is the process's: from its start (the
    # interpreter and imports take 1.3-3 s before this) to its exit, checking and
    # writing included (issue 16; bench/cli_limits.py).
    started = getattr(args, "started", None)
    limit = args.time_limit if args.time_limit is not None \
        else (params or scenario.solver).time_limit_s
    ends_by = None if started is None \
        else started + float(limit) - cli_tail_s(len(scenario.unit_ids), *_tail_sizes(scenario))
    _print_notes(scenario)
    pieces = Path(args.out).with_name(Path(args.out).name + ".pieces")
    if not args.resume:
        clear_checkpoint(pieces)
    executor = make_executor(args.executor, args.workers or 0, args.memory_gb)
    stop = StopFlag()
    try:
        # From here a first Ctrl-C or SIGTERM stops the search and the best plan is
        # still checked and written; a second one stops at once (Interrupted).
        with stop_on_signals(stop) as heard:
            try:
                with ConsoleProgress(enabled=not args.quiet) as progress:
                    plan = solve(scenario, params, time_limit_s=args.time_limit,
                                 workers=args.workers,
                                 seed=args.seed, progress=progress, checkpoint=pieces,
                                 executor=executor, memory_gb=args.memory_gb, stop=stop,
                                 ends_by=ends_by)
            finally:
                close_executor(executor)
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
    light = sum(p.memory_stopped for p in plan.pieces)
    if light:
        print(f"{light} components stopped early by --memory-gb {args.memory_gb:g} "
              "(their best plan so far; see 'memory_stopped' in summary.json)")
    if args.memory_gb is not None:
        _memory_kept(args.memory_gb)
    if plan.interrupted:
        print(f"interrupted by {heard.name or 'a stop request'}: pieces still running "
              "then kept their best plan so far, pieces not started got a first plan "
              "(summary.json: interrupted)", file=sys.stderr)
    elif stop.is_set():
        print(f"{heard.name or 'a stop request'} after the search had ended: the complete "
              "plan was written", file=sys.stderr)
    print(f"plan written to {args.out}")
    if not plan.interrupted:
        clear_checkpoint(pieces)
    if args.report and not stop.is_set():
        from optimizer.errors import OutputError
        from optimizer.report import write_reports

        try:
            paths = write_reports(scenario, plan, args.out, lang=args.lang, report=report)
        except OutputError as exc:
            # "the previous folder is untouched" would read as if the new plan were lost
            print(f"error: the reports were not written, but the plan is: {args.out} holds "
                  f"the complete plan just solved and checked. {exc}. Once that is "
                  f"fixed: python -m optimizer report {args.scenario} {args.out}",
                  file=sys.stderr)
            return 1
        print(f"reports written: {', '.join(sorted(p.name for p in set(paths.values())))}")
    elif args.report:
        print("reports not written (interrupted): python -m optimizer report SCENARIO PLAN "
              "writes them", file=sys.stderr)
    return 0 if report.passed else 1


def _memory_kept(budget_gb: float) -> None:
    """Say so when --memory-gb was not kept: the budget caps the search's own memory,
    and the engine holds about 0.2 GB per process before any search (Python, OR-Tools,
    the scenario), so a budget below that cannot be kept. Peaks from getrusage: this
    process, and the largest of its worker processes."""
    import resource

    kb = 1024**2
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kb
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kb
    if own + worker <= budget_gb:
        return
    print(f"note: --memory-gb {budget_gb:g} was not kept: peak resident memory {own:.2f} GB "
          f"in this process" + (f" and {worker:.2f} GB in the largest worker process"
                                if worker else "")
          + "; the engine holds about 0.2 GB per process before any search, and the "
          "budget caps the search's own memory beyond that (pieces past their share took "
          "the lighter path)", file=sys.stderr)


def _tail_sizes(scenario: Scenario) -> tuple[int, int]:
    """The coordinates of the units' shapes the plan's GeoJSON is written from, and the
    units above their maximum (whose exemptions the checker proves by its searches)."""
    import shapely

    geo = scenario.geometry
    bounds = [scenario.policy.bounds(bool(u))[1] for u in scenario.urban]
    over = sum(int(h) > hi for h, hi in zip(scenario.households, bounds, strict=True))
    return (0 if geo is None else int(shapely.get_num_coordinates(geo.units).sum())), over


def _print_notes(scenario: Scenario) -> None:
    """What loading decided (repaired geometries, a file read as GB18030) and its
    warnings, on stderr: a solve must not hide them."""
    from optimizer.graph.summary import warning_lines

    for note in scenario.notes:
        print(f"note: {note}", file=sys.stderr)
    for line in warning_lines(scenario):
        print(line, file=sys.stderr)


def make_executor(spec: str | None, processes: int,  # type: ignore[no-untyped-def]
              memory_gb: float | None = None):
    if spec is None:
        return None
    from optimizer.search.executors import executor_from_spec

    return executor_from_spec(spec, processes, memory_gb)


def close_executor(executor: object) -> None:
    close = getattr(executor, "close", None)
    if close is not None:
        close()


def cmd_report(args: argparse.Namespace) -> int:
    from optimizer.plan.read import read_plan
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


def cmd_file(args: argparse.Namespace) -> int:
    import datetime as dt

    from optimizer.plan.read import read_plan
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


def cmd_compare(args: argparse.Namespace) -> int:
    from optimizer.plan.read import read_plan
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


def cmd_serve(args: argparse.Namespace) -> int:
    from optimizer.web.server import serve

    serve(Path(args.scenarios) if args.scenarios else None, args.host, args.port,
          Path(args.data_dir), args.workers, lambda line: print(line, flush=True),
          login=args.login)
    return 0


def cmd_users(args: argparse.Namespace) -> int:
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
