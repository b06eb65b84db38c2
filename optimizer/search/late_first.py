"""FACILITY-95 in the first search: where the data alone show that late rooms could
make the plan miss the target, the units holding them are marked from the start.

optimizer.search.late_rooms tries again after the plan, piece by piece, with the late
centres' units marked (TIMELY, optimizer.model.precedence). That try had no time on
wild seeds 366, 378 and 396 (bench/JOURNAL.md, session 30: 4-6 late centres to escape
in pieces of 25-138 units that used most of the clock), and two marks one timely site
alone can serve left seed 366's rural piece no plan. Here the scenario is read before
solving (:func:`first_marks`):

- the units whose imposed rooms (PIPELINE) are all handed over after the target year
  and whose community could still hold timely rooms reaching its need
  (late_rooms.can_escape) are the possible misses not forced;
- when there are more of them than FACILITY-95 allows to miss even at the most
  communities the pieces can have (each piece's households over the lower bound), the
  plan could miss the target by them, so they are marked; otherwise nothing changes
  (the plan is the one without this module, to the bit);
- pieces of any size are marked (session 31 marked only pieces of at most 40 units:
  a marked large piece had no start, as region growing ignored the marks, and fell to
  the soft model under the clock; optimizer.search.hosts, heuristic._to_timely),
  pieces holding units above the maximum too (session 32 kept those to 40 units: wild
  378's 43-village 庆丰镇 went `soft` under a shared pair its piece cannot hold,
  which :func:`_leaves_a_split` now drops);
- a mark needs timely rooms within the household maximum (:func:`escape_sites`);
- a piece's marks are kept only as far as each can take timely rooms of its own (a
  matching of marked units to distinct timely sites in reach) or share a matched
  mark's site within the bounds, the rest of the piece still splittable
  (:func:`_shares`), so that two marks one site alone could not serve together do
  not leave the piece without a plan.

The marked pieces are searched marked first, on most of the limit
(:data:`MARKED_SHARE`), then again unmarked on what is left: that search's bound is
over every plan, the marked one's only over plans whose marked communities take
timely rooms (lead mend 34f7122). The plan reports, per marked piece, the lower of the
two bounds (late_rooms.over_every_plan). Per marked piece the marked result is kept
unless it breaks the household bounds more than the unmarked one (or as much, its
marks lost, and no cheaper); the plan so mixed is kept where it breaks the household
bounds less than the unmarked one, or as much with fewer misses not forced, or as
many and no dearer (optimizer.search.late_pick: the bounds are a rule, FACILITY-95 a
target). The unmarked search, the last, keeps back the whole limit's assembly reserve.
A marked piece left without a plan in its time is solved
unmarked (optimizer.search.dispatch); one whose plan breaks the household bounds takes
the split search's plan without its marks where no marked split is found
(optimizer.search.piece; wild 272 at load 8), and the note names the marks not kept.
Where no unmarked search ran, a marked piece's bound is the arithmetic floor over
every plan (optimizer.search.late_fallback.every_plan_floor), not 0.
"""

from __future__ import annotations

import dataclasses
import math
import time

from optimizer.errors import SolveError
from optimizer.graph import Component, components, diagnose, feasible_community_counts
from optimizer.graph.pieces import connected_parts
from optimizer.model.precedence import imposed_sites, timely
from optimizer.plan.model import Plan
from optimizer.scenario.model import Scenario
from optimizer.search.clock import DET_PER_S, assembly_reserve_s
from optimizer.search.executors import Executor, InProcessExecutor
from optimizer.search.late_fallback import dropped, dropped_text, every_plan_floor
from optimizer.search.late_pick import Weighed, mixed_first, outside_of, unmarked_kept
from optimizer.search.late_rooms import (
    Solve,
    can_escape,
    escapes,
    lightest_paths,
    meeting_target,
    over_every_plan,
    target_misses,
    with_note,
)
from optimizer.search.piece_types import PieceResult

MARKED_SHARE = 0.75     # of the limit, the first (marked) search's; the rest bounds the
                        # marked pieces unmarked (a quarter: their first plan and floor)
SHARE_SETS = 5_000      # communities holding a shared pair visited at most
                        # (_leaves_a_split): wild 378's 157 is disproved in 0.17 s; at
                        # 20,000 wild 98's two pairs took 2.5-3.3 s at load 8 (both kept
                        # either way; the marks of 13 seeds the same at 5,000)
MIN_BOUND_S = 2.0       # the least clock left for the unmarked search (else the
                        # arithmetic floor, every_plan_floor)
FLOOR_TEXT = "arithmetic floor for communities of any size"


def late_units(scenario: Scenario, comp: Component) -> list[int]:
    """The units of ``comp`` whose imposed rooms are all handed over after the target
    year (a community holding one centres there unless it holds timely rooms) and
    whose community could hold timely rooms reaching its need (can_escape)."""
    out = []
    for u in comp.units.tolist():
        own = imposed_sites(scenario, u)
        if own and not any(timely(scenario, k) for k in own) and can_escape(scenario, u):
            out.append(int(u))
    return out


def escape_sites(scenario: Scenario, u: int) -> frozenset[int]:
    """The timely pipeline sites a community within the bounds holding ``u`` could
    take as its center: those whose reach meets the need of the lightest connected
    set holding u and the site's unit, that set within the household maximum
    (can_escape's test, every site rather than the first, and the maximum: wild 396's
    038 reaches its only timely rooms by 3,523 households, over the urban 3,000, so
    its mark left the 138-compound street no plan within the bounds)."""
    hi = scenario.policy.bounds(bool(scenario.urban[u]))[1]
    return frozenset(escapes(scenario, u, most=hi))


def matched(scenario: Scenario, units: list[int]) -> frozenset[int]:
    """The marks of ``units`` kept: the largest set each of which can take a timely
    site of its own (a maximum bipartite matching, augmenting paths in unit order:
    deterministic), then each other unit that can share a matched mark's site
    (:func:`_shares`)."""
    sites = {u: sorted(escape_sites(scenario, u)) for u in units}
    owner: dict[int, int] = {}

    def place(u: int, seen: set[int]) -> bool:
        for k in sites[u]:
            if k in seen:
                continue
            seen.add(k)
            if k not in owner or place(owner[k], seen):
                owner[k] = u
                return True
        return False

    kept = {u for u in sorted(units) if place(u, set())}
    shared: set[int] = set()
    for u in sorted(set(units) - kept):
        k = next((k for k in sites[u] if k in owner and owner[k] not in shared
                  and _shares(scenario, k, (u, owner[k]))), None)
        if k is not None:
            kept.add(u)
            shared |= {u, owner[k]}
    return frozenset(kept)


def _shares(scenario: Scenario, site: int, marks: tuple[int, int]) -> bool:
    """Whether one community within the bounds can hold both ``marks`` and ``site``
    with the site reaching its need. The lightest connected set holding three units
    is three lightest paths from some unit v (node-weighted, both ends counted):
    min over v of d_a(v) + d_b(v) + d_s(v) - 2 h(v), so the test is exact for the
    lightest such set; a heavier set that fit would fit lighter too."""
    pol, h, s = scenario.policy, scenario.households, scenario.sites
    root = int(s.unit[site])
    hi = pol.bounds(bool(scenario.urban[root]))[1]
    reach = max(float(s.area_m2[site]), float(s.max_area_m2[site]))
    ds = [dict((v, w) for w, v in lightest_paths(scenario, u)) for u in (*marks, root)]
    common = set(ds[0]) & set(ds[1]) & set(ds[2])
    if not common:
        return False
    w = min(ds[0][v] + ds[1][v] + ds[2][v] - 2 * int(h[v]) for v in common)
    return w <= hi and pol.required_area_m2(w) <= reach \
        and _leaves_a_split(scenario, (*marks, root), ds, hi, reach)


def _leaves_a_split(scenario: Scenario, need: tuple[int, int, int],
                    ds: list[dict[int, int]], hi: int, reach: float) -> bool:
    """Whether some community the site can centre (connected, holding the two marks
    and the site's unit ``need[2]``, within the maximum, its need within ``reach``)
    leaves the rest of the piece splittable by households: each part of the rest
    (the piece less it and less the units above the maximum) that touches no unit
    above the maximum has households some count of communities within the bounds
    fits (a part beside one may join its community). Every such community is
    visited (a depth-first growth from the first mark, pruned where the lightest
    path to a unit still missing passes the maximum), at most :data:`SHARE_SETS`;
    past that, True (not proven). Wild 378's 庆丰镇: the four communities holding 097,
    157 and S66-108 (1,445-1,481 of 1,500 households) each cut off 11-12 villages of
    1,665-1,753 households (one community too many, two too few), so the pair left
    the marked search no plan within the bounds (JOURNAL, session 32)."""
    lo = scenario.policy.bounds(bool(scenario.urban[need[2]]))[0]
    piece = set(ds[0])
    h = {v: int(scenario.households[v]) for v in piece}
    nb = {v: scenario.neighbours[v].tolist() for v in piece}
    over = {v for v in piece if h[v] > hi}
    # per unit v and unit x of need: the households of the lightest path from v to x
    # past v (a set holding v reaches x with at least these more)
    past = {v: tuple(d[v] - h[v] for d in ds) for v in piece}
    start = frozenset({need[0]})
    seen = {start}
    todo = [(start, h[need[0]], past[need[0]])]
    while todo:
        got, w, near = todo.pop()
        if all(x in got for x in need) and scenario.policy.required_area_m2(w) <= reach \
                and _rest_fits(scenario, piece - got - over, over, lo, hi):
            return True
        for n in sorted({n for v in got for n in nb[v]} & piece - got):
            w2 = w + h[n]
            if w2 > hi:
                continue
            closer = tuple(map(min, near, past[n]))
            if any(w2 + g > hi for x, g in zip(need, closer, strict=True)
                   if x != n and x not in got):
                continue
            grown = got | {n}
            if grown in seen:
                continue
            if len(seen) >= SHARE_SETS:
                return True
            seen.add(grown)
            todo.append((grown, w2, closer))
    return False


def _rest_fits(scenario: Scenario, rest: set[int], over: set[int], lo: int, hi: int) -> bool:
    """Whether each connected part of ``rest`` touching no unit of ``over`` has
    households some count of communities within [lo, hi] fits (SIZE-URBAN /
    SIZE-RURAL: a necessary condition of a split)."""
    h, nb = scenario.households, scenario.neighbours
    for part in connected_parts(rest, nb):
        beside = any(n in over for v in part for n in nb[v].tolist())
        if not beside and not feasible_community_counts(
                sum(int(h[u]) for u in part), lo, hi):
            return False
    return True


def allowed_misses(scenario: Scenario, comps: list[Component]) -> int:
    """The most FACILITY-95 misses the target allows at the most communities the
    pieces can have (each piece's households over its lower bound, at least one)."""
    most = 0
    for c in comps:
        lo = scenario.policy.bounds(c.urban)[0]
        most += max(1, int(c.households) // max(1, lo))
    share = scenario.policy.facility_target_share
    return most - math.ceil(share * most - 1e-9)


def first_marks(scenario: Scenario) -> frozenset[int]:
    """The units to mark before solving (module docstring); empty where the late rooms
    that can be escaped are no more than the target allows to miss."""
    s = scenario.sites
    if not any(s.is_pipeline(k) and not timely(scenario, k) for k in range(len(s.site_ids))):
        return frozenset()      # no late rooms (0.4 s of components on the city saved)
    comps = components(scenario)
    late = {k: late_units(scenario, c) for k, c in enumerate(comps)}
    if sum(len(v) for v in late.values()) <= allowed_misses(scenario, comps):
        return frozenset()
    out: set[int] = set()
    for units in late.values():
        if units:
            out |= matched(scenario, units)
    return frozenset(out)


def solve_meeting_target(solve: Solve, scenario: Scenario, *, time_limit_s: float | None,
                         workers: int | None, executor: Executor | None,
                         ends_by: float | None, **kw: object) -> Plan:
    """``solve(scenario, ...)`` with FACILITY-95's late rooms marked from the start
    where the data call for it (module docstring); else late_rooms.meeting_target
    (the plan, then a second try where it misses the target)."""
    marks = first_marks(scenario)
    if not marks:
        return meeting_target(solve, scenario, time_limit_s=time_limit_s, workers=workers,
                              executor=executor, ends_by=ends_by, **kw)
    t0 = time.perf_counter()
    limit = float(scenario.solver.time_limit_s if time_limit_s is None else time_limit_s)
    one = int(scenario.solver.workers if workers is None else workers) == 1
    end = ends_by if ends_by is not None else t0 + limit    # the clock's promise
    comps = components(scenario)
    again = {k for k, c in enumerate(comps) if marks & set(c.units.tolist())}
    kw = {**kw, "diagnoses": tuple(diagnose(scenario))}
    marked: dict[int, PieceResult] = {}
    try:
        first = solve(scenario.replace(late_rooms=marks), time_limit_s=MARKED_SHARE * limit,
                      workers=workers, executor=executor,
                      ends_by=t0 + MARKED_SHARE * (end - t0), results_out=marked, **kw)
    except SolveError:      # a piece the marks leave no plan: the search without them
        left = max(1.0, min(limit, end - time.perf_counter()))
        return meeting_target(solve, scenario, time_limit_s=left, workers=workers,
                              executor=executor, ends_by=end, **kw)
    if first.interrupted:   # stopped: no time to bound the marked pieces unmarked
        return _noted(_floored(scenario, first, again, comps),
                      _note(scenario, marks, target_misses(scenario, first).free, None,
                            f"{FLOOR_TEXT} (stopped)", marked),
                      time.perf_counter() - t0, limit)
    # The marked pieces unmarked, on what is left (one worker: the limit less what the
    # marked search used, deterministic; else the clock's time left): the bound over
    # every plan, and the plan where marks did not help.
    used = sum(r.used_s for r in marked.values()) / DET_PER_S
    left = limit - used if one else end - time.perf_counter()
    plain: Plan | None = None
    unmarked: dict[int, PieceResult] = {}
    # The last search keeps back the whole limit's assembly reserve, not its own short
    # limit's (clock.assembly_reserve_s): its stopped pieces return as late as any
    # (wild seed 279, 30 s: 1.1-1.7 s past the limit, a 134-compound street's rest).
    tail = max(0.0, assembly_reserve_s(limit) - assembly_reserve_s(max(1.0, left)))
    if end - time.perf_counter() >= MIN_BOUND_S:     # else the clock is out: bound 0
        try:
            plain = solve(scenario, time_limit_s=max(1.0, left), workers=workers,
                          executor=executor if executor is not None or len(again) > 1
                          else InProcessExecutor(), ends_by=end - tail,
                          reuse={k: r for k, r in marked.items() if k not in again},
                          results_out=unmarked,
                          **{k: v for k, v in kw.items() if k != "checkpoint"})
        except SolveError:
            plain = None
    if plain is None or plain.interrupted:
        # No unmarked search to bound the marked pieces: their bound is the arithmetic
        # floor over every plan (_floored), said so.
        return _noted(_floored(scenario, first, again, comps),
                      _note(scenario, marks, target_misses(scenario, first).free, None,
                            f"{FLOOR_TEXT} (no unmarked search)", marked),
                      time.perf_counter() - t0, limit)
    # Per marked piece, the marked result unless it breaks the bounds more than the
    # unmarked one (a marked search the clock stopped early can end in the soft
    # model's rough plan: wild 378's rural piece at load 6, one community of 6,267
    # households); then the plan of the pieces chosen, assembled (nothing solved).
    # A marked piece planned without its marks after all (optimizer.search.piece:
    # its marked search found no plan within the bounds) takes the unmarked search's
    # plan unless that one breaks the bounds more.
    lost = dropped(scenario, marks, marked)
    pick = {k: (unmarked[k] if k in again and unmarked_kept(scenario, marked[k],
                                                              unmarked[k], k in lost)
                else r) for k, r in marked.items()}
    mixed = solve(scenario, time_limit_s=limit, workers=workers,
                  executor=InProcessExecutor(), reuse=pick,
                  **{k: v for k, v in kw.items() if k != "checkpoint"})
    back = sorted(" / ".join(comps[k].key) for k in again
                  if pick[k] is unmarked.get(k) and k not in lost)
    if back:
        mixed = with_note(mixed, f"FACILITY-95: unmarked, as the marked search broke the "
                                 f"household bounds more: {'; '.join(back)}", 0.0)
    a, b = target_misses(scenario, mixed), target_misses(scenario, plain)
    if mixed_first(Weighed(outside_of(scenario, pick, again), a.free, mixed.objective),
                   Weighed(outside_of(scenario, unmarked, again), b.free, plain.objective)):
        return _noted(over_every_plan(mixed, plain),
                      _note(scenario, marks, a.free, b.free,
                            "the lower of its marked and unmarked searches'", marked),
                      time.perf_counter() - t0, limit)
    return _noted(plain, _note(scenario, marks, a.free, b.free, "its unmarked search's"),
                  time.perf_counter() - t0, limit)


def _noted(plan: Plan, note: str, elapsed: float, limit: float) -> Plan:
    """``plan`` with ``note``, its solve time ``elapsed`` and the limit the caller gave
    (each search above ran on a share of it)."""
    plan = with_note(plan, note, elapsed)
    return dataclasses.replace(plan, summary={**plan.summary, "time_limit_s": limit})


def _floored(scenario: Scenario, plan: Plan, again: set[int], comps: list[Component]
             ) -> Plan:
    """``plan`` with the bound of its pieces ``again`` (component indices: plan.pieces
    lists the components in order) no higher than :func:`every_plan_floor`, which
    holds over every plan, marked or not, where no unmarked search bounded them."""
    low = dataclasses.replace(plan, pieces=tuple(
        dataclasses.replace(p, bound=min(p.bound, every_plan_floor(scenario, comps[k])))
        if k in again else p for k, p in enumerate(plan.pieces)))
    return over_every_plan(plan, low)


def _note(scenario: Scenario, marks: frozenset[int], marked: int, unmarked: int | None,
          bound: str, results: dict[int, PieceResult] | None = None) -> str:
    """The plan's note: the marks, the misses not forced with them (``marked``) and
    without them (``unmarked``: None where no unmarked search ran), and the bound;
    ``results``: the marked search's pieces, whose marks not kept are said so
    (late_fallback.dropped)."""
    lost = dropped(scenario, marks, results or {})
    gone = {u for v in lost.values() for u in v}
    names = ", ".join(scenario.unit_ids[u] for u in sorted(marks - gone))
    b = "none" if unmarked is None else str(unmarked)
    lost_text = dropped_text(scenario, lost, results or {})
    # Every mark dropped (wild seed 279: "the communities holding  take rooms"): none held.
    held = (f"the communities holding {names} take rooms handed over by "
            f"{scenario.policy.target_year} (their own are handed over later; " if names
            else f"no community takes rooms handed over by {scenario.policy.target_year} "
                 f"in place of its own later ones (")
    return (f"FACILITY-95: {held}marked before the search: {marked} misses not forced "
            f"marked, {b} unmarked{lost_text}); the bound is over every plan: each marked "
            f"piece's {bound}")
