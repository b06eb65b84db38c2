"""``optimizer sweep``: one solve per point of a parameter grid (GRID.toml), a KPI table
and a plan folder per point. Apart from :mod:`optimizer.cli.commands` because the grid's
reading (TOML, nested ``[policy]`` tables) is its own small format.

Exit codes as the other commands: 0 every point checked, 1 a point failed its check,
130 interrupted (the points solved so far are kept).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from optimizer.cli.commands import close_executor, make_executor


def cmd_sweep(args: argparse.Namespace) -> int:
    from optimizer.cli.progress import ConsoleProgress
    from optimizer.scenario.load import load_scenario
    from optimizer.sweeps import NOT_RUN, sweep

    scenario = load_scenario(args.scenario, repair=args.repair)
    grid = _flat_grid(_read_grid(args.grid))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    executor = make_executor(args.executor, args.processes, args.memory_gb)
    try:
        with ConsoleProgress(enabled=not args.quiet, what="points") as progress:
            table = sweep(scenario, grid, time_limit_s=args.time_limit, seed=args.seed,
                          processes=args.processes, executor=executor, progress=progress,
                          out_dir=out)
    finally:
        close_executor(executor)
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
