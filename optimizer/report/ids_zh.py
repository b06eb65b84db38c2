"""Lists of ids as the engine and the checker print them, read back and written in
Chinese: one reading for every reason table of the report.

The English lists come in two shapes: ``a, b and c`` (optimizer.graph.diagnosis.list_ids)
and ``a, b, c and 5 more`` (the checker's notes, which name the first few). Four reason
tables each had their own reader, and one of them left "c and 5 more" untranslated.
"""

from __future__ import annotations

import re

_MORE = re.compile(r"^(?P<head>.*) and (?P<n>\d[\d,]*) more$")


def split_ids(text: str) -> tuple[tuple[str, ...], int]:
    """'a, b and c' -> ((a, b, c), 0); 'a, ..., j and 5 more' -> ((a, ..., j), 5)."""
    more = _MORE.match(text)
    if more:
        return (tuple(x.strip() for x in more.group("head").split(",") if x.strip()),
                int(more.group("n").replace(",", "")))
    return tuple(p.strip() for p in re.split(r",\s*|\s+and\s+", text) if p.strip()), 0


def join_zh(ids: tuple[str, ...], more: int = 0) -> str:
    """(a, b, c) -> 'a、b、c'; with 5 more -> 'a、b、c等8个' (the count is of all of them)."""
    return "、".join(ids) + (f"等{len(ids) + more:,}个" if more else "")


def ids_text_zh(text: str) -> str:
    """'a, b and c' -> 'a、b、c'; 'a, ..., j and 5 more' -> 'a、…、j等15个'."""
    return join_zh(*split_ids(text))
