"""Whether a piece splits into a few connected communities within the bounds, decided by
an assignment model where the diagnosis's split search (split_search.splittable) runs out
of steps.

Why: a piece whose households sit just above k × minimum (wild seed 313, 钟庄街道's
rural rest: 40 villages, 3,003 households, three communities of 1,000-1,003) has
tens of thousands of connected groups of lo..hi holding any one unit, each leaving a
rest that fits by arithmetic; the search decided nothing in 2 × 20,000 steps, the piece
went to the cost models, which neither found a plan nor proved there was none, and the
soft plan's exemption said "none found in time" of a piece that has no split. Here the
size grows with units × k, not with the groups: CP-SAT proves 313's piece has no split
in about a deterministic second.

The model (the solver's; the checker proves the same claim with its own,
optimizer/checker/flow_split.py): per count k with k·lo ≤ H ≤ k·hi, ``a[i][j]`` puts
unit i in community j, each unit in one, each community lo..hi households
(SIZE-URBAN / SIZE-RURAL); community j's first unit (its lowest index) is its source
and the first units rise with j (each partition counted once); the source ships one
unit of goods to each other unit of its community over links inside it (CONTIGUITY).
No centers: "no split by households" is what the diagnosis's no-partition says.
Bounded in deterministic time on one worker with a fixed seed: the answer is the same
on any machine; past the bound, None (undecided, as before).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ortools.sat.python import cp_model

from optimizer.cpsat_stop import attached
from optimizer.graph.pieces import feasible_community_counts
from optimizer.scenario.model import Scenario

MOST_COMMUNITIES = 4    # the model grows with units × k: beyond, not tried
DET_BUDGET_S = 2.0      # deterministic seconds for all counts (one worker)
# Only where the households leave the communities this little room (a share of k × the
# bound): where there is more, the search's undecided pieces have splits the cost models
# find, and the model's time finding one is lost before the search (wild seed 319: 36
# villages, 3,185 households, 6% above 3 x 1,000: a split after 1.17 deterministic s,
# 11 s of wall at load 7; 144: 32 compounds, 1.55% above 2 x 2,000, a split after 0.28
# deterministic s, 5.4 s of wall at load 9; 313: 3 households above 3 x 1,000).
TIGHT_SHARE = 0.01
MISS_BUDGET_S = 1.0     # deterministic seconds for least_miss, all counts


def tight(total: int, lo: int, hi: int) -> bool:
    """Whether ``total`` households sit within TIGHT_SHARE above k × lo for the most
    communities k that fit, or below k × hi for the fewest: each community then at the
    minimum (or maximum) within a few households."""
    counts = feasible_community_counts(total, lo, hi)
    if not counts:
        return False
    most, fewest = int(max(counts)), int(min(counts))
    return total - most * lo <= TIGHT_SHARE * most * lo \
        or fewest * hi - total <= TIGHT_SHARE * fewest * hi


def tight_splittable(scenario: Scenario, units: Sequence[int], lo: int, hi: int,
                     budget_s: float = DET_BUDGET_S, only_tight: bool = True) -> bool | None:
    """True (a split exists), False (proved: none for any count) or None (not tried:
    more than MOST_COMMUNITIES communities, or room to spare with ``only_tight``; or
    out of its budget)."""
    total = sum(int(scenario.households[u]) for u in units)
    counts = feasible_community_counts(total, lo, hi)
    if not counts:
        return False
    if max(counts) > MOST_COMMUNITIES or (only_tight and not tight(total, lo, hi)):
        return None
    for k in counts:
        verdict, used = _count(scenario, list(units), lo, hi, int(k), budget_s)
        budget_s -= used
        if verdict is not False:
            return verdict
    return False


def _count(scenario: Scenario, units: list[int], lo: int, hi: int, k: int,
           budget_s: float) -> tuple[bool | None, float]:
    """(verdict for exactly ``k`` communities, deterministic seconds used)."""
    if budget_s <= 0.0:
        return None, 0.0
    m, _, _ = _model(scenario, units, lo, hi, k, slack=False)
    solver = _solver(budget_s)
    status = solver.solve(m)
    used = float(solver.deterministic_time)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True, used
    return (False if status == cp_model.INFEASIBLE else None), used


class Halting(Protocol):
    """What the search's stop flag offers here (optimizer.search.stop.StopFlag)."""

    def is_set(self) -> bool: ...

    def attach(self, solver: cp_model.CpSolver | None) -> None: ...

    def grace_s(self) -> float: ...


def least_miss(scenario: Scenario, units: Sequence[int], lo: int, hi: int,
               budget_s: float = MISS_BUDGET_S, stop: Halting | None = None
               ) -> tuple[list[list[int]], int] | None:
    """(connected communities of ``units`` missing the bounds by the fewest households
    in all that the model finds in ``budget_s`` deterministic seconds, that miss), or
    None (more than MOST_COMMUNITIES communities, or nothing found).

    ``stop`` (the piece's clock, Ctrl-C) ends a count's solve with what it has; a count
    begun once it is raised ends within the wall seconds its grace gives (the search's
    one rule for a solve begun after the stop: optimizer.model.cpsat_run.set_limits).
    Deterministic seconds are no wall-clock bound: bench/wild.py seed 313 at 10 s, one
    worker, load 3.6, ran this model 2.3 s past the limit.

    Why: a piece with no split must break the bounds somewhere, and a plan should break
    them as little as it can (exempt as little as can be proven). Wild seed 313's
    40-village rest (3,003 households, 1,000-1,500) has three communities as its only
    count, and the region-growing start that aims at it keeps 888 households apart
    (112 short); two communities of 1,504 and 1,499 miss by 4 (the least: 1,503 does
    not fit). Counts one beside the feasible ones are tried too."""
    total = sum(int(scenario.households[u]) for u in units)
    counts = feasible_community_counts(total, lo, hi)
    k_lo = int(counts[0]) if len(counts) else max(1, total // hi)
    k_hi = int(counts[-1]) if len(counts) else k_lo + 1
    best: tuple[list[list[int]], int] | None = None
    for k in range(max(1, k_lo - 1), min(k_hi + 1, MOST_COMMUNITIES) + 1):
        grace = stop.grace_s() if stop is not None and stop.is_set() else None
        if budget_s <= 0.0 or (grace is not None and grace <= 0.0):
            break
        m, a, miss = _model(scenario, list(units), lo, hi, k, slack=True)
        if best is not None:
            m.add(miss < best[1])
        solver = _solver(budget_s)
        if grace is not None:       # a raised flag would stop it at once: its grace
            solver.parameters.max_time_in_seconds = max(0.05, grace)
        with attached(None if grace is not None else stop, solver):
            status = solver.solve(m)
        budget_s -= float(solver.deterministic_time)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            groups = [[u for i, u in enumerate(units) if solver.value(a[i][j])]
                      for j in range(k)]
            best = (groups, int(solver.value(miss)))
            if best[1] == 0:
                break
    return best


def _solver(budget_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = budget_s
    return solver


def _model(scenario: Scenario, units: list[int], lo: int, hi: int, k: int, slack: bool
           ) -> tuple[cp_model.CpModel, list[list[cp_model.IntVar]], cp_model.LinearExpr]:
    """The model for exactly ``k`` communities (``a[i][j]``), the bounds hard or, with
    ``slack``, missed by households below lo or above hi, their sum minimized."""
    n = len(units)
    index = {u: i for i, u in enumerate(units)}
    hh = [int(scenario.households[u]) for u in units]
    links = sorted({(i, index[int(v)]) for i, u in enumerate(units)
                    for v in scenario.neighbours[u].tolist() if int(v) in index})
    m = cp_model.CpModel()
    a = [[m.new_bool_var("") for _ in range(k)] for _ in range(n)]
    first = [[m.new_bool_var("") for _ in range(k)] for _ in range(n)]
    misses = []
    for i in range(n):
        m.add_bool_or(a[i])
        m.add_at_most_one(a[i])
    for j in range(k):
        size = sum(hh[i] * a[i][j] for i in range(n))
        if slack:
            under, over = m.new_int_var(0, lo, ""), m.new_int_var(0, sum(hh), "")
            m.add(size + under >= lo)
            m.add(size - over <= hi)
            misses += [under, over]
        else:
            m.add(size >= lo)
            m.add(size <= hi)
        m.add_exactly_one(first[i][j] for i in range(n))
        for i in range(n):
            # first[i][j]: i is in j and no lower unit is
            m.add_bool_and([a[i][j], *(a[v][j].Not() for v in range(i))]).only_enforce_if(
                first[i][j])
        if j:
            m.add(sum(i * first[i][j - 1] for i in range(n))
                  < sum(i * first[i][j] for i in range(n)))
        ship = {(p, q): m.new_int_var(0, n - 1, "") for p, q in links}
        sent: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
        came: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
        for (p, q), g in ship.items():
            m.add(g <= (n - 1) * a[p][j])
            m.add(g <= (n - 1) * a[q][j])
            sent[p].append(g)
            came[q].append(g)
        for i in range(n):
            gone, got = sum(sent[i]), sum(came[i])
            # a unit of j other than its source keeps one unit of goods
            m.add(got - gone >= a[i][j] - n * first[i][j])
            m.add(got - gone <= a[i][j])
    miss = cp_model.LinearExpr.sum(misses)
    if slack:
        m.minimize(miss)
    return m, a, miss
