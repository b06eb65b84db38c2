"""A damaged or edited finished piece in PLAN.pieces/ (issue 14, item 7) never crashes
the solve nor reaches the plan: it is ignored with a note and the piece solved again.

Fixture: the two streets of tests/test_solve.py, one owned site A (300 m², up to
700 m²) in r0c0. Piece 0 (street S1) is units 0 1 4 5 8 9 of the grid::

    0 1 | 2 3        700 800 | 900 600
    4 5 | 6 7        900 600 | 800 700
    8 9 |10 11       500 700 | 700 900

Solved, it is {0, 1, 5} around site A (extend) and {4, 8, 9} (build).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import optimizer.search.checkpoint as checkpoint
import optimizer.search.dispatch as executor
from optimizer.checker.checker import check
from optimizer.search import solve
from tests.helpers.solve import two_streets as _two_streets

Doc = dict[str, Any]


def scenario():  # type: ignore[no-untyped-def]
    return _two_streets(sites=[dict(site_id="A", unit_id="r0c0", area_m2=300, owned=True,
                                    max_area_m2=700)])


@pytest.fixture(scope="module")
def first(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A clean solve and its piece 0 file."""
    folder = tmp_path_factory.mktemp("pieces")
    plan = solve(scenario(), time_limit_s=10, workers=1, checkpoint=folder)
    doc = json.loads((folder / "00000.json").read_text())
    assert [c["members"] for c in doc["result"]["choices"]] == [[0, 1, 5], [4, 8, 9]]
    return plan, doc


def choice(doc: Doc, k: int) -> Doc:
    return doc["result"]["choices"][k]  # type: ignore[no-any-return]


def setter(path: tuple[Any, ...], value: Any) -> Callable[[Doc], None]:
    def tamper(doc: Doc) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return tamper


def dropping(*path: Any) -> Callable[[Doc], None]:
    def tamper(doc: Doc) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return tamper


C0 = ("result", "choices", 0)
C1 = ("result", "choices", 1)
TAMPERS: dict[str, tuple[Callable[[Doc], None], str]] = {
    # valid JSON, wrong shape (KeyError, TypeError, IndexError before the fix)
    "no result": (dropping("result"), "is not a JSON object"),
    "result is a list": (setter(("result",), []), "is not a JSON object"),
    "no choices": (dropping("result", "choices"), "has the fields"),
    "members is text": (setter((*C0, "members"), "0,1,5"), "community 0 has a field of the "
                                                           "wrong type"),
    "center is text": (setter((*C0, "center"), "0"), "wrong type"),
    "a choice lacks a field": (dropping(*C1, "credit_site"), "community 1 does not have"),
    "bound is null": (setter(("result", "bound"), None), "not a finite number"),
    "exemption missing": (setter(("result", "exemptions"), [""]), "1 exemptions for 2"),
    # the right shape, a plan that does not fit the piece
    "a unit dropped": (lambda d: (choice(d, 1).update(members=[4, 8]),
                                  d["result"]["exemptions"].__setitem__(1, "SIZE-URBAN")),
                       "1 units (700 households) of the piece are in no community"),
    "a unit twice": (setter((*C1, "members"), [4, 8, 9, 0]), "community 1 repeats a unit"),
    "a unit of the other street": (setter((*C0, "members"), [0, 1, 5, 2]),
                                   "community 0 holds units outside the piece"),
    "center outside": (setter((*C0, "center"), 4), "community 0 is centred outside"),
    "site out of range": (setter((*C0, "site"), 99), "extend without a valid site"),
    "site elsewhere": (lambda d: choice(d, 1).update(remedy="keep", site=0),
                       "community 1: its site does not stand in its center unit"),
    "unknown remedy": (setter((*C0, "remedy"), "demolish"), "unknown remedy 'demolish'"),
    "impossible remedy": (setter((*C0, "remedy"), "keep"), "remedy keep is impossible"),
    "not connected": (lambda d: (choice(d, 0).update(members=[0, 1, 9]),
                                 choice(d, 1).update(members=[4, 5, 8])),
                      "community 0 is not connected"),
    "size out of bounds": (lambda d: (choice(d, 0).update(members=[0]),
                                      choice(d, 1).update(members=[1, 4, 5, 8, 9])),
                           "community 0 has 700 households, outside 2,000-3,000"),
    "another piece's plan": (setter(("result", "index"), 1), "plan of piece 1, not of "
                                                             "piece 0"),
}


def resolve_with(folder: Path, doc: Doc, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    calls: list[int] = []
    real = executor.solve_piece

    def counting(scenario, task, stop):  # type: ignore[no-untyped-def]
        calls.append(task.index)
        return real(scenario, task, stop)

    monkeypatch.setattr(executor, "solve_piece", counting)
    (folder / "00000.json").write_text(json.dumps(doc))
    s = scenario()
    plan = solve(s, time_limit_s=10, workers=1, checkpoint=folder)
    return s, plan, calls


@pytest.mark.parametrize("checksum", ["kept", "recomputed"])
@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_a_bad_piece_file_is_solved_again(tmp_path: Path, first, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                          case: str, checksum: str) -> None:
    """"kept": an edit or damage (the checksum no longer matches); "recomputed": a file
    whose checksum matches a bad plan, as a bug or a determined edit could write."""
    clean, good = first
    doc = copy.deepcopy(good)
    solve(scenario(), time_limit_s=10, workers=1, checkpoint=tmp_path)   # piece 1 kept
    tamper, why = TAMPERS[case]
    tamper(doc)
    if checksum == "recomputed":
        doc["digest"] = checkpoint._digest(doc["key"], doc.get("result"))
    s, plan, calls = resolve_with(tmp_path, doc, monkeypatch)
    assert calls == [0]
    assert check(s, plan).passed
    assert plan.community == clean.community
    assert plan.summary["households"] == int(s.households.sum())
    notes = plan.summary["notes"]
    assert len(notes) == 1 and notes[0].startswith("finished piece 00000.json (")
    assert ("does not match its checksum" if checksum == "kept" else why) in notes[0]


def test_a_good_piece_file_is_reused_without_a_note(tmp_path: Path, first,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    clean, good = first
    solve(scenario(), time_limit_s=10, workers=1, checkpoint=tmp_path)
    _, plan, calls = resolve_with(tmp_path, good, monkeypatch)
    assert calls == [] and plan.community == clean.community
    assert "notes" not in plan.summary


@pytest.mark.parametrize("text", ["[1, 2]", '{"key": "trunc', "null", "[" * 100_000])
def test_a_file_that_is_not_a_piece_is_solved_again(tmp_path: Path, first, text: str) -> None:  # type: ignore[no-untyped-def]
    clean, _ = first
    solve(scenario(), time_limit_s=10, workers=1, checkpoint=tmp_path)
    (tmp_path / "00000.json").write_text(text)
    plan = solve(scenario(), time_limit_s=10, workers=1, checkpoint=tmp_path)
    assert plan.community == clean.community
    assert "00000.json" in plan.summary["notes"][0]


def test_a_piece_that_cannot_be_kept_does_not_stop_the_solve(tmp_path: Path, first) -> None:  # type: ignore[no-untyped-def]
    clean, _ = first
    (tmp_path / "file").write_text("not a folder")
    plan = solve(scenario(), time_limit_s=10, workers=1, checkpoint=tmp_path / "file" / "p")
    assert plan.community == clean.community
    assert len(plan.summary["notes"]) == 2
    assert all("not kept in" in n and "solves it again" in n for n in plan.summary["notes"])


def test_clearing_removes_only_piece_files(tmp_path: Path) -> None:
    folder = tmp_path / "plan.pieces"
    folder.mkdir()
    (folder / "00000.json").write_text("{}")
    (folder / "00001.tmp").write_text("{}")
    checkpoint.clear_checkpoint(folder)
    assert not folder.exists()
    folder.mkdir()
    (folder / "00000.json").write_text("{}")
    (folder / "mine.txt").write_text("a planner's file")
    checkpoint.clear_checkpoint(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["mine.txt"]
