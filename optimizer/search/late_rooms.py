"""A second try where the plan misses FACILITY-95 because rooms coming are handed over
too late, and a community holding them could meet the standard by the target year.

PIPELINE and ONE-STATION make imposed rooms coming the center of the community holding
their unit; rooms handed over after the target year (2015) leave it below the standard
then. With 15-17 communities FACILITY-95's 95% allows no such miss (bench/wild.py seed
383: S6-1252, planned for 2017, in a community of 2,948 households). Nothing in the
piece's objective sees FACILITY-95 (only a ``[budget]``'s phasing does,
optimizer.search.budgeted), so the search centred that community there although a
community holding 1252 could also hold S4-1126, handed over in 2014, which reaches the
798 m² of the 3,989 households of the lightest connected set holding both.

Where the plan counted by the solver (:func:`target_misses`) is below the target
after the misses that are forced (rooms coming short, AREA-PER-HH exempt; late rooms
no community holding their unit can escape, :func:`can_escape`), the pieces holding
the late centers that can escape are solved again with those units marked
(``scenario.late_rooms``): a community holding one must take a pipeline site handed
over by the target year (TIMELY, optimizer.model.precedence) whose reach meets its
need, in every model of the piece (listing, set partitioning, CP-SAT, the heuristic).
The other pieces are kept as they are. The second plan replaces the first only where
it has fewer misses that are not forced; a plan that meets the target is never solved
twice, so nothing changes there.

A re-solved piece's search proves a bound over the plans in which every marked unit's
community takes such rooms only; the plan reports, for each such piece, the lower of
that and the first search's bound (:func:`over_every_plan`), so its bound and gap stay
over every plan, as everywhere else.
"""

from __future__ import annotations

import dataclasses
import heapq
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from optimizer.errors import SolveError
from optimizer.graph import Component, components, diagnose
from optimizer.model.precedence import imposed_sites, timely
from optimizer.plan.model import Community, Plan
from optimizer.plan.summary import PieceSummary
from optimizer.scenario.model import Scenario
from optimizer.search.clock import DET_PER_S
from optimizer.search.executors import Executor, InProcessExecutor
from optimizer.search.piece_types import PieceResult
from optimizer.status import Status

MIN_TRY_S = 8.0         # the least time left on the clock worth a try
TRY_SHARE = 0.5         # of the time left on the clock, a try's limit at most: under load
                        # a solve overruns its limit (seed 366 at load 12: a first solve
                        # of 20 s took 43 s, a try of 12.4 s took 17 s), and the command's
                        # limit must hold


@dataclass(frozen=True)
class Misses:
    """The plan's FACILITY-95 as the solver counts it: ``counted`` communities (those
    without a place for a center, ONE-STATION exempt, are not), ``meet`` of them meet
    the standard by the target year, ``forced`` miss it for reasons no plan avoids,
    ``late``: the units of late centers a community could escape (by community id)."""

    counted: int
    meet: int
    forced: int
    late: dict[str, int]
    target: float

    @property
    def free(self) -> int:
        """The misses not forced."""
        return self.counted - self.forced - self.meet

    @property
    def can_reach(self) -> bool:
        """Whether the target would be reached were every late center escaped."""
        rest = self.counted - self.forced
        return rest <= 0 or self.meet + len(self.late) >= self.target * rest - 1e-9

    @property
    def reached(self) -> bool:
        """Whether the target is met, or met by the communities not forced to miss it."""
        if self.counted == 0 or self.meet >= self.target * self.counted - 1e-9:
            return True
        rest = self.counted - self.forced
        return rest <= 0 or self.meet >= self.target * rest - 1e-9


def late_site(scenario: Scenario, com: Community) -> int | None:
    """The site of ``com``'s center where it is imposed rooms coming (PIPELINE) handed
    over after the target year; None otherwise."""
    s = scenario.sites
    if not com.site_id or com.site_id not in s.site_ids:
        return None
    k = s.index(com.site_id)
    if not s.is_pipeline(k) or timely(scenario, k):
        return None
    return k if k in imposed_sites(scenario, int(s.unit[k])) else None


def can_escape(scenario: Scenario, u: int) -> bool:
    """Whether a community holding ``u`` could hold a pipeline site handed over by the
    target year that reaches its need: some unit v of u's piece with such a site
    reaching the need of the lightest connected set holding u and v (its households by
    a lightest node-weighted path, both ends counted; no cap on its size). Where none
    does, no plan lets the community of ``u`` meet the standard by then."""
    return next(escapes(scenario, u), None) is not None


def escapes(scenario: Scenario, u: int, most: int | None = None) -> Iterator[int]:
    """The timely pipeline sites a community holding ``u`` could take as its center
    (can_escape's test), nearest first by the lightest path's households: lazy, so
    can_escape stops at the first. ``most``: only by a path of at most that many
    households (the household maximum: a community within the bounds)."""
    pol, s = scenario.policy, scenario.sites
    for w, v in lightest_paths(scenario, u):
        if most is not None and w > most:
            return              # lightest first: every later path is heavier
        need = pol.required_area_m2(w)
        yield from (k for k in scenario.sites_by_unit.get(v, ())
                    if timely(scenario, k)
                    and max(float(s.area_m2[k]), float(s.max_area_m2[k])) >= need)


def lightest_paths(scenario: Scenario, u: int) -> Iterator[tuple[int, int]]:
    """(households, unit) for each unit of ``u``'s piece, lightest first: the
    households of the lightest path from ``u`` to it, both ends counted (a lazy
    node-weighted Dijkstra)."""
    h = scenario.households
    key = scenario.piece_key(u)
    done: set[int] = set()
    heap = [(int(h[u]), u)]
    while heap:
        w, v = heapq.heappop(heap)
        if v in done:
            continue
        done.add(v)
        yield w, v
        for n in scenario.neighbours[v].tolist():
            if n not in done and scenario.piece_key(n) == key:
                heapq.heappush(heap, (w + int(h[n]), n))


def target_misses(scenario: Scenario, plan: Plan) -> Misses:
    """FACILITY-95 of ``plan`` as the solver counts it (its own reading, not the
    checker's): a community meets the standard when its center's area reaches the
    area required and stands by the target year; rooms coming short (AREA-PER-HH
    exempt) and late rooms no community can escape are forced misses."""
    s = scenario.sites
    counted = meet = forced = 0
    late: dict[str, int] = {}
    for com in plan.communities:
        rules = com.exemption_rules
        if "ONE-STATION" in rules:
            continue
        counted += 1
        area = com.area_after_m2 >= com.area_required_m2 - 1e-3
        k = late_site(scenario, com)
        if area and k is None:
            meet += 1
        elif "AREA-PER-HH" in rules:
            forced += 1
        elif area and k is not None:
            u = int(s.unit[k])
            if can_escape(scenario, u):
                late[com.community_id] = u
            else:
                forced += 1
    return Misses(counted, meet, forced, late, scenario.policy.facility_target_share)


Solve = Callable[..., Plan]


def meeting_target(solve: Solve, scenario: Scenario, *, time_limit_s: float | None,
                   workers: int | None, executor: Executor | None, ends_by: float | None,
                   **kw: object) -> Plan:
    """``solve(scenario, ...)`` (optimizer.search.driver.solve), then, where its plan
    misses FACILITY-95 by late rooms a community could escape and escaping them all
    would reach the target, each piece holding them solved again with its units marked
    (module docstring), one piece at a time, the marks of the pieces kept so far
    staying: a piece whose marks together leave it no plan (two late rooms in reach
    of one site only) is tried with each mark alone. A try is kept when the plan has
    fewer misses not forced and no more exempt communities; else the plan before it."""
    t0 = time.perf_counter()
    results: dict[int, PieceResult] = {}
    plan = first = solve(scenario, time_limit_s=time_limit_s, workers=workers,
                         executor=executor, ends_by=ends_by, results_out=results, **kw)
    best = target_misses(scenario, plan)
    if best.reached or not best.late or plan.interrupted or not best.can_reach:
        return plan
    limit = float(scenario.solver.time_limit_s if time_limit_s is None else time_limit_s)
    one = int(scenario.solver.workers if workers is None else workers) == 1
    end = ends_by if ends_by is not None else t0 + limit    # the clock's promise
    used = sum(r.used_s for r in results.values()) / DET_PER_S
    comps = components(scenario)
    # Once for every try (each would diagnose the whole scenario again): the marks
    # change no size diagnosis, and a piece they leave without a center finds it.
    kw = {**kw, "diagnoses": tuple(diagnose(scenario))}
    start, kept, tried = best.free, frozenset[int](), 0
    for _, marks in sorted(_by_piece(comps, best.late.values()).items()):
        for try_marks in [marks] + ([frozenset({u}) for u in sorted(marks)]
                                    if len(marks) > 1 else []):
            # The try's limit: with one worker the limit less what the pieces used so
            # far (deterministic, so the same plan on any load; the clock stops it at
            # the end), else a share of the clock's time left.
            clock = end - time.perf_counter()
            left = limit - used if one else TRY_SHARE * clock
            if clock < MIN_TRY_S or left < 1.0 or best.reached:
                break
            got = _try(solve, scenario, kept | try_marks, results, comps, left, end,
                       workers=workers, executor=executor, **kw)
            tried += 1
            if got is None:
                continue
            new_plan, new_results = got
            used += sum(r.used_s for k, r in new_results.items()
                        if try_marks & set(comps[k].units.tolist())) / DET_PER_S
            now = target_misses(scenario, new_plan)
            if now.free < best.free and _exempt(new_plan) <= _exempt(plan):
                plan, best, results, kept = new_plan, now, new_results, kept | try_marks
                break
    if not kept:
        return plan
    plan = over_every_plan(plan, first)
    names = ", ".join(scenario.unit_ids[u] for u in sorted(kept))
    note = (f"FACILITY-95: the communities holding {names} take rooms handed over by "
            f"{scenario.policy.target_year} (their own are handed over later; their "
            f"pieces searched again, {tried} {'try' if tried == 1 else 'tries'}: {start} "
            f"-> {best.free} misses not "
            f"forced); the bound is over every plan: each of those pieces' the lower of "
            f"its two searches'")
    return with_note(plan, note, time.perf_counter() - t0)


def _by_piece(comps: list[Component], units: Iterable[int]) -> dict[int, frozenset[int]]:
    """The marked units by the index of the piece (component) holding them."""
    where = {int(u): k for k, c in enumerate(comps) for u in c.units.tolist()}
    out: dict[int, set[int]] = {}
    for u in units:
        out.setdefault(where[u], set()).add(u)
    return {k: frozenset(v) for k, v in out.items()}


def _try(solve: Solve, scenario: Scenario, marks: frozenset[int],
         results: dict[int, PieceResult], comps: list[Component], left: float, end: float,
         *, workers: int | None, executor: Executor | None, **kw: object
         ) -> tuple[Plan, dict[int, PieceResult]] | None:
    """The plan with the pieces holding ``marks`` solved again with them marked, the
    others as in ``results``; None where the marks leave a piece no plan."""
    again = {k for k, c in enumerate(comps) if marks & set(c.units.tolist())}
    out: dict[int, PieceResult] = {}
    try:
        # In this process where the caller gave no executor: a pool's start (1-3 s,
        # more under load) for the piece solved again costs more than its search.
        got = solve(scenario.replace(late_rooms=marks), time_limit_s=left,
                    workers=workers,
                    executor=executor if executor is not None else InProcessExecutor(),
                    ends_by=end, reuse={k: r for k, r in results.items() if k not in again},
                    results_out=out, **{k: v for k, v in kw.items() if k != "checkpoint"})
    except SolveError:      # the marks left a piece no plan (a path that needs a center
        return None         # the marks forbid)
    return (got, out) if not got.interrupted else None


def _exempt(plan: Plan) -> int:
    """The communities of ``plan`` with an exemption."""
    return sum(1 for c in plan.communities if c.exemption)


def over_every_plan(plan: Plan, first: Plan) -> Plan:
    """``plan`` (a second try's) with each re-solved piece's bound no higher than the
    first search's on that piece, so the plan's bound is over every plan, not only
    over those where the marked communities take timely rooms (honest numbers: a
    piece searched under a mark proves a bound of the marked problem, which can
    exceed what an unmarked plan costs). A piece whose bound is lowered below its
    objective is no longer OPTIMAL; the whole is OPTIMAL only if every piece is."""
    pieces, drop = [], 0.0
    for p, before in zip(plan.pieces, _first_of(plan, first), strict=True):
        if before is None or before.bound >= p.bound:
            pieces.append(p)
            continue
        drop += p.bound - before.bound
        status = p.status if p.objective - before.bound <= 1e-6 * max(1.0, abs(p.objective)) \
            else Status.FEASIBLE
        pieces.append(dataclasses.replace(p, bound=before.bound, status=status))
    if drop <= 0.0 or plan.bound is None or plan.objective is None:
        return plan
    bound = plan.bound - drop
    obj = plan.objective
    status = Status.combined([p.status for p in pieces], plan.interrupted) \
        if plan.status.has_answer else plan.status
    return dataclasses.replace(plan, pieces=tuple(pieces), bound=bound, status=status,
                               gap=round((obj - bound) / obj, 8) if obj > 0 else 0.0)


def _first_of(plan: Plan, first: Plan) -> list[PieceSummary | None]:
    """Each piece of ``plan`` with ``first``'s same piece. Names do not tell pieces
    apart (a town's rural area cut by barriers is several pieces of one name), so by
    place where both plans list the same pieces in the same order (one scenario's
    components, as the searches here do); else, per name, the piece of that name with
    the lowest bound (a bound over every plan of each of them)."""
    def same(a: PieceSummary, b: PieceSummary) -> bool:
        return (a.key, a.units, a.households) == (b.key, b.units, b.households)

    if len(plan.pieces) == len(first.pieces) and all(
            same(a, b) for a, b in zip(plan.pieces, first.pieces, strict=True)):
        return list(first.pieces)
    low: dict[str, PieceSummary] = {}
    for p in first.pieces:
        if p.key not in low or p.bound < low[p.key].bound:
            low[p.key] = p
    return [low.get(p.key) for p in plan.pieces]


def with_note(plan: Plan, note: str, elapsed: float) -> Plan:
    """``plan`` with ``note`` added to its summary, its solve time ``elapsed``."""
    summary = {**plan.summary, "notes": [*plan.summary.get("notes", []), note],
               "solve_time_s": round(elapsed, 3)}
    return dataclasses.replace(plan, summary=summary)


__all__ = ["Misses", "Solve", "can_escape", "escapes", "late_site", "lightest_paths",
           "meeting_target", "over_every_plan", "target_misses", "with_note"]
