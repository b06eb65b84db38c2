"""Better plans for a stranded group (optimizer.search.oversized_attach) whose
oversized units' communities cannot all be listed: one CP-SAT model over every
community within the bounds the parts can hold (listed) and, per oversized unit, the
units of the parts that join its community, kept connected to it by a flow.

Why: the community model with only the oversized communities free to break the
bounds (``_by_model``) found plans on the real rural maps that gave the oversized
communities a few thousand households more than needed and cost 5-10% above the
bound; listing the oversized communities themselves stops at its caps as soon as
thousands of households must join (a 154-unit part: 1.9 million supersets of one
unit for 4,000 households). Here the joined units are variables, so the model's size
is that of the listing of the communities within the bounds (1,138 on that part).

Two stages, each with half of the time: the fewest households joining (from the
plan in hand, as a hint), then the cheapest plan joining no more than that, the
oversized communities priced by a proxy (each joined unit's households times its
distance to the oversized unit); the caller prices the plan exactly and keeps it only
if it joins fewer households, or as many for less.

Contiguity of a joined set: on small groups a single-commodity flow from the
oversized unit's core, each joined unit consuming one unit of flow, flow only through
joined units (exact: every connected set containing the core is possible, no other,
so the fewest is proven); on larger ones each joined unit needs a joined neighbour
nearer the core (a subset of the connected sets whose relaxation CP-SAT handles: the
fewest it finds is not proven, and the exemption says so).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from optimizer.cpsat_stop import attached
from optimizer.model.cpsat import MILLI
from optimizer.model.cpsat_run import set_limits
from optimizer.model.piece import PieceData, piece_data
from optimizer.rules.limits import cp_seed
from optimizer.scenario.model import Scenario
from optimizer.search.columns import connected_groups, price_groups
from optimizer.search.heuristic import best_choice
from optimizer.search.oversized_places import Places, add_places, places
from optimizer.search.oversized_short import short_site
from optimizer.search.stop import StopFlag
from optimizer.status import Status

LIST_COLUMNS = 20_000       # communities within the bounds the model takes, at most
LIST_STEPS = 200_000        # ... and enumeration steps
FLOW_VARS = 400             # joined-unit variables up to which contiguity is the exact flow
                            # (CP-SAT found no plan of a 154-unit part with it in 20 s)


@dataclass(frozen=True)
class BlockPlan:
    groups: tuple[tuple[int, ...], ...]     # local to the group's data; cores first
    joined: int                             # households joining the oversized cores
    least_proven: bool                      # no plan joins fewer (stage 1 optimal)
    used_s: float


def block_plan(gd: PieceData, cores: dict[int, list[int]], columns: Sequence[tuple[int, ...]],
               cost: np.ndarray, hint: Sequence[tuple[int, ...]] | None, *,
               distance_yuan: float, time_s: float, seed: int, deterministic: bool,
               stop: StopFlag, places: Places | None = None,
               lacking: Callable[[dict[int, list[int]]], list[int]] | None = None
               ) -> BlockPlan | None:
    """A plan of the group ``gd``: ``cores`` (oversized unit -> its core, local units),
    ``columns`` (every community within the bounds of the other units, local, with
    their exact ``cost``), ``hint`` (a plan's groups, local) to start from; None when
    no plan is found in time.

    ``lacking`` (the oversized units whose communities, given as their local units,
    have no place for a center) and ``places``: where the fewest joining leave such a
    community, those communities take a center of their own ``places``
    (optimizer.search.oversized_places) and the fewest is sought again; it is proven
    only where as few join as without (the checker's search of the fewest tests an
    oversized community's center by its area alone; bench/wild.py seed 158)."""
    n = gd.n
    core_of = {u: o for o, core in cores.items() for u in core}
    free = [u for u in range(n) if u not in core_of]
    h = [int(v) for v in gd.households]
    # keyed by the oversized unit (a global id); its core, local, starts with it
    km = {o: np.hypot(gd.x - gd.x[c[0]], gd.y - gd.y[c[0]]) / 1000.0 for o, c in cores.items()}
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{k}") for k in range(len(columns))]
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    reach = _reach(gd, cores, core_of)
    for o, units in reach.items():
        for u in units:
            y[u, o] = m.new_bool_var(f"y{u}_{o}")
    cover: dict[int, list[cp_model.IntVar]] = {u: [] for u in free}
    for k, g in enumerate(columns):
        for u in g:
            cover[u].append(x[k])
    for u in free:
        m.add_exactly_one(cover[u] + [y[u, o] for o in cores if (u, o) in y])
    exact = len(y) <= FLOW_VARS
    flows = {o: _flow(m, gd, set(cores[o]), units, {u: y[u, o] for u in units})
             if exact else _order(m, gd, set(cores[o]), units, {u: y[u, o] for u in units})
             for o, units in reach.items()}
    joined = sum(h[u] * var for (u, _o), var in y.items())
    _hint(m, gd, columns, x, y, flows, cores, hint)
    used = 0.0
    # Stage 1: the fewest households joining.
    m.minimize(joined)
    got = _solve(m, time_s / 2, seed, deterministic, stop)
    used += got[2]
    solver = got[0]
    if solver is None:
        return None
    fewest = int(round(solver.objective_value))
    proven = exact and got[1] == Status.OPTIMAL
    values = _values(solver, x, y)
    centred: set[int] = set()
    while lacking is not None and places is not None and not stop.is_set():
        need = [o for o in lacking(_joined_groups(cores, values[1])) if o not in centred]
        if not need:
            break
        for o in need:
            add_places(m, places, cores[o], {u: y[u, o] for u in reach[o]}, h)
        centred.update(need)
        m.clear_hints()
        got = _solve(m, time_s / 2, seed, deterministic, stop)
        used += got[2]
        solver = got[0]
        if solver is None:
            return None
        proven = proven and got[1] == Status.OPTIMAL \
            and int(round(solver.objective_value)) == fewest
        values = _values(solver, x, y)
    best_joined = int(round(solver.objective_value))
    # Stage 2: the cheapest with no more joining.
    m.add(joined <= best_joined)
    proxy = {key: h[key[0]] * float(km[key[1]][key[0]]) * distance_yuan for key in y}
    scaled = np.floor(np.asarray(cost, dtype=np.float64) * MILLI).astype(np.int64).tolist()
    m.clear_hints()
    for k, v in enumerate(values[0]):
        m.add_hint(x[k], v)
    for key, v in values[1].items():
        m.add_hint(y[key], v)
    for arcs in flows.values():
        for f in arcs.values():
            m.add_hint(f, solver.value(f))
    m.minimize(cp_model.LinearExpr.weighted_sum(x, scaled)
               + sum(int(proxy[key] * MILLI) * var for key, var in y.items()))
    if not stop.is_set():
        second = _solve(m, time_s / 2, seed, deterministic, stop)
        used += second[2]
        if second[0] is not None:
            values = _values(second[0], x, y)
    groups = _joined_groups(cores, values[1])
    out = [tuple(sorted(g)) for g in groups.values()]
    out += [tuple(columns[k]) for k, v in enumerate(values[0]) if v]
    return BlockPlan(tuple(out), sum(h[u] for o in cores for u in groups[o])
                     - sum(h[u] for o in cores for u in cores[o]), proven, used)


def _joined_groups(cores: dict[int, list[int]], joins: dict[tuple[int, int], int]
                   ) -> dict[int, list[int]]:
    """Each oversized unit's community: its core and the units joining it."""
    groups = {o: list(cores[o]) for o in cores}
    for (u, o), v in joins.items():
        if v:
            groups[o].append(u)
    return groups


def _reach(gd: PieceData, cores: dict[int, list[int]], core_of: dict[int, int]
           ) -> dict[int, list[int]]:
    """Per oversized unit, the units (not of a core) its community can reach."""
    out = {}
    for o, core in cores.items():
        seen = set(core)
        todo = list(core)
        while todo:
            u = todo.pop()
            for v in gd.nbrs[u]:
                if v not in seen and v not in core_of:
                    seen.add(v)
                    todo.append(v)
        out[o] = sorted(seen - set(core))
    return out


def _flow(m: cp_model.CpModel, gd: PieceData, core: set[int], units: list[int],
          y: dict[int, cp_model.IntVar]) -> dict[tuple[int, int], cp_model.IntVar]:
    """Every unit with y = 1 connected to ``core`` through units with y = 1; the flow
    on each arc (u, v) returned."""
    big = len(units)
    inside = set(units)
    arcs: dict[tuple[int, int], cp_model.IntVar] = {}
    for u in [*core, *units]:
        for v in gd.nbrs[u]:
            if v in inside and (u in core or u in inside):
                f = m.new_int_var(0, big, f"f{u}_{v}")
                arcs[u, v] = f
                m.add(f <= big * y[v])
                if u not in core:
                    m.add(f <= big * y[u])
    into: dict[int, list[cp_model.IntVar]] = {u: [] for u in units}
    out: dict[int, list[cp_model.IntVar]] = {u: [] for u in units}
    for (a, b), f in arcs.items():
        into[b].append(f)
        if a in out:
            out[a].append(f)
    for u in units:
        m.add(sum(into[u]) - sum(out[u]) == y[u])
    return arcs


def _order(m: cp_model.CpModel, gd: PieceData, core: set[int], units: list[int],
           y: dict[int, cp_model.IntVar]) -> dict[tuple[int, int], cp_model.IntVar]:
    """Every unit with y = 1 has a neighbour with y = 1 (or of the core) nearer the
    core (in links, within the units it can reach): connected, but not every
    connected set (its minimum is not proven the least). No flow: returns {}."""
    inside = set(units)
    dist = {u: 0 for u in core}
    order = list(core)
    for u in order:
        for v in gd.nbrs[u]:
            if v in inside and v not in dist:
                dist[v] = dist[u] + 1
                order.append(v)
    for u in units:
        if any(v in core for v in gd.nbrs[u]):
            continue
        nearer = [y[v] for v in gd.nbrs[u] if v in inside and dist[v] < dist[u]]
        m.add(y[u] <= sum(nearer))
    return {}


def _hint(m: cp_model.CpModel, gd: PieceData, columns: Sequence[tuple[int, ...]],
          x: list[cp_model.IntVar], y: dict[tuple[int, int], cp_model.IntVar],
          flows: dict[int, dict[tuple[int, int], cp_model.IntVar]],
          cores: dict[int, list[int]], hint: Sequence[tuple[int, ...]] | None) -> None:
    """The plan ``hint`` as a complete solution: its communities within the bounds,
    its joined units and, on a breadth-first tree of each joined set from its core,
    the flow each arc carries (the units below it); CP-SAT found no plan of its own
    on a 154-unit part in 20 s without it."""
    if not hint:
        return
    index = {tuple(g): k for k, g in enumerate(columns)}
    chosen = {index[tuple(sorted(g))] for g in hint if tuple(sorted(g)) in index}
    for k, var in enumerate(x):
        m.add_hint(var, 1 if k in chosen else 0)
    for o, core in cores.items():
        group = next((set(g) for g in hint if core[0] in g), set(core))
        for (u, oo), var in y.items():
            if oo == o:
                m.add_hint(var, 1 if u in group else 0)
        parent: dict[int, int] = {}
        order = list(core)
        seen = set(core)
        for u in order:
            for v in gd.nbrs[u]:
                if v in group and v not in seen:
                    seen.add(v)
                    parent[v] = u
                    order.append(v)
        below = {u: 1 for u in parent}
        for v in reversed(order):
            if v in parent and parent[v] in below:
                below[parent[v]] += below[v]
        for (a, b), f in flows[o].items():
            m.add_hint(f, below[b] if parent.get(b) == a else 0)


def _solve(m: cp_model.CpModel, time_s: float, seed: int, deterministic: bool,
           stop: StopFlag) -> tuple[cp_model.CpSolver | None, Status, float]:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.random_seed = cp_seed(seed)
    p.catch_sigint_signal = False
    set_limits(solver, m, time_s=time_s, deterministic=deterministic, stopped=stop.is_set(),
               first_cap_s=2.0, grace_s=stop.grace_s())
    with attached(stop, solver):
        code = solver.solve(m)
    status = Status.from_cp_sat(code)
    used = solver.response_proto.deterministic_time if deterministic else solver.wall_time
    return (solver if status.has_answer else None), status, float(used)


def _values(solver: cp_model.CpSolver, x: list[cp_model.IntVar],
            y: dict[tuple[int, int], cp_model.IntVar]
            ) -> tuple[list[int], dict[tuple[int, int], int]]:
    return ([int(solver.boolean_value(v)) for v in x],
            {key: int(solver.boolean_value(v)) for key, v in y.items()})




def improve_group(scenario: Scenario, gd: PieceData, parts_units: list[int],
                  cores: dict[int, list[int]], hint: Sequence[tuple[int, ...]] | None,
                  *, time_s: float, seed: int, deterministic: bool, stop: StopFlag
                  ) -> BlockPlan | None:
    """:func:`block_plan` over the group ``gd`` (global ``cores``; ``parts_units`` the
    stranded parts' units, global), the communities within the bounds listed here;
    None when they cannot all be listed or no plan is found (groups local to ``gd``).

    Where its plan leaves an oversized community no place for a center (but one whose
    own rooms coming are short, AREA-PER-HH exempt: optimizer.search.oversized_short),
    the model's fewest again with those communities' centers
    (optimizer.search.oversized_places; bench/wild.py seed 158)."""
    local = {int(u): k for k, u in enumerate(gd.units)}
    sub = piece_data(scenario, gd.key, np.asarray(sorted(parts_units)))
    found = connected_groups(sub, LIST_COLUMNS, LIST_STEPS)
    if found is None or stop.is_set():
        return None
    cost = price_groups(scenario, sub, found[0])
    ok = np.isfinite(cost).tolist()
    columns = [tuple(sorted(local[int(sub.units[i])] for i in g))
               for g, good in zip(found[0], ok, strict=True) if good]

    def lacking(groups: dict[int, list[int]]) -> list[int]:
        return [o for o, g in groups.items() if short_site(scenario, o) is None
                and best_choice(scenario, gd, g) is None]

    return block_plan(gd, {o: [local[u] for u in c] for o, c in cores.items()}, columns,
                      cost[np.asarray(ok, dtype=bool)], hint,
                      distance_yuan=scenario.objective.distance_yuan_per_household_km,
                      time_s=time_s, seed=seed, deterministic=deterministic, stop=stop,
                      places=places(scenario, gd), lacking=lacking)


__all__ = ["BlockPlan", "block_plan", "improve_group"]
