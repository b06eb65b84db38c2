"""Exact pricing for column generation: the connected community of most negative
reduced cost, centre by centre, by branch and bound (optimizer.search.colgen).

A column (community) S costs, as :func:`optimizer.search.column_price.price_groups`
prices it, ``min over centres c in S`` of ``fac_c(h(S)) + Σ_{u∈S} per[u, c]`` plus
half the cut-edge weight of every neighbour link leaving S inside the piece. Its
reduced cost under unit duals π is ``cost(S) − π(S)``, so the least reduced cost
over every column is the least, over centres c, of

    r_c = min over connected S ∋ c, lo ≤ h(S) ≤ hi, of
          fac_c(h(S)) + Σ_{u∈S} (per[u, c] − π_u) + cut/2 · links(S).

For each c the connected groups holding c are enumerated once each (ESU, Wernicke
2006, rooted at c: a unit left out of a branch never joins it again), and a branch
is cut when an admissible lower bound on the reduced cost of every group it still
holds is no better than the best found. The bound of a group G (its extension set
E; the units of the closed neighbourhood of G outside G ∪ E are out for good):

- ``Σ_{u∈G} (per[u, c] − π_u)`` exactly;
- links: ``links(S) = Σ_{u∈S} |N(u) \\ S|`` ≥ the links of G's units to units out
  for good (every term is ≥ 0, so units still to come add none below zero);
- the facility and the units still to come together: ``fac_c`` is non-decreasing
  in households (staff, coordinators and required area only grow, and each site's
  cheapest option with them; checked in the tests), so on each household bucket
  [b, b + FAC_STEP) the group may end in it costs at least its value at b (over
  the rooms a group may still have to take first: PIPELINE, NEWDEV-FIRST only get
  stricter as units join; with the largest swap credit any unit within reach
  could give), while the units to come give at most ``Σ (π_w − per[w, c])`` over
  units not out with ``Σ h_w`` ≤ the bucket's end − h(G) (fractional knapsack,
  best gain per household first): the bound takes the best bucket.

The enumeration is exact (every group within the bounds holding c is either seen
or cut by that bound, against the best group found at c so far), so when it
completes the least reduced cost at c is known, of either sign (a count of at
least k_lo communities makes positive ones count too); stopped (the clock, a node
cap) the bound of its root still bounds every group at c from below. The least
reduced costs per centre give the Lagrangian bound of column generation: every
plan has one centre per community, distinct units (optimizer.search.colgen).
Speed: about 17 µs of CPU per node (a 300-compound street at the Lagrangian's
multipliers: 2,600-25,000 nodes per centre).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optimizer.model.options import unit_options
from optimizer.model.piece import PieceData, reach
from optimizer.model.precedence import spec_fits
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import horizon_at
from optimizer.search.column_costs import unit_center_costs
from optimizer.search.column_price import FIRST, Facility
from optimizer.search.stop import StopFlag

FAC_STEP = 25           # households: the facility's floor is looked up on this grid
TOLERANCE = 1.0         # yuan: reduced costs above −this count as non-negative
STOP_EVERY = 4_096      # nodes between looks at the stop flag


@dataclass(frozen=True)
class CenterPrice:
    center: int
    found: tuple[tuple[float, tuple[int, ...]], ...]   # (reduced cost at c, group) below
                                                       # −TOLERANCE, best first
    floor: float            # ≤ the reduced cost of every column centred at c
    nodes: int
    complete: bool          # the enumeration finished: floor is the least (inf: none fits)
    best: tuple[tuple[float, tuple[int, ...]], ...] = ()   # the best found, of any sign


class Pricer:
    """Per piece, what does not depend on the duals: costs per unit and centre, the
    units within reach of each centre, the facility's floors (cached)."""

    def __init__(self, scenario: Scenario, data: PieceData) -> None:
        self.scenario, self.data = scenario, data
        self.per, _, self.degree = unit_center_costs(scenario, data)
        self.facility = Facility(scenario, data)
        self.h = [int(v) for v in data.households]
        self.nb = [sum(1 << v for v in data.nbrs[u]) for u in range(data.n)]
        self.closed = [self.nb[u] | 1 << u for u in range(data.n)]
        self.reach = [np.array(sorted(reach(data, c, data.hi)), dtype=np.int64)
                      for c in range(data.n)]
        self.half_cut = scenario.objective.cut_edge_yuan / 2.0
        self.first = [int(v) for v in self.facility.first]
        # The largest owned site any group at c could credit in a swap.
        rank = self.facility.rank
        self.credit = [int(rank[r].max()) if len(r) else -1 for r in self.reach]
        self.specs = [unit_options(scenario, int(u)) for u in data.units]
        self._floor: dict[tuple[int, int], list[float]] = {}
        # The last household count of each bucket of fac_table.
        self.ends = [min(hh + FAC_STEP - 1, data.hi)
                     for hh in range(data.lo, data.hi + 1, FAC_STEP)]

    @property
    def exact_ready(self) -> bool:
        """Whether the bounds above hold: no negative cut-edge weight."""
        return self.half_cut >= 0

    def fac_table(self, c: int, level: int) -> list[float]:
        """Per household bucket ``lo + i·FAC_STEP ..`` (up to hi), the facility and
        operating cost at c at the bucket's start: ≤ that of any group ending in the
        bucket that must take rooms of rank ≥ ``level`` first (inf: no option)."""
        key = (c, level)
        got = self._floor.get(key)
        if got is None:
            lo, hi = self.data.lo, self.data.hi
            got = [self._floor_at(c, level, hh) for hh in range(lo, hi + 1, FAC_STEP)]
            self._floor[key] = got
        return got

    def fac_floor(self, c: int, level: int, hh: int) -> float:
        """≤ the facility and operating cost at c of any group that must take rooms of
        rank ≥ ``level`` first and ends with ≥ ``hh`` households (≤ hi)."""
        return self.fac_table(c, level)[(max(hh, self.data.lo) - self.data.lo) // FAC_STEP]

    def _floor_at(self, c: int, level: int, hh: int) -> float:
        sc = self.scenario
        urban = bool(sc.urban[int(self.data.units[c])])
        credit = self.credit[c]
        site = self.facility.owned[credit] if credit >= 0 else None
        best = math.inf
        for spec in self.specs[c]:
            if not any(spec_fits(sc, kind, spec) for kind in FIRST[level:]):
                continue
            if spec.swap and site is None:
                continue
            try:
                val = horizon_at(sc, urban, spec.remedy, spec.site,
                                 site if spec.swap else None, hh)
            except ValueError:
                continue
            best = min(best, val)
        return best

    def price_center(self, c: int, pi: np.ndarray, keep: int, stop: StopFlag | None,
                     max_nodes: int, cut: float = math.inf) -> CenterPrice:
        """The least reduced cost at ``c`` under ``pi``; ``cut`` < inf seeks only
        groups below it (the floor is then ``min(cut, the least)``: every group left
        unseen was cut at a bound ≥ it), which spares proving the least of a centre
        whose every group is dearer (most centres near the LP's optimum)."""
        return _Search(self, c, pi, keep, stop, max_nodes, cut).run()


class _Abort(Exception):
    pass


class _Search:
    """One centre's branch and bound (module docstring)."""

    def __init__(self, pr: Pricer, c: int, pi: np.ndarray, keep: int,
                 stop: StopFlag | None, max_nodes: int, cut: float = math.inf) -> None:
        self.pr, self.c, self.keep, self.stop, self.max_nodes = pr, c, keep, stop, max_nodes
        self.val = (pr.per[:, c] - pi).tolist()     # per unit, when it joins c's group
        gain = -pr.per[pr.reach[c], c] + pi[pr.reach[c]]
        hh = np.array([pr.h[w] for w in pr.reach[c]], dtype=np.float64)
        ratio = np.where(hh > 0, gain / np.maximum(hh, 1.0), np.inf)
        good = (gain > 0) & (pr.reach[c] != c)
        order = np.argsort(-ratio[good], kind="stable")
        units = pr.reach[c][good][order]
        self.cand = list(zip(units.tolist(), hh[good][order].astype(int).tolist(),
                             gain[good][order].tolist(), strict=True))
        self.found: list[tuple[float, tuple[int, ...]]] = []
        self.cut0 = cut         # inf: the least reduced cost at c, whatever its sign
        self.cut = cut
        self.nodes = 0
        # The bounds of the branches still open on the way down (one per level: the
        # siblings not yet visited) and of the node where the search stopped: their
        # least is a floor for every group left unseen (``_partial_floor``).
        self.pending: list[float] = []
        self.stopped_at = math.inf

    def run(self) -> CenterPrice:
        pr, c = self.pr, self.c
        h0 = pr.h[c]
        root_lb = math.inf
        if h0 <= pr.data.hi:
            root_lb = self._bound([c], 1 << c, h0, self.val[c], pr.nb[c], pr.closed[c],
                                  pr.first[c])
        if not math.isfinite(root_lb):
            return CenterPrice(c, (), math.inf, 1, True)
        ext = list(pr.data.nbrs[c])
        try:
            self._visit([c], 1 << c, h0, self.val[c], ext, pr.nb[c], pr.closed[c],
                        pr.first[c])
        except _Abort:
            found = tuple(f for f in self.found if f[0] < -TOLERANCE)
            return CenterPrice(c, found, max(root_lb, self._partial_floor()), self.nodes,
                               False, tuple(self.found))
        # inf (cut0 inf): no group fits at c; else every group unseen is ≥ cut0.
        floor = min(self.found[0][0], self.cut0) if self.found else self.cut0
        found = tuple(f for f in self.found if f[0] < -TOLERANCE)
        return CenterPrice(c, found, floor, self.nodes, True, tuple(self.found))

    def _partial_floor(self) -> float:
        """≤ the reduced cost of every group at c, from a search stopped part way: a
        group was either seen (recorded in ``found`` when below the cut, else ≥ the cut
        then, which only falls), or cut at a bound ≥ the cut, or lies in a branch still
        open: below the node where the search stopped or among a level's siblings not
        yet visited, each bounded by ``_bound`` as the pruning bounds it. The root's
        bound is the same with nothing visited: this is never below it, and rises as
        the best branches are done (the siblings left exclude them)."""
        least = min(self.pending, default=math.inf)
        least = min(least, self.stopped_at, self.cut)
        if self.found:
            least = min(least, self.found[0][0])
        return least

    def _bound(self, group: list[int], gmask: int, h: int, val: float, extmask: int,
               seen: int, level: int) -> float:
        """≤ the reduced cost at c of every group of this branch (module docstring)."""
        pr = self.pr
        inside = gmask | extmask
        links = 0
        for u in group:
            links += (pr.nb[u] & ~inside).bit_count()
        facs = pr.fac_table(self.c, level)
        lo = pr.data.lo
        top = pr.data.hi - h
        blocked = gmask | (seen & ~extmask)     # in the group, or out for good
        cand, n, ends = self.cand, len(self.cand), pr.ends
        k = 0
        used, gain, best = 0, 0.0, -math.inf
        # The most the units to come can give net of the facility's growth: for each
        # household bucket the group may end in, the fractional knapsack filled to
        # the bucket's end less the facility's floor there (module docstring).
        for i in range((max(h, lo) - lo) // FAC_STEP, len(facs)):
            cap = ends[i] - h
            part = 0.0
            while k < n:
                w, hw, g = cand[k]
                if hw > top or blocked >> w & 1:
                    k += 1              # cannot join this branch at all
                    continue
                if used + hw > cap:
                    part = g * (cap - used) / hw
                    break
                used += hw
                gain += g
                k += 1
            value = gain + part - facs[i]
            if value > best:
                best = value
            if k == n:
                break                   # nothing more to add: the facility only grows
        return val + pr.half_cut * links - best

    def _visit(self, group: list[int], gmask: int, h: int, val: float, ext: list[int],
               extmask: int, seen: int, level: int) -> None:
        pr = self.pr
        self.nodes += 1
        if self.nodes > self.max_nodes or (self.stop is not None
                                           and self.nodes % STOP_EVERY == 0
                                           and self.stop.is_set()):
            self.stopped_at = self._bound(group, gmask, h, val, extmask, seen, level)
            raise _Abort
        if h >= pr.data.lo:
            self._try(group, gmask, h, val, extmask, level)
        if self._bound(group, gmask, h, val, extmask, seen, level) >= self.cut:
            return
        ext = sorted(ext, key=self.val.__getitem__, reverse=True)
        while ext:
            w = ext.pop()               # the unit that lowers the reduced cost most
            extmask &= ~(1 << w)
            hw = h + pr.h[w]
            if hw > pr.data.hi:
                continue
            new = [u for u in pr.data.nbrs[w] if not seen >> u & 1]
            newmask = extmask
            for u in new:
                newmask |= 1 << u
            # The siblings left (w out of this branch for good), bounded before w's
            # subtree is searched: the same bound as after it, open meanwhile.
            rest = self._bound(group, gmask, h, val, extmask, seen, level)
            group.append(w)
            self.pending.append(rest)
            self._visit(group, gmask | 1 << w, hw, val + self.val[w], ext + new, newmask,
                        seen | pr.closed[w], max(level, pr.first[w]))
            self.pending.pop()
            group.pop()
            if rest >= self.cut:
                return

    def _try(self, group: list[int], gmask: int, h: int, val: float, extmask: int,
             level: int) -> None:
        """Record the group itself when its reduced cost at c beats the cut."""
        pr = self.pr
        if val + pr.fac_floor(self.c, level, h) >= self.cut:
            return
        links = sum((pr.nb[u] & ~gmask).bit_count() for u in group)
        members = tuple(sorted(group))
        rc = val + pr.half_cut * links + pr.facility.at(self.c, members, h)
        if rc >= self.cut:
            return
        self.found.append((rc, members))
        self.found.sort()
        del self.found[self.keep:]
        if len(self.found) == self.keep:
            self.cut = self.found[-1][0]
