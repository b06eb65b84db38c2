"""How a local process pool starts its workers: forked from a fork server that has
imported the search once, where the platform has one (Linux, macOS), else spawned.

Why: a spawned worker imports the search itself (OR-Tools, SciPy, pandas, NetworkX)
before its first task, and every piece's clock counts from its hand-out, so that start
came off the pieces' budgets: 1.7-2.2 s a worker at load 6-8 on two cores, 3.4-6.3 s at
load 8-10 (bench/JOURNAL.md, session 28: the two-piece towns' street lost it whatever
the diagnosis). Forked from a server that has the modules already, a worker starts in
0.2 s; the server's one import runs beside the caller's own (the command line starts it
first thing, :func:`warm`) instead of once per worker after the hand-out.

Pure standard library (the bottom layer): the command line calls :func:`warm` before it
imports the search, which would take the 1.5 s the server should run beside.
"""

from __future__ import annotations

import multiprocessing as mp
from multiprocessing.context import BaseContext

# What a pool worker imports to run a piece (optimizer.search.dispatch._work and all
# it calls); the server imports it once, each worker inherits it.
PRELOAD = ["optimizer.search.dispatch"]


def pool_context() -> BaseContext:
    """The start method's context for a local pool: ``forkserver`` with the search
    preloaded where available, else ``spawn``. Never plain ``fork``: the caller has
    threads (the clock's, CP-SAT's), which a fork would copy mid-state."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)     # no effect once the server runs
    return ctx


def warm() -> None:
    """Start the fork server now, so that its import of the search runs beside the
    caller's reading and diagnosis of the scenario; a no-op where pools spawn, or when
    the server runs already. The server ends with this process (its pipe closes)."""
    if pool_context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    forkserver.ensure_running()


def via_server(ctx: BaseContext) -> bool:
    """Whether ``ctx``'s workers are forked by a server (their parent is the server,
    not the caller: optimizer.search.pool_worker.watch_caller)."""
    return ctx.get_start_method() == "forkserver"
