"""The unit that is the only link between parts of a piece with no split
(optimizer/graph/cut.py), named in the exemption: a rural grid shaped like wild seed
313's 钟庄街道 rest (20 villages of 888 households joined only through one village of
305 to 20 of 1,810). On 5ce4d5c the exemption named the whole 41-village piece and no
part of it ("every split of these 41 units was checked")."""

from __future__ import annotations

import random

from optimizer.graph import diagnose
from optimizer.graph.cut import cut_units, merge, nearest, reach, shares
from optimizer.report.reasons_exempt import parse_exemption, reason_zh
from optimizer.scenario.build import grid_scenario
from tests.checker.test_cut_claim import LINK
from tests.checker.test_flow_split import LEFT, necked


def test_the_exemption_names_the_link_and_the_part_it_alone_links() -> None:
    s = necked(305)
    [d] = diagnose(s)
    assert d.reason == "no-partition" and d.record is not None
    c = d.record.cut
    assert c is not None and c.unit == "r2c4" and c.households == 305
    first, other = c.sides
    assert (first.units, first.households, first.shares) == (20, 888, ((888, 888),))
    assert first.named is not None and first.named.ids[0] == "r0c0" and first.named.more == 10
    assert (other.named, other.units, other.households) == (None, 20, 1810)
    assert other.shares == ((310, 810), (1810, 1810))
    assert (c.under, c.over) == (0, 1503)
    assert d.message.endswith(LINK)    # the sentence the checker's tests read


def test_the_words_read_back_to_their_record_and_into_chinese() -> None:
    s = necked(305)
    [d] = diagnose(s)
    assert d.record is not None
    got = parse_exemption(d.record.text)
    assert got == d.record
    zh = reason_zh(got)
    assert "r2c4(305户)是本片区" in zh and "之间唯一的连接" in zh
    assert "若其他社区均符合规模要求" in zh
    assert "第一部分:全部888户;第二部分:310–810户或全部1,810户" in zh
    assert zh.endswith("该社区至少1,503户,无法达到1,000–1,500户。")


def test_three_parts() -> None:
    # a village of 1,200 linking three of 300, 300 and 400: each fits no community
    # alone, so its community holds all of them, 2,200 households
    grid: list[list[int | None]] = [[None, 300, None], [300, 1200, 400]]
    s = grid_scenario(grid, kind="rural")
    [d] = diagnose(s)
    assert d.record is not None and d.record.cut is not None
    c = d.record.cut
    assert c.unit == "r1c1" and [x.households for x in c.sides] == [300, 300, 400]
    assert (c.under, c.over) == (0, 2200)
    assert d.message.endswith(
        " The rural village r1c1 (1,200 households) is the only link between the rural "
        "village r0c1 (300 households), the rural village r1c0 (300 households) and the "
        "other rural village (400 households) of the piece. Were every other community "
        "within the bounds, the one holding it would take of each of these parts all of it "
        "or a share that leaves it a whole number of rural communities of 1,000-1,500 "
        "households (all 300 of the first; all 300 of the second; all 400 of the third), "
        "and with its own 1,200 households hold at least 2,200, never 1,000-1,500.")
    assert parse_exemption(d.record.text) == d.record


def test_the_most_local_link() -> None:
    # two links prove it (r1c1 with 2 villages on its named sides, r3c1 with 1): the
    # one naming the fewest units
    grid: list[list[int | None]] = [[None, 300, None], [300, 1200, 350],
                                    [None, 1000, 350], [None, 1000, None],
                                    [None, 900, None]]
    s = grid_scenario(grid, kind="rural")
    got = cut_units(s, list(range(s.n_units)), 1000, 1500)
    assert got is not None
    v, parts, (under, over) = got
    assert s.unit_ids[v] == "r3c1"
    assert [int(s.households[p].sum()) for p in parts] == [900, 3500]
    assert (under, over) == (0, 1900)


def test_no_link_where_a_split_exists_or_the_arithmetic_leaves_room() -> None:
    s = necked(291, [*LEFT[:18], 1, 29])       # 2,815 households: a split exists
    assert cut_units(s, list(range(s.n_units)), 1000, 1500) is None


def test_the_arithmetic_by_brute_force() -> None:
    # reach over shares is every sum of the unit and one allowed share per side
    rng = random.Random(26)
    for _ in range(200):
        lo, hi = 1000, 1500
        own = rng.randint(1, 900)
        totals = [rng.randint(1, 4000) for _ in range(rng.randint(2, 3))]
        sums = {own}
        for t in totals:
            ok = [x for x in range(t + 1) if t - x == 0 or any(
                k * lo <= t - x <= k * hi for k in range(1, t // lo + 1))]
            assert merge([(x, x) for x in ok]) == shares(t, lo, hi)
            sums = {a + x for a in sums for x in ok}
        got = reach(own, [shares(t, lo, hi) for t in totals])
        assert merge([(x, x) for x in sums]) == got
        if any(lo <= x <= hi for x in sums):
            assert nearest(got, lo, hi) is None
        else:
            assert nearest(got, lo, hi) == (max((x for x in sums if x < lo), default=0),
                                            min((x for x in sums if x > hi), default=0))
