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
center rule, so that what is named is true of the size rule alone; where those
partition the piece, over the listed communities, each with a legal center, and
named so: :func:`no_partition`):

- a pair: units u and v where every group holding v meets the units that every
  group holding u holds, while no group holds both; else two or three units tried
  exhaustively (optimizer.search.core_small);
- else a CP-SAT model of the exact cover with one assumption literal a unit (its
  "covered exactly once" row): when it is infeasible the solver's sufficient
  assumptions are a core, kept when it is small.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.graph.diagnosis import list_ids
from optimizer.model.piece import PieceData
from optimizer.model.setpart import add_bools
from optimizer.plan.exemption import Exemption
from optimizer.scenario.model import Scenario
from optimizer.search.columns import MASTER_COLUMNS, ColumnPlan, ColumnSet, connected_groups
from optimizer.search.core_small import forced_pair, small_core
from optimizer.search.piece_common import no_plan_reason
from optimizer.search.piece_types import PieceResult, PieceTask

CORE_MAX = 6            # units named at most (a larger core explains nothing)
CORE_TIME_S = 5.0       # deterministic seconds for the CP-SAT core at most
MORE_CORES = 12         # disjoint cores sought at most (optimizer.search.cored)
MORE_CORES_S = 10.0     # ... in this many deterministic seconds at most
LOCAL_UNITS = 20        # units whose neighbourhoods are searched for a core, at most
LOCAL_S = 0.5           # deterministic seconds for one neighbourhood's core at most
LOCAL_LINKS = 4         # neighbourhoods up to this many links from the unit
EARLY_UNITS = 100       # listed pieces of this many units: the local search before solving
EARLY_LOCAL_S = 0.5     # ... for at most this many deterministic seconds
# CP-SAT's presolve of the exact cover ignores the time limits, deterministic and wall:
# for a limit of 0.44 deterministic s it took 1.07 / 2.99 / 11.1 / 43 / 223 of them on
# 5,000 / 10,000 / 20,000 / 40,000 / 98,838 of wild seed 775's 119-compound street's
# communities (44 s of wall each time, twice: that piece ran 113 s on a 10-s limit,
# its 8-s budget used "1.37 s"). Without presolve the same models keep their limit
# (0.44-0.51 deterministic s); models this large go without it.
PRESOLVE_GROUPS = 5_000
ENTRY_S = 1.5e-6        # the instant cores' cost per unit held by a listed community


def impossible_why(scenario: Scenario, data: PieceData, columns: int, *,
                   time_s: float = CORE_TIME_S, seed: int = 0, named: bool = True,
                   wall: bool = False) -> tuple[str, tuple[str, ...]]:
    """The search's words for a piece whose every possible community is listed and
    none partitions it (optimizer.search.piece): the count of communities listed and,
    where found, the few units that no non-overlapping communities within the bounds
    can hold together (read back and proved by optimizer.checker.cover); and those
    units' ids."""
    why = f"proved impossible: no partition into its {columns:,} possible communities"
    listed = connected_groups(data) if named else None
    if listed is None:
        return why, ()
    core = impossible_core(data, listed[0], time_s=time_s, seed=seed, wall=wall)
    if not core:
        return why, ()
    return core_why(scenario, data, why, core)


@dataclass(frozen=True)
class Cored:
    """A listed piece with no partition: its listing, its disjoint cores (local units)
    and the exemption naming each."""

    listing: ColumnSet
    cores: list[tuple[int, ...]]
    records: list[Exemption]


@dataclass(frozen=True)
class NoPartition:
    """What the search knows of a listed piece with no partition (:func:`no_partition`)."""

    record: Exemption           # naming the first core (or none found)
    plain: Exemption            # naming none: for a community holding no core unit
    doomed: tuple[int, ...]     # every core's units (global)
    cored: Cored | None         # None: no core, or no listing to use
    charged_s: float            # of the budget (the core searches, at their limits)
    pending: bool = False       # further cores not yet sought (``more_now`` False)


def no_partition(scenario: Scenario, data: PieceData, got: ColumnPlan, task: PieceTask,
                 more_now: bool = True, stopped: bool = False) -> NoPartition:
    """The cores of a piece whose every possible community is listed and none
    partitions it (optimizer.search.core), each with its exemption. Cores disjoint
    from the first only on listings below the master's size (CP-SAT spent its 10 s
    on a 200-compound street's 87,329 communities without an answer): one community
    per core breaks the bounds, and a rest that keeps a unit of any has no plan (no
    pockets tried then: a 200-village town's took 14 s to find that out).

    Where the groups within the bounds by households alone partition the piece, the
    listing's own communities (each with a legal center: ONE-STATION, PIPELINE) are
    searched for the core, and it is named as such (:func:`core_why` ``centers``):
    bench/wild.py seeds 25 and 100, a compound whose pipeline rooms every community
    holding it must take and none within the bounds fits in, got a soft plan breaking
    the bounds in four to seven communities, exempt on "no partition" texts the
    checker rejects (it splits the piece by households). The further cores are sought
    in the listing too (a core of the groups is one of the listing's).

    Without ``more_now``, where the precheck found the first core (so finding it again
    is instant), the further cores are left for later (``pending``): a plan with one
    community outside the bounds around the first shows that no core is disjoint from
    its community, and their search took 20 s of a 47-s street at load 7.7
    (bench/wild.py seed 93, 4-8 s at load 3-6) before the plan it did not change.

    ``stopped`` (the piece's clock has run out): only the instant cores (a unit no
    community holds, a forced pair, two or three units tried exhaustively), no CP-SAT
    search; the stopped piece's last resorts follow."""
    first_s = 0.0 if stopped else min(CORE_TIME_S, 0.1 * task.budget_s)
    # With the listing's core in hand (columns.plan_by_columns' precheck) the groups by
    # households are searched only for their instant cores (a unit no group holds, a
    # forced pair), which name the size rule alone: their CP-SAT search found none in
    # 2.8-3.7 s on seeds 93 and 123 of bench/wild.py, time their streets lacked at 60 s.
    first = 0.0 if got.core else first_s
    wall = not task.deterministic       # the core searches' seconds on the clock too
    why, core = impossible_why(scenario, data, got.columns, seed=task.seed, time_s=first, wall=wall)
    plain_why = impossible_why(scenario, data, got.columns, time_s=0.0, named=False)[0]
    centers = False
    charged = first
    if not core and got.listing is not None:
        local = got.core or impossible_core(data, list(got.listing.members), time_s=first_s,
                                            seed=task.seed, wall=wall)
        charged += first
        if local:
            why, core = core_why(scenario, data, plain_why, local, centers=True)
            centers = True
    record = no_plan_reason(scenario, data, why, got.columns, core)
    plain = no_plan_reason(scenario, data, plain_why, got.columns)
    doomed = tuple(scenario.unit_index[u] for u in core)
    if got.listing is None or not core:
        return NoPartition(record, plain, doomed, None, charged)
    more = len(got.listing.members) < MASTER_COLUMNS
    pending = more and bool(got.core) and not more_now
    more &= not pending
    more_s = min(MORE_CORES_S, 0.15 * task.budget_s) if more and not stopped else 0.0
    cores = piece_cores(scenario, data, got.columns, core, seed=task.seed, time_s=more_s,
                        more=more, listing=list(got.listing.members), centers=centers,
                        wall=wall)
    cored = Cored(got.listing, [c for c, _, _ in cores],
                  [no_plan_reason(scenario, data, w, got.columns, ids) for _, w, ids in cores])
    doomed = tuple(int(data.units[u]) for c in cored.cores for u in c)
    return NoPartition(record, plain, doomed, cored, charged + more_s, pending)


def only_at_cores(res: PieceResult, why: NoPartition) -> PieceResult:
    """``res`` (the soft model's, the last resort) with a core's exemption only on the
    communities holding a unit of it (SIZE-URBAN / SIZE-RURAL: the core proves that
    such a community breaks the bounds, not any; the checker rejects it elsewhere);
    the others with the exemption naming no core, which the checker proves only where
    it can search the piece whole."""
    named = {ex.named for ex in ([why.record] + (why.cored.records if why.cored else []))
             if ex.named is not None}
    doomed = set(why.doomed)
    # global units -> the record of their core (the soft plan carries the first's):
    # wild seed 100 at 10 s named 2638 on the community of 2652, another core's unit
    own: dict[int, Exemption] = {}
    if why.cored is not None:
        at = 0      # why.doomed: every core's units (global), core by core
        for core, rec in zip(why.cored.cores, why.cored.records, strict=True):
            own.update({u: rec for u in why.doomed[at:at + len(core)] if u not in own})
            at += len(core)
    out = []
    for ch, exs in zip(res.choices, res.exemptions, strict=True):
        if doomed & set(ch.members):
            mine = next((own[u] for u in sorted(ch.members) if u in own), None)
            out.append(exs if mine is None else tuple(
                mine if ex.named in named and ex.named is not None else ex for ex in exs))
        else:
            out.append(tuple(why.plain if ex.named in named and ex.named is not None else ex
                             for ex in exs))
    return res if tuple(out) == res.exemptions else dataclasses.replace(
        res, exemptions=tuple(out))


def piece_cores(scenario: Scenario, data: PieceData, columns: int, first: tuple[str, ...],
                *, time_s: float = MORE_CORES_S, seed: int = 0, more: bool = True,
                listing: list[tuple[int, ...]] | None = None, centers: bool = False,
                wall: bool = False) -> list[tuple[tuple[int, ...], str, tuple[str, ...]]]:
    """The core ``first`` (ids, as :func:`impossible_why` named it; of the listing's
    communities with ``centers``) and, with ``more``, the cores disjoint from it
    (:func:`more_cores`): each as its local units, the search's words and its ids.
    The further cores are of ``listing`` (the communities with a legal center, named
    so) where given, else of the groups within the bounds by households. Without
    ``more`` (large listings: CP-SAT spent its 10 s on a 200-compound street's 87,329
    communities without an answer) the first alone."""
    index = {scenario.unit_ids[int(u)]: k for k, u in enumerate(data.units)}
    why = f"proved impossible: no partition into its {columns:,} possible communities"
    cores = [tuple(index[u] for u in first)] if first else []
    if not cores:
        return []
    groups: list[tuple[int, ...]] | None = listing if more else None
    if more and listing is None:
        found = connected_groups(data)
        groups = found[0] if found is not None else None
    if groups is not None:
        cores = more_cores(data, groups, cores[0], time_s=time_s, seed=seed, wall=wall)
    rest_centers = listing is not None and groups is not None
    return [(core, *core_why(scenario, data, why, core,
                             centers=centers if k == 0 else rest_centers))
            for k, core in enumerate(cores)]


def quick_core(data: PieceData, groups: list[tuple[int, ...]] | tuple[tuple[int, ...], ...],
               seed: int = 0, local: bool = True) -> tuple[tuple[int, ...], float]:
    """A core of the listed communities ``groups`` found before any solve, and its
    deterministic time: a unit none holds, a forced pair (instant), and on pieces of
    EARLY_UNITS units or more one unit's neighbourhood (:func:`_local_core`, at most
    EARLY_LOCAL_S; not without ``local``). A piece with one has no partition: the start and the set
    partitioning are not needed to say so (bench/wild.py seeds 93, 123 and 67: 4-7 s
    for a start, the clock then stopped the street before its core's plan)."""
    holds: list[list[int]] = [[] for _ in range(data.n)]
    for k, g in enumerate(groups):
        for u in g:
            holds[u].append(k)
    used = ENTRY_S * sum(len(h) for h in holds)
    alone = [u for u in range(data.n) if not holds[u]]
    if alone:
        return (alone[0],), used
    spent = [0.0]
    pair = forced_pair(data.n, list(groups), holds) or small_core(
        data.n, list(groups), holds, spent=spent)
    if pair or data.n < EARLY_UNITS or not local:
        return pair, used + spent[0]
    core = _local_core(data, list(groups), holds, EARLY_LOCAL_S, seed, frozenset(), spent)
    return core, used + spent[0]


def core_why(scenario: Scenario, data: PieceData, why: str, core: tuple[int, ...],
             centers: bool = False) -> tuple[str, tuple[str, ...]]:
    """``why`` with the claim that no non-overlapping communities within the bounds
    (each with a legal center, with ``centers``: the listing's communities) can hold
    all of the local units ``core`` (the checker reads it back), and their ids."""
    word = "urban compounds" if data.urban else "rural villages"
    ids = tuple(scenario.unit_ids[int(data.units[u])] for u in core)
    each = (", each with a legal place for its service center (ONE-STATION, PIPELINE),"
            if centers else "")
    return (f"{why}; no non-overlapping communities of {data.lo:,}-{data.hi:,} households"
            f"{each} can hold all of the {word} {list_ids(ids)}"), ids


def more_cores(data: PieceData, groups: list[tuple[int, ...]], first: tuple[int, ...], *,
               time_s: float = CORE_TIME_S, seed: int = 0, most: int = MORE_CORES,
               wall: bool = False) -> list[tuple[int, ...]]:
    """``first`` and further cores disjoint from it and from each other (each found
    with the units of those before it left free to stay uncovered), up to ``most`` in
    all, within ``time_s`` deterministic seconds in all (so the same piece gives the
    same cores on any machine): every plan breaks the bounds in a community holding a
    unit of each (a 200-village town: two villages that no community within the bounds
    holds, and three that none can hold together, found by CP-SAT in 1.2 s)."""
    out = [first]
    used = set(first)
    spent = [0.0]
    while len(out) < most and time_s - spent[0] > 0.05:
        core = impossible_core(data, groups, time_s=time_s - spent[0], seed=seed, free=used,
                               spent=spent, wall=wall)
        if not core:
            break
        out.append(core)
        used.update(core)
    return out


def impossible_core(data: PieceData, groups: list[tuple[int, ...]], *,
                    time_s: float = CORE_TIME_S, seed: int = 0,
                    free: set[int] | frozenset[int] = frozenset(),
                    spent: list[float] | None = None, wall: bool = False) -> tuple[int, ...]:
    """Local units of ``data`` that no non-overlapping ``groups`` (every connected
    group within the bounds) hold all of, as few as found (at most CORE_MAX); () when
    none is found (the groups partition the piece, or the core is larger). ``free``:
    units that need not be held (the units of cores found before), none of which is
    named. ``spent``: CP-SAT's deterministic time (``wall``: or wall, if more) is added."""
    holds: list[list[int]] = [[] for _ in range(data.n)]
    for k, g in enumerate(groups):
        for u in g:
            holds[u].append(k)
    alone = [u for u in range(data.n) if not holds[u] and u not in free]
    if alone:
        return (alone[0],)
    used = [0.0]
    pair = forced_pair(data.n, groups, holds, free) or small_core(data.n, groups, holds,
                                                                   free, used)
    if pair:
        if spent is not None:
            spent[0] += used[0]
        return pair
    core = _local_core(data, groups, holds, time_s / 2, seed, free, used, wall)
    if not core and time_s - used[0] > 0.05:
        core = _cp_core(data.n, groups, holds, time_s - used[0], seed, free, used, wall)
    if spent is not None:
        spent[0] += used[0]
    return core


def _local_core(data: PieceData, groups: list[tuple[int, ...]], holds: list[list[int]],
                time_s: float, seed: int, free: set[int] | frozenset[int],
                spent: list[float], wall: bool = False) -> tuple[int, ...]:
    """A core within the neighbourhood (one to LOCAL_LINKS links) of one unit, units
    held by the fewest groups first: the exact cover of those units alone, by the
    groups meeting them. Infeasible there is infeasible for the piece, and the model is small: on a
    171-compound street (bench/wild.py seed 93) CP-SAT found no core of the whole
    10,875-community listing in 5 s, while a 2,600-household compound whose own rooms
    are too small for it is held by one group only, and the 14 units within three
    links of it are a core's neighbourhood (five units, 0.1 s)."""
    order = sorted((u for u in range(data.n) if u not in free),
                   key=lambda u: (len(holds[u]), u))[:LOCAL_UNITS]
    for u in order:
        near = {u}
        for _ in range(LOCAL_LINKS):
            if time_s - spent[0] <= 0.05:
                return ()
            wider = near | {int(w) for v in near for w in data.nbrs[v]}
            if wider == near:
                break
            near = wider
            local = [groups[k] for k in sorted({k for v in near for k in holds[v]})]
            at: list[list[int]] = [[] for _ in range(data.n)]
            for j, g in enumerate(local):
                for v in g:
                    at[v].append(j)
            core = _cp_core(data.n, local, at, min(LOCAL_S, time_s - spent[0]), seed,
                            set(range(data.n)) - (near - set(free)), spent, wall)
            if core:
                return core
    return ()


def _cp_core(n: int, groups: list[tuple[int, ...]], holds: list[list[int]],
             time_s: float, seed: int, free: set[int] | frozenset[int] = frozenset(),
             spent: list[float] | None = None, wall: bool = False) -> tuple[int, ...]:
    """A core of the exact cover's rows by the solver's sufficient assumptions; ``wall``:
    on the clock too (writer seed 373: 25 s of wall for 6 deterministic s).

    Written straight into the model's proto, variable k being group k: built through
    linear expressions, wild seed 775's 98,838 communities took 1.4-1.6 s of wall to
    build for a 0.5-s limit, twice in a 10-s run (the proto: 0.2 s)."""
    t0 = time.perf_counter()
    model = cp_model.CpModel()
    proto = model.proto
    add_bools(model, len(groups))
    index = {}
    for u in range(n):
        # every unit in at most one community; "at least one" (so exactly one) only
        # under its assumption
        proto.constraints.add().at_most_one.literals.extend(holds[u])
        if u in free:
            continue
        a = add_bools(model, 1)
        row = proto.constraints.add()
        row.enforcement_literal.append(a)
        row.bool_or.literals.extend(holds[u])
        index[a] = u
    proto.assumptions.extend(list(index))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = time_s
    solver.parameters.cp_model_presolve = len(groups) <= PRESOLVE_GROUPS
    if wall:
        solver.parameters.max_time_in_seconds = max(0.01, time_s - (time.perf_counter() - t0))
    code = solver.solve(model)
    if spent is not None:
        took = time.perf_counter() - t0 if wall else 0.0
        spent[0] += max(0.01, solver.response_proto.deterministic_time, took)
    if code != cp_model.INFEASIBLE:
        return ()
    core = sorted(index[i] for i in solver.sufficient_assumptions_for_infeasibility())
    return tuple(core) if 0 < len(core) <= CORE_MAX else ()


__all__ = ["CORE_MAX", "CORE_TIME_S", "MORE_CORES_S", "Cored", "NoPartition", "core_why",
           "impossible_core", "impossible_why", "more_cores", "no_partition", "only_at_cores",
           "piece_cores", "quick_core"]
