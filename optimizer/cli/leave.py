"""The command line's exit: end the process as soon as its work is done.

A time limit at the command line is a promise about the process (issue 16), and the
interpreter's teardown after ``main`` returns (freeing the modules and objects of
OR-Tools, pandas, shapely and the solved scenario) took 0.6-0.8 s at load 3-4 on the
2-core VM: ``solve --time-limit 15 --workers 1`` on the town preset (seed 23) ended
15.1-15.5 s after its start, main having returned at 14.6 s (the held-out sweep,
bench/heldout_sweep.py; bench/JOURNAL.md). The pool's workers already end this way
(:func:`optimizer.search.pool_worker.exit_now`). Nothing is lost: the atexit callbacks
still run (multiprocessing's, logging's, weakref finalizers), the standard streams are
flushed, and every file the commands write is closed by its ``with`` block.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import threading
from concurrent.futures.process import _ExecutorManagerThread
from typing import NoReturn


def leave(code: int) -> NoReturn:
    """Exit with ``code`` without the interpreter's teardown, unless a thread other than
    this one is still running (then the ordinary exit, which waits for it)."""
    if any(_has_work(t) for t in threading.enumerate()):
        sys.exit(code)
    if any(isinstance(t, _ExecutorManagerThread) and t.is_alive()
           for t in threading.enumerate()):
        # A pool shut down with every result in: its workers are ended here, not
        # waited for (multiprocessing's exit would join them, and one the manager had
        # not yet told to stop would never end).
        for child in multiprocessing.active_children():
            child.kill()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe: nothing left to say there
            pass
    os._exit(code)


def _has_work(thread: threading.Thread) -> bool:
    """Whether the exit must wait for ``thread``: a live non-daemon thread other than
    this one, except a process pool's manager. That one, once the pool is shut down,
    only sees its workers end, and they have handed in every result by then
    (:mod:`optimizer.search.executors`). Waiting for it took the ordinary exit:
    bench/wild.py seed 1251 (10 s, two workers) returned from ``main`` at 9.2-9.8 s
    with a worker still ending, and the process ended 0.3-0.7 s later, against 0.24 s
    with no worker left (bench/JOURNAL.md, session 46)."""
    return (thread is not threading.main_thread() and thread.is_alive()
            and not thread.daemon and not isinstance(thread, _ExecutorManagerThread))
