"""The diagnosis is a pure function of a frozen scenario, and its split searches are
step-bounded but not clocked: seed 313's 40-village piece (tests/search/test_tight_split.py)
took 2.0-2.2 s at load 4. The search diagnosed one scenario object up to three times
(the driver, then FACILITY-95's second try in optimizer.search.late_rooms after the
clock's end: bench/wild.py seed 313, 10 s, one worker, 1.2 s past it). Now each
scenario object is diagnosed once; a what-if copy, or other search caps, afresh."""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.graph import diagnose, diagnosis
from tests.search.test_tight_split import necked


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    real = diagnosis._diagnose_component

    def spy(*a: Any, **kw: Any) -> Any:
        calls[0] += 1
        return real(*a, **kw)

    monkeypatch.setattr(diagnosis, "_diagnose_component", spy)
    return calls


def test_one_scenario_is_diagnosed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = necked(305)
    calls = _counted(monkeypatch)
    first = diagnose(sc)
    once = calls[0]
    assert first and once == 1                  # one piece, proved to have no split
    second = diagnose(sc)
    assert calls[0] == once                     # not searched again
    assert second == first and second is not first   # a list the caller may keep


def test_a_what_if_copy_or_other_caps_are_diagnosed_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sc = necked(305)
    calls = _counted(monkeypatch)
    assert [d.reason for d in diagnose(sc)] == ["no-partition"]
    # a what-if copy (a new object) with a maximum the whole piece fits: searched again
    wider = sc.replace(policy={"rural_max_households": 3100})
    assert diagnose(wider) == []                # 3,003 households, one community
    assert calls[0] == 2
    monkeypatch.setattr(diagnosis, "EXHAUSTIVE_UNITS", 0)
    assert diagnose(sc) == []                   # no exhaustive search: undecided
    assert calls[0] == 3
