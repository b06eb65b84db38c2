"""A listed piece with one core (optimizer.search.core) where the set partitioning
over its listing found no plan in time (optimizer.search.cored): one community
holding the core outside the bounds, least outside first, and the rest split within
them by the split search (optimizer.search.split_plan).

Before this such a piece took the soft model's plan, which breaks the bounds in
communities away from the core too, exempt on "no partition" texts the checker
cannot prove past its exhaustive search: bench/wild.py seed 41 (an 83-compound
street of 78,511 listed communities; CP-SAT and the master found no plan with one
community outside the bounds in their seconds, although one exists 200 households
outside) and seed 25 (a 60-compound street whose dead-end compound reaches its only
neighbour's pipeline rooms, too small for any community within the bounds: a plan
800 households out took CP-SAT 4 of its 5 deterministic seconds).

Counted in steps, not seconds (the split search's): the same piece gives the same
plan whatever the load. No bound of its own: the caller keeps the soft model's floor,
which is valid over every plan that breaks the bounds, these included.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizer.graph.pieces import feasible_community_counts, mask_parts
from optimizer.model.piece import PieceData, piece_data
from optimizer.plan.exemption import Exemption
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.core import Cored
from optimizer.search.cored import breaking_groups
from optimizer.search.piece_common import OutsideBounds, plan_cost
from optimizer.search.piece_types import PieceResult
from optimizer.search.split_plan import split_plan
from optimizer.status import Status

TRIES = 6                   # groups outside the bounds tried, least outside first
TRY_STEPS = 12_000          # the split search's steps for the rest of each
SLACKS = (0.1, 0.2, 0.4, 0.8, 1.0)   # of the bounds' width, in turn
MAX_GROUPS = 500            # groups outside the bounds looked at, at most (a 171-compound
                            # street's rest fits no whole number for most: bounded work)


def split_around(scenario: Scenario, data: PieceData, cored: Cored
                 ) -> tuple[tuple[Choice, ...], tuple[tuple[Exemption, ...], ...]] | None:
    """A plan of the piece with one community outside the bounds, holding a unit of
    its only core and exempt with its record, every other within them; None where the
    piece has several cores, or no try found one."""
    if len(cored.cores) != 1:
        return None
    core = cored.cores[0]
    outside = OutsideBounds.of(scenario, data)
    tried: set[tuple[int, ...]] = set()
    seen: set[tuple[int, ...]] = set()
    for share in SLACKS:
        slack = max(1, int(share * (data.hi - data.lo)))
        found = breaking_groups(data, core, slack, max_groups=MAX_GROUPS)
        if found is None:
            return None                 # past a cap: too many to try
        groups = [g for g in found[0] if g not in seen]
        seen.update(groups)
        hh = [int(data.households[list(g)].sum()) for g in groups]
        miss = [max(data.lo - h, 0) + max(h - data.hi, 0) for h in hh]
        for k in sorted(range(len(groups)), key=lambda k: (miss[k], groups[k])):
            if len(tried) >= TRIES or len(seen) > MAX_GROUPS:
                return None
            g = groups[k]
            held = set(g)
            rest = np.array([u for u in range(data.n) if u not in held], dtype=np.int64)
            if not rest_fits(data, rest):
                continue            # a part of the rest fits no whole number: not a try
            head = outside.choice(list(g))   # no stand-in where avoidable
            if head is None:
                continue            # no center: not a try
            tried.add(g)
            if not len(rest):
                return (head,), ((cored.records[0],),)
            plan = split_plan(scenario, piece_data(scenario, data.key, data.units[rest]),
                              steps=TRY_STEPS)
            if plan is not None:
                return (head, *plan), ((cored.records[0],),) + ((),) * len(plan)
    return None


def rest_fits(data: PieceData, rest: np.ndarray) -> bool:
    """Whether every connected part of ``rest`` (local units) can hold a whole number
    of communities within the bounds."""
    bit = {int(u): k for k, u in enumerate(rest.tolist())}
    nbr = [sum(1 << bit[int(v)] for v in data.nbrs[int(u)] if int(v) in bit)
           for u in rest.tolist()]
    hh = [int(data.households[int(u)]) for u in rest.tolist()]
    return all(feasible_community_counts(sum(hh[k] for k in range(len(hh)) if p >> k & 1),
                                         data.lo, data.hi)
               for p in mask_parts((1 << len(hh)) - 1, nbr))


def mend_soft(scenario: Scenario, data: PieceData, cored: Cored | None,
              soft: PieceResult) -> PieceResult:
    """The soft model's result, or, where it breaks the bounds in a community holding
    no unit of the core, :func:`split_around`'s plan with the soft model's floor (a
    bound over every plan that breaks the bounds, so over these too)."""
    if cored is None:
        return soft
    core = {int(data.units[u]) for c in cored.cores for u in c}
    away = any(not (data.lo <= int(scenario.households[list(ch.members)].sum()) <= data.hi)
               and not core & set(ch.members) for ch in soft.choices)
    if not away:
        return soft
    got = split_around(scenario, data, cored)
    if got is None:
        return soft
    choices, exemptions = got
    total = plan_cost(scenario, choices)
    return dataclasses.replace(soft, choices=choices, exemptions=exemptions,
                               status=Status.FEASIBLE, bound=min(soft.bound, total),
                               method=f"core-split({soft.method})",
                               reason=cored.records[0].text)


__all__ = ["TRIES", "TRY_STEPS", "mend_soft", "rest_fits", "split_around"]
