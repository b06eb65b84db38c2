"""Finding one named problem in a ScenarioError (no tests in here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from optimizer.errors import Problem, ScenarioError
from optimizer.scenario.load import load_scenario


def errors_of(folder: Path, **kw: Any) -> ScenarioError:
    """The ScenarioError loading ``folder`` raises (the test fails if it loads)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder, **kw)
    return info.value


def find(err: ScenarioError | list[Problem] | tuple[Problem, ...], file: str,
         record: str | None, field: str | None, text: str = "", value: Any = ...) -> Problem:
    """The problem naming exactly this file/record/field (whose message says ``text``
    and, when given, whose value is ``value``); also checks that the printed problem
    names them."""
    problems = err.problems if isinstance(err, ScenarioError) else tuple(err)
    hits = [p for p in problems if p.file == file and p.record == record
            and p.field == field and text in str(p) and (value is ... or p.value == value)]
    listing = "\n".join(f"  - {p}" for p in problems)
    assert hits, f"no problem {file}/{record}/{field}/{text!r}/{value!r} in:\n{listing}"
    shown = str(hits[0])
    for part in (file, record, field):
        if part is not None:
            assert part in shown
    return hits[0]
