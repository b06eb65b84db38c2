"""A checkpoint's piece result: the Status is checked, and one written before
memory_stopped existed still loads (as not stopped by the memory budget)."""

from __future__ import annotations

import dataclasses
import json

from optimizer.search.attempt import Choice
from optimizer.search.checkpoint import parse_result
from optimizer.search.piece_types import PieceResult
from optimizer.status import Status


def _raw() -> dict[str, object]:
    res = PieceResult(0, (Choice(1, (0, 1), "build", None, None),), ("",), Status.OPTIMAL,
                      10.0, 0.5, "exact(k=1)")
    return json.loads(json.dumps(dataclasses.asdict(res)))


def test_status_and_memory_flag_round_trip() -> None:
    raw = _raw()
    assert raw["status"] == "OPTIMAL" and raw["memory_stopped"] is False
    got = parse_result(raw)
    assert isinstance(got, PieceResult) and got.status is Status.OPTIMAL
    older = {k: v for k, v in raw.items() if k != "memory_stopped"}
    got = parse_result(older)
    assert isinstance(got, PieceResult) and got.memory_stopped is False


def test_a_bad_status_or_flag_is_named() -> None:
    assert "status 'DONE'" in str(parse_result({**_raw(), "status": "DONE"}))
    assert "memory_stopped" in str(parse_result({**_raw(), "memory_stopped": "no"}))
    assert "fields" in str(parse_result({**_raw(), "extra": 1}))
