"""Cores of two or three units found without a solver (optimizer.search.core_small),
and a part beside an oversized unit past the precheck's caps shown stranded by one
(optimizer.search.oversized_places.listed_stranded).

Writer seed 373's Jianyang St.: its 101-compound rest (194,893 communities) has no
partition because of three compounds, no two of which are a forced pair; CP-SAT with
assumption literals found no core in 25 s of wall, and the rest's own search then took
the 60 s before its attach to the compound of 3,001 households could run.

Urban, 2,000-3,000 households; r0c1, r0c3 and r1c0 are a core of three (so are r0c1,
r1c0 and r1c2), and no two of them are one::

    2600 1500 1000 1900
    1700  300 1200 2100
"""

from __future__ import annotations

import pytest

from optimizer.checker.cover import cover_exists
from optimizer.graph import components
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import core_small, oversized_places
from optimizer.search.columns import connected_groups
from optimizer.search.core import quick_core
from optimizer.search.core_small import small_core
from optimizer.search.oversized_places import listed_stranded
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from tests.helpers.partitions import holds_of

ROWS = [[2600, 1500, 1000, 1900], [1700, 300, 1200, 2100]]


def _piece():  # type: ignore[no-untyped-def]
    s = grid_scenario(ROWS)
    comp = components(s)[0]
    data = piece_data(s, comp.key, comp.units)
    found = connected_groups(data)
    assert found is not None
    groups = found[0]
    holds = holds_of(data.n, groups)
    return s, comp, data, groups, holds


def test_a_core_of_three_is_found_at_once_and_the_checker_proves_it() -> None:
    # On 5ce4d5c quick_core found none (no unit alone, no forced pair; the piece is
    # below EARLY_UNITS, so no neighbourhood search either).
    s, _, data, groups, _ = _piece()
    core, used = quick_core(data, groups)
    assert len(core) == 3 and 0 < used < 0.01
    every = set(range(s.n_units))
    ids = [int(data.units[u]) for u in core]
    # the checker's own search: none holds all three, every two are held
    assert cover_exists(s, every, ids, data.lo, data.hi) is False
    for pair in ([ids[0], ids[1]], [ids[0], ids[2]], [ids[1], ids[2]]):
        assert cover_exists(s, every, pair, data.lo, data.hi) is True


def test_free_units_are_not_named_and_the_steps_are_capped(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, data, groups, holds = _piece()
    core = small_core(data.n, groups, holds)
    spent = [0.0]
    assert small_core(data.n, groups, holds, free=set(core), spent=spent) == ()
    assert spent[0] > 0
    again = [0.0]
    small_core(data.n, groups, holds, free=set(core), spent=again)
    assert again == spent                   # counted in steps: the same every time
    monkeypatch.setattr(core_small, "STEPS_MAX", 3)
    assert small_core(data.n, groups, holds) == ()


def test_a_part_past_the_precheck_caps_is_stranded_by_its_core(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # On 5ce4d5c a listing past PRECHECK_COLUMNS said nothing (False, 0.0): the part
    # went to its own search (seed 373: the whole 60 s) before its attach.
    s, comp, data, _, _ = _piece()
    monkeypatch.setattr(oversized_places, "PRECHECK_COLUMNS", 1)
    task = PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=None,
                     budget_s=10.0, seed=0, threads=1, deterministic=True)
    stranded, used, listing = listed_stranded(s, data, task, StopFlag())
    assert stranded and 0 < used < 0.1
    # the listing the core was found in is handed back (the guided attach takes it)
    assert listing is not None and listing[0] and all(g == tuple(sorted(g)) for g in listing[0])
    # a part that splits is not shown stranded: r1c0 with r1c1 (2,000) splits this one
    fine = grid_scenario([[2600, 1000, 1000], [1700, 300, 2100]])
    comp = components(fine)[0]
    task = PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=None,
                     budget_s=10.0, seed=0, threads=1, deterministic=True)
    assert listed_stranded(fine, piece_data(fine, comp.key, comp.units), task,
                           StopFlag())[0] is False
