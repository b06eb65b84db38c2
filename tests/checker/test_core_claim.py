"""The checker's own proof of the core sentence of a no-partition exemption
(optimizer/checker/core_units.py) on wild seed 300's 14-compound chain. On c9a26b8
the checker read no such sentence: wrong units, counts or bounds passed on the strength
of its own "no split" proof of the piece."""

from __future__ import annotations

import pytest

from optimizer.checker.claims import read
from optimizer.checker.proofs import Pieces, size_reading
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario

CHAIN = [822, 414, 400, 369, 1509, 40, 71, 140, 115, 142, 460, 362, 718, 2386]
CORE = (" No non-overlapping connected urban communities of 2,000-3,000 households hold all "
        "of the urban compounds r0c0, r0c4 and r0c12 (the piece allows 1, 17 and 2 such "
        "communities holding each), so in every split a community holding one of them "
        "breaks the bounds.")


def chain() -> Scenario:
    return grid_scenario([list(CHAIN)], kind="urban")

HEAD = ("SIZE-URBAN: Town/street 'S1' (county 'C1'): the whole urban area, urban compounds "
        "r0c0, r0c1, r0c2, r0c3, r0c4, r0c5, r0c6, r0c7, r0c8, r0c9 and 4 more, have 7,948 "
        "households, but no way to split them into connected urban communities of "
        "2,000-3,000 households exists (SIZE-URBAN; every split of these 14 units was "
        "checked).")


def verdict(s: Scenario, text: str) -> tuple[bool, str]:
    reading = read(s, "SIZE-URBAN", text.split(": ", 1)[1], "C1", "S1", "urban")
    return size_reading(s, Pieces(s), set(range(s.n_units)), reading)


def test_the_engine_text_is_the_one_tested_here() -> None:
    from optimizer.graph import diagnose

    [d] = diagnose(chain())
    assert d.record is not None and d.record.text == HEAD + CORE


def test_the_core_is_proved_by_the_checker_and_proves_no_split() -> None:
    ok, why = verdict(chain(), HEAD + CORE)
    assert ok, why
    assert "no non-overlapping connected communities of 2000..3000 hold all of r0c0, r0c4, " \
           "r0c12 (1, 17, 2 hold each" in why
    assert "so no split into connected communities of 2000..3000 exists" in why


@pytest.mark.parametrize("wrong, says", [
    # two units that non-overlapping communities do hold (r0c0-r0c3 and r0c5-r0c12)
    (CORE.replace("r0c0, r0c4 and r0c12", "r0c0 and r0c12").replace("1, 17 and 2", "1 and 2"),
     "can hold all of r0c0, r0c12"),
    (CORE.replace("1, 17 and 2", "1, 16 and 2"), "hold unit r0c4; the checker finds 17"),
    (CORE.replace("1, 17 and 2", "1 and 17"), "states 2 counts for the 3 units"),
    (CORE.replace("2,000-3,000", "2,000-3,100"), "it states the bounds (2000, 3100)"),
    (CORE.replace("r0c4 and", "r9c4 and"), "'r9c4', which is not a unit"),
])
def test_a_wrong_core_sentence_fails(wrong: str, says: str) -> None:
    ok, why = verdict(chain(), HEAD + wrong)
    assert not ok
    assert says in why, why


def test_a_core_outside_the_piece_fails() -> None:
    # the chain cut in two by a missing link: the named units are not all in one piece
    s = grid_scenario([[822, 414, 400, 369, 1509, 40, 71, None, 115, 142, 460, 362, 718,
                        2386]], kind="urban")
    reading = read(s, "SIZE-URBAN", (HEAD + CORE).split(": ", 1)[1], "C1", "S1", "urban")
    ok, why = size_reading(s, Pieces(s), set(range(7)), reading)
    assert not ok
    assert "not all in the piece of its units" in why, why


def test_a_community_holding_none_of_the_core_fails() -> None:
    """The core proves that a community holding r0c0, r0c4 or r0c12 breaks the bounds,
    not that r0c5-r0c11 (1,330 households) must: exempt on that ground, it fails. On
    eec978e it passed on the strength of the piece's own no-split proof."""
    s = chain()
    reading = read(s, "SIZE-URBAN", (HEAD + CORE).split(": ", 1)[1], "C1", "S1", "urban")
    ok, why = size_reading(s, Pieces(s), set(range(5, 12)), reading)
    assert not ok
    assert "names r0c0, r0c4, r0c12 as what makes the split impossible, and holds none" in why
    ok, why = size_reading(s, Pieces(s), set(range(4, 12)), reading)
    assert ok, why
