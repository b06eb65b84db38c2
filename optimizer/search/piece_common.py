"""Steps shared by the ways a piece is solved (optimizer.search.piece and
optimizer.search.piece_large): one model run with the task's settings, the
region-growing start, the price of a plan, and the "soft" result for a piece with no
plan inside the household bounds."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import numpy as np

from optimizer.graph.center import centerless
from optimizer.graph.diagnosis import _Words
from optimizer.graph.tight import MISS_BUDGET_S, least_miss
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.lagrange import lagrangian_bound
from optimizer.model.piece import PieceData, piece_data
from optimizer.plan.exemption import Exemption, Named, Reasons
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import cut_edges_yuan, price
from optimizer.search.attempt import Attempt, Choice, penalty_yuan, run_model
from optimizer.search.columns import price_groups
from optimizer.search.grounds import away, ground
from optimizer.search.heuristic import (
    absorbed,
    at_full_reach,
    best_choice,
    center_hosts,
    grow_regions,
)
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.short_within import short_member
from optimizer.search.stop import StopFlag
from optimizer.status import Status

LEAST_MISS_UNITS = 64   # the least-miss start for no-partition pieces this small ...
LEAST_MISS_SHARE = 0.3  # ... with at most this share of the piece's budget
WIDE_STEPS = 200        # subgradient steps of the soft plan's widened floor
WIDE_S = 1.0            # ... and its seconds at most


def run_attempt(scenario: Scenario, data: PieceData, task: PieceTask, **kw: Any) -> Attempt:
    kw.setdefault("locks", task.locks)
    n = task.locks.count_of(task.key[1]) if task.locks else None
    if kw.get("count") is None and n is not None and kw["locks"] is not None:
        kw["count"] = (n, n)    # the planner's community_count lock
    return run_model(scenario, data, workers=task.threads, seed=task.seed,
                     deterministic=task.deterministic, **kw)


def heuristic_start(scenario: Scenario, data: PieceData) -> tuple[Choice, ...] | None:
    """Region growing; None when a region breaks the bounds or has no center."""
    return grown_start(scenario, data)[1]


def grown_start(scenario: Scenario, data: PieceData
                ) -> tuple[list[list[int]], tuple[Choice, ...] | None]:
    """Region growing's regions (local units), and their plan: None when a region
    breaks the bounds or has no center (a listed piece repairs those regions over its
    listing: optimizer.search.column_repair)."""
    regions = grow_regions(data, hosts=center_hosts(scenario, data))
    out = []
    for region in regions:
        hh = int(data.households[region].sum())
        ch = best_choice(scenario, data, region) if data.lo <= hh <= data.hi else None
        if ch is None:
            return regions, None
        out.append(ch)
    return regions, tuple(out)


def plan_cost(scenario: Scenario, choices: tuple[Choice, ...] | list[Choice]) -> float:
    return sum(price(scenario, ch).objective_yuan for ch in choices) \
        + cut_edges_yuan(scenario, choices)


def soft_result(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
                reason: Exemption,
                cores: tuple[tuple[tuple[int, ...], Exemption], ...] = ()) -> PieceResult:
    """The soft model's plan (households outside the bounds penalized), the last resort
    of a piece with no plan within them. ``cores`` (local units, each with its record):
    only a community holding a core's unit may break the bounds, exempt with that
    core's record. Without it, a stopped 25-compound street's soft plan broke them in
    two communities away from its core, whose record the checker rightly rejected there
    (bench/wild.py seed 850, 30 s, one worker). Where no such plan exists (the model
    proves it) the model runs without it. The model's bound then holds over the plans
    breaking the bounds only where a core grounds it, the plans that can pass the check."""
    outside = OutsideBounds.of(scenario, data)
    scenario, data = outside.scenario, outside.data
    # Start from the region-growing plan (even where it breaks the bounds); after an
    # interrupt the first plan found is taken, or that plan itself.
    regions, spent = _least_missing(scenario, data, task, reason, stop)
    grown = [best_choice(scenario, data, r) for r in regions]
    rough = tuple(ch for ch in grown if ch is not None)
    if len(rough) < len(grown):     # a region without a center: its units join others
        rough = absorbed(scenario, data, regions, grown) or rough
    # Stopped already (the clock, Ctrl-C) with a plan in hand: CP-SAT, told to stop at
    # its first solution, would still search for one (18 s past a 60-s limit on a
    # 200-village town), so the region-growing plan is taken as it is.
    # A region-growing plan that breaks the bounds away from every core has no ground
    # for it: the model runs even so, in the grace a stopped solve has (wild seed 850:
    # a 25-compound street stopped at once kept 1,947 and 1,753 households exempt on a
    # core they do not hold; the model, 0.1 s, breaks them only at the core).
    breakers = frozenset(u for units, _ in cores for u in units)
    hurried = stop.is_set() and sum(len(ch.members) for ch in rough) == data.n \
        and not away(scenario, data, rough, breakers)
    soft = None if hurried else run_attempt(
        scenario, data, task, contiguity="order", soft=True, hint=rough,
        time_s=max(task.budget_s - spent, 1.0), stop=stop, breakers=breakers)
    if breakers and soft is not None and soft.status == Status.INFEASIBLE:
        spent += soft.used_s
        soft = run_attempt(scenario, data, task, contiguity="order", soft=True, hint=rough,
                           time_s=max(task.budget_s - spent, 1.0), stop=stop)
    elif soft is not None and not soft.choices and stop.is_set() \
            and away(scenario, data, rough, breakers):
        # Stopped in the model before its first plan: once more, in the grace.
        spent += soft.used_s
        soft = run_attempt(scenario, data, task, contiguity="order", soft=True, hint=rough,
                           time_s=1.0, stop=stop, breakers=breakers)
    choices, bound = ((soft.choices, max(0.0, soft.bound_yuan - penalty_yuan(soft.violation)))
                      if soft is not None else ((), 0.0))
    forbidden: Exemption | None = None
    if not choices:
        whole = best_choice(scenario, data, list(range(data.n)))
        if sum(len(ch.members) for ch in rough) != data.n and whole is not None:
            # Some region has no place for a center, and the soft model found nothing
            # (it reaches U + the largest unit from a center): the whole piece as one
            # community, its center legal, the size rule broken (exempt as above).
            rough = (whole,)
        elif sum(len(ch.members) for ch in rough) != data.n:
            # No place for a center in the whole piece either: the last resort, so that
            # one piece never stops the whole plan. A build stands in where no_build
            # forbids it; the checker fails it unless it proves that necessary.
            lifted = with_stand_ins(scenario, data.units.tolist())
            rough = last_resort(lifted, data)
            if sum(len(ch.members) for ch in rough) != data.n:
                from optimizer.errors import SolveError

                raise SolveError(f"no plan at all for {' / '.join(data.key)} ({data.n} "
                                 f"units, {data.total:,} households): {reason.text}")
            forbidden = Exemption(
                "ONE-STATION", "forbidden-build",
                f"ONE-STATION: no plan with a center in every community was found for "
                f"{' / '.join(data.key)} ({reason.text}); this community's center is priced "
                f"as a new build where no_build forbids one", *data.key, why=reason.text,
                inner=reason)
        # Out of time: the region-growing plan; its bound is the floor below.
        choices, bound = rough, 0.0
    exemptions: list[Reasons] = []
    for ch in choices:
        hh = int(scenario.households[list(ch.members)].sum())
        # (a last resort's center short of its need, unproven: the search ran out of
        # time, so the piece is starved, optimizer.search.budgeted.starved)
        size = ground(data, cores, ch.members, reason) if not (data.lo <= hh <= data.hi) \
            or ch.capped and short_member(scenario, ch.members) is None else None
        stand_in = forbidden if forbidden and ch.remedy == "build" \
            and scenario.is_no_build(ch.center) else None
        exemptions.append(tuple(x for x in (size, stand_in) if x is not None))
    # The model's bound holds for every plan breaking the bounds no more than this one
    # does, and so does the Lagrangian floor with the bounds widened by all this plan
    # breaks them by (each community of such a plan is within them); the arithmetic
    # floor for communities of any size holds for every plan at all (so the last
    # resort never reports 0).
    # Stopped (the clock, Ctrl-C): the floor hurried as solve_data's is (wild seed
    # 951's 134-compound street spent 1 s on it after its stop, 1.6 s past a 15-s limit).
    bound = max(bound, arithmetic_bound(scenario, data, lo=0, hi=data.total),
                widened_floor(scenario, data, choices,
                              task.hurry_s if stop.is_set() else None))
    return PieceResult(task.index, choices, tuple(exemptions),
                       soft.status if soft is not None and soft.choices else Status.FEASIBLE,
                       bound, spent + (soft.used_s if soft is not None else 0.0),
                       "soft", reason.text)


def last_resort(lifted: Scenario, data: PieceData) -> tuple[Choice, ...]:
    """Communities covering the piece, each with a center, on ``lifted`` (no_build
    lifted everywhere: a build stands in wherever no rooms are imposed): region growing
    capped by what its rooms coming serve, a region left without a center handed to its
    neighbours (:func:`absorbed`), and failing that centred on its pipeline site that
    reaches the most at that full reach, short of its need (the checker fails it unless
    it proves that necessary). Wild seeds 575 and 785 (one worker, 20 and 10 s): a
    compound of 2,600 households whose imposed rooms serve 2,160 had no center alone or
    with any neighbouring region, and ``solve`` wrote no plan at all ("no plan at all"),
    where a plan with every unit in it lets the budgeted search's next candidate
    (optimizer.search.budgeted, ``starved``) solve the piece again. May miss units only
    where a region holds no pipeline site and still has no center."""
    regions = grow_regions(data, hosts=center_hosts(lifted, data))
    grown = [best_choice(lifted, data, r) for r in regions]
    if all(ch is not None for ch in grown):
        return tuple(ch for ch in grown if ch is not None)
    got = absorbed(lifted, data, regions, grown)
    if got is not None:
        return got
    short = [ch if ch is not None else at_full_reach(
        lifted, tuple(sorted(int(data.units[i]) for i in r)))
        for r, ch in zip(regions, grown, strict=True)]
    return tuple(ch for ch in short if ch is not None)


def _miss(data: PieceData, regions: list[list[int]]) -> int:
    """Households outside the bounds over ``regions`` (local indices)."""
    w = [int(data.households[r].sum()) for r in regions]
    return sum(max(0, data.lo - x) + max(0, x - data.hi) for x in w)


def _least_missing(scenario: Scenario, data: PieceData, task: PieceTask, reason: Exemption,
                   stop: StopFlag) -> tuple[list[list[int]], float]:
    """The soft model's start (local regions) and the budget spent finding it: region
    growing, or, for a piece proved to have no split (no-partition) of a few
    communities, the assignment model's communities missing the bounds least
    (optimizer.graph.tight.least_miss) where they miss less. Wild seed 313's rest: the
    region-growing start kept 888 households apart (112 short), and at 60 s with two
    workers the soft model, its 5.7 s shared with the load, ended there; the model's
    1,504 + 1,499 miss by 4 (SIZE-RURAL: exempt as little as can be proven). Ended by
    ``stop``, or by its grace when begun after it: seed 313 at 10 s, one worker, ran
    the model 2.3 s past the limit."""
    regions = grow_regions(data, hosts=center_hosts(scenario, data))
    if reason.kind != "no-partition" or data.n > LEAST_MISS_UNITS or not _miss(data, regions):
        return regions, 0.0
    t0 = time.perf_counter()
    budget = min(MISS_BUDGET_S, LEAST_MISS_SHARE * task.budget_s)
    got = least_miss(scenario, data.units.tolist(), data.lo, data.hi, budget, stop)
    spent = budget if task.deterministic else time.perf_counter() - t0
    if got is None or got[1] >= _miss(data, regions):
        return regions, spent
    local = {int(u): k for k, u in enumerate(data.units.tolist())}
    return [[local[u] for u in g] for g in got[0]], spent


def widened_floor(scenario: Scenario, data: PieceData, choices: tuple[Choice, ...],
                  hurry_s: float | None = None) -> float:
    """The Lagrangian floor over communities within the bounds widened by the
    households ``choices`` put outside them in all: a 200-compound street 42
    households short in one community had 19.7 M yuan as its bound (the soft model's,
    less its penalty) against a plan of 67.2 M. A fixed number of steps, capped in
    seconds (the soft model's budget is spent by then). ``hurry_s``: the piece is
    stopped, so at most that long and whole units only at the last multipliers."""
    over = 0
    for ch in choices:
        hh = int(scenario.households[list(ch.members)].sum())
        over += max(0, data.lo - hh, hh - data.hi)
    if not over or not choices:
        return 0.0
    wide = dataclasses.replace(data, lo=max(1, data.lo - over), hi=data.hi + over)
    if hurry_s is None:
        return lagrangian_bound(scenario, wide, time_s=WIDE_S, max_iter=WIDE_STEPS,
                                stop=StopFlag())
    return lagrangian_bound(scenario, wide, time_s=min(WIDE_S, hurry_s),
                            max_iter=WIDE_STEPS, stop=StopFlag(), whole_steps=1)


def stand_ins_at_any_size(scenario: Scenario, data: PieceData
                          ) -> tuple[Scenario, PieceData]:
    """The scenario (and the piece's data) for its soft model: no_build lifted only at
    the stand-ins no community of any size holding them can give a center.

    The piece's stand-ins were chosen before the search proved that no plan keeps it
    within the bounds (optimizer.search.driver._stand_ins: within the bounds, the
    units no community of L..U households holding them can give a center). The soft
    model breaks the bounds, and a community that breaks them could have taken a unit
    with a legal place instead: a stand-in there is not the last resort, and the
    checker rightly fails its ONE-STATION exemption ("a community holding its units can
    have a service center"; random grids of bench/oversized_grids.py, a 1,700-household
    community centred on a no_build village). The driver does the same where the
    diagnosis already found the size problem."""
    if scenario.stand_in is None or scenario.no_build is None:
        return scenario, data
    units = data.units.tolist()
    lifted = [u for u in units if scenario.is_stand_in(u)]
    if not lifted:
        return scenario, data
    given = scenario.replace(no_build=scenario.no_build | scenario.stand_in)
    keep = set(centerless(given, units, data.lo, data.hi).at_any_size)
    back = [u for u in lifted if u not in keep]
    if not back:
        return scenario, data
    no_build, stand_in = scenario.no_build.copy(), scenario.stand_in.copy()
    no_build[back], stand_in[back] = True, False
    out = scenario.replace(no_build=no_build, stand_in=stand_in)
    return out, piece_data(out, data.key, data.units)


@dataclasses.dataclass(frozen=True)
class OutsideBounds:
    """Where a piece's communities outside the household bounds are priced and
    centred: on :func:`stand_ins_at_any_size`'s scenario, so such a community takes no
    stand-in build where one of any size holding its units could have a legal center.
    The soft model, the cores' plans (optimizer.search.cored) and the split around a
    core (optimizer.search.core_split) all obey that rule; it lives here once, and is
    computed once per piece (a ``centerless`` pass over it; ``cored`` had recomputed
    it on every slack doubling, review of session 22)."""

    scenario: Scenario
    data: PieceData

    @staticmethod
    def of(scenario: Scenario, data: PieceData) -> OutsideBounds:
        return OutsideBounds(*stand_ins_at_any_size(scenario, data))

    def price(self, groups: list[tuple[int, ...]]) -> np.ndarray:
        """Each group's exact cost as a community outside the bounds (inf: no center)."""
        return price_groups(self.scenario, self.data, groups) if groups else np.zeros(0)

    def choice(self, group: list[int]) -> Choice | None:
        """The group's cheapest center as a community outside the bounds."""
        return best_choice(self.scenario, self.data, group)


def with_stand_ins(scenario: Scenario, units: tuple[int, ...] | list[int]) -> Scenario:
    """``scenario`` with no_build lifted at ``units``: a new build may stand in there
    (ONE-STATION impossible otherwise; priced as the fix, and exempt). The units are
    marked ``stand_in``: a community holding a unit that can host its center legally
    never takes a stand-in build (:mod:`optimizer.model.precedence`, STAND-IN-LAST)."""
    if scenario.no_build is None:
        return scenario
    at = [u for u in units if scenario.is_no_build(u)]
    if not at:
        return scenario
    lifted = scenario.no_build.copy()
    lifted[at] = False
    marked = np.zeros(scenario.n_units, dtype=bool) if scenario.stand_in is None \
        else scenario.stand_in.copy()
    marked[at] = True
    return scenario.replace(no_build=lifted, stand_in=marked)


STAND_IN = (" The plan prices a new center built in its unit of {uid} (which no_build "
            "forbids), none of its units having a place for one: the cost of the fix.")


def stand_in_reason(scenario: Scenario, base: Exemption, center: int) -> Exemption:
    """The ONE-STATION exemption of a community centred in a stand-in build at unit
    ``center``: why no legal center is possible (``base``, the diagnosis' words), that
    none of its own units could hold one (STAND-IN-LAST, optimizer.model.precedence),
    and where the build is priced."""
    uid = scenario.unit_ids[center]
    return dataclasses.replace(base, text=base.text + STAND_IN.format(uid=uid),
                               stand_in=(uid,), no_host=True)


def mark_stand_ins(scenario: Scenario, task: PieceTask, res: PieceResult) -> PieceResult:
    """The ONE-STATION exemption on each community whose center is a stand-in build
    (where the real ``scenario`` has no_build), beside any size exemption."""
    center = task.center_reason
    exemptions: list[Reasons] = []
    first = ""
    for ch, ex in zip(res.choices, res.exemptions, strict=True):
        # (a community exempt already, by the stand-ins an oversized piece decided once
        # its units above the maximum held their places, optimizer.search.oversized)
        stand_in = ch.remedy == "build" and scenario.is_no_build(ch.center) \
            and not any(e.held for e in ex)
        if stand_in and center is not None:
            why = stand_in_reason(scenario, center, ch.center)
            first = first or why.text
            exemptions.append((*ex, why))
        else:
            exemptions.append(ex)
    if not any(exemptions) or tuple(exemptions) == res.exemptions:
        return res
    return dataclasses.replace(res, exemptions=tuple(exemptions), reason=res.reason or first)


def no_plan_reason(scenario: Scenario, data: PieceData, why: str, columns: int = 0,
                   core: tuple[str, ...] = ()) -> Exemption:
    """The exemption of a piece the search found no plan within the bounds for: ``why``
    in the search's words ("none found in time" is not a proof; ``columns``: proved by
    that many possible communities listed)."""
    rule = scenario.policy.size_rule(data.urban)
    county, street, kind = data.key
    # The piece named by its place, in the diagnoses' words (wild seed 301: a
    # 75-compound urban area proven impossible whole, its exemption naming no unit nor
    # street; issue 16: an exemption names the part that makes it impossible).
    w = _Words(data.key)
    text = (f"{rule}: {w.place}, {w.area}: no partition of this piece ({data.n} units, "
            f"{data.total:,} households) into contiguous communities of "
            f"{data.lo:,}-{data.hi:,} households was found ({why}); the plan breaks the "
            f"bounds as little as the search could")
    return Exemption(rule, "no-plan", text, county, street, kind, households=data.total,
                     lo=data.lo, hi=data.hi, n_units=data.n,
                     proven=why != "none found in time", columns=columns, why=why,
                     named=Named(core) if core else None)


def explain_locks(scenario: Scenario, data: PieceData, task: PieceTask) -> None:
    """Raise a LockError when the locks alone make this piece impossible."""
    free = run_attempt(scenario, data, task, contiguity="order", soft=False, locks=None,
                time_s=max(1.0, task.budget_s / 4), stop=StopFlag(), first_only=True)
    if free.choices:
        from optimizer.errors import LockError, Problem

        raise LockError([Problem(
            "scenario.toml [locks]", f"the locks make {' / '.join(data.key)} impossible: "
            "no plan of its units obeys them all together with the rules, while a plan "
            "exists without them", record=" / ".join(data.key), field="[locks]",
            hint="remove or change a lock on this street")])

