"""Solve an ordinary piece (no unit above the maximum) that no plan keeps within the
household bounds because of a pocket (optimizer.graph.pocket: units reachable only
through one unit, or none, that no split keeps within the bounds): the pocket split
breaking the bounds least, one community exempt and naming its units and gate (the
checker proves it, optimizer.checker.pocket); the rest of the piece, taken apart into
its connected parts, solved as any piece, each with its bound.

Before this such a piece went whole to the ``soft`` model (issue 16: "exempt as
little as can be proven, solve the rest with a bound; a piece's soft fallback is the
last resort"): every community could break the bounds, and its bound was the soft
model's, near 0. The soft model stays where no pocket explains the impossibility, or
where the rest, without the pockets, still has no plan within the bounds (then the
pockets alone are not shown to be all that is impossible).

The piece's bound is the sum of the blocks' bounds and the links between blocks,
which every such plan cuts: a bound on the plans that keep every community but the
pockets' within the bounds and split each pocket breaking them least (the plans the
rules allow here), as for the pockets of a piece with oversized units
(optimizer.search.oversized).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from optimizer.graph import feasible_community_counts
from optimizer.graph.center import capacity_m2
from optimizer.graph.oversized import company
from optimizer.graph.pocket import Pocket, least_breaking, pocket_exemption, pockets
from optimizer.model.piece import PieceData, piece_data
from optimizer.plan.exemption import text_of
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import best_choice
from optimizer.search.oversized_attach import Block, floor
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status

SolvePart = Callable[[Scenario, PieceData, PieceTask, StopFlag], PieceResult]


def pocket_blocks(scenario: Scenario, data: PieceData, allowed: set[int] | None = None
                  ) -> tuple[set[int], list[Block]]:
    """The units of the piece's impossible pockets (each within ``allowed``, default
    all) and of the gates their communities take, and each pocket's block: its split
    breaking the bounds least (one community, exempt and naming the pocket), the
    cheapest such, its bound the least cost of them all."""
    found = pockets(scenario, data.units.tolist(), data.lo, data.hi, allowed)
    local = {int(u): k for k, u in enumerate(data.units)}
    free = set(local) if allowed is None else set(local) & allowed
    free -= {u for pk in found for u in pk.units}
    blocks: list[Block] = []
    for pk in found:
        b = pocket_block(scenario, data, pk, local, free)
        if b is not None:
            blocks.append(b)
            free -= {u for ch in b.choices for u in ch.members}
    return {u for b in blocks for ch in b.choices for u in ch.members}, blocks


def pocket_block(scenario: Scenario, data: PieceData, pocket: Pocket,
                 local: dict[int, int], free: set[int] | None = None) -> Block | None:
    """``free``: units outside the pocket (global) a group of one unit with no place for
    a center may take, the lightest path to one (:func:`with_center`)."""
    plans, complete = least_breaking(scenario, pocket, data.lo, data.hi)
    best: tuple[float, tuple[Choice, ...]] | None = None
    least = float("inf")
    for plan in plans:
        # The path a lone unit takes to a center runs outside the plan's other groups
        # and the paths taken before it: a pocket's split can hold its gate (random
        # 2x4 grid, bench/oversized_grids.py ordinary 4517: the lone no_build r1c1
        # took the gate r1c2, already in its neighbour group, and the piece's solve
        # failed on "a unit left out").
        avail = (free or set()) - {u for g in plan for u in g}
        joined = []
        for g in plan:
            joined.append(with_center(scenario, g, avail))
            avail -= set(joined[-1])
        complete &= joined == plan
        got = [best_choice(scenario, data, [local[u] for u in g]) for g in joined]
        if any(ch is None for ch in got):
            complete = False
            continue
        choices = tuple(ch for ch in got if ch is not None)
        cost = plan_cost(scenario, choices)
        least = min(least, cost)
        if best is None or cost < best[0] - 1e-6:
            best = (cost, choices)
    if best is None:
        return None
    sub = piece_data(scenario, data.key, np.asarray(pocket.units))
    bound = least if complete else floor(scenario, sub)
    ex = pocket_exemption(scenario, data.key, pocket, data.lo, data.hi)
    exemptions = tuple(() if data.lo <= int(scenario.households[list(ch.members)].sum())
                       <= data.hi else (ex,) for ch in best[1])
    return Block(best[1], exemptions, bound, complete, 0.0, f"pocket({len(pocket.units)})")


def with_center(scenario: Scenario, group: tuple[int, ...], free: set[int]
                ) -> tuple[int, ...]:
    """``group``, or where it is one unit with no place for a center, that unit with the
    lightest path (by households) through ``free`` to a unit that can hold the center of
    them all (optimizer.graph.oversized.company). Its community breaks the bounds in
    every plan anyway (a pocket), and no community holding it may go without a center
    where one could have one: wild seed 1088's compound of 888 households, no_build and
    no site, each neighbour above 2,112, stood alone with a build no_build forbids,
    exempt from ONE-STATION, which the checker rightly rejects."""
    if len(group) != 1 or capacity_m2(scenario, group[0]) >= \
            scenario.policy.required_area_m2(int(scenario.households[group[0]])):
        return group
    path = company(scenario, group[0], free)
    if path is None or not _leaves_whole(scenario, free, set(path)):
        return group
    return tuple(sorted({*group, *path}))


def _leaves_whole(scenario: Scenario, free: set[int], path: set[int]) -> bool:
    """Whether the connected part of ``free`` the path lies in, without the path, still
    falls into parts that each hold a whole number of communities (else the path would
    cut off units no community within the bounds can hold: wild seed 1088)."""
    lo, hi = scenario.policy.bounds(bool(scenario.urban[next(iter(path))]))
    touched = [p for p in _connected_parts(scenario, sorted(free)) if path & set(p)]
    rest = [u for p in touched for u in p if u not in path]
    return all(feasible_community_counts(int(scenario.households[p].sum()), lo, hi)
               for p in _connected_parts(scenario, rest))


def solve_pocketed(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
                   solve_part: SolvePart, doomed: tuple[int, ...] = ()
                   ) -> tuple[PieceResult | None, float]:
    """The piece with its pockets exempt and the rest solved part by part, or None
    when it has no pocket, its pockets are all of it, or the rest still has no plan
    within the bounds (the caller falls back to the soft model). The parts are solved
    with ``part_of_piece`` set: their own pockets would be pockets of the part, not of
    the piece (the checker reads a pocket's gate in the whole piece). Also returns
    the time used (of ``task.budget_s``), so that the soft model after a failed try
    gets only what is left: the time limit holds. ``doomed``: units (global) the
    caller proved cannot all be held by communities within the bounds.

    A piece with locks keeps the soft model (it honours them; a pocket's split and
    the parts' would not see locks reaching across them)."""
    if task.locks:
        return None, 0.0
    units = data.units.tolist()
    gone, blocks = pocket_blocks(scenario, data)
    if not blocks:
        return None, 0.0
    rest = [u for u in units if u not in gone]
    if not rest:
        return None, 0.0    # the pockets are the whole piece: nothing smaller proven
    if any(u not in gone for u in doomed):
        # Units that no non-overlapping communities within the bounds hold all of
        # (optimizer.search.core) stay in the rest: it has no plan either, and solving
        # it only to fall back took most of a 200-village town's limit (and past it).
        return None, 0.0
    parts = _connected_parts(scenario, rest)
    if any(not feasible_community_counts(int(scenario.households[p].sum()), data.lo, data.hi)
           for p in parts):
        return None, 0.0    # a part no whole number of communities fits: not explained
    weights = [len(p) ** 0.5 * max(1, int(scenario.households[p].sum())) for p in parts]
    spent = 0.0
    for n, part in enumerate(parts):
        share = max(0.0, task.budget_s - spent) * weights[n] / max(sum(weights[n:]), 1.0)
        sub = piece_data(scenario, data.key, np.asarray(part))
        res = solve_part(scenario, sub, dataclasses.replace(
            task, units=sub.units, diagnosis=None, budget_s=max(share, 0.2),
            part_of_piece=True, within_only=True), stop)
        spent += res.used_s
        if not res.choices or any(res.exemptions):
            return None, spent  # the rest has no plan within the bounds either: soft
        blocks.append(Block(res.choices, res.exemptions, res.bound,
                             res.status == Status.OPTIMAL, res.used_s, res.method))
    choices = tuple(ch for b in blocks for ch in b.choices)
    exemptions = tuple(ex for b in blocks for ex in b.exemptions)
    assert sorted(u for ch in choices for u in ch.members) == sorted(units), "a unit left out"
    block_of = {u: k for k, b in enumerate(blocks) for ch in b.choices for u in ch.members}
    cut = sum(1 for a, b in scenario.edges.tolist()
              if a in block_of and b in block_of and block_of[a] != block_of[b])
    bound = sum(b.bound for b in blocks) + scenario.objective.cut_edge_yuan * cut
    methods = "; ".join(b.method for b in blocks if b.method)
    reason = " | ".join(dict.fromkeys(text_of(ex) for ex in exemptions if ex))
    return PieceResult(task.index, choices, exemptions,
                       Status.OPTIMAL if all(b.proven for b in blocks) else Status.FEASIBLE,
                       bound, spent, f"pockets({len(blocks) - len(parts)}): {methods}",
                       reason, used_s=spent), spent


def _connected_parts(scenario: Scenario, units: list[int]) -> list[list[int]]:
    """The connected parts of ``units`` (global indices), each sorted, in a fixed order."""
    inside = set(units)
    seen: set[int] = set()
    out: list[list[int]] = []
    for u in sorted(units):
        if u in seen:
            continue
        seen.add(u)
        part, todo = [u], [u]
        while todo:
            v = todo.pop()
            for w in scenario.neighbours[v].tolist():
                if int(w) in inside and int(w) not in seen:
                    seen.add(int(w))
                    part.append(int(w))
                    todo.append(int(w))
        out.append(sorted(part))
    return out
