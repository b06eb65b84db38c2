"""Of the plans of a stranded group joining the fewest households, one with the fewest
communities centred on a stand-in build (ONE-STATION exempt): split from
:mod:`optimizer.search.oversized_attach` (which stays under 400 lines)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from optimizer.model.piece import PieceData
from optimizer.model.precedence import may_stand_in
from optimizer.model.setpart import SetPartModel, build_setpart, solve_setpart
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.oversized_least import ATTACH_S
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status


def stand_ins_of(scenario: Scenario, choices: Sequence[Choice]) -> int:
    """Communities centred on a stand-in build (ONE-STATION: no legal center there)."""
    if scenario.stand_in is None:
        return 0
    return sum(may_stand_in(scenario, ch.members) for ch in choices)


def joined_of(scenario: Scenario, choices: Sequence[Choice], cores: dict[int, list[int]]
              ) -> int:
    """Households in the oversized units' communities beyond the units themselves
    (the attach step ranks plans by them first, then by stand-ins and cost)."""
    out = 0
    for ch in choices:
        if any(o in ch.members for o in cores):
            out += int(scenario.households[list(ch.members)].sum()) - sum(
                int(scenario.households[o]) for o in cores if o in ch.members)
    return out


def fewer_stand_ins(scenario: Scenario, gd: PieceData, members: list[tuple[int, ...]],
                     cost: np.ndarray, attached: np.ndarray, total: int,
                     chosen: tuple[int, ...], task: PieceTask, stop: StopFlag
                     ) -> tuple[tuple[int, ...], bool, float, float] | None:
    """A stand-in build is an exemption (ONE-STATION): of the plans joining the fewest
    households, one with fewer communities centred on a stand-in beats a cheaper one
    with more, exempt as little as can be (a random 2x5 rural grid: two no_build
    villages made a stand-in community where the plan putting them in the oversized
    unit's community, as few households joined, kept a legal center everywhere).

    None when the cheapest plan (``chosen``) has no stand-in community or the fewest
    is not proven below its number. Else the cheapest plan with the fewest (or, if
    that stage finds none in its time, the fewest's own plan), whether the cheapest
    of them is proven, its bound (valid for the plans with the fewest) and the time
    used."""
    if scenario.stand_in is None:
        return None
    stand = np.array([np.isfinite(c) and may_stand_in(scenario, [int(gd.units[i]) for i in m])
                      for m, c in zip(members, cost.tolist(), strict=True)], dtype=np.float64)
    have = int(stand[list(chosen)].sum())
    if have == 0:
        return None

    def model(weights: np.ndarray, cap: int | None) -> SetPartModel:
        built = build_setpart(gd.n, members, weights, hint=chosen)
        built.at_most(np.maximum(attached, 0), total)
        if cap is not None:
            built.at_most(np.asarray(stand, dtype=bool).astype(np.int64), cap)
        return built

    kw = {"workers": task.threads, "seed": task.seed, "deterministic": task.deterministic,
          "stop": stop}
    first = solve_setpart(model(stand, None), time_s=ATTACH_S, **kw)  # type: ignore[arg-type]
    if not first.chosen or first.status != Status.OPTIMAL:
        return None
    least = int(round(float(stand[list(first.chosen)].sum())))
    if least >= have:
        return None
    second = solve_setpart(model(cost, least), time_s=ATTACH_S, **kw)  # type: ignore[arg-type]
    used = first.used_s + second.used_s
    if not second.chosen:
        return first.chosen, False, -math.inf, used
    return second.chosen, second.status == Status.OPTIMAL, second.bound_yuan, used


__all__ = ["fewer_stand_ins"]
