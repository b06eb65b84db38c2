"""Solve a piece that holds units above the maximum: each such unit a community of its
own, exempt and named; the rest of the piece solved as any piece, with its bound.

The reasoning (what is provable, what is minimal) is in
:mod:`optimizer.graph.oversized`. Here:

1. an oversized unit where no center can stand takes the lightest path of units to
   one where it can (:func:`optimizer.graph.oversized.company`);
2. every part of the piece without the oversized units that can be split on its own
   is solved by ``solve_part`` (columns, models, neighbourhood search and floors:
   optimizer.search.piece), with its share of the budget, in a fixed order;
3. the stranded parts (and any part whose solve found no plan within the bounds)
   are solved together with the oversized units they touch, by set partitioning
   over every possible community there (:func:`_attach`): first the fewest
   households joining the oversized units' communities, then the cheapest plan with
   that many; the exemption names the oversized unit and the units that joined;
4. every other oversized unit is a community alone.

The piece's bound is the sum of its blocks' bounds (each part's, each stranded
group's, each lone oversized unit's exact cost) and the links between blocks, which
every such plan cuts. It is a bound on the plans that keep every community but the
oversized units' within the bounds and give those no more households than needed:
the plans the rules allow here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

from optimizer.graph.oversized import (
    Part,
    company,
    least_to_attach,
    oversized_reason,
    take_apart,
)
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.piece import PieceData, piece_data
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.columns import connected_groups, price_groups
from optimizer.search.heuristic import best_choice
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import StopFlag

SolvePart = Callable[[Scenario, PieceData, PieceTask, StopFlag], PieceResult]

MAX_COLUMNS = 200_000       # possible communities of one stranded group, at most
MAX_STEPS = 2_000_000       # ... and enumeration steps
ATTACH_S = 5.0              # the set partitioning of one stranded group, at most (each stage)


@dataclasses.dataclass(frozen=True)
class _Block:
    """Part of the piece's result: its communities, their exemptions and its bound."""

    choices: tuple[Choice, ...]
    exemptions: tuple[str, ...]
    bound: float
    proven: bool
    used_s: float
    method: str


def solve_oversized(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
                    solve_part: SolvePart) -> PieceResult:
    units = data.units.tolist()
    local = {u: k for k, u in enumerate(units)}
    around = take_apart(scenario, units, data.lo, data.hi)
    over = set(around.oversized)
    cores: dict[int, list[int]] = {o: [o] for o in around.oversized}
    taken: set[int] = set(over)
    for o in around.oversized:
        if best_choice(scenario, data, [local[o]]) is None:
            path = company(scenario, o, set(units) - taken)
            if path:
                cores[o] += path
                taken.update(path)
    owner = {u: o for o, core in cores.items() for u in core}
    if len(taken) > len(over):      # companions leave the oversized units: parts anew
        around = take_apart(scenario, units, data.lo, data.hi, oversized=sorted(taken))
    parts = [dataclasses.replace(p, touches=tuple(sorted({owner[t] for t in p.touches})))
             for p in around.parts]
    blocks: list[_Block] = []
    budget = task.budget_s
    spent = 0.0
    good = [p for p in parts if not p.stranded]
    stranded = [p for p in parts if p.stranded]
    weights = [p.households * max(len(p.units), 30) ** 0.5 for p in good]
    for n, part in enumerate(good):
        share = max(0.0, budget - spent) * weights[n] / max(sum(weights[n:]), 1.0)
        sub = piece_data(scenario, data.key, np.asarray(part.units))
        res = solve_part(scenario, sub, dataclasses.replace(
            task, units=sub.units, diagnosis=None, budget_s=max(share, 0.2)), stop)
        spent += res.used_s
        if any(res.exemptions) and part.touches:
            # No plan within the bounds found on its own: it joins the stranded ones.
            stranded.append(dataclasses.replace(part, stranded="no-plan"))
            continue
        blocks.append(_Block(res.choices, res.exemptions, res.bound,
                             res.status == "OPTIMAL", res.used_s, res.method))
    groups = _groups(stranded)
    grouped: set[int] = set()
    for group_parts, group_over in groups:
        grouped.update(group_over)
        block = _attach(scenario, data.key, group_parts, {o: cores[o] for o in group_over},
                        task, stop)
        spent += block.used_s
        blocks.append(block)
    for o in around.oversized:
        if o not in grouped:
            blocks.append(_alone(scenario, data, cores[o]))
    choices = tuple(ch for b in blocks for ch in b.choices)
    exemptions = tuple(ex for b in blocks for ex in b.exemptions)
    assert sorted(u for ch in choices for u in ch.members) == units, "a unit left out"
    # Links between blocks are cut by every plan of this kind.
    block_of = {u: k for k, b in enumerate(blocks) for ch in b.choices for u in ch.members}
    cut = sum(1 for a, b in scenario.edges.tolist()
              if a in block_of and b in block_of and block_of[a] != block_of[b])
    bound = sum(b.bound for b in blocks) + scenario.objective.cut_edge_yuan * cut
    methods = [b.method for b in blocks if b.method]
    reason = " | ".join(dict.fromkeys(ex for ex in exemptions if ex))
    return PieceResult(task.index, choices, exemptions,
                       "OPTIMAL" if all(b.proven for b in blocks) else "FEASIBLE",
                       bound, spent, f"oversized({len(around.oversized)})"
                       + (": " + "; ".join(methods) if methods else ""), reason, used_s=spent)


def _groups(stranded: list[Part]) -> list[tuple[list[Part], list[int]]]:
    """Stranded parts joined through the oversized units they touch, in a fixed order."""
    parent = list(range(len(stranded)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first: dict[int, int] = {}
    for k, p in enumerate(stranded):
        for o in p.touches:
            if o in first:
                parent[find(k)] = find(first[o])
            else:
                first[o] = k
    out: dict[int, tuple[list[Part], set[int]]] = {}
    for k, p in enumerate(stranded):
        ps, os_ = out.setdefault(find(k), ([], set()))
        ps.append(p)
        os_.update(p.touches)
    groups = [(sorted(ps, key=lambda p: p.units[0]), sorted(os_)) for ps, os_ in out.values()]
    return sorted(groups, key=lambda g: g[0][0].units[0])


def _alone(scenario: Scenario, data: PieceData, core: list[int]) -> _Block:
    """An oversized unit's community of its own (with the companions it needs for a
    center, if any): its exact cost is its bound when alone."""
    local = {int(u): k for k, u in enumerate(data.units)}
    o = core[0]
    ch = best_choice(scenario, data, [local[u] for u in core])
    if ch is None:      # no center in reach at all: the stand-in rules (ONE-STATION)
        from optimizer.errors import SolveError

        raise SolveError(f"no place for a center for the unit {scenario.unit_ids[o]} above the "
                         f"maximum in {' / '.join(data.key)}")
    sub = piece_data(scenario, data.key, np.asarray(sorted(core)))
    bound = plan_cost(scenario, (ch,)) if len(core) == 1 else _floor(scenario, sub)
    return _Block((ch,), (oversized_reason(scenario, data.key, o, core[1:]),), bound,
                  len(core) == 1, 0.0, "")


def _attach(scenario: Scenario, key: tuple[str, str, str], parts: list[Part],
            cores: dict[int, list[int]], task: PieceTask, stop: StopFlag) -> _Block:
    """The stranded ``parts`` and the oversized units (``cores``) they touch: the
    fewest households joining the oversized units' communities, then the cheapest
    plan with that many.

    The fewest is found part by part: units of a part reach an oversized unit's
    community only through that part (the parts are apart once the oversized units
    are removed), so what one part must give does not depend on the others
    (:func:`_least_part`). The cheapest plan giving exactly that much is then a set
    partitioning over the best communities of each part and every community an
    oversized unit can make with at most that many households of the parts beside it.
    Exact when the listings fit their caps; else each part joins its first oversized
    unit whole (legal, exempt, not shown minimal)."""
    units = sorted({u for p in parts for u in p.units} | {u for c in cores.values() for u in c})
    gd = piece_data(scenario, key, np.asarray(units))
    local = {u: k for k, u in enumerate(units)}
    core_local = {o: [local[u] for u in c] for o, c in cores.items()}
    plain: list[tuple[int, ...]] = []
    least: dict[int, int] = {}          # per part (its first unit): households it must give
    used = 0.0
    proven = True
    for p in parts:
        got = _least_part(scenario, gd, p, core_local, task, stop)
        if got is None:
            return _whole(scenario, gd, parts, cores)
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
            return _whole(scenario, gd, parts, cores)
        big += got_sup
    members = plain + big
    cost = price_groups(scenario, gd, members)
    ok = np.isfinite(cost)
    members = [m for m, good in zip(members, ok.tolist(), strict=True) if good]
    cost = cost[ok]
    attached = _attached(members, list(core_local.values()), gd.households.astype(np.int64))
    total = sum(least.values())
    built = build_setpart(gd.n, members, cost)
    built.model.add(sum(int(attached[k]) * built.use[k] for k in range(len(members))
                        if attached[k] > 0) <= total)
    res = solve_setpart(built, time_s=ATTACH_S, workers=task.threads, seed=task.seed,
                        deterministic=task.deterministic, stop=stop)
    used += res.used_s
    if not res.chosen:
        return _whole(scenario, gd, parts, cores)
    proven &= res.status == "OPTIMAL"
    bound = res.bound_yuan if proven or math.isfinite(res.bound_yuan) else _floor(scenario, gd)
    return _block(scenario, gd, parts, cores, [members[k] for k in res.chosen], proven,
                  max(bound, _floor(scenario, gd)), used, f"attach({len(members)})")


def _least_part(scenario: Scenario, gd: PieceData, part: Part, cores: dict[int, list[int]],
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
    found = connected_groups(sub, MAX_COLUMNS, MAX_STEPS)
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
            if _rest_reaches(gd, inside - set(groups[k]), touching):
                best.append(groups[k])
        top = int(hh[list(best[0])].sum()) if best else 0
        return part.households - top, best, True, 0.0
    # Larger: each oversized unit's community takes a connected share of the part, of
    # at most ``extra`` households; the least that must join is found by set
    # partitioning, ``extra`` doubled from the arithmetic least while none is found.
    pos = {i: k for k, i in enumerate(sorted(inside))}
    extra = least_to_attach(part.households, gd.lo, gd.hi)
    used = 0.0
    while True:
        big: list[tuple[int, ...]] = []
        for o in part.touches:
            got = supersets(gd, cores[o], inside, extra, MAX_COLUMNS - len(big))
            if got is None:
                return None
            big += [tuple(sorted(set(g) & inside)) for g in got if set(g) & inside]
        members = [tuple(pos[i] for i in g) for g in groups + big]
        gain = np.array([0.0] * len(groups) + [float(hh[list(g)].sum()) for g in big])
        res = solve_setpart(build_setpart(len(pos), members, gain), time_s=ATTACH_S,
                            workers=task.threads, seed=task.seed,
                            deterministic=task.deterministic, stop=stop)
        used += res.used_s
        if res.chosen:
            need = int(round(sum(gain[k] for k in res.chosen)))
            return need, groups, res.status == "OPTIMAL", used
        if res.status != "INFEASIBLE" or extra >= part.households:
            return None
        extra = min(part.households, max(2 * extra, gd.lo // 2))


def _rest_reaches(gd: PieceData, rest: set[int], touching: set[int]) -> bool:
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


def _attached(members: list[tuple[int, ...]], cores: list[list[int]], hh: np.ndarray
              ) -> np.ndarray:
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


def _floor(scenario: Scenario, gd: PieceData) -> float:
    """A bound valid for every split of these units, of any sizes."""
    return arithmetic_bound(scenario, gd, lo=0, hi=gd.total)


def _whole(scenario: Scenario, gd: PieceData, parts: list[Part],
           cores: dict[int, list[int]]) -> _Block:
    """Too many possible communities to list: each stranded part joins the first
    oversized unit it touches, whole (legal, exempt, not shown minimal)."""
    local = {int(u): k for k, u in enumerate(gd.units)}
    groups = {o: [local[u] for u in core] for o, core in cores.items()}
    for p in parts:
        groups[p.touches[0]] += [local[u] for u in p.units]
    return _block(scenario, gd, parts, cores, [tuple(sorted(g)) for g in groups.values()],
                  False, _floor(scenario, gd), 0.0, "attach(whole parts)")


def _block(scenario: Scenario, gd: PieceData, parts: list[Part], cores: dict[int, list[int]],
           groups: list[tuple[int, ...]], proven: bool, bound: float, used: float,
           method: str) -> _Block:
    glob = {o: set(core) for o, core in cores.items()}
    choices, exemptions = [], []
    for g in groups:
        members = {int(gd.units[i]) for i in g}
        ch = best_choice(scenario, gd, list(g))
        assert ch is not None, "a chosen community has a center"
        choices.append(ch)
        o = next((o for o, core in glob.items() if core <= members), None)
        if o is None:
            exemptions.append("")
            continue
        joined = sorted(members - glob[o])
        touched = [p for p in parts if set(p.units) & set(joined)]
        exemptions.append(oversized_reason(scenario, gd.key, o,
                                           [*sorted(glob[o] - {o}), *joined], touched, proven))
    return _Block(tuple(choices), tuple(exemptions), bound, proven, used, method)


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
