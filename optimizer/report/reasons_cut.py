"""The unit that is the only link between parts of a piece with no split
(optimizer/graph/cut.py): the sentence a no-partition exemption ends with, read back
into its record and written in Chinese.

Kept apart from :mod:`optimizer.report.reasons_exempt` (which stays under 400 lines and
imports this module, never the other way round).
"""

from __future__ import annotations

import re

from optimizer.plan.exemption import CutAt, Named, Side
from optimizer.report.ids_zh import join_zh, split_ids

_N = r"(\d[\d,]*)"
_UNITS = r"(?:rural villages?|urban compounds?)"
# optimizer.graph.cut.cut_text, as the engine writes it
CUT = (r"(?P<cut> The (?:rural village|urban compound) (?P<cunit>.+?) "
       r"\((?P<chh>\d[\d,]*) households\) is the only link between (?P<sides>.+?) of the "
       r"piece\. Were every other community within the bounds, the one holding it would take "
       r"of each of these parts all of it or a share that leaves it a whole number of "
       r"(?:urban|rural) communities of [\d,]+-[\d,]+ households \((?P<takes>.+?)\), and "
       r"with its own [\d,]+ households hold (?P<sizes>at most [\d,]+(?: or at least "
       r"[\d,]+)?|at least [\d,]+), never [\d,]+-[\d,]+\.)")
_CUT = re.compile(CUT)
_SIDE = re.compile(rf"the (?:{_N} )?{_UNITS} (?P<ids>.+?) \({_N} households\)(?:, | and |$)")
_LAST = re.compile(rf"the other (?:{_N} )?{_UNITS} \({_N} households\)$")
_SPAN = re.compile(rf"all {_N}|{_N}-{_N}|{_N}")
_ORDINALS = ("first", "second", "third", "fourth")


def _num(text: str) -> int:
    return int(text.replace(",", ""))


def _spans(text: str, total: int) -> tuple[tuple[int, int], ...] | None:
    out = []
    for part in text.split(" or "):
        m = _SPAN.fullmatch(part)
        if m is None:
            return None
        a = m.group(1) or m.group(2) or m.group(4)
        b = m.group(1) or m.group(3) or m.group(4)
        out.append((_num(a), _num(b)))
    return tuple(out) if out else None


def parse_cut(text: str | None) -> CutAt | None:
    """The record of :data:`CUT`'s words (None for none, or words it cannot read)."""
    m = _CUT.fullmatch(text) if text else None
    if m is None:
        return None
    body = m.group("sides")
    last = _LAST.search(body)
    if last is None:
        return None
    named = [(_num(a or "1"), ids, _num(h)) for a, ids, h in
             ((g.group(1), g.group("ids"), g.group(3)) for g in _SIDE.finditer(
                 body[:last.start()]))]
    takes = m.group("takes").split("; ")
    counts = [(n, Named(*split_ids(ids)), h) for n, ids, h in named] + [
        (_num(last.group(1) or "1"), None, _num(last.group(2)))]
    if len(takes) != len(counts):
        return None
    sides = []
    for i, ((n, who, h), take) in enumerate(zip(counts, takes, strict=True)):
        tail = f" of the {_ORDINALS[i]}" if i < len(_ORDINALS) else ""
        spans = _spans(take.removesuffix(tail), h) if tail and take.endswith(tail) else None
        if spans is None:
            return None
        sides.append(Side(who, n, h, spans))
    sizes = m.group("sizes")
    under = re.search(r"at most ([\d,]+)", sizes)
    over = re.search(r"at least ([\d,]+)", sizes)
    return CutAt(m.group("cunit"), _num(m.group("chh")), tuple(sides),
                 _num(under.group(1)) if under else 0, _num(over.group(1)) if over else 0)


def _span_zh(a: int, b: int, total: int) -> str:
    if a == b:
        return f"全部{a:,}户" if a == total else f"{a:,}户"
    return f"{a:,}–{b:,}户"


def cut_zh(c: CutAt, area: str, lo: int, hi: int) -> str:
    """The Chinese of :class:`CutAt` (``area`` urban/rural, the bounds lo..hi)."""
    unit = "自然村(村民小组)" if area == "rural" else "城市小区"
    kind = "农村" if area == "rural" else "城市"
    parts = [f"{unit}{join_zh(s.named.ids, s.named.more)}(共{s.households:,}户)"
             if s.named is not None else
             f"其余{s.units:,}个基本单元(共{s.households:,}户)" for s in c.sides]
    order = "一二三四"
    takes = ";".join(f"第{order[i]}部分:" + "或".join(_span_zh(a, b, s.households)
                                                     for a, b in s.shares)
                     for i, s in enumerate(c.sides))
    sizes = "或".join(x for x in (f"至多{c.under:,}户" if c.under else "",
                                  f"至少{c.over:,}户" if c.over else "") if x)
    return (f"其中{unit}{c.unit}({c.households:,}户)是本片区" + "与".join(parts)
            + "之间唯一的连接:若其他社区均符合规模要求,包含它的社区从每一部分或者取走全部,"
            f"或者只能取走使该部分剩余户数恰好可划分为整数个规模为{lo:,}–{hi:,}户的{kind}社区的"
            f"户数({takes}),连同其自身的{c.households:,}户,该社区{sizes},无法达到"
            f"{lo:,}–{hi:,}户。")


__all__ = ["CUT", "cut_zh", "parse_cut"]
