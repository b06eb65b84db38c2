"""A few units no non-overlapping communities within the bounds hold all of, named in a
no-partition exemption where no single unit links the piece's parts
(optimizer/graph/core_units.py). The chain is wild seed 300's 城关镇 urban piece (14
compounds in a row, 7,948 households, 2,000-3,000): on c9a26b8 its exemption named the
whole piece and no part of it (every inner compound is a link, but none proves it)."""

from __future__ import annotations

import itertools

from optimizer.graph import diagnose
from optimizer.graph.core_units import _groups, core_units, held
from optimizer.report.reasons_exempt import parse_exemption, reason_zh
from optimizer.scenario.build import grid_scenario
from tests.checker.test_core_claim import CORE, chain


def test_the_chain_names_three_compounds() -> None:
    # r0c0 reaches 2,000 only as r0c0-r0c3 (2,005); r0c12 only with r0c5..r0c11 or
    # r0c6..r0c11; r0c4 (1,509) can then take neither side
    [d] = diagnose(chain())
    assert d.reason == "no-partition" and d.record is not None
    c = d.record.core
    assert c is not None and c.named.ids == ("r0c0", "r0c4", "r0c12") and c.holds == (1, 17, 2)
    assert d.record.cut is None and d.record.alone is None
    assert d.message.endswith(CORE)


def test_the_words_read_back_to_their_record_and_into_chinese() -> None:
    [d] = diagnose(chain())
    assert d.record is not None
    got = parse_exemption(d.record.text)
    assert got == d.record
    zh = reason_zh(got)
    assert "其中城市小区r0c0、r0c4、r0c12无法同时被互不重叠" in zh
    assert "分别只有1、17、2个" in zh


def test_a_link_still_comes_first_and_a_split_names_nothing() -> None:
    # a village of 1,200 linking three too small to be communities (tests/graph/test_cut)
    s = grid_scenario([[None, 300, None], [300, 1200, 400]], kind="rural")
    [d] = diagnose(s)
    assert d.record is not None and d.record.cut is not None and d.record.core is None
    # the chain with room: it splits, so no diagnosis at all
    assert diagnose(grid_scenario([[1000, 1000, 1000, 1000, 1000, 1000]], kind="urban")) == []


def _brute(groups: list[int], need: int) -> bool:
    """Whether some non-overlapping groups hold all of ``need`` (every subset tried)."""
    useful = [g for g in groups if g & need]
    for r in range(1, need.bit_count() + 1):
        for pick in itertools.combinations(useful, r):
            union = 0
            for g in pick:
                if union & g:
                    break
                union |= g
            else:
                if union & need == need:
                    return True
    return False


def test_held_agrees_with_brute_force_and_every_core_is_one() -> None:
    s = chain()
    units = list(range(s.n_units))
    groups = _groups(s, units, 2000, 3000)
    assert groups is not None
    holds: list[list[int]] = [[g for g, m in enumerate(groups) if m >> k & 1] for k in units]
    for need in (0b1, 0b10001, 0b1000000010001, 0b1100000000001, 0b11000000000000,
                 0b1000000010000, 0b11111):
        assert held(need, groups, holds) == _brute(groups, need), bin(need)
    got = core_units(s, units, 2000, 3000)
    assert got is not None
    mask = sum(1 << u for u in got[0])
    assert not _brute(groups, mask)
    # and it is minimal: without any one of its units the rest are held
    assert all(_brute(groups, mask & ~(1 << u)) for u in got[0])
