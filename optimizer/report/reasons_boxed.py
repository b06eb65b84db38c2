"""The clauses of boxed-in oversized units (optimizer/graph/boxed.py) in an exemption:
read back from communities.csv's words into :class:`optimizer.plan.exemption.Boxed`
records (:func:`split_boxed`), and said in Chinese from the records (:func:`boxed_zh`).
Apart from :mod:`optimizer.report.reasons_exempt`, which calls both."""

from __future__ import annotations

import re

from optimizer.plan.exemption import Boxed, Named

_BOXED = re.compile(
    r" It also holds the (?:rural village|urban compound) (?P<unit>.+?) \((?P<hh>\d[\d,]*) "
    r"households, above the maximum\)(?:, joined through the (?:rural villages?|urban "
    r"compounds?) (?P<ids>.+?) \((?P<phh>\d[\d,]*) households\))?: no place for a service "
    r"center can be reached from it without passing through another unit above the maximum "
    r"or the units that unit's community took \(ONE-STATION\)\.")
_MORE = re.compile(r"^(?P<head>.*) and (?P<more>\d[\d,]*) more$")


def _num(text: str) -> int:
    return int(text.replace(",", ""))


def _named(text: str) -> Named:
    more = _MORE.match(text)
    if more:
        return Named(tuple(x.strip() for x in more.group("head").split(",")),
                     _num(more.group("more")))
    return Named(tuple(p.strip() for p in re.split(r",\s*|\s+and\s+", text) if p.strip()))


def split_boxed(body: str) -> tuple[str, tuple[Boxed, ...]]:
    """The words without the boxed clauses (they end the text), and their records."""
    found = list(_BOXED.finditer(body))
    if not found or found[-1].end() != len(body):
        return body, ()
    start = found[0].start()
    if "".join(m.group(0) for m in found) != body[start:]:
        return body, ()
    out = tuple(Boxed(m.group("unit"), _num(m.group("hh")),
                      _named(m.group("ids")) if m.group("ids") else None,
                      _num(m.group("phh")) if m.group("phh") else 0) for m in found)
    return body[:start], out


def boxed_zh(boxed: tuple[Boxed, ...], area: str) -> str:
    """Each boxed-in unit that joined, in Chinese."""
    unit = "自然村(村民小组)" if area == "rural" else "城市小区"
    out = []
    for b in boxed:
        via = ""
        if b.path is not None:
            ids = "、".join(b.path.ids) + (f"等{len(b.path.ids) + b.path.more:,}个"
                                          if b.path.more else "")
            via = f",经由{unit}{ids}(共{b.path_households:,}户)与之相连"
        out.append(f"其所在社区另含超规模的{unit}{b.unit}(共{b.households:,}户){via}:"
                   f"{b.unit}本身无设置社区服务中心之处,且不经过其他超规模基本单元或其所在社区"
                   "已占用的基本单元,便无法到达任何可设服务中心之处(ONE-STATION)。")
    return "".join(out)


__all__ = ["boxed_zh", "split_boxed"]
