"""Where independent tasks run: this process, a local process pool, or a Dask cluster.

One interface, :class:`Executor`, for the pieces of a solve and the points of a sweep:
``map_unordered(fn, shared, items, stop)`` calls ``fn(shared, item, stop_flag)`` for
every item and yields the results as they finish. ``shared`` (the scenario) is sent
once per worker, not once per task; ``items`` is read lazily, one item each time a
slot frees, so a caller can set a task's time budget when it starts. Every task carries
its own seed and budget, so the results do not depend on which worker ran what.

- :class:`InProcessExecutor`: in the caller's process, one task at a time (tests).
- :class:`LocalPoolExecutor`: a ``ProcessPoolExecutor`` (the default, all cores), its
  workers forked by a fork server that has the search imported, else spawned
  (:mod:`optimizer.poolstart`).
  Ctrl-C reaches running tasks through a multiprocessing Event. ``memory_gb``: fewer
  processes, and each task stopped early past its share (:mod:`optimizer.search.memory`).
- :class:`DaskExecutor`: a Dask distributed cluster (``address=None`` starts a
  LocalCluster on this machine). ``shared`` goes out once, as the result of a task
  (not ``client.scatter``: scattered data is lost with the last worker holding it, and
  every task needing it is then cancelled; a task's result the scheduler recomputes).
  A worker that dies mid-task (killed, out of memory) has its task run elsewhere
  (Dask's ``allowed-failures``); past that, an OptimizerError says so. Ctrl-C reaches
  running tasks through a ``distributed.Event`` each task polls once a second (best
  effort: a worker that cannot reach the scheduler finishes its own budget); tasks not
  yet started are sent already "hurried" (first feasible plan).

Why Dask distributed rather than Ray: it is pure-Python wheels (``pip install
'community-optimizer[cluster]'``, no compiled object store or GPU-aware daemons), and a
city IT department deploys it with two commands on any machines that can reach each
other over TCP: ``dask scheduler`` on one, ``dask worker tcp://HOST:8786`` on each of
the others, then ``--executor dask=tcp://HOST:8786`` (every worker needs the same
community-optimizer version installed: the task functions are imported there). Our
tasks are few (one per component or sweep point), coarse (seconds to minutes) and
carry small data (a scenario without geometry, a few MB), so Ray's shared-memory
object store and actor model buy nothing here; Dask's futures and ``as_completed``
are all that is used.

Measured per-task overhead (bench/JOURNAL.md, "Executors").
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, NamedTuple, Protocol

from optimizer.errors import OptimizerError
from optimizer.poolstart import pool_context, via_server
from optimizer.search.memory import guarded, memory_stopped, plan_processes
from optimizer.search.pool_worker import TaskFn, init_worker, run_task
from optimizer.search.stop import StopFlag


class _Ready(NamedTuple):
    """A local pool, its task function and the stop Event its workers watch."""
    fn: TaskFn
    event: Any
    pool: ProcessPoolExecutor


CLUSTER_HINT = "pip install 'community-optimizer[cluster]'"


class Executor(Protocol):
    """Runs ``fn(shared, item, stop)`` for every item, yielding results as they finish."""

    @property
    def slots(self) -> int:
        """How many tasks run at once."""
        ...

    def map_unordered(self, fn: TaskFn, shared: Any, items: Iterable[Any],
                      stop: StopFlag | None = None) -> Iterator[Any]: ...


class InProcessExecutor:
    """One task at a time in the caller's process (tests, debugging, one core).
    ``memory_gb``: a task is stopped early (lighter path) when this process passes it."""

    slots = 1

    def __init__(self, memory_gb: float | None = None) -> None:
        self.limit = int(memory_gb * 1024**3) if memory_gb else None
        self.memory_stops = 0

    def map_unordered(self, fn: TaskFn, shared: Any, items: Iterable[Any],
                      stop: StopFlag | None = None) -> Iterator[Any]:

        flag = stop if stop is not None else _flag()
        for item in items:
            with guarded(flag, self.limit) as task_flag:
                result = fn(shared, item, task_flag)
            self.memory_stops += memory_stopped(task_flag)
            yield result


class LocalPoolExecutor:
    """A pool of ``processes`` worker processes (0 = all cores), forked by the fork
    server where there is one, else spawned (:mod:`optimizer.poolstart`); with
    ``memory_gb``, only as many as fit, each task within its share."""

    def __init__(self, processes: int = 0, memory_gb: float | None = None) -> None:
        self.processes = processes if processes > 0 else (os.cpu_count() or 1)
        self.limit: int | None = None
        self.memory_stops = 0
        self._ready: _Ready | None = None
        if memory_gb:

            self.processes, self.limit = plan_processes(memory_gb, self.processes)

    def prestart(self, fn: TaskFn, shared: Any) -> None:
        """Start the workers now for the ``map_unordered(fn, shared, ...)`` to come
        (``shared``: what it will pass). A worker takes the shared data (and, spawned,
        imports the search) before its first task (10-11 s at load 8 on 2 cores), and each
        piece's clock counts from its hand-out: begun before the caller's diagnosis
        (3.7 s there), that start runs beside it (bench/JOURNAL.md, session 27)."""
        if self._ready is not None:
            return
        ready = self._pool(fn, shared, pool_context())
        for _ in range(self.processes):     # each submit starts a worker while none is idle
            ready.pool.submit(os.getpid)
        self._ready = ready

    def close(self) -> None:
        """End a prestarted pool no ``map_unordered`` took (the caller failed first, or
        had no task for it), without waiting for its workers (:func:`_retire`)."""
        ready, self._ready = self._ready, None
        if ready is not None:
            _retire(ready)

    def _pool(self, fn: TaskFn, shared: Any, ctx: Any) -> _Ready:
        event = ctx.Event()
        pool = ProcessPoolExecutor(max_workers=self.processes, mp_context=ctx,
                                   initializer=init_worker,
                                   initargs=(fn, shared, event, self.limit, os.getpid(),
                                             via_server(ctx)))
        return _Ready(fn, event, pool)

    @property
    def slots(self) -> int:
        return self.processes

    def map_unordered(self, fn: TaskFn, shared: Any, items: Iterable[Any],
                      stop: StopFlag | None = None) -> Iterator[Any]:
        stop = stop if stop is not None else _flag()
        # A prestarted pool (prestart) for this ``fn``: its workers hold prestart's
        # ``shared`` already.
        ready, self._ready = self._ready, None
        if ready is not None and ready.fn is not fn:
            _retire(ready)
            ready = None
        if ready is None:
            ready = self._pool(fn, shared, pool_context())
        finished = threading.Event()
        relay = threading.Thread(target=_relay, args=(stop, ready.event, finished),
                                 daemon=True)
        relay.start()
        try:
            yield from self._run(items, ready)
        except BrokenProcessPool as exc:     # from a result or from a later submit
            raise OptimizerError(_BROKEN_POOL) from exc
        finally:
            # Never set the Event once the workers are gone: their dead waiters would
            # block Event.set() for ever.
            finished.set()

    def _run(self, items: Iterable[Any], ready: _Ready) -> Iterator[Any]:
        source = iter(items)
        pool = ready.pool
        idle = False
        try:
            pending: set[Future[Any]] = set()
            exhausted = False
            while True:
                while not exhausted and len(pending) < self.processes:
                    item = next(source, _END)
                    if item is _END:
                        exhausted = True
                    else:
                        pending.add(pool.submit(run_task, item))
                if not pending:
                    break
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    result, stopped = fut.result()
                    self.memory_stops += stopped
                    yield result
            idle = True
        finally:
            # Every result in: the workers are idle and exit on their own; waiting for
            # them (freeing a piece's memory, 1.5 s at load 7) would only delay the
            # plan, past the time limit. Otherwise (an error, the caller gone) wait as
            # the context manager did.
            pool.shutdown(wait=not idle, cancel_futures=not idle)


# Python starts a spawned worker by re-running the caller's script (as __mp_main__):
# a script that calls optimizer.solve at top level, without the usual guard, runs its
# body again in every worker, which then dies. Notebooks and the CLI are not affected.
_BROKEN_POOL = (
    "a worker process died before finishing its task. From a script: Python starts "
    "every worker by re-running the script, so call optimizer.solve / optimizer.sweep "
    "under 'if __name__ == \"__main__\":' (or pass workers=1, which runs in this "
    "process). Otherwise the worker was killed, for instance for lack of memory "
    "(memory_gb= caps each worker's share).")


class DaskExecutor:
    """Tasks on a Dask distributed cluster: ``address`` ``"tcp://host:8786"`` of a running
    scheduler, or None for a LocalCluster on this machine (``n_workers`` processes of
    one thread each, loopback only)."""

    def __init__(self, address: str | None = None, *, client: Any = None,
                 n_workers: int | None = None, memory_gb: float | None = None) -> None:
        # memory_gb: split over the LocalCluster's workers (Dask's own per-worker
        # memory limit); on a running cluster, start workers with --memory-limit.
        distributed = _distributed()
        self._cluster: Any = None
        if client is not None:
            self.client = client
            self._own_client = False
        else:
            if address is None:
                n = n_workers or os.cpu_count() or 1
                self._cluster = distributed.LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None,
                    memory_limit=f"{memory_gb / n:.3f}GB" if memory_gb else "auto")
                address = self._cluster.scheduler_address
            self.client = distributed.Client(address)
            self._own_client = True

    @property
    def slots(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def map_unordered(self, fn: TaskFn, shared: Any, items: Iterable[Any],
                      stop: StopFlag | None = None) -> Iterator[Any]:
        distributed = _distributed()
        remote = self.client.submit(_same, shared, pure=False)
        source = iter(items)
        pending = distributed.as_completed()
        name = f"optimizer-stop-{uuid.uuid4().hex}"
        finished = threading.Event()
        if stop is not None:
            signal_ = distributed.Event(name, client=self.client)
            threading.Thread(target=_relay, args=(stop, signal_, finished),
                             daemon=True).start()

        def submit(n: int) -> None:
            for _ in range(n):
                item = next(source, _END)
                if item is _END:
                    return
                hurry = stop is not None and stop.is_set()
                pending.add(self.client.submit(_dask_work, fn, remote, item, hurry,
                                               name if stop is not None else None,
                                               pure=False))

        try:
            submit(self.slots)
            while not pending.is_empty():
                fut = next(pending)
                result = _dask_result(fut)
                fut.release()
                # Workers may join (or leave) while we run: top up to the current slots.
                submit(max(1, self.slots - pending.count()))
                yield result
        finally:
            finished.set()

    def close(self) -> None:
        if self._own_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def executor_from_spec(spec: str, processes: int = 0, memory_gb: float | None = None) -> \
        InProcessExecutor | LocalPoolExecutor | DaskExecutor:
    """``local``, ``inprocess``, ``dask`` (a LocalCluster) or ``dask=tcp://HOST:PORT``."""
    name, _, address = spec.partition("=")
    if name == "inprocess" and not address:
        return InProcessExecutor(memory_gb)
    if name == "local" and not address:
        return LocalPoolExecutor(processes, memory_gb)
    if name == "dask":
        return DaskExecutor(address or None, n_workers=processes or None, memory_gb=memory_gb)
    raise OptimizerError(f"--executor {spec!r}: expected local, inprocess, dask or "
                         "dask=tcp://HOST:PORT")


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise OptimizerError("the Dask executor needs dask.distributed: "
                             f"{CLUSTER_HINT}") from exc
    return distributed


def _flag() -> StopFlag:
    return StopFlag()


_END = object()


def _relay(stop: StopFlag, event: Any, finished: threading.Event) -> None:
    while not stop.is_set() and not finished.is_set():
        stop.wait(0.5)
    if not finished.is_set():
        event.set()


def _retire(ready: _Ready) -> None:
    """End a prestarted pool in a thread that holds its stop Event until the workers are
    gone. They may still be starting (importing) and read that Event as they start: once
    nothing here held it, its finalizer unlinked its semaphore and every such worker
    died printing a FileNotFoundError (a failed solve, Ctrl-C in the diagnosis). The
    caller does not wait; the interpreter's exit waits for the pool as it always did."""
    threading.Thread(target=_reap, args=(ready,), daemon=True, name="pool-retire").start()


def _reap(ready: _Ready) -> None:
    ready.pool.shutdown(wait=True, cancel_futures=True)   # ``ready`` (the Event) held till then


def _same(shared: Any) -> Any:
    """The shared data as a task's result, which Dask recomputes if it is lost."""
    return shared


def _dask_result(fut: Any) -> Any:
    """A task's result; the cluster's faults as an OptimizerError that says what
    happened (an exception of the task itself goes up unchanged)."""
    distributed = _distributed()
    try:
        return fut.result()
    except distributed.KilledWorker as exc:
        raise OptimizerError(f"a Dask worker died each time it ran a task ({exc}); the "
                             "piece was tried on other workers. Look at the workers' "
                             "logs (memory: dask worker --memory-limit)") from exc
    except (distributed.client.FutureCancelledError, OSError) as exc:
        raise OptimizerError(f"the Dask cluster lost a task ({exc}): is the scheduler "
                             "still running and reachable?") from exc


def _dask_work(fn: TaskFn, shared: Any, item: Any, hurry: bool, name: str | None) -> Any:
    flag = _flag()
    if hurry:
        flag.set()
    done = threading.Event()
    if name is not None and not hurry:
        import distributed

        # The worker's client is found only in the task's thread; the Event is made
        # and watched in another.
        client = distributed.get_client()
        threading.Thread(target=_watch_dask, args=(client, name, flag, done),
                         daemon=True).start()
    try:
        return fn(shared, item, flag)
    finally:
        done.set()


def _watch_dask(client: Any, name: str, flag: StopFlag, done: threading.Event) -> None:
    import distributed

    while not done.is_set():
        try:
            if distributed.Event(name, client=client).wait(timeout=1.0):
                flag.set()
                return
        except Exception:   # noqa: BLE001  (the scheduler went away: nothing to relay)
            return
