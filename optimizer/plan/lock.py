"""One writer per output folder: an OS lock beside it (issue 14).

Two ``solve`` runs into one folder used to run side by side, share the finished
pieces in ``OUT.pieces/`` and swap their plans in turn. :func:`output_lock` takes an
exclusive ``flock`` on ``.OUT.lock`` in the folder's parent (beside the folder, not in
it: the folder itself is renamed when a new plan replaces it). The kernel releases the
lock when its process ends, however it ends, so ``kill -9`` leaves no lock that blocks
the next run. The file holds the holder's pid, host, start time and command, so a
second run can say who holds it; it is removed when the lock is released.

Creating the lock file is also the up-front proof that the parent folder is writable
(a read-only folder fails here, before any solving). The lock is reentrant within a
process: ``write_plan`` takes it again inside the CLI's ``solve``. On a network file
system, ``flock`` may not exclude writers on other machines.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from optimizer.errors import OutputError

_HELD: dict[str, list[int]] = {}     # lock path -> [fd, depth], this process's locks
_GUARD = threading.Lock()


def output_path(out: str | os.PathLike[str]) -> Path:
    """``out`` as an absolute, normalised path that names a folder (not / or ..)."""
    path = Path(os.path.normpath(Path(out).absolute()))
    if path.name in ("", ".", ".."):
        raise OutputError(f"{path} cannot be an output folder: name a folder inside it")
    if path.is_symlink():
        raise OutputError(f"{path} is a symbolic link: give the folder it points to "
                          f"({os.path.realpath(path)}) instead")
    return path


def describe(exc: OSError) -> str:
    """An OSError in plain words with the path it concerns."""
    text = exc.strerror or str(exc)
    if exc.filename is not None:
        text += f": {exc.filename}"
    if exc.filename2 is not None:
        text += f" -> {exc.filename2}"
    return text


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(info["since"])))
        return (f"pid {int(info['pid'])} on {info['host']}, since {since}: "
                f"{' '.join(str(a) for a in info['command'])}")
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that has not yet said who it is"


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - the project's CI runs on Linux
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _acquire(path: Path, folder: Path) -> int:
    """Open, lock and claim ``path``; retry when the file was replaced meanwhile (its
    last holder removes it while still holding it, so we may have locked a dead inode)."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write into {path.parent} ({describe(exc)}): choose "
                              "an output folder you can write to; nothing was done") from exc
        if not _try_lock(fd):
            os.close(fd)
            raise OutputError(f"{folder} is being written by another "
                              f"run ({_holder(path)}). Wait for it to finish or stop it, or "
                              "choose another output folder; nothing was done")
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _claim(fd: int) -> None:
    info = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time(),
            "command": [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv else []}
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(info).encode())
    except OSError:  # the lock holds without the note (disk full): only "who" is lost
        pass


@contextlib.contextmanager
def output_lock(out: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the exclusive lock of output folder ``out`` (creating its parent folders);
    raise :class:`OutputError` at once when another process holds it or the parent
    cannot be written. Yields the normalised path of ``out``."""
    folder = output_path(out)
    path = lock_path(folder)
    key = str(path)
    with _GUARD:
        held = _HELD.get(key)
        if held is not None:
            held[1] += 1
        else:
            try:
                folder.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot create the folder {folder.parent} "
                                  f"({describe(exc)}): choose an output folder you can "
                                  "write to; nothing was done") from exc
            fd = _acquire(path, folder)
            _claim(fd)
            _HELD[key] = [fd, 1]
    try:
        yield folder
    finally:
        with _GUARD:
            held = _HELD[key]
            held[1] -= 1
            if held[1] == 0:
                del _HELD[key]
                with contextlib.suppress(OSError):
                    path.unlink()          # while still locked: see _acquire
                os.close(held[0])
