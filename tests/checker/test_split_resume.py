"""The checker's split search goes on where its quick run stopped
(optimizer.checker.split.SplitSearch): proofs.Pieces.split runs 5,000 steps per order,
asks its assignment model, and where that is undecided runs the full 50,000. On 5ce4d5c
the full search started again from nothing (2 x 5,000 + 2 x 50,000 steps, the first
10,000 twice); here 2 x 50,000 in all, with the same verdicts."""

from __future__ import annotations

import random

import pytest

from optimizer.checker import proofs, split
from optimizer.checker.split import MAX_STEPS, SplitAnswer, SplitSearch, find_split
from optimizer.scenario.build import grid_scenario
from tests.checker.test_flow_split import necked


def test_the_full_search_goes_on_from_the_quick_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # the model left undecided, so the search runs out both times (313's shape)
    monkeypatch.setattr(proofs, "flow_split", lambda *a, **k: SplitAnswer(None))
    made: list[split.Bits] = []
    init = split.Bits.__init__

    def counted(self: split.Bits, *a: object, **k: object) -> None:
        init(self, *a, **k)         # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(split.Bits, "__init__", counted)
    s = necked(305)
    got = proofs.Pieces(s).split(0)
    assert got.exists is None
    steps = sum(b.steps for b in made)
    assert steps <= 2 * MAX_STEPS + 2, steps        # 5ce4d5c: 110,004


def test_resumed_runs_decide_as_one_run() -> None:
    rng = random.Random(26)
    seen = {True: 0, False: 0, None: 0}
    for _ in range(30):
        rows, cols = rng.choice([(3, 4), (4, 4), (4, 5)])
        grid: list[list[int | None]] = [
            [None if rng.random() < 0.1 else rng.randint(50, 450) for _ in range(cols)]
            for _ in range(rows)]
        s = grid_scenario(grid, kind="rural")
        units = list(range(s.n_units))
        args = (units, s.households.tolist(), s.neighbours, 1000, 1500)
        whole = find_split(*args, max_steps=400)
        search = SplitSearch(*args)
        first = search.run(40)
        got = search.run(400)
        assert got.exists == whole.exists
        if first.exists is not None:
            assert got == first
        seen[got.exists] += 1
    assert seen[True] and seen[False]
