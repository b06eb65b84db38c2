"""A memory budget for a solve or a sweep (``--memory-gb``, ``memory_gb=``).

Two mechanisms, both simple and soft on purpose:

- **Fewer processes.** A spawned worker holds 0.16 GB before any work (Python,
  OR-Tools, the city scenario without geometry; measured), and a piece model needs room
  beyond that: the local pool runs only as many processes as get at least
  :data:`WORKER_FLOOR_GB` each once the calling process's own resident memory is set
  aside (at least one).
- **A share per task.** Each running task gets an equal share of what is left; a
  watchdog thread reads its process's resident memory 5 times a second and, when it
  passes that share, raises the task's stop flag: the task takes the same lighter path
  as after a Ctrl-C (a piece returns its best plan so far, or its first feasible one,
  without the bound model; a sweep point returns an interrupted plan). The piece's
  ``method`` says so. After each task the memory it freed is handed back
  (``malloc_trim``): glibc keeps it otherwise, and on the city every later task then
  started above its share (bench/JOURNAL.md, "Memory budget on the city").

Why not ``RLIMIT_AS``: CP-SAT allocates in its own C++ threads, where a failed
allocation aborts the whole worker process (and with it the pool) instead of raising a
``MemoryError`` the task could catch; the address-space limit also counts reserved,
unused memory (thread stacks, malloc arenas), which is several GB for OR-Tools. The
watchdog cannot stop one allocation larger than the headroom between two reads, so the
bound is on sustained memory, not a hard ceiling. Linux only (``/proc``); elsewhere
the budget sets the number of processes and the watchdog is off.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from optimizer.search.stop import StopFlag

GB = 1024**3
WORKER_FLOOR_GB = 0.5   # the least share worth a process (0.16 GB idle + a model)
POLL_S = 0.2


def rss_bytes(pid: int | str = "self") -> int:
    """Resident memory of a process now (0 where ``/proc`` is missing)."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def plan_processes(memory_gb: float, processes: int) -> tuple[int, int]:
    """How many worker processes fit in ``memory_gb`` beside this process, and the
    share (bytes) each one's task may use."""
    left = memory_gb * GB - rss_bytes()
    fit = int(left // (WORKER_FLOOR_GB * GB))
    procs = max(1, min(processes, fit))
    return procs, max(1, int(left / procs))    # below what a task needs: all go light


_TRIPPED: weakref.WeakSet[StopFlag] = weakref.WeakSet()   # flags the watchdog raised


@contextmanager
def guarded(outer: StopFlag, limit_bytes: int | None) -> Iterator[StopFlag]:
    """The flag a task should watch: ``outer`` itself without a limit; else a flag also
    raised when this process's resident memory passes ``limit_bytes``."""
    if not limit_bytes or rss_bytes() == 0:
        yield outer
        return
    flag = StopFlag()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(POLL_S):
            if outer.is_set():
                flag.set()
                return
            if rss_bytes() > limit_bytes:
                _TRIPPED.add(flag)
                flag.set()
                return

    if outer.is_set():
        flag.set()
    elif rss_bytes() > limit_bytes:     # over budget already: light from the start
        _TRIPPED.add(flag)
        flag.set()
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield flag
    finally:
        done.set()
        thread.join()
        release()


def release() -> None:
    """Hand memory a finished task freed back to the system (glibc keeps it otherwise,
    and the next task would start above its share)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def memory_stopped(flag: StopFlag) -> bool:
    """True when ``flag`` was raised by the memory watchdog (not by the caller)."""
    return flag in _TRIPPED
