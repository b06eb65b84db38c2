"""An exact model of one piece with units above the maximum, written apart from the
solver (issue 16, helper `part231`): does a plan exist in which every community holding
a unit above the maximum has a legal center and every other community is legal?

Written from RULES.md and the scenario's numbers only, never the solver's functions (no
take_apart, no listing, no block model, no companions): the search's answer "no plan
found in time" is not a proof, and the question is whether the SIZE exemption it then
writes is forced. Used on bench/wild.py seed 231 (Tinghu (east)); a bench tool, run as
long as needed.

The model (CP-SAT):

- every connected community of the piece's units within the maximum holding L..U
  households with a legal center is listed (enumerated exactly: each connected set
  once, from its smallest unit), a 0/1 variable each;
- each unit above the maximum ``o`` gets a community of its own: ``x[o, u]`` per unit,
  connected by a single-commodity flow from ``o`` (each unit it holds consumes one), and
  one center among its units (below);
- every unit within the maximum lies in exactly one community (SIZE-URBAN/RURAL,
  CONTIGUITY); a community holds at most one unit above the maximum (exemptions name one).

A legal center of a community of ``h`` households (the checker's reading: RULES.md
ONE-STATION, AREA-PER-HH, AREA-MIN, PIPELINE, NEWDEV-FIRST, REMEDY): where it holds
rooms PIPELINE imposes (a pipeline site reaching the area of a community of L), one of
its pipeline sites reaching max(AREA-MIN, AREA-PER-HH x h); else where it holds a new
development, the co-built rooms (always enough: NEWDEV-1500 or more); else a build in a
unit without no_build, co-built rooms, or a site reaching the required area by some
remedy (keep, renovate, extend, purchase, swap). The handover year does not make a
center illegal (only FACILITY-95 counts it late), so it is not modelled.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.checker.pipeline import STATUS_WORDS, imposed
from optimizer.checker.pricing import required_area_m2, site_reach_m2
from optimizer.scenario.load import load_scenario
from optimizer.scenario.model import Scenario

INF = 10 ** 9


@dataclass(frozen=True)
class Rooms:
    """Per unit, the most households each kind of center there serves (INF: unbounded,
    -1: none): any legal center, and a pipeline site's."""

    any_most: dict[int, int]
    pipe_most: dict[int, int]
    imposed: frozenset[int]
    newdev: frozenset[int]


def served(scenario: Scenario, reach: float) -> int:
    """The most households whose required area fits in ``reach`` m² (-1: none)."""
    pol = scenario.policy
    if required_area_m2(0, pol) > reach:
        return -1
    lo, hi = 0, 10 ** 7
    while lo < hi:            # required_area_m2 is monotone in households
        mid = (lo + hi + 1) // 2
        if required_area_m2(mid, pol) <= reach:
            lo = mid
        else:
            hi = mid - 1
    return lo


def rooms(scenario: Scenario, units: Sequence[int]) -> Rooms:
    s = scenario.sites
    any_most: dict[int, int] = {}
    pipe_most: dict[int, int] = {}
    for u in units:
        best, pipe = -1, -1
        if not scenario.is_no_build(u) or scenario.is_new_development(u):
            best = INF
        for k in scenario.sites_by_unit.get(u, ()):
            m = served(scenario, site_reach_m2(float(s.area_m2[k]), float(s.max_area_m2[k])))
            best = max(best, m)
            if s.status[k] in STATUS_WORDS:
                pipe = max(pipe, m)
        any_most[u], pipe_most[u] = best, pipe
    return Rooms(any_most, pipe_most, frozenset(u for u in units if imposed(scenario, u)),
                 frozenset(u for u in units if scenario.is_new_development(u)))


def legal(r: Rooms, group: Sequence[int], h: int) -> bool:
    """Whether a community of ``group`` (``h`` households) can have a legal center."""
    if any(u in r.imposed for u in group):
        return max(r.pipe_most[u] for u in group) >= h
    if any(u in r.newdev for u in group):
        return True
    return max(r.any_most[u] for u in group) >= h


def connected_sets(units: Sequence[int], hh: dict[int, int], nb: dict[int, list[int]],
                   hi: int) -> Iterator[tuple[int, ...]]:
    """Every connected set of ``units`` of at most ``hi`` households, once each: grown
    from its smallest unit, each extension from the frontier's candidates in order (the
    exclusion set keeps a set from being reached twice)."""
    order = {u: i for i, u in enumerate(sorted(units))}

    def grow(current: list[int], total: int, cand: list[int], banned: set[int]
             ) -> Iterator[tuple[int, ...]]:
        yield tuple(sorted(current))
        cand = list(cand)
        banned = set(banned)
        while cand:
            v = cand.pop()
            banned.add(v)
            if total + hh[v] > hi:
                continue
            new = [w for w in nb[v] if w in order and order[w] > order[current[0]]
                   and w not in banned and w not in cand and w not in current]
            yield from grow(current + [v], total + hh[v], cand + new, banned | set(new))

    for root in sorted(units):
        if hh[root] > hi:
            continue
        start = [w for w in nb[root] if w in order and order[w] > order[root]]
        yield from grow([root], hh[root], start, set(start) | {root})


def solve_piece(scenario: Scenario, piece: Sequence[int], time_s: float, workers: int,
                log: bool = False, need: Sequence[int] | None = None) -> dict[str, object]:
    """The exact model of ``piece`` (unit indices of one county/street/kind); with
    ``need``, only those units must lie in a community (the others in at most one):
    whether disjoint legal communities can hold them all."""
    piece = sorted(piece)
    inside = set(piece)
    urban = bool(scenario.urban[piece[0]])
    lo, hi = scenario.policy.bounds(urban)
    hh = {u: int(scenario.households[u]) for u in piece}
    nb = {u: [int(v) for v in scenario.neighbours[u].tolist() if int(v) in inside]
          for u in piece}
    over = [u for u in piece if hh[u] > hi]
    small = [u for u in piece if hh[u] <= hi]
    r = rooms(scenario, piece)
    t0 = time.monotonic()
    cols = [g for g in connected_sets(small, hh, nb, hi)
            if sum(hh[u] for u in g) >= lo and legal(r, g, sum(hh[u] for u in g))]
    listed_s = time.monotonic() - t0
    m = cp_model.CpModel()
    z = [m.new_bool_var(f"g{i}") for i in range(len(cols))]
    cover: dict[int, list[cp_model.IntVar]] = {u: [] for u in small}
    for var, g in zip(z, cols, strict=True):
        for u in g:
            cover[u].append(var)
    n = len(piece)
    total = sum(hh.values())
    xs: dict[int, dict[int, cp_model.IntVar]] = {}
    named: dict[int, list[tuple[cp_model.IntVar, str]]] = {}
    for o in over:
        x = {u: m.new_bool_var(f"x{o}_{u}") for u in small}
        xs[o] = x
        for u in small:
            cover[u].append(x[u])
        held: dict[int, cp_model.IntVar | int] = {o: 1, **x}
        # the flow from o: each unit it holds takes one unit of flow
        f = {(a, b): m.new_int_var(0, n, f"f{o}_{a}_{b}") for a in [o, *small]
             for b in nb[a] if b in x}
        for (a, b), var in f.items():
            m.add(var <= n * held[b])
            if a != o:
                m.add(var <= n * held[a])
        for u in small:
            into = [f[a, u] for a in nb[u] if (a, u) in f]
            outs = [f[u, b] for b in nb[u] if (u, b) in f]
            m.add(sum(into) - sum(outs) == x[u])
        h_o = hh[o] + cp_model.LinearExpr.weighted_sum([x[u] for u in small],
                                                       [hh[u] for u in small])
        m.add(h_o <= total)
        pipe_in: list[cp_model.IntVar | int] = [x[u] for u in small if u in r.imposed]
        pipe_in += [1] if o in r.imposed else []
        dev_in: list[cp_model.IntVar | int] = [x[u] for u in small if u in r.newdev]
        dev_in += [1] if o in r.newdev else []
        has_pipe = m.new_bool_var(f"p{o}")
        has_dev = m.new_bool_var(f"d{o}")
        for v in pipe_in:
            m.add(has_pipe >= v)
        m.add(has_pipe <= sum(pipe_in))
        for v in dev_in:
            m.add(has_dev >= v)
        m.add(has_dev <= sum(dev_in))
        # one center: (unit, kind), kind = "pipe" (a pipeline site), "dev" (co-built
        # rooms), "any" (any legal center, allowed only without PIPELINE's or
        # NEWDEV-FIRST's obligation)
        centers = []
        for u in [o, *small]:
            for kind, most in (("pipe", r.pipe_most[u]),
                               ("dev", INF if u in r.newdev else -1),
                               ("any", r.any_most[u])):
                if most < hh[o]:
                    continue
                c = m.new_bool_var(f"c{o}_{u}_{kind}")
                if u != o:
                    m.add_implication(c, x[u])
                if most < INF:
                    m.add(h_o <= most).only_enforce_if(c)
                if kind == "any":
                    m.add_implication(c, has_pipe.Not())
                    m.add_implication(c, has_dev.Not())
                if kind == "dev":
                    m.add_implication(c, has_pipe.Not())
                centers.append(c)
                named.setdefault(o, []).append((c, f"{scenario.unit_ids[u]}:{kind}"))
        m.add_exactly_one(centers)
    for u in small:
        if need is None or u in need:
            m.add_exactly_one(cover[u])
        else:
            m.add_at_most_one(cover[u])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_s
    solver.parameters.num_workers = workers
    solver.parameters.log_search_progress = log
    st = solver.solve(m)
    out: dict[str, object] = {
        "units": n, "over": [scenario.unit_ids[o] for o in over], "columns": len(cols),
        "listed_s": round(listed_s, 2), "status": solver.status_name(st),
        "wall_s": round(solver.wall_time, 2)}
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = [[scenario.unit_ids[u] for u in g] for var, g in zip(z, cols, strict=True)
                if solver.value(var)]
        out["communities"] = plan
        out["oversized"] = {
            scenario.unit_ids[o]: {
                "joined": [scenario.unit_ids[u] for u, v in xs[o].items() if solver.value(v)],
                "households": hh[o] + sum(hh[u] for u, v in xs[o].items() if solver.value(v)),
                "center": [nm for c, nm in named.get(o, []) if solver.value(c)]}
            for o in over}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--unit", required=True, help="a unit of the piece (its id)")
    ap.add_argument("--time", type=float, default=600.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--log", action="store_true")
    ap.add_argument("--need", nargs="*", help="only these units must lie in a community")
    a = ap.parse_args()
    s = load_scenario(a.scenario)
    u = s.unit_index[a.unit]
    piece = [i for i in range(s.n_units) if s.piece_key(i) == s.piece_key(u)]
    need = None if a.need is None else [s.unit_index[v] for v in a.need]
    print(json.dumps(solve_piece(s, piece, a.time, a.workers, a.log, need), ensure_ascii=False))


if __name__ == "__main__":
    main()
