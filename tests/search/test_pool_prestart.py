"""A wall-clock solve's pool starts its workers before the diagnosis
(optimizer.search.dispatch.warm_pool): a spawned worker's start (imports, the
scenario) came off every piece's clock, 10-11 s at load 8 on two cores.

Fixture: two urban streets (two pieces), as in test_executors."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from pathlib import Path
from typing import Any

import pytest

from optimizer.scenario.build import grid_scenario
from optimizer.search import driver
from optimizer.search.driver import solve
from optimizer.search.executors import LocalPoolExecutor

TWO_STREETS = [[700, 800, 900, 600], [900, 600, 800, 700], [500, 700, 700, 900]]
STREETS = [["S1", "S1", "S2", "S2"]] * 3


def _scenario():  # type: ignore[no-untyped-def]
    return grid_scenario(TWO_STREETS, street=STREETS)


def _workers_at_diagnosis(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The count of pool workers alive (beyond an earlier test's) each time the
    diagnosis starts."""
    seen: list[int] = []
    real = driver._diagnoses_by_component
    before = {c.pid for c in mp.active_children()}     # an earlier test's idle workers

    def spy(*a: Any, **kw: Any) -> Any:
        seen.append(len({c.pid for c in mp.active_children()} - before))
        return real(*a, **kw)

    monkeypatch.setattr(driver, "_diagnoses_by_component", spy)
    return seen


def _closes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per LocalPoolExecutor.close: whether a prestarted pool was still held."""
    closed: list[bool] = []
    real_close = LocalPoolExecutor.close

    def close(self: LocalPoolExecutor) -> None:
        closed.append(self._ready is not None)
        real_close(self)

    monkeypatch.setattr(LocalPoolExecutor, "close", close)
    return closed


def test_the_workers_start_before_the_diagnosis(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    seen = _workers_at_diagnosis(monkeypatch)
    # With a checkpoint folder, as the command line always passes one.
    plan = solve(_scenario(), time_limit_s=60, workers=2, seed=1,
                 checkpoint=tmp_path / "pieces")
    assert seen == [2]          # both workers spawned while the diagnosis runs
    assert len(plan.communities) >= 2 and not plan.summary["clock_stopped"]


def test_one_worker_starts_no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _workers_at_diagnosis(monkeypatch)
    solve(_scenario(), time_limit_s=30, workers=1, seed=1)
    assert seen == [0]


def test_a_failed_diagnosis_ends_the_prestarted_pool(monkeypatch: pytest.MonkeyPatch
                                                     ) -> None:
    def boom(*a: Any, **kw: Any) -> Any:
        raise RuntimeError("diagnosis failed")

    monkeypatch.setattr(driver, "_diagnoses_by_component", boom)
    closed = _closes(monkeypatch)
    with pytest.raises(RuntimeError, match="diagnosis failed"):
        solve(_scenario(), time_limit_s=30, workers=2, seed=1)
    assert closed == [True]


def _double(shared: Any, item: Any, stop: Any) -> Any:
    return (shared, item * 2, os.getpid())


def _triple(shared: Any, item: Any, stop: Any) -> Any:
    return (shared, item * 3, os.getpid())


def test_a_prestarted_pool_runs_the_tasks_and_a_different_one_starts_afresh() -> None:
    pool = LocalPoolExecutor(2)
    pool.prestart(_double, "warm")
    got = sorted(pool.map_unordered(_double, "warm", [1, 2, 3]))
    assert [(s, v) for s, v, _ in got] == [("warm", 2), ("warm", 4), ("warm", 6)]
    pool.prestart(_double, "warm")
    # Another task function than the prestarted one: that pool is ended, a new one runs.
    got = sorted(pool.map_unordered(_triple, "cold", [1]))
    assert [(s, v) for s, v, _ in got] == [("cold", 3)]


def test_a_checkpoint_holding_every_piece_leaves_no_pool(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    solve(_scenario(), time_limit_s=60, workers=2, seed=1, checkpoint=tmp_path / "pieces")
    before = {c.pid for c in mp.active_children()}
    closed = _closes(monkeypatch)
    solve(_scenario(), time_limit_s=60, workers=2, seed=1, checkpoint=tmp_path / "pieces")
    assert closed == [False]    # resumed whole: no piece ran, the pool still ended
    end = time.monotonic() + 30
    while {c.pid for c in mp.active_children()} - before and time.monotonic() < end:
        time.sleep(0.2)
    assert not {c.pid for c in mp.active_children()} - before


@pytest.mark.parametrize("error", [RuntimeError("stand-ins failed"), KeyboardInterrupt()])
def test_an_error_between_the_diagnosis_and_the_pieces_ends_the_pool(
        monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """Not only the diagnosis: anything before run_pieces takes the pool (the stand-ins,
    the locks, the checkpoint's reading), Ctrl-C there too, ends the prestarted workers."""
    def boom(*a: Any, **kw: Any) -> Any:
        raise error

    monkeypatch.setattr(driver, "_stand_ins", boom)
    closed = _closes(monkeypatch)
    with pytest.raises(type(error)):
        solve(_scenario(), time_limit_s=30, workers=2, seed=1)
    assert closed == [True]


def test_every_piece_reused_starts_no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """A [budget]'s second solve with every piece kept (reuse) runs no piece: no worker
    is spawned to import the search for nothing beside the assembly."""
    got: dict[int, Any] = {}
    solve(_scenario(), time_limit_s=30, workers=1, seed=1, results_out=got)
    started: list[int] = []
    real = LocalPoolExecutor.prestart

    def prestart(self: LocalPoolExecutor, fn: Any, shared: Any) -> None:
        started.append(self.processes)
        real(self, fn, shared)

    monkeypatch.setattr(LocalPoolExecutor, "prestart", prestart)
    plan = solve(_scenario(), time_limit_s=30, workers=2, seed=1, reuse=got)
    assert started == [] and len(plan.communities) >= 2


PROBE = """
import sys
from optimizer.search import driver
from optimizer.scenario.build import grid_scenario


def boom(*a, **kw):
    raise RuntimeError("stand-ins failed")


if __name__ == "__main__":
    driver._stand_ins = boom
    sc = grid_scenario(%r, street=%r)
    try:
        driver.solve(sc, time_limit_s=30, workers=2, seed=1)
    except RuntimeError as exc:
        print("raised:", exc, file=sys.stderr)
"""


def test_a_pool_ended_while_its_workers_start_leaves_them_no_error(tmp_path: Path) -> None:
    """Ended at once after the spawn (an error right after the diagnosis), the workers
    are still starting and read the stop Event then: they must find it (each printed
    a FileNotFoundError traceback when the caller dropped it at once)."""
    import subprocess
    import sys

    script = tmp_path / "probe.py"
    script.write_text(PROBE % (TWO_STREETS, STREETS))
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert "raised: stand-ins failed" in run.stderr
    assert "Traceback" not in run.stderr, run.stderr
