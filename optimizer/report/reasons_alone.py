"""The part that makes a piece impossible to split (optimizer/graph/alone.py): the
sentences a no-partition exemption ends with, read back into their record and written
in Chinese.

Kept apart from :mod:`optimizer.report.reasons_exempt` (which stays under 400 lines and
imports this module, never the other way round).
"""

from __future__ import annotations

import re

from optimizer.plan.exemption import Alone, Named
from optimizer.report.ids_zh import join_zh, split_ids

_N = r"(\d[\d,]*)"
# optimizer.graph.alone.alone_text, as the engine writes it
ALONE = (r"(?P<alone> The (?:rural village|urban compound)s? (?P<aids>.+?) "
         rf"\({_N} households\) can (?:each )?only be a community on its own: with any "
         rf"neighbour (?:it|each) would pass {_N}\. (?P<whole>The other|A connected part of) "
         rf"{_N} units?(?: it leaves| they leave)? holds? {_N} households: (?:fewer than one "
         r"(?:urban|rural) community of [\d,]+-[\d,]+ needs|more than \d+ (?:urban|rural) "
         r"communit(?:y|ies) of [\d,]+-[\d,]+ can hold and fewer than \d+ need)\.)")
_ALONE = re.compile(ALONE)


def _num(text: str) -> int:
    return int(text.replace(",", ""))


def parse_alone(text: str | None) -> Alone | None:
    """The record of :data:`ALONE`'s words (None for none)."""
    m = _ALONE.fullmatch(text) if text else None
    if m is None:
        return None
    g = m.groups()
    return Alone(Named(*split_ids(m.group("aids"))), _num(g[2]), _num(g[5]), _num(g[6]),
                 m.group("whole") == "The other")


def alone_zh(a: Alone, area: str, lo: int, hi: int) -> str:
    """The Chinese of :class:`Alone` (``area`` urban/rural, the bounds lo..hi)."""
    unit = "自然村(村民小组)" if area == "rural" else "城市小区"
    kind = "农村" if area == "rural" else "城市"
    n = len(a.named.ids) + a.named.more
    who = (f"其中{unit}{join_zh(a.named.ids, a.named.more)}(共{a.households:,}户)"
           f"{'各自' if n > 1 else ''}只能单独成为一个社区(并入任一相邻基本单元即超过{hi:,}户);")
    part = (f"其余{a.part_units:,}个基本单元" if a.whole_rest
            else f"{'它们' if n > 1 else '它'}隔出的一片相连的{a.part_units:,}个基本单元")
    k = a.part_households // hi
    fits = (f"不足一个{kind}社区所需的{lo:,}户" if k == 0 else
            f"多于{k}个规模为{lo:,}–{hi:,}户的{kind}社区所能容纳、少于{k + 1}个社区所需")
    return f"{who}{part}共{a.part_households:,}户,{fits}。"


__all__ = ["ALONE", "alone_zh", "parse_alone"]
