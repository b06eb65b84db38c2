"""A Dask worker killed (SIGKILL) mid-solve: its piece runs elsewhere and the plan is
the one this process gives alone (issue 14, part 2; the long run is
bench/reliability_dask.py). Found by it: the scenario went out with
``client.scatter``, so when the workers holding it died every later piece was
cancelled ("already forgotten") with a traceback; it is now a task's result, which
Dask recomputes.

Fixture: two urban streets side by side (tests/helpers/solve.py), two pieces; a
LocalCluster of 2 worker processes, each under a nanny that restarts it.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import optimizer
from optimizer.errors import OptimizerError
from optimizer.search.executors import DaskExecutor, InProcessExecutor
from tests.helpers.solve import two_streets

distributed = pytest.importorskip("distributed")


@pytest.fixture()
def cluster() -> Iterator[Any]:
    cl = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cl)
    try:
        yield client
    finally:
        client.close()
        cl.close()


def _kill_all_workers_once_busy(client: Any, done: list[int]) -> None:
    """When the first task is running, SIGKILL every worker process at once: no copy
    of anything they held survives."""
    pids = client.run(os.getpid)
    while not any(client.processing().values()):
        threading.Event().wait(0.01)
    for pid in pids.values():
        os.kill(pid, signal.SIGKILL)
        done.append(pid)


def test_killed_workers_lose_no_piece_and_change_no_plan(cluster: Any) -> None:
    s = two_streets()
    # A limit far above what the pieces need (they are proven optimal in a second):
    # restarting the workers takes seconds, and the clock must not stop a piece.
    ref = optimizer.solve(s, time_limit_s=60, workers=1, executor=InProcessExecutor())
    killed: list[int] = []
    killer = threading.Thread(target=_kill_all_workers_once_busy, args=(cluster, killed))
    killer.start()
    plan = optimizer.solve(s, time_limit_s=60, workers=1,
                           executor=DaskExecutor(client=cluster))
    killer.join()
    assert len(killed) == 2
    assert plan.summary["deterministic"] and ref.summary["deterministic"]
    assert list(plan.community) == list(ref.community)
    assert plan.communities == ref.communities
    assert optimizer.check(s, plan).passed


def test_a_piece_whose_worker_always_dies_is_a_named_error() -> None:
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cl = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                      host="127.0.0.1", dashboard_address=None)
        client = distributed.Client(cl)
    try:
        killed: list[int] = []
        killer = threading.Thread(target=_kill_all_workers_once_busy, args=(client, killed))
        killer.start()
        with pytest.raises(OptimizerError, match="a Dask worker died each time it ran a task"):
            optimizer.solve(two_streets(), time_limit_s=4, workers=1,
                            executor=DaskExecutor(client=client))
        killer.join()
    finally:
        client.close()
        cl.close()
