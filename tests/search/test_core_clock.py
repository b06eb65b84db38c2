"""The core searches on the clock (optimizer.search.core, wall-clock mode).

Bounded by CP-SAT's deterministic time alone, eleven core searches of writer seed
373's street (373,828 Boolean variables built in Python) took 25 s of wall time for
about 6 deterministic seconds, and the command ran 72-81 s for a 60-s limit. In
wall-clock mode a search now counts what it took on the clock when that is more (so
the loops over cores stop when their seconds are gone) and stops by the clock too;
in deterministic mode nothing changes (the same piece gives the same cores anywhere).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from optimizer.search import core

# Units 0, 1, 2 to hold (3 is free), groups {0, 1} and {1, 2}: 0 needs {0, 1}, then
# 2's only group overlaps it at 1, so no exact cover exists: a core.
GROUPS = [(0, 1), (1, 2)]
HOLDS = [[0], [0, 1], [1], []]


class _SlowClock:
    """perf_counter for the module under test: 2 s pass between any two readings."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 2.0
        return self.now


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(core.time, "perf_counter", _SlowClock())
    yield


@pytest.mark.usefixtures("slow")
def test_wall_mode_counts_the_clock_when_it_is_more() -> None:
    spent = [0.0]
    found = core._cp_core(4, GROUPS, HOLDS, 5.0, 0, frozenset({3}), spent, True)
    assert found and spent[0] >= 2.0          # the clock's seconds, not CP-SAT's ~0


@pytest.mark.usefixtures("slow")
def test_deterministic_mode_counts_cp_sat_s_time_only() -> None:
    spent = [0.0]
    found = core._cp_core(4, GROUPS, HOLDS, 5.0, 0, frozenset({3}), spent, False)
    assert found and spent[0] < 1.0


def test_wall_and_deterministic_modes_find_the_same_core() -> None:
    det = core._cp_core(4, GROUPS, HOLDS, 1.0, 0, frozenset({3}), [0.0], False)
    wall = core._cp_core(4, GROUPS, HOLDS, 1.0, 0, frozenset({3}), [0.0], True)
    assert det == wall and det


def test_a_large_exact_cover_keeps_its_deterministic_limit() -> None:
    """CP-SAT's presolve of a large exact cover ignores every limit (wild seed 775:
    223 deterministic s, 44 s of wall, for a limit of 0.44 on 98,838 communities);
    here 34,736 communities of a 10x12 street took 12.1 deterministic s on 9034d05
    for a limit of 0.2. Deterministic time: the same on any machine."""
    import numpy as np

    from optimizer.graph import components
    from optimizer.model.piece import piece_data
    from optimizer.scenario.build import grid_scenario
    from optimizer.search.columns import connected_groups

    rng = np.random.default_rng(5)
    s = grid_scenario(rng.integers(150, 900, size=(10, 12)).tolist())
    [comp] = [c for c in components(s) if len(c.units) > 1]
    data = piece_data(s, comp.key, comp.units)
    listed = connected_groups(data)
    assert listed is not None
    groups = listed[0]
    assert len(groups) > core.PRESOLVE_GROUPS
    holds: list[list[int]] = [[] for _ in range(data.n)]
    for k, g in enumerate(groups):
        for u in g:
            holds[u].append(k)
    spent = [0.0]
    core._cp_core(data.n, groups, holds, 0.2, 0, frozenset(), spent)
    assert spent[0] < 0.5
