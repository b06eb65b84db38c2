"""The fewest households a stranded part must give to the communities of the oversized
units it touches (optimizer.search.oversized_attach): listed exactly, or None past
the listing caps. Split from oversized_attach so that the claim an exemption makes
("no plan gives fewer households") is read in one place; the checker proves it with
its own code (optimizer.checker.least).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from optimizer.graph.oversized import Part, least_to_attach
from optimizer.model.piece import PieceData, piece_data
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.scenario.model import Scenario
from optimizer.search.columns import connected_groups
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.search.windows import COVER_STATE_S, CoverTooLarge, cheapest_cover
from optimizer.status import Status

MAX_COLUMNS = 200_000       # possible communities of one stranded group, at most
MAX_STEPS = 2_000_000       # ... and enumeration steps
LEAST_COLUMNS = min(MAX_COLUMNS, 20_000)   # the search for the fewest joining, per round:
                            # past it the block model (a 154-unit part: 1.9 M supersets)
COVER_UNITS = 62            # a stopped group's first plan by exact cover up to this many units
LEAST_STATES = 50_000       # the fewest joining by exact cover: its states, at most (~0.2 s;
                            # seed 1344's 22 units 13,000; 538's 39 units past 200,000)
ATTACH_S = 5.0              # the set partitioning of one stranded group, at most (each stage)


def least_part(scenario: Scenario, gd: PieceData, part: Part, cores: dict[int, list[int]],
                task: PieceTask, stop: StopFlag
                ) -> tuple[int, list[tuple[int, ...]], bool, float] | None:
    """The fewest households ``part`` must give to the oversized units' communities,
    the communities within the bounds a plan giving that few may hold there (local to
    ``gd``), whether that is proven, and the time used; None past the listing caps.

    A part of fewer than 2·L households holds at most one community within the
    bounds: the fewest is the part less its heaviest community whose removal leaves
    every remaining piece touching an oversized unit (each such piece then joins one).
    A larger part: set partitioning, least households joining first."""
    local = {int(u): k for k, u in enumerate(gd.units)}
    sub = piece_data(scenario, gd.key, np.asarray(part.units))
    # Stopped (the clock): a large listing ends at once (a small one completes), as if
    # past the caps; seed 373's 194,893 groups took 15 s of wall at load 11 after the stop.
    found = connected_groups(sub, MAX_COLUMNS, MAX_STEPS, stop=stop)
    if found is None:
        return None
    groups = [tuple(sorted(local[int(sub.units[i])] for i in g)) for g in found[0]]
    inside = {local[u] for u in part.units}
    touching = {u for o in part.touches for u in cores[o]}
    hh = gd.households
    if part.households < 2 * gd.lo:
        weight = [int(hh[list(g)].sum()) for g in groups]
        best: list[tuple[int, ...]] = []
        for k in sorted(range(len(groups)), key=lambda k: -weight[k]):
            if best and weight[k] < int(hh[list(best[0])].sum()):
                break
            if rest_reaches(gd, inside - set(groups[k]), touching):
                best.append(groups[k])
        top = int(hh[list(best[0])].sum()) if best else 0
        return part.households - top, best, True, 0.0
    # Larger: each oversized unit's community takes a connected share of the part; the
    # share's pieces (connected, each bordering the unit) are columns of at most
    # ``extra`` households, several of one unit allowed, and the least that must join
    # is found by set partitioning, ``extra`` doubled from the arithmetic least while
    # none is found. A plan of V households found so is the least of every plan only
    # if V <= extra + 1: any plan giving fewer than V has a piece above ``extra`` (else
    # it is among the columns), so it gives at least extra + 1. Otherwise (several
    # pieces of up to ``extra`` each made V) once more with ``extra`` = V - 1, which
    # lists every piece of every plan giving fewer: its answer is the least. Taking
    # the first V for the least said "no plan gives fewer households" where one did
    # (random grids: 2,400 joined where 2,200 could; the checker rejected them). If
    # that listing is past its cap, V is a plan, not shown the least.
    pos = {i: k for k, i in enumerate(sorted(inside))}
    near = [[pos[int(v)] for v in gd.nbrs[i] if int(v) in pos] for i in sorted(inside)]
    extra = least_to_attach(part.households, gd.lo, gd.hi)
    used = 0.0
    past: int | None = None         # the least found past ``extra`` + 1, not proven
    while True:
        big: list[tuple[int, ...]] = []
        for o in part.touches:
            got = supersets(gd, cores[o], inside, extra, LEAST_COLUMNS - len(big))
            if got is None:
                return None if past is None else (past, groups, False, used)
            big += [tuple(sorted(set(g) & inside)) for g in got if set(g) & inside]
        members = [tuple(pos[i] for i in g) for g in groups + big]      # pos keeps order
        gain = np.array([0.0] * len(groups) + [float(hh[list(g)].sum()) for g in big])
        chosen, status, spent = _fewest(len(pos), members, gain, task, stop, near)
        used += spent
        if chosen:
            need = int(round(sum(gain[k] for k in chosen)))
            if need <= extra + 1 or status != Status.OPTIMAL:
                return need, groups, status == Status.OPTIMAL and need <= extra + 1, used
            past, extra = need, need - 1
            continue
        if status != Status.INFEASIBLE or extra >= part.households:
            return None if past is None else (past, groups, False, used)
        extra = min(part.households, max(2 * extra, gd.lo // 2))


def _fewest(n: int, members: list[tuple[int, ...]], gain: np.ndarray, task: PieceTask,
            stop: StopFlag, nbrs: list[list[int]] | None = None
            ) -> tuple[tuple[int, ...], Status, float]:
    """The partition of units 0..n-1 into ``members`` of least ``gain``: the members
    chosen, OPTIMAL or INFEASIBLE when proven, and the time used (deterministic).

    Up to COVER_UNITS units by the exact cover (no solver; its states charged at
    COVER_STATE_S; units in band order where ``nbrs`` is given), else by CP-SAT.
    Why: bench/wild.py seed 1344's 22-village part (4,091 listed communities) took
    CP-SAT 0.43 s to prove no partition without joining and 0.75 s for the fewest (132
    households); the piece's 0.59 s ran out, the group fell to its stopped fallbacks
    and ended `soft`, which its check rejects. The exact cover answers both in under
    0.1 s. Past LEAST_STATES (about 0.2 s) CP-SAT as before: seed 538's 39-unit part
    passed 200,000 states in 0.8 s in the units' own order; in band order its first
    round takes 66 states, its second (4,669 columns with the oversized unit's shares)
    still passes the cap and goes to CP-SAT."""
    wasted = 0.0
    if n <= COVER_UNITS:
        try:
            # The clock's stop only past its grace: capped at LEAST_STATES, the cover
            # ends sooner than the solver it spares.
            value, chosen, states = cheapest_cover(n, tuple(members), gain,
                                                   stop if stop.grace_s() <= 0.0 else None,
                                                   LEAST_STATES, nbrs)
        except CoverTooLarge:
            wasted = LEAST_STATES * COVER_STATE_S
        else:
            return (chosen, Status.OPTIMAL if math.isfinite(value) else Status.INFEASIBLE,
                    states * COVER_STATE_S)
    res = solve_setpart(build_setpart(n, members, gain), time_s=ATTACH_S,
                        workers=task.threads, seed=task.seed,
                        deterministic=task.deterministic, stop=stop)
    return res.chosen, res.status, res.used_s + wasted


def rest_reaches(gd: PieceData, rest: set[int], touching: set[int]) -> bool:
    """Whether every connected piece of ``rest`` borders a unit of ``touching``."""
    left = set(rest)
    while left:
        start = left.pop()
        todo, ok = [start], False
        while todo:
            u = todo.pop()
            for v in gd.nbrs[u]:
                if v in touching:
                    ok = True
                elif v in left:
                    left.discard(v)
                    todo.append(v)
        if not ok:
            return False
    return True


def supersets(data: PieceData, seed: list[int], allowed: set[int], extra: int,
              cap: int) -> list[tuple[int, ...]] | None:
    """Every connected group made of ``seed`` (connected) and units of ``allowed``
    holding at most ``extra`` households more than ``seed``, each once (ESU from the
    seed); None past ``cap`` groups."""
    h = [int(v) for v in data.households]
    nbrs = data.nbrs
    out: list[tuple[int, ...]] = []
    base = set(seed)
    closed = 0
    for u in seed:
        closed |= 1 << u
        for v in nbrs[u]:
            closed |= 1 << v
    start = sorted({v for u in seed for v in nbrs[u] if v in allowed and v not in base})
    stack: list[tuple[tuple[int, ...], int, list[int], int]] = [((), 0, start, closed)]
    while stack:
        group, weight, ext, seen = stack.pop()
        out.append(tuple(sorted((*seed, *group))))
        if len(out) > cap:
            return None
        ext = list(ext)
        while ext:
            w = ext.pop()
            if weight + h[w] > extra:
                continue
            new = [v for v in nbrs[w] if v in allowed and not seen >> v & 1]
            stack.append(((*group, w), weight + h[w], ext + new,
                          seen | (1 << w) | sum(1 << v for v in nbrs[w])))
    return out


def attached_households(members: list[tuple[int, ...]], cores: list[list[int]],
                        hh: np.ndarray) -> np.ndarray:
    """Per column, the households it adds to an oversized unit's core (0 for the
    columns of no oversized unit)."""
    core_of = {c[0]: (c, int(hh[c].sum())) for c in cores}
    out = np.zeros(len(members))
    for k, m in enumerate(members):
        for u in m:
            if u in core_of:
                out[k] = int(hh[list(m)].sum()) - core_of[u][1]
                break
    return out


def first_partition(members: list[tuple[int, ...]], cost: np.ndarray, attached: np.ndarray,
                    n: int, task: PieceTask, stop: StopFlag,
                    nbrs: Sequence[Iterable[int]] | None = None
                    ) -> tuple[tuple[int, ...], bool]:
    """A plan of a stranded group whose set partitioning (the fewest joining, then the
    cheapest) the clock cut before a proven answer: the columns chosen from
    ``members`` (each within the bounds with a center, or an oversized unit's
    community) and whether they are exact: the fewest joining households, then the
    cheapest (the exact cover; its () proves there is no partition); else CP-SAT's
    first plan, () when it found none.

    Why: bench/wild.py seed 84 at 10 s with one worker under load, a 19-village town
    with three villages above the maximum: pricing its 6,027 columns ended after the
    clock, CP-SAT's hurried first plan (a 0.05-s cap once the grace had passed) found
    none, and that was read as "the fewest leaves no place for a center"; the
    fallbacks for that (the models, the wider listing) ran 18 s past the limit, found
    nothing, and the town ended `soft`, failing SIZE-RURAL in its own check. Up to
    62 units the exact cover of :func:`optimizer.search.windows.cheapest_cover` takes
    no solver and no clock (at most its COVER_STATES, ~1.6 s of CPU); a larger group
    asks CP-SAT for a first plan as before."""
    order = [tuple(sorted(m)) for m in members]
    if n <= COVER_UNITS:
        # Lexicographic: a household more joined outweighs any plan's whole cost.
        weight = attached.astype(float) * (float(cost.max(initial=0.0)) * n + 1.0) + cost
        try:
            value, chosen, _ = cheapest_cover(n, tuple(order), weight, nbrs=nbrs)
            return (chosen if math.isfinite(value) else ()), True   # () proves none
        except CoverTooLarge:
            pass
    res = solve_setpart(build_setpart(n, order, attached.astype(float)), time_s=ATTACH_S,
                        workers=task.threads, seed=task.seed,
                        deterministic=task.deterministic, stop=stop)
    return res.chosen, False
