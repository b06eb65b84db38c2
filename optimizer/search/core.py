"""Which units make a listed piece impossible: a few units that no set of
non-overlapping communities within the bounds can hold together.

When every possible community of a piece is listed and no partition into them
exists (optimizer.search.columns), "no partition into its N possible communities" is
true but says nothing a planner can act on, and the independent checker cannot
repeat it on a piece past its exhaustive search (100 units): a 200-compound street of
a held-out scenario got a plan the checker rejected. Most such pieces fail on a
handful of units: two compounds at dead ends that each reach the lower bound only
through the same third one. Naming them lets the planner see the cause and lets the
checker prove the claim locally (optimizer.checker.cover: every community within the
bounds holding each named unit, listed around it).

Two ways, cheapest first, both over the connected groups within the bounds (no
center rule, so that what is named is true of the size rule alone):

- a pair: units u and v where every group holding v meets the units that every
  group holding u holds, while no group holds both;
- else a CP-SAT model of the exact cover with one assumption literal a unit (its
  "covered exactly once" row): when it is infeasible the solver's sufficient
  assumptions are a core, kept when it is small.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from optimizer.graph.diagnosis import list_ids
from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.columns import connected_groups

CORE_MAX = 6            # units named at most (a larger core explains nothing)
CORE_TIME_S = 5.0       # deterministic seconds for the CP-SAT core at most


def impossible_why(scenario: Scenario, data: PieceData, columns: int, *,
                   time_s: float = CORE_TIME_S, seed: int = 0) -> tuple[str, tuple[str, ...]]:
    """The search's words for a piece whose every possible community is listed and
    none partitions it (optimizer.search.piece): the count of communities listed and,
    where found, the few units that no non-overlapping communities within the bounds
    can hold together (read back and proved by optimizer.checker.cover); and those
    units' ids."""
    why = f"proved impossible: no partition into its {columns:,} possible communities"
    listed = connected_groups(data)
    if listed is None:
        return why, ()
    core = impossible_core(data, listed[0], time_s=time_s, seed=seed)
    if not core:
        return why, ()
    word = "urban compounds" if data.urban else "rural villages"
    ids = tuple(scenario.unit_ids[int(data.units[u])] for u in core)
    return (f"{why}; no non-overlapping communities of {data.lo:,}-{data.hi:,} households "
            f"can hold all of the {word} {list_ids(ids)}"), ids


def impossible_core(data: PieceData, groups: list[tuple[int, ...]], *,
                    time_s: float = CORE_TIME_S, seed: int = 0) -> tuple[int, ...]:
    """Local units of ``data`` that no non-overlapping ``groups`` (every connected
    group within the bounds) hold all of, as few as found (at most CORE_MAX); () when
    none is found (the groups partition the piece, or the core is larger)."""
    holds: list[list[int]] = [[] for _ in range(data.n)]
    for k, g in enumerate(groups):
        for u in g:
            holds[u].append(k)
    alone = [u for u in range(data.n) if not holds[u]]
    if alone:
        return (alone[0],)
    pair = _forced_pair(data.n, groups, holds)
    if pair:
        return pair
    return _cp_core(data.n, groups, holds, time_s, seed)


def _forced_pair(n: int, groups: list[tuple[int, ...]], holds: list[list[int]]
                 ) -> tuple[int, ...]:
    """Units u, v such that every group of v meets the units all of u's groups hold
    (so every community holding v overlaps every community holding u) while no group
    holds both: two dead ends that reach the lower bound only through the same units."""
    masks = [sum(1 << u for u in g) for g in groups]
    for u in sorted(range(n), key=lambda u: (len(holds[u]), u)):
        forced = -1
        for k in holds[u]:
            forced &= masks[k]
        forced &= ~(1 << u)
        if not forced:
            continue
        together = 0
        for k in holds[u]:
            together |= masks[k]
        near: set[int] = set()
        f = forced
        while f:
            w = (f & -f).bit_length() - 1
            f &= f - 1
            near.update(v for k in holds[w] for v in groups[k])
        for v in sorted(near):
            if v != u and not together >> v & 1 and \
                    all(masks[k] & forced for k in holds[v]):
                return (min(u, v), max(u, v))
    return ()


def _cp_core(n: int, groups: list[tuple[int, ...]], holds: list[list[int]],
             time_s: float, seed: int) -> tuple[int, ...]:
    """A core of the exact cover's rows by the solver's sufficient assumptions."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"g{k}") for k in range(len(groups))]
    lits = []
    for u in range(n):
        a = model.new_bool_var(f"a{u}")
        # every unit in at most one community; "exactly one" only under its assumption
        model.add(sum(x[k] for k in holds[u]) <= 1)
        model.add(sum(x[k] for k in holds[u]) == 1).only_enforce_if(a)
        lits.append(a)
    model.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = time_s
    if solver.solve(model) != cp_model.INFEASIBLE:
        return ()
    index = {lit.index: u for u, lit in enumerate(lits)}
    core = sorted(index[i] for i in solver.sufficient_assumptions_for_infeasibility())
    return tuple(core) if 0 < len(core) <= CORE_MAX else ()


__all__ = ["CORE_MAX", "CORE_TIME_S", "impossible_core", "impossible_why"]
