"""A lower bound for the stranded parts of a piece around its units above the maximum
and the oversized units' communities they must join (optimizer.search.oversized_attach).

The plans it bounds: every plan of the block (the stranded parts P and the oversized
units' cores O) in which

- each community that holds no oversized unit has L..U households, is connected and
  has a place for its center (every such community is a column of ``members``, which
  must list them all: a complete listing), and
- the oversized units' communities hold, beyond their cores, at most ``attach_cap``
  households of P in all.

The rules allow exactly the plans that give the oversized units' communities the
fewest households possible (optimizer.graph.oversized, point 3); any plan found gives
at least that few, so with ``attach_cap`` the households a plan in hand gives them,
the bound holds for every plan the rules allow.

Why a new bound: giving households to an oversized unit's community is cheap (one
community, one center, however large), so the arithmetic floor valid for a split of
any sizes (one community for the whole block) sat at 25-35% of the plans found on
the real rural maps (gaps of 65-72%). Here the communities within the bounds pay
their exact listed cost and only ``attach_cap`` households may escape them.

The relaxation (linear, solved by HiGHS through scipy), per unit u of P a variable
d_u (u joins an oversized unit's community):

    min Σ_S c_S x_S   s.t.  Σ_{S ∋ u} x_S + d_u = 1 (u in P),  Σ_u h_u d_u ≤ cap,
                            0 ≤ x, d ≤ 1,

plus, per oversized core, a floor on its community's cost (:func:`core_floor`). The
bound is recomputed from the duals π (rows) and λ ≥ 0 (the cap) by plain sums,

    Σ π_u − λ·cap + Σ_S min(0, c_S − π(S)) + Σ_u min(0, j_u + λ h_u − π_u),

(j_u what joining costs u at least, 0 by default) so a solver tolerance can only lower
it. Links between communities are left out of the oversized communities' floors (costs
are ≥ 0: dropping them only lowers it).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix, hstack

from optimizer.model.bounds import arithmetic_bound
from optimizer.model.master import Clocked, incidence
from optimizer.model.options import unit_options
from optimizer.model.oversized_lp import solve_master
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.model import Scenario

MARGIN = 1e-9           # relative safety margin on the recomputed bound
Exact = Callable[[np.ndarray], tuple[np.ndarray, float] | None]


def attach_lp_bound(n: int, members: Sequence[Sequence[int]], cost: np.ndarray,
                    households: np.ndarray, free: Sequence[int], cap: int,
                    join: np.ndarray | None = None) -> float:
    """The relaxation's bound over ``n`` local units, of which ``free`` (local) may join
    an oversized unit's community (those of P; the rest must lie in a column), for
    the columns ``members`` with their exact ``cost`` (yuan); ``join``: what joining
    costs each unit of ``free`` (in sorted order) at least, default nothing (its
    community's cost is then counted apart). -inf when it fails."""
    m = len(members)
    rows = np.fromiter((i for g in members for i in g), dtype=np.int64)
    cols = np.repeat(np.arange(m), [len(g) for g in members])
    a = csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, m))
    free_arr = np.asarray(sorted(free), dtype=np.int64)
    d = csc_matrix((np.ones(len(free_arr)), (free_arr, np.arange(len(free_arr)))),
                   shape=(n, len(free_arr)))
    h = households.astype(np.float64)[free_arr]
    a_eq = hstack([a, d]).tocsc()
    a_ub = hstack([csc_matrix((1, m)), csc_matrix(h.reshape(1, -1))]).tocsc()
    paid = np.zeros(len(free_arr)) if join is None else np.asarray(join, dtype=np.float64)
    c = np.r_[cost, paid]
    res = linprog(c, A_eq=a_eq, b_eq=np.ones(n), A_ub=a_ub, b_ub=[float(cap)], bounds=(0, 1),
                  method="highs")
    if res.status != 0 or res.x is None:
        return -math.inf
    pi = np.asarray(res.eqlin.marginals, dtype=np.float64)
    lam = max(0.0, -float(res.ineqlin.marginals[0]))
    reduced = cost - a.T @ pi
    dred = paid + lam * h - pi[free_arr]
    bound = (float(pi.sum()) - lam * cap + float(np.minimum(reduced, 0.0).sum())
             + float(np.minimum(dred, 0.0).sum()))
    return bound - MARGIN * (abs(bound) + float(np.abs(pi).sum()) + lam * cap) - 1e-6


GEN_START = 3_000       # columns of the first restricted master (:func:`attach_lp_rounds`)
GEN_ADD = 2_000         # ... and added each round, the most negative reduced costs first
GEN_ROUNDS = 40         # rounds, at most
GEN_TOLERANCE = 1e-3    # ... ending once the columns left out can lower it by less (relative)
GEN_S_PER_NONZERO = 5e-6   # fixed work estimates (s): the restricted master per entry
                            # (seed 373: 4.2e-6 at load 4.5)
PRICE_S_PER_NONZERO = 2e-8  # ... and the reduced costs over every column, per entry


def attach_lp_rounds(n: int, members: Sequence[Sequence[int]], cost: np.ndarray,
                     households: np.ndarray, free: Sequence[int], cap: int,
                     join: np.ndarray | None = None, *, time_s: float = math.inf,
                     deterministic: bool = True, stop: Clocked | None = None,
                     exact: Exact | None = None, priced: np.ndarray | None = None
                     ) -> tuple[float, float]:
    """:func:`attach_lp_bound`'s relaxation over a large listing, by rounds: the master
    over a subset of the columns (optimizer.model.oversized_lp.solve_master: a unit's
    joining is a column {u} costing ``join`` and counting h_u under the cap), then the
    columns of most negative reduced cost over every column added. Each round's duals
    (π, λ ≥ 0) give the Lagrangian value over EVERY column (the module's sum), a lower
    bound whatever the duals, so it can stop after any round; with no negative reduced
    cost left it is the LP's optimum. Why: seed 373's rest lists 194,893 communities
    (1.69 M entries); HiGHS over all of them took 5 s idle, 5 rounds here take about a
    second. Returns (bound, work: the fixed estimate when ``deterministic``, else the
    seconds); -inf when no round gives an answer.

    ``exact``: when given, ``cost`` holds only a floor of each column's cost, and
    ``exact(idx)`` gives the exact costs of columns ``idx`` (inf: no such community)
    and their fixed work estimate, or None when stopped. Each round prices the
    master's new columns before solving it, so the master is the exact restricted LP;
    the Lagrangian value counts every other column at its floor, which can only lower
    each term min(0, c_S − π(S)): still a bound. ``priced``: the columns whose ``cost``
    is exact already (never priced again). Why: pricing seed 373's listing exactly
    took 5-7 s of wall, the master's columns are a few thousand of them."""
    t0 = time.perf_counter()
    priced = np.isinf(cost) if priced is None else priced | np.isinf(cost)
    cost = np.array(cost, dtype=np.float64)
    a = incidence(n, members)
    free_arr = np.asarray(sorted(free), dtype=np.int64)
    h_free = households.astype(np.float64)[free_arr]
    paid = np.zeros(len(free_arr)) if join is None else np.asarray(join, dtype=np.float64)
    work = PRICE_S_PER_NONZERO * a.nnz

    def spent() -> float:
        return work if deterministic else time.perf_counter() - t0

    # A start: each column's cost over its households spread on its units, each unit
    # priced at its cheapest share; the columns nearest that price first.
    size = households.astype(np.float64)
    per_hh = cost / np.maximum(1.0, a.T @ size)
    rows = a.tocsr()
    share = np.zeros(n)
    for u in range(n):
        got = rows.indices[rows.indptr[u]:rows.indptr[u + 1]]
        share[u] = size[u] * float(per_hh[got].min()) if len(got) else 0.0
    reduced = cost - a.T @ share
    pool = np.zeros(len(cost), dtype=bool)
    pool[np.argsort(reduced, kind="stable")[:GEN_START]] = True
    pool &= np.isfinite(cost)
    best = -math.inf
    for _ in range(GEN_ROUNDS):
        if stop is not None and stop.is_set() or spent() >= time_s:
            break
        if exact is not None:
            fresh_idx = np.flatnonzero(pool & ~priced)
            got = exact(fresh_idx) if len(fresh_idx) else (np.zeros(0), 0.0)
            if got is None:
                break
            cost[fresh_idx] = got[0]
            priced[fresh_idx] = True
            work += got[1]
            pool &= np.isfinite(cost)
        order = np.flatnonzero(pool)
        cols = [tuple(members[k]) for k in order.tolist()] + [(int(u),) for u in free_arr]
        got_duals = solve_master(n, cols, np.r_[cost[order], paid],
                                 np.r_[np.zeros(len(order)), h_free], cap,
                                 None if stop is None else stop.seconds_left())
        work += GEN_S_PER_NONZERO * (sum(len(c) for c in cols) + n) \
            + PRICE_S_PER_NONZERO * a.nnz
        if got_duals is None:
            break
        pi, lam = got_duals
        reduced = cost - a.T @ pi
        dred = paid + lam * h_free - pi[free_arr]
        value = (float(pi.sum()) - lam * cap + float(np.minimum(reduced, 0.0).sum())
                 + float(np.minimum(dred, 0.0).sum()))
        best = max(best, value - MARGIN * (abs(value) + float(np.abs(pi).sum()) + lam * cap)
                   - 1e-6)
        # What the columns outside the master can still lower it by: the restricted
        # master's value is this less that sum, so at GEN_TOLERANCE of it the LP is
        # as good as solved (seed 373: the last rounds moved it by 0.002%, 0.7 s).
        out = np.where(pool, 0.0, np.minimum(reduced, 0.0))
        if float(out.sum()) >= -GEN_TOLERANCE * abs(value):
            break
        fresh = np.argsort(out, kind="stable")[:GEN_ADD]
        pool[fresh[out[fresh] < 0.0]] = True
    return best, spent()


def core_floor(scenario: Scenario, data: PieceData, core: list[int]) -> float:
    """A floor on the cost of the community holding ``core`` (global units, one
    oversized unit alone) and any units of ``data`` (the block) besides: the
    arithmetic floor of the core as one community, its center's cheapest option
    replaced by the cheapest of any unit of the block (the center may stand in a unit
    that joined). Its staff, coordinators and area grow with the households, so more
    households cost no less. A core with companions (several units) gets 0: the
    nearest-neighbour travel terms of the floor would not hold once units join."""
    if len(core) != 1:
        return 0.0
    sub = piece_data(scenario, data.key, np.asarray(core))
    own = cheapest_option(scenario, core, scenario.policy.required_area_m2(0))
    best = cheapest_option(scenario, [int(u) for u in data.units],
                            scenario.policy.required_area_m2(0))
    if not (math.isfinite(own) and math.isfinite(best)):
        return 0.0
    return max(0.0, arithmetic_bound(scenario, sub, lo=0, hi=sub.total) - (own - best))


def cheapest_option(scenario: Scenario, units: list[int], need: float) -> float:
    """The least option cost any of ``units`` offers a center (as in
    :func:`optimizer.model.bounds.arithmetic_bound`, swap credits at their largest)."""
    from optimizer.model.bounds import _max_credit

    costs = scenario.costs
    best = math.inf
    for u in units:
        for spec in unit_options(scenario, u):
            area = spec.area_before_m2 if spec.fixed_area else max(need, spec.min_area_m2)
            if area <= spec.max_area_m2 + 1e-9:
                credit = spec.fixed_yuan if not spec.swap else \
                    spec.fixed_yuan - _max_credit(scenario, spec.site) * costs.annuity_factor()
                best = min(best, credit + spec.per_m2_yuan * area)
    return best


__all__ = ["Exact", "attach_lp_bound", "attach_lp_rounds", "cheapest_option", "core_floor"]
