"""A few units no non-overlapping communities within the bounds hold all of, the reason
a piece has no split (optimizer/graph/core_units.py): the sentence a no-partition
exemption ends with, read back into its record and written in Chinese.

Kept apart from :mod:`optimizer.report.reasons_exempt` (which stays under 400 lines and
imports this module, never the other way round).
"""

from __future__ import annotations

import re

from optimizer.plan.exemption import CoreAt, Named
from optimizer.report.ids_zh import join_zh, split_ids

# optimizer.graph.core_units.core_text, as the engine writes it
CORE = (r"(?P<core> No non-overlapping connected (?:urban|rural) communities of [\d,]+-[\d,]+ "
        r"households hold all of the (?:rural villages|urban compounds) (?P<coreids>.+?) "
        r"\(the piece allows (?P<coreholds>[\d,]+(?:(?:, | and )[\d,]+)*) such communities "
        r"holding each\), so in every split a community holding one of them breaks the "
        r"bounds\.)")
_CORE = re.compile(CORE)


def parse_core(text: str | None) -> CoreAt | None:
    """The record of :data:`CORE`'s words (None for none, or words it cannot read)."""
    m = _CORE.fullmatch(text) if text else None
    if m is None:
        return None
    ids, more = split_ids(m.group("coreids"))
    holds = tuple(int(x.replace(",", "")) for x in re.split(r", | and ", m.group("coreholds")))
    if more or len(holds) != len(ids):
        return None
    return CoreAt(Named(ids), holds)


def core_zh(c: CoreAt, area: str, lo: int, hi: int) -> str:
    """The Chinese of :class:`CoreAt` (``area`` urban/rural, the bounds lo..hi)."""
    unit = "自然村(村民小组)" if area == "rural" else "城市小区"
    kind = "农村" if area == "rural" else "城市"
    counts = "、".join(f"{n:,}" for n in c.holds)
    return (f"其中{unit}{join_zh(c.named.ids, 0)}无法同时被互不重叠、地域相连、规模为"
            f"{lo:,}–{hi:,}户的{kind}社区容纳(本片区内包含它们的此类社区分别只有{counts}个),"
            "因此任何划分中必有一个包含其中某一单元的社区不符合规模要求。")


__all__ = ["CORE", "core_zh", "parse_core"]
