"""The checker's own proof tools: its split search against brute force, its reading
of exemption texts (unit ids with spaces and commas included), and its pieces."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from optimizer.checker.claims import read
from optimizer.checker.proofs import Pieces
from optimizer.checker.split import find_split, whole_number_fits
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.partitions import connected_in


def partitions(items: list[int]) -> Iterator[list[list[int]]]:
    """Every set partition of ``items``."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        for k in range(len(part)):
            yield part[:k] + [[first, *part[k]]] + part[k + 1:]
        yield [[first], *part]


def brute(s: Scenario, lo: int, hi: int) -> bool:
    hh = s.households.tolist()
    return any(all(lo <= sum(hh[u] for u in g) <= hi and connected_in(s, g) for g in part)
               for part in partitions(list(range(s.n_units))))


@pytest.mark.parametrize("seed", range(40))
def test_split_search_agrees_with_brute_force(seed: int) -> None:
    """Random 2x4 and 3x3 grids with holes (Bell(8) = 4,140 partitions at most)."""
    rng = random.Random(seed)
    rows, cols = rng.choice([(2, 4), (3, 3)])
    grid = [[rng.choice([None, 0, 300, 500, 700, 1000, 1200]) if rng.random() > 0.1 else None
             for _ in range(cols)] for _ in range(rows)]
    s = grid_scenario(grid, kind="rural")
    if s.n_units == 0:
        pytest.skip("this seed drew no unit")
    got = find_split(list(range(s.n_units)), s.households.tolist(), s.neighbours, 1000, 1500)
    assert got.exists is not None
    assert got.exists == brute(s, 1000, 1500), grid
    if got.exists:      # the split it shows is one
        assert sorted(u for g in got.groups for u in g) == list(range(s.n_units))
        for g in got.groups:
            assert 1000 <= sum(int(s.households[u]) for u in g) <= 1500
            assert connected_in(s, list(g))


def test_split_search_is_bounded() -> None:
    s = grid_scenario([[100] * 401])
    got = find_split(list(range(401)), s.households.tolist(), s.neighbours, 2000, 3000)
    assert got.exists is None                       # more units than it takes (400)
    s = grid_scenario([[1] * 5] * 5)                # 25 = five groups of 5 by arithmetic
    got = find_split(list(range(25)), s.households.tolist(), s.neighbours, 5, 5, max_steps=3)
    assert got.exists is None and got.steps > 3     # out of steps: undecided
    assert find_split(list(range(25)), s.households.tolist(), s.neighbours, 5, 5).exists


@pytest.mark.parametrize(("hh", "fits"), [(0, False), (999, False), (1000, True),
                                          (1500, True), (1600, False), (1999, False),
                                          (2000, True), (3100, True), (4600, True)])
def test_whole_number_fits(hh: int, fits: bool) -> None:
    # rural 1,000..1,500: k = 1 holds 1,000-1,500, k = 2 2,000-3,000, k = 3 3,000-4,500,
    # k = 4 4,000-6,000
    assert whole_number_fits(hh, 1000, 1500) is fits


def test_pieces_follow_the_neighbour_arrays_and_barriers() -> None:
    """R700 R600 | R300, and a street T beside: three pieces; the barrier links two."""
    s = grid_scenario([[700, 600, 300, 400]], kind="rural",
                      street=[["S1", "S1", "S1", "T"]], cut=[("r0c1", "r0c2")])
    p = Pieces(s)
    assert p.piece_of == [0, 0, 1, 2]
    assert [p.households(k) for k in range(3)] == [1300, 300, 400]
    assert p.barrier_links == {0: {1}, 1: {0}}


def test_reading_finds_unit_ids_with_spaces_and_commas() -> None:
    s = grid_scenario([[3500, 2500]])
    odd = s.replace(unit_ids=("Block 7, East", "r0c1"))
    r = read(odd, "SIZE-URBAN", "SIZE-URBAN: Town 'S1' (county 'C1'): the urban compound "
             "Block 7, East alone has 3,500 households, 500 over the urban maximum of 3,000 "
             "(SIZE-URBAN); a unit is never split, so its community cannot meet SIZE-URBAN.",
             "C1", "S1", "urban")
    [c] = r.claims
    assert (c.kind, c.units, c.households, r.foreign_place) == ("above-max", (0,), 3500, False)
    r = read(odd, "SIZE-URBAN", "SIZE-URBAN: Block 9 alone has 3,500 households", "C1", "S1",
             "urban")
    assert r.claims[0].unknown == ("9",) and r.claims[0].units == ()


def test_reading_the_engine_words() -> None:
    s = grid_scenario([[700, 600, 300]], kind="rural")
    text = ("SIZE-RURAL: Town 'S1' (county 'C1'): the rural villages r0c0 and r0c1 (a piece "
            "of 2 units cut off by a barrier from the rest of the town's rural area) have "
            "1,300 households, and no whole number of ...")
    r = read(s, "SIZE-RURAL", text, "C1", "S1", "rural")
    assert [c.kind for c in r.claims] == ["cut-off", "no-k"]
    assert r.claims[0].units == (0, 1) and r.claims[0].households == 1300
    assert r.claims[0].n_units == 2 and not r.foreign_place
    assert read(s, "SIZE-RURAL", text, "C1", "S2", "rural").foreign_place
    plan = ("SIZE-RURAL: no partition of this piece (3 units, 1,600 households) into "
            "contiguous communities of 1,000-1,500 households was found (none found in time)")
    [c] = read(s, "SIZE-RURAL", plan, "C1", "S1", "rural").claims
    assert (c.kind, c.n_units, c.households) == ("no-split", 3, 1600)
    [c] = read(s, "SIZE-RURAL", "SIZE-RURAL: because", "C1", "S1", "rural").claims
    assert c.kind == "unstated"
    wb = "SIZE-RURAL: its piece S1 (rural) has 1600 households: no whole number of ..."
    r = read(s, "SIZE-RURAL", wb, "C1", "S1", "rural")
    assert [c.kind for c in r.claims] == ["no-k"] and r.claims[0].households == 1600
    assert read(s, "SIZE-RURAL", wb, "C1", "S9", "rural").foreign_place


def test_one_station_s_own_piece_is_not_read_as_another_place() -> None:
    # The engine's ONE-STATION words name the piece as "<county> / <street> / <kind>";
    # the mark of "was found for " had sat four characters before the piece's own
    # span, so every such exemption read as naming another town/street (wild seed 766).
    s = grid_scenario([[700, 600, 300]], kind="rural")
    text = ("ONE-STATION: no plan with a center in every community was found for C1 / S1 / "
            "rural (SIZE-RURAL: Town/street 'S1' (county 'C1'), rural area: no partition of "
            "this piece ...); this community's center is priced as a new build")
    assert not read(s, "ONE-STATION", text, "C1", "S1", "rural").foreign_place
    assert read(s, "ONE-STATION", text, "C1", "S2", "rural").foreign_place
    assert read(s, "ONE-STATION", text.replace("for C1 / S1", "for C1 / S9"), "C1", "S1",
                "rural").foreign_place


def test_the_checker_uses_none_of_the_solvers_pricing_or_diagnosis() -> None:
    """The import-linter contract says so for the code; this says it for a run."""
    import subprocess
    import sys

    code = ("import sys, optimizer.checker.checker as c; "
            "from optimizer.scenario.build import grid_scenario; "
            "bad = [m for m in sys.modules if m in ('optimizer.rules.remedy', "
            "'optimizer.graph.center')]; print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
