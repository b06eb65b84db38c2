"""Components per (county, street, kind) and the feasibility diagnosis."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from optimizer.graph import (
    Component,
    Diagnosis,
    component_of,
    components,
    diagnose,
    feasible_community_counts,
    root_labels,
)
from optimizer.graph.pieces import (
    cut_parts,
    grown_groups,
    largest_group,
    mask_parts,
    weighed_parts,
)
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario


def unit_ids(scenario: Scenario, comp: Component) -> list[str]:
    return [scenario.unit_ids[i] for i in comp.units.tolist()]


# --- feasible_community_counts ---------------------------------------------------------

@pytest.mark.parametrize(("h", "lo", "hi", "want"), [
    (2500, 2000, 3000, [1]),
    (3420, 2000, 3000, []),            # 1 holds at most 3,000; 2 need 4,000
    (4000, 2000, 3000, [2]),
    (6000, 2000, 3000, [2, 3]),
    (1999, 2000, 3000, []),
    (0, 2000, 3000, []),               # every unit must be in a community: k ≥ 1
    (1600, 1000, 1500, []),
    (3420, 1000, 1500, [3]),
    (10_000, 1000, 1500, [7, 8, 9, 10]),
])
def test_feasible_community_counts(h: int, lo: int, hi: int, want: list[int]) -> None:
    assert list(feasible_community_counts(h, lo, hi)) == want


def test_feasible_community_counts_agrees_with_the_definition() -> None:
    for h in range(0, 7000, 37):
        want = [k for k in range(1, 10) if 2000 * k <= h <= 3000 * k]
        assert list(feasible_community_counts(h, 2000, 3000)) == want


def test_largest_group_agrees_with_the_definition() -> None:
    # the most households a group of lo..hi holds that leaves a whole number (>= 1) of
    # communities behind; lo - 1 when none does
    for lo, hi in ((2000, 3000), (1000, 1500), (7, 9)):
        for h in range(0, 8 * hi, max(1, lo // 53)):
            fit = [g for g in range(lo, hi + 1) if feasible_community_counts(h - g, lo, hi)]
            assert largest_group(h, lo, hi) == max(fit, default=lo - 1), (h, lo, hi)
    assert largest_group(3005, 1000, 1500) == 1005     # wild seed 1061's tight part
    assert largest_group(3000, 1000, 1500) == 1500


# --- components -------------------------------------------------------------------------

def test_components_split_by_street() -> None:
    """Streets A | B (urban, one county):

        r0c0 A 1000 | r0c1 A 1000 | r0c2 B 2500
        r1c0 A 1000 | r1c1 B 1000 | r1c2 B  500
    """
    s = grid_scenario([[1000, 1000, 2500], [1000, 1000, 500]],
                      street=[["A", "A", "B"], ["A", "B", "B"]])
    comps = components(s)
    assert [c.key for c in comps] == [("C1", "A", "urban"), ("C1", "B", "urban")]
    assert [unit_ids(s, c) for c in comps] == [["r0c0", "r0c1", "r1c0"],
                                               ["r0c2", "r1c1", "r1c2"]]
    assert [c.households for c in comps] == [3000, 4000]
    assert component_of(s).tolist() == [0, 0, 1, 0, 1, 1]


def test_components_split_by_kind() -> None:
    """u = urban, R = rural; one street. The rural column splits the urban units in two:

        u 900 | R 600 | u 2100
        u 900 | R 600 | u  100
    """
    s = grid_scenario([[900, 600, 2100], [900, 600, 100]],
                      kind=[["urban", "rural", "urban"], ["urban", "rural", "urban"]])
    comps = components(s)
    assert [c.key[2] for c in comps] == ["rural", "urban", "urban"]   # sorted by key
    assert [unit_ids(s, c) for c in comps] == [["r0c1", "r1c1"], ["r0c0", "r1c0"],
                                               ["r0c2", "r1c2"]]     # then smallest unit
    assert all(c.units.flags.writeable is False for c in comps)


def test_components_split_by_a_barrier() -> None:
    """A river between columns 1 and 2 (rural, one town):

        r0c0 500 | r0c1 500 ~ r0c2 700
        r1c0 500 | r1c1 500 ~ r1c2 200
    """
    s = grid_scenario([[500, 500, 700], [500, 500, 200]], kind="rural",
                      cut=[("r0c1", "r0c2"), ("r1c1", "r1c2")])
    comps = components(s)
    assert [unit_ids(s, c) for c in comps] == [["r0c0", "r0c1", "r1c0", "r1c1"],
                                               ["r0c2", "r1c2"]]
    assert [c.households for c in comps] == [2000, 900]


def test_root_labels_agree_with_networkx() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.integers(1, 300))
        m = int(rng.integers(0, 2 * n))
        a, b = rng.integers(0, n, size=m), rng.integers(0, n, size=m)
        roots = root_labels(n, a, b)
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
        want = np.empty(n, dtype=np.int64)
        for cc in nx.connected_components(g):
            want[list(cc)] = min(cc)
        assert roots.tolist() == want.tolist()


# --- diagnosis --------------------------------------------------------------------------

def only(diagnoses: list[Diagnosis]) -> Diagnosis:
    assert len(diagnoses) == 1, diagnoses
    return diagnoses[0]


def test_a_feasible_scenario_has_no_diagnosis() -> None:
    """Urban street of 5,000 households (2 communities) and a rural town of 1,200:

        u 1200 | u 1300 | u 1200
        u 1300 | R  600 | R  600
    """
    s = grid_scenario([[1200, 1300, 1200], [1300, 600, 600]],
                      kind=[["urban"] * 3, ["urban", "rural", "rural"]])
    assert diagnose(s) == []


def test_too_small_whole_rural_area() -> None:
    """The whole rural area of town T has 640 households (< 1,000):

        R 300 | R 340
    """
    s = grid_scenario([[300, 340]], kind="rural", street="Xinxing", county="Tinghu")
    d = only(diagnose(s))
    assert (d.rule, d.reason, d.key) == ("SIZE-RURAL", "too-small", ("Tinghu", "Xinxing", "rural"))
    assert d.units == ("r0c0", "r0c1") and d.households == 640
    assert "Town 'Xinxing' (county 'Tinghu')" in d.message
    assert "whole rural area" in d.message and "r0c0 and r0c1" in d.message
    assert "1,000-1,500 (SIZE-RURAL): 360 households short" in d.message
    assert "lower the rural minimum to 640" in d.relaxation


def test_no_integer_k() -> None:
    """Urban, 3,420 households: 1 community holds at most 3,000, 2 need 4,000.

        u 1710 | u 1710
    """
    s = grid_scenario([[1710, 1710]])
    d = only(diagnose(s))
    assert (d.rule, d.reason, d.households) == ("SIZE-URBAN", "no-integer-k", 3420)
    assert "1 community could hold at most 3,000 (420 over)" in d.message
    assert "2 need at least 4,000 (580 short)" in d.message
    assert "raise the urban maximum to 3,420 (+420)" in d.relaxation
    assert "lower the urban minimum to 1,710 (-290)" in d.relaxation


def test_unit_above_max() -> None:
    """One compound alone above 3,000; its neighbours are fine on their own terms:

        u 3400 | u 1000
    """
    s = grid_scenario([[3400, 1000]])
    d = only(diagnose(s))
    assert (d.reason, d.units, d.households) == ("unit-above-max", ("r0c0",), 3400)
    assert "r0c0 alone has 3,400 households, 400 over the urban maximum of 3,000" in d.message
    assert "split r0c0" in d.relaxation and "raise the urban maximum to 3,400" in d.relaxation


def test_cut_off_by_a_barrier() -> None:
    """A river (~) cuts the east villages off from the rest of the town:

        R 500 | R 500 ~ R 400
        R 500 | R 500 ~ R 240
    """
    s = grid_scenario([[500, 500, 400], [500, 500, 240]], kind="rural", street="Xinxing",
                      county="Tinghu", cut=[("r0c1", "r0c2"), ("r1c1", "r1c2")])
    d = only(diagnose(s))
    assert (d.rule, d.reason) == ("SIZE-RURAL", "cut-off")
    assert d.units == ("r0c2", "r1c2") and d.households == 640
    assert ("the rural villages r0c2 and r1c2 (a piece of 2 units cut off by a barrier from "
            "the rest of the town's rural area) have 640 households") in d.message
    assert "360 households short" in d.message
    assert "join it to the neighbouring piece across the barrier" in d.relaxation
    assert "together 2,640 households, enough for 2 communities" in d.relaxation
    assert "bridge or ferry" in d.relaxation


def test_no_integer_k_cut_off_by_a_barrier() -> None:
    """An urban piece of 3,420 across a railway (~) from a piece of 2,500:

        u 1710 | u 1710 ~ u 2500
    """
    s = grid_scenario([[1710, 1710, 2500]], cut=[("r0c1", "r0c2")])
    d = only(diagnose(s))
    assert (d.reason, d.units) == ("cut-off", ("r0c0", "r0c1"))
    assert "420 over" in d.message and "580 short" in d.message
    assert "together 5,920 households, enough for 2 communities" in d.relaxation


def test_disconnected_piece_without_barrier_is_too_small_not_cut_off() -> None:
    """A hole (.) separates r0c2 from the rest; no barrier involved:

        R 700 | R 700 | . | R 300
    """
    s = grid_scenario([[700, 700, None, 300]], kind="rural")
    d = only(diagnose(s))
    assert (d.reason, d.units) == ("too-small", ("r0c3",))
    assert "no neighbour link to the rest of the town's rural area" in d.message


def test_barrier_between_feasible_pieces_is_not_a_diagnosis() -> None:
    """R 1200 ~ R 1100"""
    s = grid_scenario([[1200, 1100]], kind="rural", cut=[("r0c0", "r0c1")])
    assert diagnose(s) == []


def test_long_unit_lists_are_shortened() -> None:
    """Fourteen urban compounds of 100 households in a row (1,400 < 2,000)."""
    s = grid_scenario([[100] * 14])
    d = only(diagnose(s))
    assert len(d.units) == 14
    assert "r0c0, r0c1" in d.message and "and 4 more" in d.message
    assert "r0c13" not in d.message


def test_policy_overrides_change_the_diagnosis() -> None:
    """R 300 | R 340 is fine once the rural minimum is 600."""
    s = grid_scenario([[300, 340]], kind="rural")
    assert diagnose(s.replace(policy={"rural_min_households": 600})) == []


def test_diagnosis_order_follows_components() -> None:
    """Street A holds 100 households, street B one compound of 3,500:

        u A 100 | u B 3500
    """
    s = grid_scenario([[100, 3500]], street=[["A", "B"]])
    assert [(d.key[1], d.reason) for d in diagnose(s)] == [("A", "too-small"),
                                                          ("B", "unit-above-max")]


def _connected(mask: int, nbr: list[int]) -> bool:
    return len(mask_parts(mask, nbr)) == 1


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_grown_groups_yields_every_connected_group_once(seed: int) -> None:
    """grown_groups against brute force on a random 10-unit graph: every connected
    set holding the root, inside ``allowed``, within the households, exactly once."""
    rng = random.Random(seed)
    n = 10
    nbr = [0] * n
    for a in range(n):
        for b in range(a + 1, n):
            if rng.random() < 0.3 or b == a + 1 and rng.random() < 0.7:
                nbr[a] |= 1 << b
                nbr[b] |= 1 << a
    hh = [rng.randint(1, 9) for _ in range(n)]
    allowed = (1 << n) - 1 & ~(1 << rng.randrange(1, n))
    root, most = 1, 25
    got = [g for g, w in grown_groups(nbr, hh, root, allowed, most)]
    weights = {g: w for g, w in grown_groups(nbr, hh, root, allowed, most)}
    want = {m for m in range(1 << n)
            if m & root and m & ~allowed == 0 and _connected(m, nbr)
            and sum(hh[k] for k in range(n) if m >> k & 1) <= most}
    assert len(got) == len(set(got))
    assert set(got) == want
    assert all(w == sum(hh[k] for k in range(n) if g >> k & 1) for g, w in weights.items())


def test_grown_groups_nothing_when_the_root_is_above() -> None:
    assert list(grown_groups([0b10, 0b01], [30, 1], 1, 0b11, 25)) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weighed_parts_are_mask_parts_with_their_households(seed: int) -> None:
    rng = random.Random(seed)
    n = 40
    nbr = [0] * n
    for a in range(n):
        for b in range(a + 1, n):
            if rng.random() < 0.06:
                nbr[a] |= 1 << b
                nbr[b] |= 1 << a
    hh = [rng.randint(1, 900) for _ in range(n)]
    for _ in range(30):
        mask = rng.getrandbits(n)
        want = [(p, sum(hh[k] for k in range(n) if p >> k & 1)) for p in mask_parts(mask, nbr)]
        assert weighed_parts(mask, nbr, hh) == want


def _grid_nbr(rows: int, cols: int) -> list[int]:
    nbr = [0] * (rows * cols)
    for r in range(rows):
        for c in range(cols):
            k = r * cols + c
            for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0)):
                if 0 <= r + dr < rows and 0 <= c + dc < cols:
                    nbr[k] |= 1 << ((r + dr) * cols + c + dc)
    return nbr


def test_cut_parts_yields_the_pocket_before_the_rest() -> None:
    """A 3 x 4 grid, the group {1, 4, 5} cut out of it: unit 0 is a pocket of its own
    (yielded first, grown), the other 8 units are the rest (its weight by subtraction):

         0 | 1  2  3
         4   5 |6  7
         8   9  10 11
    """
    nbr = _grid_nbr(3, 4)
    hh = list(range(10, 22))
    group = 1 << 1 | 1 << 4 | 1 << 5
    left = (1 << 12) - 1 & ~group
    around = nbr[1] | nbr[4] | nbr[5]
    total = sum(hh[k] for k in range(12) if left >> k & 1)
    got = list(cut_parts(left, around, nbr, hh, total))
    assert got == [(1, 10), (left & ~1, total - 10)]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_cut_parts_are_the_parts_of_what_a_group_leaves(seed: int) -> None:
    """cut_parts against weighed_parts: a connected rest of a random graph, a connected
    group grown in it, the parts of what it leaves (as sets, with their households)."""
    rng = random.Random(seed)
    for _ in range(200):
        n = rng.randint(2, 50)
        nbr = [0] * n
        for a in range(n):
            for b in range(a + 1, n):
                if rng.random() < 3.0 / n:
                    nbr[a] |= 1 << b
                    nbr[b] |= 1 << a
        hh = [rng.randint(0, 900) for _ in range(n)]
        rest = max((p for p, _ in weighed_parts(rng.getrandbits(n), nbr)),
                   key=lambda p: (p.bit_count(), p), default=0)
        if not rest:
            continue
        bits = [k for k in range(n) if rest >> k & 1]
        group, around = 0, 0
        k = rng.choice(bits)
        for _ in range(rng.randint(1, len(bits))):
            group, around = group | 1 << k, around | nbr[k]
            free = [j for j in range(n) if (around & rest & ~group) >> j & 1]
            if not free:
                break
            k = rng.choice(free)
        left = rest & ~group
        total = sum(hh[j] for j in range(n) if left >> j & 1)
        got = list(cut_parts(left, around, nbr, hh, total))
        assert sorted(got) == sorted(weighed_parts(left, nbr, hh))
