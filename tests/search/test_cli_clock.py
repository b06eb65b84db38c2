"""The time limit at the command line is the process's (issue 16: "a time limit is a
promise about the clock"): `python -m optimizer solve --time-limit 10` ran 10.7-13.6 s
from spawn to exit at load 2-4, the interpreter's start and imports (1.3-3 s) and the
check, write and exit coming on top of the search (bench/cli_limits.py).

Injected clocks and captured arguments only: no wall-clock assertion.

- the process's age is read from /proc (0.0 where it cannot be);
- ``solve(ends_by=...)`` moves the clock's end (the deadline the pieces get), not the
  deterministic budget;
- the command line passes its process's start plus the limit, less checking and
  writing; called in-process without a start, nothing changes;
- under a short limit a stopped piece's hurried floor gets half the keep-back.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

import optimizer.search as search_mod
import optimizer.search.driver as driver
from optimizer.cli import main
from optimizer.scenario.build import grid_scenario
from optimizer.search.clock import (
    CLI_TAIL_PROOFS_S,
    DET_PER_S,
    assembly_reserve_s,
    cli_tail_s,
    process_age_s,
)
from optimizer.search.piece import HURRY_LAG_S
from tests.helpers.paths import DEMO

# /proc/self/stat of a process started 1,000 ticks (10 s at 100 Hz) after boot; the
# command's name holds a space and a parenthesis, as a process's name may.
STAT = "4242 (py (thon) x) S 1 4242 4242 0 -1 4194304 " + " ".join(["0"] * 12) + " 1000 7 8"


def test_the_process_age_is_read_from_proc() -> None:
    assert process_age_s(STAT, "25.50 40.00\n", 100) == pytest.approx(15.5)
    assert process_age_s("garbage", "25.5 1", 100) == 0.0        # unreadable: unknown
    assert process_age_s(STAT, "5.0 1", 100) == 0.0              # never negative
    assert process_age_s() >= 0.0                                # this machine's own


def _captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """run_pieces replaced: what the driver gives it (deadline, budgets, tasks)."""
    seen: dict[str, Any] = {}

    def fake(scenario: Any, todo: Any, procs: int, stop: Any, done: Any, *,
             deadline: float | None = None, executor: Any = None,
             det_budget: float | None = None, run_end: float | None = None) -> None:
        seen.update(deadline=deadline, det_budget=det_budget, tasks=list(todo),
                    run_end=run_end)
        raise RuntimeError("captured")

    monkeypatch.setattr(driver, "run_pieces", fake)
    return seen


@pytest.mark.parametrize("workers", [1, 2])
def test_ends_by_moves_the_clock_not_the_deterministic_budget(
        monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    s = grid_scenario([[700, 800, 900, 600], [900, 600, 800, 700]],
                      street=[["A", "A", "B", "B"]] * 2)
    seen = _captured(monkeypatch)
    ends_by = time.perf_counter() + 5.0
    with pytest.raises(RuntimeError, match="captured"):
        driver.solve(s, time_limit_s=60, workers=workers, ends_by=ends_by)
    assert seen["deadline"] == pytest.approx(ends_by - assembly_reserve_s(60))
    # the keep-back is for stopped pieces to return: their hurried solves may use it
    assert seen["run_end"] == pytest.approx(ends_by)
    assert seen["det_budget"] == (60 * DET_PER_S if workers == 1 else None)
    later = time.perf_counter() + 600.0          # after the limit: the limit's end holds
    t0 = time.perf_counter()
    with pytest.raises(RuntimeError, match="captured"):
        driver.solve(s, time_limit_s=60, workers=workers, ends_by=later)
    assert t0 + 60 - 2.0 <= seen["deadline"] <= time.perf_counter() + 60


@pytest.mark.parametrize(("limit", "hurry"), [(10.0, 0.5), (30.0, 0.6), (60.0, HURRY_LAG_S)])
def test_a_short_limit_hurries_the_stopped_floor_less(
        monkeypatch: pytest.MonkeyPatch, limit: float, hurry: float) -> None:
    """The keep-back is 4% of the limit up to 2 s; a stopped piece's floor took up to
    1 s of it, past a 10-s limit's 0.4 s: now half of it, at least 0.5 s."""
    s = grid_scenario([[700, 800, 900, 600]], street=[["A", "A", "B", "B"]])
    seen = _captured(monkeypatch)
    with pytest.raises(RuntimeError, match="captured"):
        driver.solve(s, time_limit_s=limit, workers=2)
    assert seen["tasks"] and all(t.hurry_s == pytest.approx(hurry) for t in seen["tasks"])


@pytest.mark.parametrize("started_ago", [None, 4.0])
def test_the_command_line_counts_from_its_process_start(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, started_ago: float | None) -> None:
    asked: dict[str, Any] = {}
    real = search_mod.solve

    def spy(*a: Any, **k: Any) -> Any:
        asked.update(k)
        return real(*a, **k)

    monkeypatch.setattr(search_mod, "solve", spy)
    started = None if started_ago is None else time.perf_counter() - started_ago
    assert main(["solve", str(DEMO), "--out", str(tmp_path / "plan"), "--time-limit", "2",
                 "--workers", "1", "--quiet"], started=started) == 0
    if started is None:                 # in-process: the limit from the search's start
        assert asked["ends_by"] is None
    else:
        # The demo's map: 2,117 coordinates, whose GeoJSON is written after the search.
        assert asked["ends_by"] == pytest.approx(started + 2.0 - cli_tail_s(302, 2117))


def test_the_tail_grows_with_the_map_written_after_the_search() -> None:
    """Writing communities.geojson of a 77-unit real map (41,645 coordinates) took
    0.75 s at load 3 and ran a 60-s limit to 60.3 s: the tail counts coordinates."""
    assert cli_tail_s(77, 41_645) - cli_tail_s(77) > 0.5
    assert cli_tail_s(77, 0) == cli_tail_s(77)


def test_the_tail_keeps_time_for_the_checkers_proofs_of_units_above_the_maximum() -> None:
    """The checker proves an oversized unit's exemption by searches bounded in steps,
    not time (a 50-unit part: 0.7-3.3 s): a 30-s limit ran to 31.6-32.2 s. A scenario
    with a unit above its maximum keeps that time back; one without does not."""
    from optimizer.cli.commands import _tail_sizes

    over = grid_scenario([[700, 800], [900, 4000]], kind="urban")
    within = grid_scenario([[700, 800], [900, 1000]], kind="urban")
    assert _tail_sizes(over)[1] == 1 and _tail_sizes(within)[1] == 0
    assert cli_tail_s(4, 0, 1) - cli_tail_s(4) == pytest.approx(CLI_TAIL_PROOFS_S)
    assert CLI_TAIL_PROOFS_S >= 1.0
