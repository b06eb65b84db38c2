"""Column generation with exact pricing: a valid whole-piece LP bound where the
listing of every community is far too large (a 300-compound street: ~10^11 groups).

The restricted master is the set-partitioning LP over a pool of columns (HiGHS,
``x ≥ 0``: ``x ≤ 1`` is implied by the rows, and without it every pool column's
reduced cost is ≥ 0 at the optimum), seeded with the plan in hand's communities.
A round prices every centre (:mod:`optimizer.search.pricing`) under the LP's duals π
and adds the most negative columns found, priced as the listing prices them
(:func:`optimizer.search.column_price.price_groups`): capped rounds (a few nodes a centre)
until they find none, then an exact one, which alone can prove the LP solved
(``generate``: the degenerate first LPs took 1.3-2.2 M nodes a round priced exactly).
The exact rounds price at the LP's optimal duals nearest the best bound's multipliers
(``central_duals``): the simplex's own vertex of the degenerate master made one
round on a mid-size part cost 3.69 M nodes, its nearest optimal duals 73 k.

The bound. For any π, a plan x (one column per community, each with a centre of
its own: distinct units) costs ``Σπ + Σ_S x_S (c_S − π(S))``, and ``c_S − π(S)``
≥ r_c, the least reduced cost at S's centre (or a floor under it). So with k
communities (k_lo ≤ k ≤ k_hi) the plan costs at least ``Σπ + the sum of the k
smallest r_c``; the bound is the least of these over k. It is valid for any π (the
LP's accuracy does not matter: Σπ and the floors are recomputed here), at every
round and however early the clock stops pricing (a centre not finished gives the
least bound of its branches still open, optimizer.search.pricing); when no centre
has a negative column left it equals the LP's value (the Lasdon bound with the count
and distinct centres). The best over the rounds is kept.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, hstack, identity, vstack

from optimizer.model.count_floor import count_floor
from optimizer.model.master import incidence
from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.columns import price_groups
from optimizer.search.pricing import Pricer
from optimizer.search.stop import StopFlag

KEEP = 2                # columns kept per centre and round (the most negative)
MAX_NODES = 200_000     # per centre and round; past it the centre gives its root's floor
MARGIN = 1e-9           # relative safety margin on the bound (float sums)
NODE_S = 1.5e-5         # deterministic seconds charged per pricing node (13-16 µs of CPU
                        # measured on 200-300-compound streets)
LP_S = 0.05             # ... per restricted LP, plus LP_NZ_S per nonzero of its pool
LP_NZ_S = 2e-6
COLUMN_S = 2e-4         # ... per new column priced exactly (price_groups)
HEURISTIC_NODES = 1_000 # per centre in the rounds that only look for columns (0: none):
                        # the degenerate first LPs' rounds took 1.3-2.2 M nodes priced
                        # exactly, 0.17-0.24 M capped (Shizhou, Yongwu; bench/JOURNAL.md,
                        # helper `cgfast`)
NEGATIVE_ONLY = True    # exact rounds after the first seek only negative columns (a
                        # centre with none is not priced to its least: floor 0)
CENTRAL = True          # exact rounds price at the LP's optimal duals nearest (L1) the best
                        # bound's multipliers, not at the vertex the simplex ends on:
                        # oversized-urban-nosplit's 82-compound part, after the capped
                        # rounds stall, 73 k nodes a round there against 3.69 M
CENTRAL_LP = 2.0        # ... its LP charged as this many restricted LPs more (3n variables)
CENTRAL_TOL = 1e-7      # ... their sum within this share of the LP's value
STALL = 1e-4            # a capped round whose LP fell by at most this share of it: the next
                        # is exact (nosplit's part: capped rounds 11-16 moved its LP 0.004%)
LAST_CHANCE = 4.0       # ... and one where what is left (work, clock) holds fewer than this
                        # many capped rounds (their bounds are weak: nosplit's part at the
                        # clock spent its 19.5-s reserve on 12 of them; exact: 1.4-2.4x one)
SMOOTHING = 0.0         # share of the best bound's multipliers in the prices (Wentges):
                        # 0.7 held a 150-compound street's LP at 38.96-38.43 M yuan for
                        # 8 rounds where the LP's duals alone took it to 37.80 M


@dataclass(frozen=True)
class Round:
    lp_yuan: float          # the restricted LP's value
    bound_yuan: float       # this round's Lagrangian bound (valid)
    added: int              # new columns
    nodes: int              # branch-and-bound nodes of the pricing
    open_centers: int       # centres whose enumeration hit MAX_NODES or the stop flag
    lp_cpu_s: float         # process time of the LP
    price_cpu_s: float      # ... and of the pricing
    work_s: float = 0.0     # the round's fixed estimate (NODE_S, LP_S, COLUMN_S)
    kind: str = "exact"     # "dual": at given multipliers; "heuristic": capped, no proof
    central: bool = False   # priced at the optimal duals nearest the best bound's


@dataclass
class ColumnPool:
    """The columns generated so far (local unit groups, sorted) and their exact cost."""

    members: list[tuple[int, ...]] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    index: dict[tuple[int, ...], int] = field(default_factory=dict)

    def add(self, scenario: Scenario, data: PieceData, groups: list[tuple[int, ...]]) -> int:
        new = sorted({g for g in groups if g not in self.index})
        if not new:
            return 0
        cost = price_groups(scenario, data, new)
        added = 0
        for g, c in zip(new, cost.tolist(), strict=True):
            if math.isfinite(c):
                self.index[g] = len(self.members)
                self.members.append(g)
                self.cost.append(c)
                added += 1
        return added


@dataclass(frozen=True)
class ColGenResult:
    pool: ColumnPool
    bound_yuan: float       # the best round's bound (-inf: none)
    lp_yuan: float          # the last restricted LP's value
    converged: bool         # no negative column left: the LP over every column is solved
    rounds: tuple[Round, ...]
    duals: np.ndarray       # the last LP's π
    x: np.ndarray           # ... and its solution over the pool

    @property
    def work_s(self) -> float:
        """The fixed estimate of what it cost (deterministic seconds)."""
        return sum(r.work_s for r in self.rounds)


def count_range(data: PieceData, at_most: int | None = None) -> tuple[int, int]:
    """The possible numbers of communities of the piece (SIZE-URBAN / SIZE-RURAL): from
    the fewest proven (optimizer.model.count_floor; ``at_most``: a plan's count, which
    the floor never passes) to the most households allow."""
    return (count_floor(data, at_most=at_most).least,
            max(1, data.total // max(1, data.lo)))


def lagrangian_value(pi: np.ndarray, floors: np.ndarray, k_lo: int, k_hi: int) -> float:
    """``Σπ + min over k in k_lo..k_hi of the sum of the k smallest floors``, less a
    margin for float sums (module docstring)."""
    order = np.sort(floors)[:k_hi]
    order = order[np.isfinite(order)]
    if len(order) < k_lo or np.isneginf(floors).any():
        return -math.inf        # a centre not priced (or a plan-less piece): no bound
    best = float(np.cumsum(order)[k_lo - 1:].min())
    value = float(pi.sum()) + best
    return value - MARGIN * (abs(value) + float(np.abs(pi).sum())) - 1e-6


def solve_lp(n: int, pool: ColumnPool, stop: StopFlag | None
             ) -> tuple[float, np.ndarray, np.ndarray] | None:
    """The restricted LP's value, duals π and solution; None when cut short."""
    a = incidence(n, pool.members)
    left = None if stop is None else stop.seconds_left()
    options = {} if left is None else {"time_limit": max(0.0, left)}
    res = linprog(np.asarray(pool.cost), A_eq=a, b_eq=np.ones(n), bounds=(0, None),
                  method="highs", options=options)
    if res.status != 0 or res.x is None:
        return None
    return float(res.fun), np.asarray(res.eqlin.marginals, dtype=np.float64), np.asarray(res.x)


def lp_work_s(pool: ColumnPool) -> float:
    """A restricted LP's fixed estimate (deterministic seconds)."""
    return LP_S + LP_NZ_S * sum(len(g) for g in pool.members)


def central_duals(n: int, pool: ColumnPool, lp_value: float, ref: np.ndarray,
                  stop: StopFlag | None) -> np.ndarray | None:
    """Among the restricted LP's optimal duals (every pool column's reduced cost
    ≥ 0, Σπ ≥ its value less CENTRAL_TOL of it), the nearest ``ref`` in L1; None when
    the LP is cut short or fails. Why: the simplex ends on an extreme dual of the
    degenerate master (π from −4.6 k to 1.01 M yuan a compound on nosplit's part),
    where the pricing's bounds are loose; a round at these duals proves the LP as
    well (Σπ is its value) and cost 49-73 k nodes there, not 3.69 M."""
    a = incidence(n, pool.members).T.tocsr()
    m = a.shape[0]
    zero = csr_matrix((m, n))
    total = csr_matrix(np.concatenate([-np.ones(n), np.zeros(2 * n)])[None, :])
    a_ub = vstack([hstack([a, zero, zero]), total]).tocsr()
    b_ub = np.concatenate([np.asarray(pool.cost), [-(lp_value - CENTRAL_TOL * abs(lp_value))]])
    eye = identity(n, format="csr")
    a_eq = hstack([eye, -eye, eye]).tocsr()
    cost = np.concatenate([np.zeros(n), np.ones(2 * n)])
    left = None if stop is None else stop.seconds_left()
    options = {} if left is None else {"time_limit": max(0.0, left)}
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=np.asarray(ref, dtype=np.float64),
                  bounds=[(None, None)] * n + [(0, None)] * (2 * n), method="highs",
                  options=options)
    if res.status != 0 or res.x is None:
        return None
    return np.asarray(res.x[:n], dtype=np.float64)


def price_all(pr: Pricer, pi: np.ndarray, keep: int, max_nodes: int,
              stop: StopFlag | None, any_sign: bool = False,
              total_nodes: int | None = None, cut: float = math.inf
              ) -> tuple[np.ndarray, list[tuple[int, ...]], int, int]:
    """Every centre priced under ``pi``: the floors (-inf where the stop came first),
    the columns of negative reduced cost found (``any_sign``: each centre's best,
    whatever its sign), the nodes, the centres left open. ``total_nodes``: the
    round's nodes at most; past it each centre left gives its root's floor (one node).
    ``cut``: only groups below it are sought (:meth:`Pricer.price_center`)."""
    n = pr.data.n
    floors = np.full(n, -math.inf)
    groups: list[tuple[int, ...]] = []
    nodes = open_centers = 0
    for c in range(n):
        if stop is not None and stop.is_set():
            open_centers += n - c
            break
        cap = max_nodes if total_nodes is None else max(0, min(max_nodes,
                                                               total_nodes - nodes))
        got = pr.price_center(c, pi, keep, stop, cap, cut)
        floors[c] = got.floor
        nodes += got.nodes
        open_centers += not got.complete
        groups.extend(g for _, g in (got.best if any_sign else got.found))
    return floors, groups, nodes, open_centers


def generate(scenario: Scenario, data: PieceData, start: list[tuple[int, ...]], *,
             max_rounds: int, stop: StopFlag | None = None, keep: int = KEEP,
             max_nodes: int = MAX_NODES, pricer: Pricer | None = None,
             duals: np.ndarray | None = None, smoothing: float = SMOOTHING,
             progress: Callable[[Round], None] | None = None,
             work_s: float | None = None, heuristic_nodes: int = HEURISTIC_NODES,
             negative_only: bool = NEGATIVE_ONLY, central: bool = CENTRAL,
             clock: StopFlag | None = None) -> ColGenResult:
    """Column generation from the columns ``start`` (a plan: a partition of the
    piece, so the first LP is feasible) for at most ``max_rounds`` rounds, or until
    no negative column is left, or ``stop`` (looked at between centres and inside
    each enumeration). Deterministic: no clock decides anything but the stop.

    ``duals``: multipliers to price with first, a round of its own (the
    Lagrangian's: its bound with connected communities; each centre's best
    community joins the pool, so the first LP is not the start plan alone, whose
    duals are arbitrary: from the start plan alone a 150-compound street's bounds
    fell to −148 M and −786 M yuan where the Lagrangian's multipliers gave 37.1 M).
    ``smoothing`` > 0 prices at that share of the multipliers of the best bound so
    far + the rest of the LP's duals (Wentges; measured worse, see SMOOTHING). Any
    multipliers give a valid bound; a round that adds no column prices at the LP's
    duals alone next, and the LP is solved when that finds none.

    ``heuristic_nodes`` > 0: the LP rounds only look for columns, each centre's
    search capped at that many nodes and cut at 0, until such a round adds none,
    its LP has stalled (STALL) or what is left of ``work_s`` (and of ``clock``'s
    seconds: wall-clock mode only) holds few more (LAST_CHANCE);
    then an exact round (``max_nodes``), which proves the LP solved when it adds
    none too, and otherwise hands back to the capped rounds. A capped round's bound
    is valid (an unfinished centre gives its root's floor) but weak: the rounds that
    move the best bound are the exact ones. ``negative_only``: the exact rounds after
    the first are cut at 0 too (a centre with no negative column is floored at 0, not
    priced to its least: the count's lift over the LP's value is given up, which the
    first round at ``duals`` keeps).

    ``work_s``: deterministic seconds by fixed estimates (nodes, LPs, columns: the
    rounds' ``work_s``), never the clock: a round starts only where what is left
    covers its LP and as many nodes as the last round took, and its pricing stops
    at what is left (the centres after that give their roots' floors)."""
    pr = pricer if pricer is not None else Pricer(scenario, data)
    pool = ColumnPool()
    pool.add(scenario, data, [tuple(sorted(g)) for g in start])
    k_lo, k_hi = count_range(data, at_most=len(start) or None)
    rounds: list[Round] = []
    best = -math.inf
    centre: np.ndarray | None = None        # the multipliers of the best bound
    alpha = smoothing
    nodes_cap = max_nodes
    converged = False
    lp_value, pi, x = math.nan, np.zeros(data.n), np.zeros(0)
    spent, last_nodes = 0.0, 0
    last_lp = math.nan      # the LP round before's value (STALL)
    first_lp = math.nan     # ... and the first LP round's
    capped: tuple[float, float] | None = None   # the last capped round's work, wall s
    heuristic = heuristic_nodes > 0     # the next LP round only looks for columns
    exact_cut = 0.0 if negative_only else math.inf
    for r in range(max_rounds):
        if stop is not None and stop.is_set():
            break
        t0, w0 = time.process_time(), time.monotonic()
        round_lp = math.nan     # priced at the given multipliers: no LP
        first = r == 0 and duals is not None
        lp_s = 0.0 if first else lp_work_s(pool)
        if work_s is not None and spent + lp_s + NODE_S * last_nodes > work_s:
            break
        if first:
            assert duals is not None
            at = np.asarray(duals, dtype=np.float64)
        else:
            got = solve_lp(data.n, pool, stop)
            if got is None:
                break
            lp_value, pi, x = got
            round_lp = lp_value
            at = pi if centre is None or alpha <= 0 else alpha * centre + (1 - alpha) * pi
        t1 = time.process_time()
        if heuristic and not first and _last_chance(clock, work_s, spent, capped):
            heuristic = False
        kind = "dual" if first else "heuristic" if heuristic else "exact"
        moved = False
        if kind == "exact" and central and centre is not None and at is pi:
            near = central_duals(data.n, pool, lp_value, centre, stop)
            if near is not None:
                at, moved = near, True
                lp_s *= 1 + CENTRAL_LP
        total = None if work_s is None else int((work_s - spent - lp_s) / NODE_S)
        floors, groups, nodes, open_centers = price_all(
            pr, at, keep, min(heuristic_nodes, nodes_cap) if kind == "heuristic" else nodes_cap,
            stop,
            any_sign=first, total_nodes=total,
            cut=math.inf if first else 0.0 if kind == "heuristic" else exact_cut)
        t2 = time.process_time()
        bound = lagrangian_value(at, floors, k_lo, k_hi)
        if bound > best:
            best, centre = bound, at
        added = pool.add(scenario, data, groups)
        cost = lp_s + NODE_S * nodes + COLUMN_S * len(groups)
        spent += cost
        last_nodes = nodes
        rounds.append(Round(round_lp, bound, added, nodes, open_centers, t1 - t0, t2 - t1,
                            cost, kind, moved))
        if progress is not None:
            progress(rounds[-1])
        if first:
            continue
        if kind == "heuristic":
            capped = (cost, time.monotonic() - w0)
            # None found cheaply, or what they find no longer moves the LP: an exact
            # round proves it (or finds more). Any bound before it is a capped one.
            heuristic = added > 0 and not _stalled(first_lp, last_lp, lp_value)
            last_lp = lp_value
            first_lp = lp_value if math.isnan(first_lp) else first_lp
            continue
        last_lp = lp_value
        heuristic = heuristic_nodes > 0 and added > 0
        if added == 0:
            if alpha > 0 and centre is not None and at is not pi:
                alpha = 0.0     # no column at the smoothed multipliers: the LP's next
                continue
            if open_centers == 0:
                converged = True
                break
            nodes_cap *= 2      # the columns left may be in the centres not finished
            continue
        alpha = smoothing
    return ColGenResult(pool, best, lp_value, converged, tuple(rounds), pi, x)


def _stalled(first: float, before: float, now: float) -> bool:
    """The restricted LP fell by at most STALL of its value from ``before`` to
    ``now``, having fallen below the first LP round's value ``first``. Not before
    that: the first LPs sit at the start plan's cost for rounds while columns pile
    up (the degenerate start; nosplit's part: 4 rounds at 21.80 M yuan, where an
    exact round took 389 k nodes for a bound of 10.6 M)."""
    return math.isfinite(before) and now < first - STALL * abs(first) \
        and before - now <= STALL * abs(now)


def _last_chance(stop: StopFlag | None, work_s: float | None, spent: float,
                 capped: tuple[float, float] | None) -> bool:
    """What is left holds fewer than LAST_CHANCE rounds of the last capped round's
    size ``capped`` (its work estimate; its wall seconds against the clock of
    ``stop``, where it has one): the next round is the last that can be exact."""
    if capped is None:
        return False
    room = math.inf
    if work_s is not None and capped[0] > 0.0:
        room = (work_s - spent) / capped[0]
    left = stop.seconds_left() if stop is not None else None
    if left is not None and capped[1] > 0.0:
        room = min(room, left / capped[1])
    return room < LAST_CHANCE
