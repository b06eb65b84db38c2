"""The checker's reading of a no-partition exemption's core sentence (graph/core_units.py
writes it; optimizer.checker.core_units proves it). Apart from the proof so that
optimizer.checker.claims can read the sentence without importing the proof, which reads
claims' Reading: one direction of imports, no circle."""

from __future__ import annotations

import re
from collections.abc import Callable

KIND = "named-core"

_N = r"(\d[\d,]*)"
_CORE = re.compile(
    rf" No non-overlapping connected \S+ communities of {_N}-{_N} households hold all of "
    r"the (?:rural villages|urban compounds) (?P<ids>.+?) \(the piece allows "
    r"(?P<holds>[\d, and]+?) such communities holding each\), so in every split a community "
    r"holding one of them breaks the bounds\.", re.S)

Read = tuple[list[int], list[str], tuple[int, int], tuple[int, ...]]


def _num(text: str) -> int:
    return int(text.replace(",", ""))


def read_core(text: str, ids_of: Callable[[str], tuple[list[int], list[str]]]
              ) -> tuple[str, Read | None]:
    """(the text without the sentence, (its units, names that are no unit, its bounds,
    its counts)) or (the text, None): ``ids_of`` reads 'a, b and c' as units."""
    m = _CORE.search(text)
    if m is None:
        return text, None
    units, unknown = ids_of(m.group("ids"))
    holds = tuple(_num(x) for x in re.split(r", | and ", m.group("holds")) if x.strip())
    return (text[:m.start()] + text[m.end():],
            (units, unknown, (_num(m.group(1)), _num(m.group(2))), holds))


__all__ = ["KIND", "Read", "read_core"]
