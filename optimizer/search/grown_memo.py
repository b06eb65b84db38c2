"""Region growing's last few results, by what they are computed from.

:func:`optimizer.search.heuristic.grow_regions` is a pure function of the piece (its
units, households, neighbours, coordinates and bounds), the hosts and the number of
attempts, and one piece asks for it up to four times: the listing's start
(optimizer.search.starts), the large pieces' search (optimizer.search.piece_large), the
soft plan's start (optimizer.search.piece_common) and the last resort, each 0.5-1.5 s
on a 204-compound street. A stopped piece runs them one after the other after its
stop (bench/wild.py seed 785, 10 s, one worker: 3.5 s from the stop to the piece's
return). Kept per process, a few entries, and handed out as copies, so no caller sees
another's changes; the plans do not change, only the time."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

import numpy as np

from optimizer.model.piece import PieceData
from optimizer.search.hosts import Hosts

MEMO_SIZE = 4
Regions = list[list[int]]
Grow = Callable[[PieceData, int, Hosts | None], Regions]

_SEEN: list[tuple[bytes, Regions]] = []
_LOCK = threading.Lock()


def _digest(data: PieceData, attempts: int, hosts: Hosts | None) -> bytes:
    h = hashlib.blake2b(digest_size=20)
    for arr in (data.units, data.weights, data.x, data.y):
        h.update(np.ascontiguousarray(arr).tobytes())
        h.update(b"|")
    h.update(repr((data.lo, data.hi, attempts, data.nbrs)).encode())
    if hosts is not None:
        for part in (hosts.most, hosts.imposed, hosts.marked, hosts.timely):
            h.update(b"-" if part is None else np.ascontiguousarray(part).tobytes())
            h.update(b"|")
    return h.digest()


def remembered(grow: Grow, data: PieceData, attempts: int, hosts: Hosts | None) -> Regions:
    """``grow(data, attempts, hosts)``, or its copy from an earlier call on the same
    inputs."""
    key = _digest(data, attempts, hosts)
    with _LOCK:
        for k, (seen, regions) in enumerate(_SEEN):
            if seen == key:
                _SEEN.insert(0, _SEEN.pop(k))
                return [list(r) for r in regions]
    regions = grow(data, attempts, hosts)
    with _LOCK:
        _SEEN.insert(0, (key, [list(r) for r in regions]))
        del _SEEN[MEMO_SIZE:]
    return regions
