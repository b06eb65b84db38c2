"""The stranded parts of a piece around its units above the maximum and the oversized
units they touch (optimizer.search.oversized): the fewest households joining the
oversized units' communities, then the cheapest plan giving exactly that many.

Exact by listing when the listings fit (:func:`attach`); else the community model in
which only the oversized units' communities may break the bounds; else each part
joins its first oversized unit whole. The reasoning is in :mod:`optimizer.graph.oversized`.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from optimizer.graph.oversized import Part, oversized_exemption
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.piece import PieceData, piece_data
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.plan.exemption import Reasons
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.columns import price_groups
from optimizer.search.heuristic import best_choice
from optimizer.search.lns import improve, window
from optimizer.search.oversized_block import improve_group
from optimizer.search.oversized_bound import bound_and_plan
from optimizer.search.oversized_errors import NoPlaceError, joined_no_place_error
from optimizer.search.oversized_fewer import fewer_stand_ins, joined_of, stand_ins_of
from optimizer.search.oversized_least import (
    ATTACH_S,
    MAX_COLUMNS,
    attached_households,
    first_partition,
    least_part,
    supersets,
)
from optimizer.search.oversized_packed import packed_plan
from optimizer.search.oversized_short import (
    group_site,
    joined_site,
    short_bound,
    short_choice,
    short_exemption,
    short_site,
)
from optimizer.search.oversized_wider import wider_plan
from optimizer.search.piece_common import plan_cost, run_attempt
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status

MODEL_SHARE = 0.5           # of what is left for the community model, when the block
                            # model has no plan (then LNS)
BLOCK_SHARE = 0.5           # of a group's time for the block model (then LNS)
BOUND_SHARE = 0.1           # of a group's time kept for its bound (oversized_bound)


@dataclasses.dataclass(frozen=True)
class Block:
    """Part of the piece's result: its communities, their exemptions and its bound."""

    choices: tuple[Choice, ...]
    exemptions: tuple[Reasons, ...]
    bound: float
    proven: bool
    used_s: float
    method: str


def attach(scenario: Scenario, key: tuple[str, str, str], parts: list[Part],
           cores: dict[int, list[int]], task: PieceTask, stop: StopFlag) -> Block:
    """:func:`_attach`, and when its plan is not proven, the bound of
    :func:`optimizer.search.oversized_bound.bound_and_plan` with the households that plan
    gives the oversized units' communities as the cap (a share of the budget is kept
    for it), if stronger than the one it has."""
    reserve = BOUND_SHARE * task.budget_s
    block = _attach(scenario, key, parts, cores,
                    dataclasses.replace(task, budget_s=task.budget_s - reserve), stop)
    if block.proven and not _shorts(block):
        return block
    if stop.is_set() and not _shorts(block):
        # Stopped: no bound model after the stop (clock.py; its LP ran 4.3 s past a 30-s
        # run, shapes-grown-r60-6). Short centers still get short_bound (see below).
        return block
    units = sorted({u for p in parts for u in p.units} | {u for c in cores.values() for u in c})
    gd = piece_data(scenario, key, np.asarray(units))
    cap = joined_of(scenario, block.choices, cores)
    shorts = _shorts(block) > 0     # its bound: short_bound (half the time), the plan here
    left = max(0.0, task.budget_s - block.used_s) / (2.0 if shorts else 1.0)
    got = bound_and_plan(scenario, gd, parts, cores, cap, stop, time_s=left, seed=task.seed,
                         deterministic=task.deterministic,
                         plan=[ch.members for ch in block.choices])
    used = block.used_s + (got.work if task.deterministic else 0.0)
    method = block.method + (", lp bound" if got.bound > block.bound else "")
    if got.plan:
        # The bound's model partitions the group too (joined units connected to their
        # core, at most as many): priced exactly, kept when cheaper.
        local = {int(u): k for k, u in enumerate(gd.units)}
        least = any(r.joined is not None and r.joined.proven        # then no plan joins fewer
                    for rs in block.exemptions for r in rs)
        try:        # no more communities on rooms coming too small than the plan's
            other = _block(scenario, gd, parts, cores,
                           [tuple(sorted(local[u] for u in g)) for g in got.plan], least,
                           block.bound, used, block.method, _shorts(block) > 0)
        except NoPlaceError:
            other = block
        if other is not block and _shorts(other) <= _shorts(block) \
                and joined_of(scenario, other.choices, cores) <= cap \
                and stand_ins_of(scenario, other.choices) <= stand_ins_of(scenario, block.choices) \
                and plan_cost(scenario, other.choices) < plan_cost(scenario, block.choices) - 0.5:
            block = dataclasses.replace(other, proven=False)
            method += ", bound's plan"
    if shorts:
        bound, work = short_bound(scenario, gd, parts, cores, cap, block.choices, stop,
                                  time_s=left, seed=task.seed, deterministic=task.deterministic)
        return dataclasses.replace(block, bound=bound, used_s=used + (
            work if task.deterministic else 0.0), method=method.replace(", lp bound", ""))
    return dataclasses.replace(block, bound=max(block.bound, got.bound), used_s=used,
                               method=method)


def _attach(scenario: Scenario, key: tuple[str, str, str], parts: list[Part],
            cores: dict[int, list[int]], task: PieceTask, stop: StopFlag) -> Block:
    """The stranded ``parts`` and the oversized units (``cores``) they touch: the
    fewest households joining the oversized units' communities, then the cheapest
    plan with that many.

    The fewest is found part by part: units of a part reach an oversized unit's
    community only through that part (the parts are apart once the oversized units
    are removed), so what one part must give does not depend on the others
    (:func:`optimizer.search.oversized_least.least_part`). The cheapest plan giving
    exactly that much is then a set partitioning over the best communities of each
    part and every community an oversized unit can make with at most that many
    households of the parts beside it.
    Exact when the listings fit their caps; else the community model with only the
    oversized units' communities free to break the bounds (:func:`_by_model`), and
    failing that each part joins its first oversized unit whole (legal, exempt, not
    shown minimal)."""
    units = sorted({u for p in parts for u in p.units} | {u for c in cores.values() for u in c})
    gd = piece_data(scenario, key, np.asarray(units))
    local = {u: k for k, u in enumerate(units)}
    core_local = {o: [local[u] for u in c] for o, c in cores.items()}
    plain: list[tuple[int, ...]] = []
    least: dict[int, int] = {}          # per part (its first unit): households it must give
    used = 0.0
    proven = True
    for p in parts:
        got = least_part(scenario, gd, p, core_local, task, stop)
        if got is None:
            # Past the listing caps: parts of fewer than 2·L households are covered by
            # what the oversized communities leave of them (oversized_wider; seed 82).
            return _models_then_wider(scenario, gd, parts, cores, task, stop, used,
                                      all(q.households < 2 * gd.lo for q in parts))
        least[p.units[0]], cols, exact, spent = got
        plain += cols
        proven &= exact
        used += spent
    big: list[tuple[int, ...]] = []
    for o, core in core_local.items():
        near = [p for p in parts if o in p.touches]
        got_sup = supersets(gd, core, {local[u] for p in near for u in p.units},
                            sum(least[p.units[0]] for p in near), MAX_COLUMNS - len(big))
        if got_sup is None:
            return _by_model(scenario, gd, parts, cores, task, stop)
        big += got_sup
    members = plain + big
    cost = price_groups(scenario, gd, members)
    ok = np.isfinite(cost)
    members = [m for m, good in zip(members, ok.tolist(), strict=True) if good]
    cost = cost[ok]
    attached = attached_households(members, list(core_local.values()),
                                   gd.households.astype(np.int64))
    total = sum(least.values())
    built = build_setpart(gd.n, members, cost)
    built.at_most(np.maximum(attached, 0), total)
    res = solve_setpart(built, time_s=ATTACH_S, workers=task.threads, seed=task.seed,
                        deterministic=task.deterministic, stop=stop)
    used += res.used_s
    if not res.chosen and res.status != Status.INFEASIBLE and stop.is_set():
        first, exact = first_partition(members, cost, attached, gd.n, task, stop,
                                       gd.nbrs)
        if first:   # exact, and the fewest joining is the least proven: the optimum
            exact &= proven and int(attached[list(first)].sum()) <= total
            return _block(scenario, gd, parts, cores, [members[k] for k in first], exact,
                          float(cost[list(first)].sum()) if exact else floor(scenario, gd),
                          used, f"attach({len(members)}, stopped)")
    if not res.chosen:     # the fewest by households leaves some community no center
        return _models_then_wider(scenario, gd, parts, cores, task, stop, used, True)
    proven &= res.status == Status.OPTIMAL
    bound = res.bound_yuan if proven or math.isfinite(res.bound_yuan) else floor(scenario, gd)
    chosen = res.chosen
    fewer = fewer_stand_ins(scenario, gd, members, cost, attached, total, chosen, task, stop)
    if fewer is not None:
        chosen, fewest_proven, bound_fewest, spent = fewer
        used += spent
        if proven and fewest_proven:    # the cheapest of the plans with the fewest: proven
            bound = max(bound, bound_fewest)
        else:
            proven = False
    return _block(scenario, gd, parts, cores, [members[k] for k in chosen], proven,
                  max(bound, floor(scenario, gd)), used, f"attach({len(members)})")


def _models_then_wider(scenario: Scenario, gd: PieceData, parts: list[Part],
                       cores: dict[int, list[int]], task: PieceTask, stop: StopFlag,
                       used: float, wider: bool) -> Block:
    """The models of :func:`_by_model`; where none of their plans has a center in every
    community, the wider listing (``wider``: it covers these parts). The models first:
    where they have a plan it is cheaper (shapes-grown-r60-6: 0.4% against 6.9% with the
    wider listing first)."""
    try:
        return _by_model(scenario, gd, parts, cores, task, stop)
    except NoPlaceError:
        block = _wider(scenario, gd, parts, cores, task, stop, used) if wider else None
        if block is None:
            raise
        return block


def _wider(scenario: Scenario, gd: PieceData, parts: list[Part], cores: dict[int, list[int]],
           task: PieceTask, stop: StopFlag, used: float) -> Block | None:
    """:func:`~optimizer.search.oversized_wider.wider_plan`'s plan (more joining than
    the fewest counted without the centers; not claimed the fewest), or None."""
    local = {int(u): k for k, u in enumerate(gd.units)}
    memo: dict[tuple[int, ...], float] = {}     # the columns' prices, for both passes
    for short in (False, True):
        # then also with communities centred on too small rooms of units that joined
        # them (AREA-PER-HH exempt), the fewest of those first
        got = wider_plan(scenario, gd, parts, {o: [local[u] for u in c] for o, c in
                                               cores.items()}, task, stop, short, memo)
        if got is not None:
            block = priced(scenario, gd, parts, cores, got.groups, False, used + got.used_s,
                            "attach(wider" + (", rooms short)" if short else ")"), short)
            if block is not None:
                return block
    return None


def _shorts(block: Block) -> int:      # communities centred on rooms coming too small
    return sum(any(r.kind == "short-rooms" for r in rs) for rs in block.exemptions)


def floor(scenario: Scenario, gd: PieceData) -> float:    # every split, of any sizes
    return arithmetic_bound(scenario, gd, lo=0, hi=gd.total)


def _by_model(scenario: Scenario, gd: PieceData, parts: list[Part],
              cores: dict[int, list[int]], task: PieceTask, stop: StopFlag) -> Block:
    """Too many possible communities to list: from each part joining its first
    oversized unit whole, the model over the listed communities within the bounds
    with the joined units as variables (optimizer.search.oversized_block: fewest
    joining, then cheapest; 2,739 households instead of 15,958 on a 154-unit part);
    where those cannot be listed, the community model (ordering contiguity) in which
    only the oversized units' communities may break the bounds, each household beyond
    them penalized far above any cost; then the neighbourhood search on the
    communities within the bounds.
    The best plan by (households joined, cost) is kept; not proven the fewest unless
    the block model proves it (then the exemption says so).

    The whole parts joined may leave an oversized community no place for a center
    (a pipeline site too small for all of them, bench/wild.py seeds 82: 3,302
    households on 985 m² at most) while joining fewer leaves one: then the models
    start from a packing of the parts (optimizer.search.oversized_packed; seed 158),
    or from nothing, and the error stands only if none of them finds a plan."""
    failed: NoPlaceError | None = None
    try:
        whole: Block | None = _whole(scenario, gd, parts, cores)
    except NoPlaceError as err:
        packed = packed_plan(scenario, gd, parts, cores, task.seed, stop)
        whole = None if packed is None else priced(scenario, gd, parts, cores, packed,
                                                    False, 0.0, "attach(packed)")
        failed = err
    local = {int(u): k for k, u in enumerate(gd.units)}
    best, used = whole, 0.0

    def better(block: Block) -> bool:
        def rank(b: Block) -> tuple[int, int, float]:
            return (joined_of(scenario, b.choices, cores), stand_ins_of(scenario, b.choices),
                    plan_cost(scenario, b.choices))
        return best is None or rank(block) < rank(best)

    def groups_of(block: Block) -> list[tuple[int, ...]]:
        return [tuple(sorted(local[u] for u in ch.members)) for ch in block.choices]

    if not stop.is_set():
        plan = improve_group(scenario, gd, [u for p in parts for u in p.units], cores,
                             None if best is None else groups_of(best),
                             time_s=max(ATTACH_S, BLOCK_SHARE * task.budget_s),
                             seed=task.seed, deterministic=task.deterministic, stop=stop)
        if plan is not None:
            used += plan.used_s
            got = priced(scenario, gd, parts, cores, list(plan.groups), plan.least_proven,
                          used, "attach(block model)")
            if got is not None and (better(got) or best is not None and plan.least_proven
                                    and joined_of(scenario, got.choices, cores)
                                    <= joined_of(scenario, best.choices, cores)):
                best = dataclasses.replace(got, proven=False)
    if best is whole and not any(len(c) > 1 for c in cores.values()) and not stop.is_set():
        # No listing for the block model: the community model (companions for a
        # center: it cannot say so).
        hint = []
        for ch in () if whole is None else whole.choices:
            o = next((o for o in cores if o in ch.members), ch.center)
            hint.append(dataclasses.replace(ch, center=o))
        res = run_attempt(scenario, gd, task, contiguity="order", soft=True,
                          free=frozenset(local[o] for o in cores), hint=tuple(hint),
                          time_s=max(ATTACH_S, MODEL_SHARE * (task.budget_s - used)),
                          stop=stop)
        used += res.used_s
        if res.choices:
            got = priced(scenario, gd, parts, cores,
                          [tuple(sorted(local[u] for u in ch.members)) for ch in res.choices],
                          False, used, "attach(model)")
            if got is not None and better(got):
                best = got
    if best is None:
        assert failed is not None
        raise failed
    # The communities within the bounds: the neighbourhood search, with the time left
    # (the oversized units' communities stay as they are).
    rest = [ch for ch in best.choices if not any(o in ch.members for o in cores)]
    fixed = [ch for ch in best.choices if any(o in ch.members for o in cores)]
    left = max(0.0, task.budget_s - used)
    if rest and left > 0.5 and not stop.is_set():
        sub = piece_data(scenario, gd.key, np.asarray(sorted(u for ch in rest
                                                             for u in ch.members)))
        size, sub_s = window(sub, len(rest))
        rounds = int(left / (1.5 * sub_s)) if task.deterministic else None
        rest, stats = improve(scenario, sub, rest, time_s=left, seed=task.seed, stop=stop,
                              max_rounds=rounds, communities=size, sub_time_s=sub_s)
        used += stats.used_s if task.deterministic else stats.time_s
        groups = [tuple(sorted(local[u] for u in ch.members)) for ch in [*fixed, *rest]]
        assert sorted(i for g in groups for i in g) == list(range(gd.n))
        proven_least = any(r.joined is not None and r.joined.proven
                           for rs in best.exemptions for r in rs)
        got = _block(scenario, gd, parts, cores, groups, proven_least, floor(scenario, gd),
                     used, best.method, False)
        if better(got):
            best = dataclasses.replace(got, proven=False)
    return dataclasses.replace(best, used_s=used)


def priced(scenario: Scenario, gd: PieceData, parts: list[Part], cores: dict[int, list[int]],
            groups: list[tuple[int, ...]], proven: bool, used: float, method: str,
            short: bool = False) -> Block | None:
    """:func:`_block` with the floor as its bound; None where an oversized community
    of ``groups`` has no place for a center (the models do not price those centers),
    or, unless ``short``, only the too small rooms coming of units that joined it: the
    models do not count those exemptions, the wider listing makes the fewest."""
    try:
        return _block(scenario, gd, parts, cores, groups, proven, floor(scenario, gd), used,
                      method, short)
    except NoPlaceError:
        return None


def _whole(scenario: Scenario, gd: PieceData, parts: list[Part],
           cores: dict[int, list[int]]) -> Block:
    """Each stranded part joins the first oversized unit it touches, whole."""
    local = {int(u): k for k, u in enumerate(gd.units)}
    groups = {o: [local[u] for u in core] for o, core in cores.items()}
    for p in parts:
        groups[p.touches[0]] += [local[u] for u in p.units]
    return _block(scenario, gd, parts, cores, [tuple(sorted(g)) for g in groups.values()],
                  False, floor(scenario, gd), 0.0, "attach(whole parts)", False)


def _block(scenario: Scenario, gd: PieceData, parts: list[Part], cores: dict[int, list[int]],
           groups: list[tuple[int, ...]], proven: bool, bound: float, used: float,
           method: str, short_ok: bool = True) -> Block:
    glob = {o: set(core) for o, core in cores.items()}
    choices: list[Choice] = []
    exemptions: list[Reasons] = []
    for g in groups:
        members = {int(gd.units[i]) for i in g}
        ch = best_choice(scenario, gd, list(g))
        o = next((o for o, core in glob.items() if core <= members), None)
        short = short_site(scenario, o) if ch is None and o is not None else None
        if short is not None and o is not None:   # its rooms coming, short (AREA-PER-HH)
            short = group_site(scenario, o, tuple(sorted(members)))
            ch = short_choice(scenario, tuple(sorted(members)), short)
        elif ch is None and o is not None and short_ok:     # rooms of units that joined
            short = joined_site(scenario, o, tuple(sorted(members)))
            if short is not None:
                ch = short_choice(scenario, tuple(sorted(members)), short)
        if ch is None:      # no place for a center there at all: said in planner terms
            raise joined_no_place_error(scenario, gd.key, sorted(members), o)
        choices.append(ch)
        if o is None:
            exemptions.append(())
            continue
        joined = sorted(members - glob[o])
        touched = [p for p in parts if set(p.units) & set(joined)]
        extra = (() if short is None else
                 (short_exemption(scenario, gd.key, o, tuple(sorted(members)), short),))
        exemptions.append((oversized_exemption(scenario, gd.key, o, joined, touched, proven,
                                               companions=sorted(glob[o] - {o})), *extra))
    return Block(tuple(choices), tuple(exemptions), bound, proven, used, method)
