"""A no-partition exemption that names a core, kept on the communities holding a unit
of it.

The diagnosis (optimizer/graph/diagnosis.py) proves a piece has no split and, where it
can, names the part that makes it so. A core of a few units (graph/core_units.py)
proves that in every split some community holding one of them breaks the bounds. The
last resort, the soft model, stamps the piece's record on every community it leaves
outside the bounds; on one that holds none of the core's units that sentence proves
nothing (SIZE-URBAN / SIZE-RURAL: the checker, optimizer/checker/proofs.py, rejects
it), so there the exemption keeps the piece's no-split words alone, which the checker
proves by its own search of the piece where it can. A link unit's sentence
(graph/cut.py) stays wherever it is: it proves only that the community holding the
link breaks the bounds were every other within them, so the community outside them
may be another (tests/search/test_least_miss.py).
"""

from __future__ import annotations

import dataclasses

from optimizer.graph.core_units import core_text
from optimizer.plan.exemption import Exemption
from optimizer.scenario.model import Scenario
from optimizer.search.piece_types import PieceResult


def plain_of(record: Exemption) -> tuple[tuple[str, ...], Exemption] | None:
    """The ids a no-partition record names as its core, and the record without that
    sentence; None where it names none."""
    if record.core is None:
        return None
    ids = record.core.named.ids
    words = core_text(record.core, record.area, record.lo, record.hi)
    if not record.text.endswith(words):
        return None
    return ids, dataclasses.replace(record, text=record.text[:-len(words)], core=None)


def only_where_named(scenario: Scenario, res: PieceResult, record: Exemption) -> PieceResult:
    """``res`` with ``record``'s core sentence only on the communities holding a unit of
    the core (the others: the record without it)."""
    got = plain_of(record)
    if got is None:
        return res
    ids, plain = got
    wanted = set(ids)
    named = {u for u, i in enumerate(scenario.unit_ids) if i in wanted}
    out = tuple(exs if named & set(ch.members) else
                tuple(plain if ex == record else ex for ex in exs)
                for ch, exs in zip(res.choices, res.exemptions, strict=True))
    return res if out == res.exemptions else dataclasses.replace(res, exemptions=out)


__all__ = ["only_where_named", "plain_of"]
