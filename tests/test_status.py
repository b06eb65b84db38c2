"""The one Status vocabulary: its words are the contract's, CP-SAT's codes map onto it."""

from __future__ import annotations

import json

import pytest
from ortools.sat.python import cp_model

from optimizer.plan.model import STATUSES
from optimizer.status import Status


def test_the_words_are_the_contracts() -> None:
    # CONTRACT.md, summary.json: status is OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN
    assert STATUSES == ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN")
    assert json.dumps({"status": Status.OPTIMAL}) == '{"status": "OPTIMAL"}'
    assert f"{Status.FEASIBLE}" == str(Status.FEASIBLE) == "FEASIBLE"
    assert Status.INFEASIBLE == "INFEASIBLE"


@pytest.mark.parametrize(("code", "want"), [
    (cp_model.OPTIMAL, Status.OPTIMAL), (cp_model.FEASIBLE, Status.FEASIBLE),
    (cp_model.INFEASIBLE, Status.INFEASIBLE), (cp_model.UNKNOWN, Status.UNKNOWN),
    (cp_model.MODEL_INVALID, Status.UNKNOWN)])
def test_cp_sat_codes(code: object, want: Status) -> None:
    assert Status.from_cp_sat(code) is want   # type: ignore[arg-type]


def test_parse_names_the_words() -> None:
    assert Status.parse("optimal") is Status.OPTIMAL
    assert Status.parse(Status.UNKNOWN) is Status.UNKNOWN
    with pytest.raises(ValueError, match="OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN.*'DONE'"):
        Status.parse("DONE")


def test_combined() -> None:
    assert Status.combined([Status.OPTIMAL, Status.OPTIMAL]) is Status.OPTIMAL
    assert Status.combined([Status.OPTIMAL, Status.FEASIBLE]) is Status.FEASIBLE
    assert Status.combined([Status.OPTIMAL], interrupted=True) is Status.FEASIBLE
    assert Status.has_answer.fget(Status.FEASIBLE)     # type: ignore[attr-defined]
    assert not Status.INFEASIBLE.has_answer
