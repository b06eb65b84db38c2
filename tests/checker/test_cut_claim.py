"""The checker's own proof of the sentence naming the unit that is the only link between
parts of a piece with no split (optimizer/checker/cut.py), on a rural grid shaped like
wild seed 313's 钟庄街道 rest (20 villages of 888 households joined only through one
village of 305 to 20 of 1,810). On 5ce4d5c the checker read no such sentence: a wrong
link, a wrong part or wrong numbers passed on the strength of the "no split" proof."""

from __future__ import annotations

import random

import numpy as np
import pytest

from optimizer.checker.claims import read
from optimizer.checker.cut import allowed_shares, reachable
from optimizer.checker.proofs import Pieces, size_reading
from optimizer.graph.cut import reach, shares
from optimizer.scenario.model import Scenario
from tests.checker.test_flow_split import necked

HEAD = ("SIZE-RURAL: Town 'S1' (county 'C1'): the whole rural area, rural villages r0c0, "
        "r0c1, r0c2, r0c3, r0c5, r0c6, r0c7, r0c8, r1c0, r1c1 and 31 more, has 3,003 "
        "households, but no way to split it into connected rural communities of 1,000-1,500 "
        "households exists (SIZE-RURAL; every split of these 41 units was checked).")
LINK = (" The rural village r2c4 (305 households) is the only link between the 20 rural "
        "villages r0c0, r0c1, r0c2, r0c3, r1c0, r1c1, r1c2, r1c3, r2c0, r2c1 and 10 more "
        "(888 households) and the other 20 rural villages (1,810 households) of the piece. "
        "Were every other community within the bounds, the one holding it would take of "
        "each of these parts all of it or a share that leaves it a whole number of rural "
        "communities of 1,000-1,500 households (all 888 of the first; 310-810 or all 1,810 "
        "of the second), and with its own 305 households hold at least 1,503, never "
        "1,000-1,500.")


def verdict(s: Scenario, text: str) -> tuple[bool, str]:
    reading = read(s, "SIZE-RURAL", text.split(": ", 1)[1], "C1", "S1", "rural")
    return size_reading(s, Pieces(s), set(range(s.n_units)), reading)


def test_the_engine_text_is_the_one_tested_here() -> None:
    from optimizer.graph import diagnose

    s = necked(305)
    [d] = diagnose(s)
    assert d.record is not None and d.record.text.endswith(LINK)


def test_the_link_is_proved_by_the_checker_and_proves_no_split() -> None:
    s = necked(305)
    ok, why = verdict(s, HEAD + LINK)
    assert ok, why
    assert "without unit r2c4 it falls into parts of 888, 1810 households" in why
    assert "holding it at least 1503 households, never 1000..1500" in why
    assert "no split into connected communities of 1000..1500 exists" in why


@pytest.mark.parametrize("wrong, says", [
    # a unit that links nothing: the rest stays connected without it
    (LINK.replace("village r2c4 (305", "village r1c1 (19"), "is no link"),
    # a link, but not of the parts named: r2c3 cuts 19 villages off, not 20
    (LINK.replace("village r2c4 (305", "village r2c3 (24"), "not 20 and 888"),
    # the part named is not one the link leaves
    (LINK.replace("r0c0, r0c1, r0c2, r0c3, r1c0", "r0c5, r0c6, r0c7, r0c8, r1c5"),
     "is not one of the parts"),
    (LINK.replace("(888 households)", "(880 households)"), "not 20 and 880"),
    # the shares and the sizes stated are the checker's, or the sentence fails
    (LINK.replace("310-810 or all 1,810", "300-810 or all 1,810"), "shares it states"),
    (LINK.replace("at least 1,503", "at least 1,510"), "the checker finds 0 and 1503"),
    (LINK.replace("village r2c4 (305", "village r2c4 (300"), "it has 305"),
])
def test_a_wrong_link_sentence_fails(wrong: str, says: str) -> None:
    s = necked(305)
    ok, why = verdict(s, HEAD + wrong)
    assert not ok
    assert says in why, why


def test_a_link_that_does_not_make_it_impossible_fails() -> None:
    # the same grid with the neck at 1: its community can hold 1,000-1,500 (the left's
    # 888, the neck's 1 and 310-611 of the right), so the link proves nothing (the
    # piece, 2,699 households, splits; the sentence's numbers are the checker's own)
    s = necked(1)
    text = (HEAD.replace("3,003", "2,699") + LINK.replace("(305 households)", "(1 households)")
            .replace("own 305", "own 1").replace("at least 1,503", "at least 1,811"))
    ok, why = verdict(s, text)
    assert not ok
    assert "can hold 1199 households, within 1000..1500" in why, why


def test_the_arithmetic_agrees_with_the_solver_side() -> None:
    # two implementations (intervals in graph/cut.py, a table of sums here)
    rng = random.Random(313)
    for _ in range(100):
        lo, hi = rng.choice([(1000, 1500), (2000, 3000)])
        own = rng.randint(1, hi)
        totals = [rng.randint(1, 3 * hi) for _ in range(rng.randint(2, 4))]
        mine = [allowed_shares(t, lo, hi) for t in totals]
        for t, a in zip(totals, mine, strict=True):
            spans = np.zeros(t + 1, dtype=bool)
            for x0, x1 in shares(t, lo, hi):
                spans[x0:x1 + 1] = True
            assert np.array_equal(spans, a)
        table = reachable(own, mine)
        spans = np.zeros(len(table), dtype=bool)
        for x0, x1 in reach(own, [shares(t, lo, hi) for t in totals]):
            spans[x0:x1 + 1] = True
        assert np.array_equal(spans, table)

