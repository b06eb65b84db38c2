"""Pieces too large for the exact model: region growing and tree partitions at the
fewest communities (optimizer.search.starts; a grown plan with a region outside the
bounds is repaired by the search; the ordering model's first plan only where growing
leaves a region without a center, or the repair fails), then neighbourhood search over
a few adjacent communities at a time for the whole budget. Their bound is the floors'
of :func:`optimizer.search.piece.solve_piece` (arithmetic and Lagrangian): the
"adjacent" relaxation's bound model, which took 60% of the budget on pieces up to
14,000 assignment variables, stayed below the Lagrangian floor (with whole units) on
the four bench pieces that ran it (bench/JOURNAL.md, helper `adj`)."""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizer.graph import feasible_community_counts
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice, build_cost_s
from optimizer.search.fewer_moves import one_fewer
from optimizer.search.heuristic import absorbed, best_choice, center_hosts, grow_regions
from optimizer.search.lns import FEW_UNITS, improve, window
from optimizer.search.lns_fewer import fewer_communities
from optimizer.search.piece_common import (
    no_plan_reason,
    plan_cost,
    run_attempt,
    soft_result,
)
from optimizer.search.piece_types import WITHOUT_MARKS, PieceResult, PieceTask
from optimizer.search.short_mark import floors_on
from optimizer.search.starts import tree_start
from optimizer.search.stop import StopFlag
from optimizer.search.stopped_start import stopped_start
from optimizer.search.transfer import polish
from optimizer.search.windows import improve_windows
from optimizer.status import Status

FEWER_SHARE = 0.25      # of a large piece's time spent seeking a plan with fewer communities
FEWER_FILL = 0.95       # ... and tree partitions only where the fewest communities
                        # are not all but full (a 262-compound street, 99.7% full at
                        # the fewest: no tree partition in 24 attempts, 5-7 s)
TREE_SHARE = 0.1        # of a large piece's time for tree partitions at the least counts
TREE_CAP_S = 10.0       # ... at most
FEWER_MOVES = 0.25      # of the search's time at most for one fewer by moves (rural)
POLISH_SHARE = 0.2      # of the search's time at most for border moves on rural pieces
WINDOW_SHARE = 0.5      # of what is left at most for exact windows (streets of few compounds)
FEWER_LNS = 0.5         # of the search's time at most for count-reducing neighbourhoods


def solve_large(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
                whole: bool, model_vars: int = 0) -> PieceResult:
    """``whole``: the piece is small enough for one model of all of it (the ordering
    model's first plan and the fewest-communities attempt).
    ``model_vars``: that model's size; a whole-piece model is built only where the
    budget covers building it (:func:`optimizer.search.attempt.build_cost_s`), so a
    small budget is kept (a 250-unit piece took 12 s of a 0.5 s share that way)."""
    build = build_cost_s(model_vars)
    # Region growing once (1-20 s on a 262-compound street, by the machine's load):
    # the start when every region is within the bounds, else the rough plan the
    # search repairs.
    regions = grow_regions(data, hosts=center_hosts(scenario, data))
    grown = [best_choice(scenario, data, r) for r in regions]
    within = all(ch is not None
                 and data.lo <= int(scenario.households[list(ch.members)].sum()) <= data.hi
                 for ch in grown)
    start = tuple(ch for ch in grown if ch is not None) if within else None
    origin = ""
    spent = 0.0
    counts = feasible_community_counts(data.total, data.lo, data.hi)
    k_lo = counts[0] if counts else 1
    tight = bool(counts) and data.total > FEWER_FILL * min(counts[-1], k_lo + 1) * data.hi
    if counts and (start is None or len(start) > k_lo) and not tight and not stop.is_set():
        # Tree partitions at the least counts (optimizer.search.starts): the plan
        # with fewer communities region growing misses.
        tree = tree_start(scenario, data, time_s=min(TREE_CAP_S, TREE_SHARE * task.budget_s),
                          seed=task.seed, deterministic=task.deterministic, stop=stop)
        spent += tree.used_s
        if tree.choices is not None and (start is None or plan_cost(scenario, tree.choices)
                                         < plan_cost(scenario, start)):
            start, origin = tree.choices, f"tree(k={len(tree.choices)})+"
    rough = None
    if start is None and all(ch is not None for ch in grown):
        # Region growing with a region or two outside the bounds: the neighbourhood
        # search repairs such a plan in a few rounds, where the whole piece's ordering
        # model took 135 s of wall time for its first plan on a 262-compound street
        # (22 s of deterministic time; its build alone is most of that). That model
        # only where growing leaves a region without a center.
        rough = tuple(ch for ch in grown if ch is not None)
    split_tried = start is None and stop.is_set() and not task.locks
    if split_tried:
        # Stopped (a piece handed out late, or its share gone) with region growing
        # outside the bounds: the neighbourhood search will have no rounds to repair it,
        # and the hurried ordering model took the whole grace, 7 s, without a plan on
        # wild seed 1052's 132-compound street, where the split search finds a split in
        # 0.05 s (its checker's way). So tree partitions and the split search first,
        # within the time left to the run's end (optimizer.search.stopped_start).
        start, how = stopped_start(scenario, data, stop, task.seed)
        origin = f"{how}+" if start is not None else origin
    if start is None and rough is None and whole:
        first = run_attempt(scenario, data, task, contiguity="order", soft=False,
                     time_s=task.budget_s * 0.5, stop=stop, first_only=True)
        spent += first.used_s
        start = first.choices or None
    if whole and start is not None and len(start) > k_lo and not stop.is_set() \
            and data.total <= FEWER_FILL * k_lo * data.hi \
            and task.budget_s * FEWER_SHARE > build:
        # One community fewer saves its fixed costs, which no local move can find (the
        # slack must cross the whole piece): ask the ordering model for a plan with the
        # fewest communities (a 212-unit rural town: 3.02 M yuan as 7 against 3.13 M as
        # 8 after a minute of neighbourhood search).
        fewer = run_attempt(scenario, data, task, contiguity="order", soft=False,
                     count=(k_lo, k_lo), time_s=task.budget_s * FEWER_SHARE, stop=stop,
                     first_only=True)
        spent += fewer.used_s
        if fewer.choices and plan_cost(scenario, fewer.choices) < plan_cost(scenario, start):
            start = fewer.choices
    if start is None:
        # Region growing missed the bounds: the neighbourhood search repairs it. A
        # region without a center (the whole-piece model stopped before its first
        # plan) joins a neighbour: dropping it lost its units (bench/wild.py, seed 5).
        start = rough if rough is not None else absorbed(scenario, data, regions, grown)
    marks = scenario.late_rooms & frozenset(data.units.tolist())
    if start is None and marks:
        # FACILITY-95's marks left a region no timely center (wild seed 603's 131-compound
        # rest of a street: the soft model took 26 s of wall on a 16-s budget and broke
        # the bounds in 22 communities, where the unmarked search finds a plan within
        # them): the household bounds are a rule, a marked plan only a means to a
        # target, so the piece is searched without its marks on what is left.
        plain = solve_large(scenario.without_marks(marks), data,
                            dataclasses.replace(task, budget_s=max(0.2, task.budget_s - spent)),
                            stop, whole, model_vars)
        return dataclasses.replace(plain, used_s=plain.used_s + spent,
                                   method=f"{origin}{plain.method}, {WITHOUT_MARKS}")
    if start is None:
        # Some region keeps no place for a center whatever neighbour it joins (a
        # pipeline site too small for the joined households is still imposed): no
        # plan in time, the soft plan that breaks the bounds least, every unit in it.
        soft = soft_result(scenario, data, dataclasses.replace(
            task, budget_s=max(0.2, task.budget_s - spent)), stop,
            no_plan_reason(scenario, data, "none found in time"))
        return dataclasses.replace(soft, used_s=soft.used_s + spent,
                                   method=f"{origin}soft (a region without a center)")
    # All the time left to the search; the bound is the floors' (solve_piece). The
    # "adjacent" relaxation's bound model (60% of the budget on pieces up to 14,000
    # assignment variables, 120-160 units above that) stayed below the LP Lagrangian
    # floor on three of the four bench pieces that ran it, by 0.3-5.9% (Xijin Street,
    # 120 compounds: 16.89 M against 17.94 M), and beat it by 0.08% (3 k yuan) on the
    # fourth (Hongzhuang, 100 villages), where the whole-unit floor (4.000 M) is above
    # it (3.999 M) too. Given those seconds the search found plans 59-95 k yuan cheaper
    # on Xijin, 0-96 k on the others, over three seeds (bench/JOURNAL.md, helper `adj`).
    lns_time = max(0.0, task.budget_s - spent)
    improved, spent_lns, lns = search_from(scenario, data, task, list(start), lns_time, stop)
    spent += spent_lns
    choices = tuple(improved)
    lns = origin + lns
    broken = [not data.lo <= int(scenario.households[list(ch.members)].sum()) <= data.hi
              for ch in choices]
    if any(broken) and rough is not None and whole and not stop.is_set():
        # The search left the grown plan outside the bounds: the ordering model after
        # all, with what is left (at least as long as the first plan had before).
        first = run_attempt(scenario, data, task, contiguity="order", soft=False,
                            time_s=max(task.budget_s * 0.5, task.budget_s - spent),
                            stop=stop, first_only=True)
        spent += first.used_s
        if first.choices:
            choices, lns = first.choices, f"{lns}, then order"
            broken = [False] * len(choices)
    split, how = stopped_start(scenario, data, stop, task.seed) if any(broken) \
        and not task.locks and not split_tried else (None, "")
    if split is not None:       # stopped unrepaired: a split search's plan (wild seed 41)
        choices, lns, broken = split, f"{lns}, then {how}", [False] * len(split)
    if any(broken):
        # Its bound: the arithmetic floor for splits of any size (on the scenario short
        # rooms scale, optimizer.search.short_mark), never 0 (issue 16; seed 221's street).
        reason = no_plan_reason(scenario, data, "none found in time")
        floor = arithmetic_bound(floors_on(scenario, data)[0], data, lo=0, hi=data.total)
        return PieceResult(task.index, choices, tuple((reason,) if b else () for b in broken),
                           Status.FEASIBLE, min(floor, plan_cost(scenario, choices)), spent,
                           f"{lns}, unrepaired", reason.text)
    return PieceResult(task.index, choices, tuple(() for _ in choices), Status.FEASIBLE,
                       0.0, spent, f"{lns}+lagrangian bound")


def _fewer_by_moves(scenario: Scenario, data: PieceData, task: PieceTask, plan: list[Choice],
                    work_s: float, stop: StopFlag) -> tuple[list[Choice], float, str]:
    """The plan with one community fewer (annealed within the bounds, then border
    moves) where it costs less than ``plan``; the time used and the method's text."""
    det = task.deterministic
    fewer, st = one_fewer(scenario, data, plan, work_s=work_s, seed=task.seed, stop=stop,
                          deterministic=det)
    used = st.used_s if det else st.time_s
    if fewer is None:
        return plan, used, f"anneal(-0 in {st.attempts})+" if st.attempts else ""
    fewer, pst = polish(scenario, data, fewer, work_s=max(0.0, work_s - used), stop=stop,
                        deterministic=det)
    used += pst.used_s if det else pst.time_s
    if plan_cost(scenario, fewer) < plan_cost(scenario, plan):
        return fewer, used, f"anneal(-1 in {st.attempts})+"
    return plan, used, f"anneal(-0 in {st.attempts})+"


def search_from(scenario: Scenario, data: PieceData, task: PieceTask, start: list[Choice],
                lns_time: float, stop: StopFlag) -> tuple[list[Choice], float, str]:
    """The neighbourhood search from ``start`` for ``lns_time``: a start outside the
    bounds repaired first, then count-reducing neighbourhoods (at most FEWER_LNS of
    the time; optimizer.search.lns_fewer), then the search over adjacent communities
    with what is left. The plan, the time used and the method's text."""
    det = task.deterministic
    repair = any(not data.lo <= int(scenario.households[list(ch.members)].sum()) <= data.hi
                 for ch in start)
    counts = feasible_community_counts(data.total, data.lo, data.hi)
    plan, spent, rounds, text = start, 0.0, 0, ""
    rng = np.random.default_rng(task.seed)      # one stream for the search's phases
    size, sub_s = window(data, len(start))
    if counts and len(start) > counts[0]:
        if repair:
            # Deterministic: rounds until repaired, or the share is used (two at least).
            plan, stats = improve(scenario, data, plan, time_s=lns_time, seed=task.seed,
                                  stop=stop, communities=size, sub_time_s=sub_s,
                                  work_s=lns_time if det else None, min_rounds=2,
                                  until_within=True, rng=rng)
            spent += stats.used_s + stats.round_s if det else stats.time_s
            rounds += stats.rounds
            repair = any(not data.lo <= int(scenario.households[list(ch.members)].sum())
                         <= data.hi for ch in plan)
        if not repair and len(plan) > counts[0] and not stop.is_set():
            # One community fewer is worth more than any reshaping the search finds.
            plan, fst = fewer_communities(scenario, data, plan,
                                          work_s=FEWER_LNS * max(0.0, lns_time - spent),
                                          seed=task.seed, stop=stop, deterministic=det,
                                          workers=task.threads)
            spent += fst.used_s if det else fst.time_s
            text = f"fewer(-{fst.removed} in {fst.attempts})+" if fst.attempts else ""
        room = (len(plan) - 1) * data.hi - data.total      # households to spare at one fewer
        if not repair and not data.urban and len(plan) > counts[0] and not stop.is_set() \
                and room >= float(np.median(data.households)):
            # Rural pieces nearly full at the fewest count: one community fewer by
            # single-village moves (optimizer.search.fewer_moves), where no group of
            # a few communities has the room lns_fewer needs. Only with room for a
            # typical village at least: a 159-unit town 99.7% full at 23 (102
            # households to spare, units of 171) gave no such plan to annealing in
            # 30 M moves (bench/JOURNAL.md, realmaps); its time goes to the rounds.
            plan, used, got = _fewer_by_moves(scenario, data, task, plan,
                                              FEWER_MOVES * max(0.0, lns_time - spent), stop)
            spent += used
            text += got
    left = max(0.0, lns_time - spent)
    polished = ""
    if not data.urban and size == 3 and not repair and not stop.is_set():
        # Rural pieces of many villages a community (window: three communities a
        # round at MANY_SUB_S): border moves and swaps first (optimizer.search.transfer),
        # cheap where each round costs about a second; the rounds then start nearer.
        # Not on pieces of fewer units a community, whose rounds of four at 2 s make
        # such moves themselves (a 159-unit town of 6.6 a community: 10.25 M yuan with
        # the moves first against 10.23 M without, same budget).
        plan, tst = polish(scenario, data, plan, work_s=POLISH_SHARE * left, stop=stop,
                           deterministic=det)
        spent += tst.used_s if det else tst.time_s
        polished = f"moves({tst.moves})+" if tst.moves else ""
        left = max(0.0, lns_time - spent)
    if not repair and not task.locks and data.n < FEW_UNITS * len(plan) \
            and not stop.is_set():
        # Streets of few compounds a community: two or three adjacent communities
        # re-partitioned exactly (optimizer.search.windows), which the rounds' six at
        # 1.5 s, most ended by their limit, leave undone (a 262-compound street's 60-s
        # plan: 12 of 115 pairs had a cheaper split).
        plan, wst = improve_windows(scenario, data, plan, work_s=WINDOW_SHARE * left,
                                    stop=stop, deterministic=det)
        spent += wst.used_s
        polished += f"{wst.text()}+"
        left = max(0.0, lns_time - spent)
    # Deterministic: rounds until the sub-solves' deterministic time fills the share
    # (two rounds at least when the start breaks the bounds: the search repairs it).
    # Where the moves removed nothing, the same search as without them: the repair's
    # random stream and round count go on.
    plan, stats = improve(scenario, data, plan, time_s=left, seed=task.seed,
                          stop=stop, communities=size, sub_time_s=sub_s,
                          work_s=left if det else None, min_rounds=2 if repair else 0,
                          rng=rng, first_round=rounds)
    spent += stats.used_s + stats.round_s if det else stats.time_s
    return plan, spent, f"{text}{polished}lns({rounds + stats.rounds} rounds)"
