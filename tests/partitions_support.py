"""Every set partition of a small list, for brute-force tests (Bell(9) = 21,147)."""

from __future__ import annotations

from collections.abc import Iterator


def set_partitions(items: list[int]) -> Iterator[list[list[int]]]:
    """Each partition once, as a list of blocks."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in set_partitions(rest):
        for i in range(len(part)):
            yield part[:i] + [[first, *part[i]]] + part[i + 1:]
        yield [[first], *part]
