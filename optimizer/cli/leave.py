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
import os
import sys
import threading
from typing import NoReturn


def leave(code: int) -> NoReturn:
    """Exit with ``code`` without the interpreter's teardown, unless a thread other than
    this one is still running (then the ordinary exit, which waits for it)."""
    if any(t is not threading.main_thread() and t.is_alive() and not t.daemon
           for t in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe: nothing left to say there
            pass
    os._exit(code)
