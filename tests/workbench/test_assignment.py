"""Assignment CSVs of one county: the county planned as the CSV says, the other
counties kept as the working plan has them, every bad row named."""

from __future__ import annotations

import pytest

import optimizer
from optimizer.scenario.load import load_scenario
from optimizer.scenario.model import Scenario
from optimizer.workbench import (
    EditError,
    LockState,
    PlanState,
    Workbench,
    merge_assignment,
    read_assignment_csv,
    state_today,
)
from tests.helpers.web import two_county_demo


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return load_scenario(two_county_demo(tmp_path_factory.mktemp("scen")))


def _csv(rows: list[tuple[str, str]]) -> bytes:
    return ("unit_id,community_id\n" + "".join(f"{u},{c}\n" for u, c in rows)).encode()


def test_county_csv_keeps_the_other_county(two: Scenario) -> None:
    base = state_today(two)
    dafeng = [i for i in range(two.n_units) if two.county[i] == "Dafeng"]
    jianhu = [i for i in range(two.n_units) if two.county[i] == "Jianhu"]
    theirs = next(c for c in base.records if base.members[c] <= set(dafeng))
    locked = next(c for c in base.records if base.members[c] <= set(jianhu))
    base = PlanState(two, base.assign, base.records,
                     LockState(frozenset({theirs, locked}), frozenset(), frozenset()))
    # Jianhu in two communities per street/town-kind piece: a plan another tool made
    rows = [(two.unit_ids[i], f"JH-{two.street[i][:4]}-{int(two.urban[i])}-{k % 2}")
            for k, i in enumerate(jianhu)]
    state = merge_assignment(base, read_assignment_csv(_csv(rows)), "Jianhu")
    for i in dafeng:
        assert state.assign[i] == base.assign[i]
    for u, c in rows:
        assert state.assign[two.unit_index[u]] == c
    assert state.records[theirs] == base.records[theirs]
    assert state.locks.communities == {theirs}          # the replaced one's lock is gone
    assert state.meta.source == "import"
    wb = Workbench(two, state)
    assert wb.report().rows == optimizer.check(two, wb.plan()).rows


def test_county_csv_problems_are_named(two: Scenario) -> None:
    base = state_today(two)
    jianhu = [two.unit_ids[i] for i in range(two.n_units) if two.county[i] == "Jianhu"]
    dafeng = [two.unit_ids[i] for i in range(two.n_units) if two.county[i] == "Dafeng"]
    rows = [(u, "A") for u in jianhu]
    # duplicates: named with their line, before anything else
    with pytest.raises(EditError, match=rf"line 3: unit {jianhu[0]} appears twice"):
        read_assignment_csv(_csv([rows[0], rows[0], *rows[1:]]))
    # unknown units and units of another county, all of them in one message
    bad = dict([*rows, ("NOPE-1", "A"), (dafeng[0], "A"), (dafeng[1], "B")])
    with pytest.raises(EditError) as err:
        merge_assignment(base, bad, "Jianhu")
    text = str(err.value)
    assert "unit NOPE-1 is not in the scenario" in text
    for u in dafeng[:2]:
        assert f"unit {u} lies in county Dafeng, outside county Jianhu" in text
    # a county left half-assigned
    with pytest.raises(EditError, match=r"1 units of county Jianhu are not assigned: "
                                        + jianhu[-1]):
        merge_assignment(base, dict(rows[:-1]), "Jianhu")
    # an id the other county's community keeps in the working plan
    kept = base.assign[two.unit_index[dafeng[0]]]
    with pytest.raises(EditError, match=f"community {kept} of the assignment is a "
                                        "community of county Dafeng"):
        merge_assignment(base, {**dict(rows), jianhu[0]: kept}, "Jianhu")
    # nothing to import
    with pytest.raises(EditError, match="names no unit"):
        merge_assignment(base, {}, None)


def test_any_county_without_a_county_restriction(two: Scenario) -> None:
    """The city bureau (every county) may import one county's CSV, or all of them."""
    base = state_today(two)
    dafeng = [two.unit_ids[i] for i in range(two.n_units) if two.county[i] == "Dafeng"]
    state = merge_assignment(base, {u: "DF-ONE" for u in dafeng}, None)
    assert {state.assign[two.unit_index[u]] for u in dafeng} == {"DF-ONE"}
    jianhu = [i for i in range(two.n_units) if two.county[i] == "Jianhu"]
    assert all(state.assign[i] == base.assign[i] for i in jianhu)
