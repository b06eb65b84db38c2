"""Ids and file names unique by construction (issue 14, item 2), and the gate that
never writes a plan whose households in differ from households out.

The scenario: four urban streets of two units (1,200 households each), whose names
collide once punctuation and case are dropped::

    a/b   a_b   Fuwan Town   fuwan town
    1200  1200  1200         1200
    1200  1200  1200         1200
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from optimizer import write_plan
from optimizer.checker.checker import check
from optimizer.names import fold, safe_stem, unique_names
from optimizer.plan.guard import PlanNotWrittenError
from optimizer.plan.read import read_plan
from optimizer.report.maps import map_stems
from optimizer.scenario.build import grid_scenario
from optimizer.search import solve

STREETS = ["a/b", "a_b", "Fuwan Town", "fuwan town"]


@pytest.fixture(scope="module")
def colliding():  # type: ignore[no-untyped-def]
    return grid_scenario([[1200] * 4, [1200] * 4], street=[STREETS] * 2)


@pytest.fixture(scope="module")
def colliding_plan(colliding):  # type: ignore[no-untyped-def]
    return solve(colliding, time_limit_s=10, workers=1)


def test_colliding_streets_get_distinct_communities(colliding, colliding_plan,  # type: ignore[no-untyped-def]
                                                     tmp_path: Path) -> None:
    plan = colliding_plan
    ids = [c.community_id for c in plan.communities]
    assert len(ids) == 4
    assert len({fold(i) for i in ids}) == 4, ids
    assert sorted(c.street for c in plan.communities) == sorted(STREETS)
    for c in plan.communities:
        members = [u for u, cid in zip(plan.unit_ids, plan.community, strict=True)
                   if cid == c.community_id]
        assert {colliding.street[colliding.unit_index[u]] for u in members} == {c.street}
        assert c.households == 2400
    report = check(colliding, plan)
    assert report.passed, report.summary_text()
    assert sum(c.households for c in plan.communities) == colliding.total_households()
    out = write_plan(plan, tmp_path / "plan", scenario=colliding)
    back = read_plan(out)
    assert [c.community_id for c in back.communities] == ids
    assert check(colliding, back).passed


def test_ids_stay_readable_and_stable(colliding_plan) -> None:  # type: ignore[no-untyped-def]
    by_street = {c.street: c.community_id for c in colliding_plan.communities}
    # The first name in sorted order keeps the plain id; the other gets _2.
    assert by_street == {"a/b": "C1-AB-U01", "a_b": "C1-AB_2-U01",
                         "Fuwan Town": "C1-FuwanTown-U01", "fuwan town": "C1-FuwanTown_2-U01"}


def test_each_street_gets_its_own_map_file(colliding, colliding_plan,  # type: ignore[no-untyped-def]
                                           tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from optimizer.report.maps import write_maps

    stems = map_stems(colliding)
    streets = {k[2]: v for k, v in stems.items() if k[0] == "street"}
    assert set(streets) == set(STREETS)
    assert len({fold(s) for s in stems.values()}) == len(stems)
    write_maps(colliding, colliding_plan, tmp_path / "maps", "en")
    pngs = sorted(p.name for p in (tmp_path / "maps").glob("*.png"))
    assert len(pngs) == 5 and len({fold(p) for p in pngs}) == 5, pngs
    for stem in streets.values():
        assert (tmp_path / "maps" / f"{stem}.png").is_file()
        assert (tmp_path / "maps" / f"{stem}.svg").is_file()


def test_unique_names_is_deterministic_and_skips_taken_names() -> None:
    keys = ["x-2", "X", "x", "x_2"]
    names = unique_names(keys, lambda k: k)
    assert list(names) == keys
    assert names == unique_names(list(reversed(keys)), lambda k: k)
    # "X" and "x" fold alike; "x_2" is someone's natural name, so the second gets _3.
    assert names == {"x-2": "x-2", "X": "X", "x": "x_3", "x_2": "x_2"}
    assert len({fold(v) for v in names.values()}) == len(keys)


@pytest.mark.parametrize("text", ["../../etc/passwd", "a/b\\c", "..", "CON", "nul.txt",
                                  "com1", "tab\there", "bell\x07", "", "   ", "Ａ／Ｂ",
                                  "街道" * 200, "e\u0301cole"])
def test_safe_stem(text: str) -> None:
    stem = safe_stem(text)
    assert stem and stem == stem.strip()
    assert not any(ch in stem for ch in '/\\:*?"<>|.') and ".." not in stem
    assert all(ch.isprintable() for ch in stem)
    assert len(stem.encode("utf-8")) <= 120
    assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


# --- the gate: households in = households out ------------------------------------
def _planted(valid, how: str):  # type: ignore[no-untyped-def]
    if how == "unit dropped":
        return dataclasses.replace(valid, unit_ids=valid.unit_ids[1:],
                                   community=valid.community[1:], grid=valid.grid[1:])
    if how == "unit twice":
        return dataclasses.replace(valid, unit_ids=valid.unit_ids + valid.unit_ids[:1],
                                   community=valid.community + valid.community[:1],
                                   grid=valid.grid + valid.grid[:1])
    if how == "households changed":
        first = dataclasses.replace(valid.communities[0],
                                    households=valid.communities[0].households + 1)
        return dataclasses.replace(valid, communities=(first, *valid.communities[1:]))
    if how == "merged ids":   # what colliding street names used to do
        a, b = valid.communities[0], valid.communities[1]
        return dataclasses.replace(
            valid, community=tuple(a.community_id if c == b.community_id else c
                                   for c in valid.community),
            communities=(a, dataclasses.replace(b, community_id=a.community_id),
                         *valid.communities[2:]))
    raise AssertionError(how)


@pytest.mark.parametrize("how,said", [
    ("unit dropped", "units of the scenario not assigned: 'r0c0'"),
    ("unit twice", "units assigned more than once: 'r0c0'"),
    ("households changed", "claims 2,201, its units hold 2,200"),
    ("merged ids", "community ids listed more than once"),
])
def test_unbalanced_plan_is_never_written(tmp_path: Path, s, valid,  # type: ignore[no-untyped-def]
                                          how: str, said: str) -> None:
    bad = _planted(valid, how)
    with pytest.raises(PlanNotWrittenError) as err:
        write_plan(bad, tmp_path / "new", scenario=s)
    text = str(err.value)
    assert "households in 9,700 (the scenario's units), households out" in text
    assert said in text, text
    assert not (tmp_path / "new").exists()
    assert list(tmp_path.iterdir()) == []
    old = write_plan(valid, tmp_path / "old", scenario=s)
    before = {p.name: p.read_bytes() for p in old.iterdir()}
    with pytest.raises(PlanNotWrittenError):
        write_plan(bad, old, scenario=s)
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before


def test_without_scenario_the_plan_itself_must_be_consistent(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                             valid) -> None:
    with pytest.raises(PlanNotWrittenError, match="listed more than once"):
        write_plan(_planted(valid, "merged ids"), tmp_path / "p")
    assert not (tmp_path / "p").exists()
