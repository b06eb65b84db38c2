"""Command line: argument parsing and printing only; the work is in the library.

Exit codes: 0 success, 1 bad data / failed check / no plan, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from optimizer.cli import budget, commands, sweep_cmd
from optimizer.errors import OptimizerError
from optimizer.rules import limits

T = TypeVar("T")


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


def _share(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = -1.0
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a share from 0 to 1, not {text!r}")
    return v


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m optimizer",
                                description="Community layout and service-room plans "
                                            "(Yancheng 2013 rules).")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check a scenario folder and summarize it")
    v.add_argument("scenario", help="scenario folder (scenario.toml, units, sites)")
    _repair_flag(v)
    v.set_defaults(func=commands.cmd_validate)

    c = sub.add_parser("check", help="check a plan folder against a scenario, rule by rule")
    c.add_argument("scenario")
    c.add_argument("plan")
    c.add_argument("--write", action="store_true",
                   help="rewrite the plan's compliance.csv with the checker's verdict")
    _repair_flag(c)
    c.set_defaults(func=commands.cmd_check)

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
    g.add_argument("--today", type=_share, nargs="?", const=1.0, default=None,
                   metavar="KNOWN",
                   help="also write a synthetic communities_today.csv (issue 17), with "
                        "this share of its cells known (default 1)")
    g.add_argument("out", help="output folder")
    g.set_defaults(func=commands.cmd_generate)

    s = sub.add_parser("solve", help="solve a scenario and write the plan folder")
    s.add_argument("scenario")
    s.add_argument("--out", required=True, help="plan folder to write")
    s.add_argument("--time-limit", type=SECONDS, default=None,
                   help="seconds on the clock from this process's start to its exit "
                        "(default: the scenario's [solver]); loading, checking and writing "
                        "come out of it (summary.json shows them)")
    s.add_argument("--workers", type=WORKERS, default=None,
                   help="cores to use (default: the scenario's [solver], else all; 0 = all; "
                        "1 = deterministic)")
    s.add_argument("--seed", type=SEED, default=None)
    s.add_argument("--params", metavar="TOML", default=None,
                   help="the [solver] table of this file in place of the scenario's "
                        "(time_limit_s, workers, seed, relative_gap, log_search); "
                        "--time-limit, --workers and --seed still override it")
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
    s.set_defaults(func=commands.cmd_solve)

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
    w.set_defaults(func=sweep_cmd.cmd_sweep)

    b = sub.add_parser("budget-curve", help="what a capital budget buys: the best "
                                            "FACILITY-95 share and total cost by budget")
    b.add_argument("scenario")
    b.add_argument("--out", required=True, help="folder for curve.csv/.xlsx/.png/.svg/.json")
    b.add_argument("--points", type=int, default=11,
                   help="budgets from 0 to --max-yuan (default 11), then a bisection to "
                        "where FACILITY-95 is first reached")
    b.add_argument("--max-yuan", type=float, default=None,
                   help="the largest total (default: 1.2 x the most capital of the plans)")
    b.add_argument("--budgets", type=budget._amounts, default=None, metavar="Y1,Y2,...",
                   help="these totals (yuan over the horizon) instead of --points")
    b.add_argument("--plan", action="append", default=[], metavar="PLAN_DIR",
                   help="phase this plan instead of solving the boundaries (repeatable)")
    b.add_argument("--time-limit", type=SECONDS, default=60.0,
                   help="seconds in all (most of it for the boundaries at each capital price)")
    b.add_argument("--workers", type=WORKERS, default=1)
    b.add_argument("--seed", type=SEED, default=0)
    b.add_argument("--lang", choices=("zh", "en"), default="zh")
    b.add_argument("--quiet", action="store_true", help="no live progress line")
    _repair_flag(b)
    b.set_defaults(func=budget.cmd_budget_curve)

    r = sub.add_parser("report", help="write plan.xlsx, maps, report.html and plan.gpkg "
                                      "into a plan folder")
    r.add_argument("scenario")
    r.add_argument("plan")
    r.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of tables and maps (default zh)")
    r.add_argument("--filing", action="store_true",
                   help="also write the county filing package into PLAN/filing (see 'file')")
    _repair_flag(r)
    r.set_defaults(func=commands.cmd_report)

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
    f.set_defaults(func=commands.cmd_file)

    d = sub.add_parser("compare", help="compare two plans of a scenario (PLAN_B may be "
                                       "'current' for today's communities)")
    d.add_argument("scenario")
    d.add_argument("plan_a", help="plan folder, or 'current'")
    d.add_argument("plan_b", help="plan folder, or 'current'")
    d.add_argument("--csv", help="write the per-community table to this CSV file")
    d.add_argument("--map", help="write the comparison map to this PNG/SVG file")
    d.add_argument("--lang", choices=("zh", "en"), default="en", help="map language")
    _repair_flag(d)
    d.set_defaults(func=commands.cmd_compare)

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
    v.set_defaults(func=commands.cmd_serve)

    u = sub.add_parser("users", help="workbench accounts: add, passwd, remove, list")
    u.add_argument("action", choices=("add", "passwd", "remove", "list"))
    u.add_argument("name", nargs="?")
    u.add_argument("--county", help="the county whose workspaces the user sees ('*': all)")
    u.add_argument("--data-dir", default="workbench-data")
    u.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")
    u.set_defaults(func=commands.cmd_users)
    return p


def main(argv: Sequence[str] | None = None, started: float | None = None) -> int:
    """Run one command. ``started``: the ``time.perf_counter()`` at which this process
    started (``python -m optimizer`` passes it), from which ``solve --time-limit``
    counts, so the process ends by the limit; None (called in-process, e.g. by tests or
    a notebook): the limit counts from the search's start, as solve() does."""
    args = build_parser().parse_args(argv)
    args.started = started
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
