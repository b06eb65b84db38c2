"""Ctrl-C (SIGINT) and SIGTERM stop a solve, which still returns its best plan.

Why the handlers alone were not enough (a SIGINT 4 s into a 30 s solve of the demo ran
to the end with ``interrupted: false``, ten SIGINTs did not stop it, SIGTERM killed it
with no plan):

- CP-SAT catches SIGINT itself while it solves (``catch_sigint_signal``, on by
  default) and treats it as its own time limit: one model stopped, the solve went on.
  Our models turn that off (:mod:`optimizer.search.attempt`, :mod:`optimizer.model.setpart`).
- Python runs a signal handler only when the main thread is back in the interpreter;
  with one worker the main thread sits in CP-SAT's C++ code for a whole model. So the
  handlers also get a wake-up file descriptor (:func:`signal.set_wakeup_fd`): the C
  level writes each signal's number there at once, and a watcher thread raises the
  stop flag, which stops the running model (``StopSearch`` is thread-safe).
- SIGTERM had no handler: it is now handled like SIGINT.

A second signal gives up on the plan: :class:`Interrupted` (a KeyboardInterrupt) is
raised in the main thread; what was already written stays (the checkpoint of
finished pieces, the plan folder written atomically or not at all).

Handlers are installed only in the main thread of the main process: pool and Dask
workers hear of a stop through their executor.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType

from optimizer.search.stop import StopFlag

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A second Ctrl-C or SIGTERM: stop now, without waiting for the plan."""


@dataclass
class Heard:
    """How many stop signals arrived (and the last one), for the caller's message."""

    count: int = 0
    handled: int = 0
    last: int = 0

    @property
    def name(self) -> str:
        return signal.Signals(self.last).name if self.last else ""


@contextlib.contextmanager
def stop_on_signals(stop: StopFlag) -> Iterator[Heard]:
    """While inside: the first SIGINT or SIGTERM raises ``stop`` (at once, even while
    the main thread is inside a solver), a second raises :class:`Interrupted`."""
    if _ACTIVE and _ACTIVE[-1][0] is stop:     # the caller's (the CLI's) handlers stand
        yield _ACTIVE[-1][1]
        return
    heard = Heard()
    if threading.current_thread() is not threading.main_thread() \
            or multiprocessing.parent_process() is not None:
        yield heard
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        heard.handled += 1
        heard.last = signum
        stop.set()
        if max(heard.handled, heard.count) >= 2:
            raise Interrupted(signal.Signals(signum).name)

    reader, writer = socket.socketpair()
    writer.setblocking(False)
    watcher = threading.Thread(target=_watch, args=(reader, stop, heard), daemon=True,
                               name="optimizer-signals")
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    old_fd = -1
    try:
        for s in SIGNALS:
            signal.signal(s, handler)
        old_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        watcher.start()
        _ACTIVE.append((stop, heard))
        yield heard
    finally:
        if _ACTIVE and _ACTIVE[-1][1] is heard:
            _ACTIVE.pop()
        signal.set_wakeup_fd(old_fd)
        for s, h in previous.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)
        writer.close()              # the watcher reads end-of-file and returns
        if watcher.is_alive():
            watcher.join(timeout=5)
        reader.close()


_ACTIVE: list[tuple[StopFlag, Heard]] = []    # installed handlers, innermost last


def _watch(reader: socket.socket, stop: StopFlag, heard: Heard) -> None:
    wanted = {int(s) for s in SIGNALS}
    while True:
        try:
            data = reader.recv(64)
        except OSError:
            return
        if not data:
            return
        for byte in data:
            if byte in wanted:
                heard.count += 1
                heard.last = byte
                stop.set()
