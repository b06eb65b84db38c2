"""The worker side of :class:`optimizer.search.executors.LocalPoolExecutor`: what runs
inside each pool process.

The pool pickles :func:`init_worker` and :func:`run_task` by reference, so they live at
a module's top level; the fork server (:mod:`optimizer.poolstart`) preloads
``optimizer.search.dispatch``, which imports this module, so a forked worker finds it
imported. Kept apart from the executors so that the caller's side (pools, Dask, the
relay of Ctrl-C) and the worker's side (its stop flag, the watch on its caller, its
fast exit) can each be read alone.
"""

from __future__ import annotations

import multiprocessing.util as mp_util
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from optimizer.search.memory import guarded, memory_stopped
from optimizer.search.stop import StopFlag

TaskFn = Callable[[Any, Any, StopFlag], Any]

_WORKER: dict[str, Any] = {}    # per pool worker process: the task function and shared data


def init_worker(fn: TaskFn, shared: Any, event: Any, limit: int | None, parent: int,
          server: bool = False) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    flag = StopFlag()
    _WORKER.update(fn=fn, shared=shared, stop=flag, event=event, limit=limit)
    # Forked by a fork server (optimizer.poolstart), this worker's parent is the
    # server, which ends with the caller; spawned, it is the caller itself.
    home = os.getppid() if server else parent
    threading.Thread(target=watch_caller, args=(event, flag, parent, home), daemon=True).start()
    # The last of the worker's exit steps: end the process there. A spawned worker
    # otherwise tears its interpreter down (ortools, scipy, pandas: 1.4 s at load 7,
    # 0.1 s without them), and the caller's interpreter waits for its workers at exit:
    # the CLI's run outlasted its plan by that much. Every result has been sent by
    # then (the result queue is written synchronously).
    mp_util.Finalize(None, exit_now, exitpriority=-100)


def exit_now() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def watch_caller(event: Any, flag: StopFlag, parent: int, home: int | None = None) -> None:
    """End this worker once its caller is gone (kill -9), checked every second.
    ``parent`` is the caller's pid as the caller gave it, not ``os.getppid()`` read
    here: a caller killed while this worker was still starting (importing, seconds on
    a loaded machine) has already left it to init, and the worker would wait on the
    pool's queue for ever (it holds that queue's write end itself: no EOF comes).
    ``home``: the parent this worker must keep (default ``parent``); a fork server's
    worker keeps the server (which exits when the caller does) and checks the caller
    too (a caller killed before the fork left the worker to init at once)."""
    home = parent if home is None else home

    def there() -> bool:
        return os.getppid() == home and (home == parent or alive(parent))

    while there() and not event.wait(1.0):
        pass
    if not there():     # the caller was killed: do not run on
        os._exit(70)
    flag.set()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:     # there, someone else's
        return True
    return True


def run_task(item: Any) -> tuple[Any, bool]:

    with guarded(_WORKER["stop"], _WORKER["limit"]) as flag:
        result = _WORKER["fn"](_WORKER["shared"], item, flag)
    return result, memory_stopped(flag)
