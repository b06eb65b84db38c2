"""A link's or a core's sentence only on the communities holding what it names
(optimizer/search/named_only.py), on wild seed 300's 14-compound chain whose
diagnosis names the core r0c0, r0c4, r0c12 (tests/checker/test_core_claim.py)."""

from __future__ import annotations

from optimizer.checker.claims import read
from optimizer.checker.proofs import Pieces, size_reading
from optimizer.graph import diagnose
from optimizer.search.attempt import Choice
from optimizer.search.named_only import only_where_named, plain_of
from optimizer.search.piece_types import PieceResult
from optimizer.status import Status
from tests.checker.test_core_claim import CORE, HEAD, chain


def _choice(members: range) -> Choice:
    return Choice(members[0], tuple(members), "", None, None)


def test_the_core_sentence_stays_only_where_a_named_unit_is() -> None:
    s = chain()
    [d] = diagnose(s)
    record = d.record
    assert record is not None and record.text == HEAD + CORE
    got = plain_of(record)
    assert got is not None and got[0] == ("r0c0", "r0c4", "r0c12")
    assert got[1].text == HEAD and got[1].core is None
    # the soft model's plan, as it might be: both communities out of the bounds
    res = PieceResult(0, (_choice(range(0, 5)), _choice(range(5, 12)), _choice(range(12, 14))),
                      ((record,), (record,), ()), Status.FEASIBLE, 0.0, 0.0, "soft")
    out = only_where_named(s, res, record)
    assert [[e.text for e in exs] for exs in out.exemptions] == [[HEAD + CORE], [HEAD], []]
    # and the checker proves both: the core where it is held, the piece's no split
    # (its own search of the 14 units) where it is not
    for members, exs in ((set(range(0, 5)), out.exemptions[0]),
                         (set(range(5, 12)), out.exemptions[1])):
        reading = read(s, "SIZE-URBAN", exs[0].text.split(": ", 1)[1], "C1", "S1", "urban")
        ok, why = size_reading(s, Pieces(s), members, reading)
        assert ok, why


def test_a_record_naming_neither_is_left_as_it_is() -> None:
    s = chain()
    [d] = diagnose(s)
    assert d.record is not None
    bare = d.record.__class__(d.record.rule, d.record.kind, HEAD)
    res = PieceResult(0, (_choice(range(5, 12)),), ((bare,),), Status.FEASIBLE, 0.0, 0.0, "s")
    assert only_where_named(s, res, bare) is res
