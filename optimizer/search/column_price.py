"""A listing's columns priced exactly (:func:`price_groups`): each group's cheapest
center and remedy, as :func:`optimizer.search.heuristic.best_choice` and
:func:`optimizer.search.assemble.price` give them, plus half the cut-edge weight of
each neighbour link leaving it (optimizer.search.columns). Apart from columns.py to
keep each within ~400 lines."""

from __future__ import annotations

import math

import numpy as np

from optimizer.model.options import OptionSpec, unit_options
from optimizer.model.piece import PieceData
from optimizer.model.precedence import (
    FREE,
    NEWDEV,
    PIPELINE,
    TIMELY,
    first_rooms,
    most_households,
    spec_fits,
)
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.attempt import Choice
from optimizer.search.column_costs import unit_center_costs
from optimizer.search.short_price import short_groups
from optimizer.search.stop import StopFlag

CHUNK = 500_000             # column × center × member entries priced at once (4 MB)
STOP_KEYS = 2_000           # centre options priced between looks at the stop flag
FIRST = (FREE, NEWDEV, PIPELINE, TIMELY)   # what a group must take first, by rank


class Stopped(Exception):
    """The stop flag was raised while pricing a listing (:func:`price_groups`)."""


def price_groups(scenario: Scenario, data: PieceData, groups: list[tuple[int, ...]],
                 stop: StopFlag | None = None) -> np.ndarray:
    """The exact cost of each group (yuan/year; inf where no unit can be its center).
    Raises :class:`Stopped` when ``stop`` is raised: the 114,211 groups of a
    150-compound street take 4.4 s idle, 6-7 s at load 6 (0.6-1 s a chunk), so the
    flag is looked at every STOP_KEYS centre options (:meth:`Facility.annual`), not
    only between chunks; smaller chunks cost 20-60% more time."""
    return Pricer(scenario, data)(groups, stop)


class Pricer:
    """:func:`price_groups` for one piece, its unit-centre costs and its Facility's
    cache kept between calls (optimizer.search.windows prices a street's groups a
    window at a time: a fresh Facility each time priced the same options again)."""

    def __init__(self, scenario: Scenario, data: PieceData) -> None:
        self.scenario, self.data = scenario, data
        self.costs = unit_center_costs(scenario, data)
        self.facility = Facility(scenario, data)

    def __call__(self, groups: list[tuple[int, ...]], stop: StopFlag | None = None
                 ) -> np.ndarray:
        scenario, data, facility = self.scenario, self.data, self.facility
        h = data.households.astype(np.int64)
        w = scenario.objective
        per, adj, degree = self.costs
        cost = np.full(len(groups), math.inf)
        by_size: dict[int, list[int]] = {}
        for g, members in enumerate(groups):
            by_size.setdefault(len(members), []).append(g)
        for size, idx_all in by_size.items():
            chunk = max(1, CHUNK // (size * size))
            for start in range(0, len(idx_all), chunk):
                idx = np.array(idx_all[start:start + chunk])
                m = np.array([groups[g] for g in idx], dtype=np.int64)     # (N, size)
                hh = h[m].sum(axis=1)
                travel = per[m[:, :, None], m[:, None, :]].sum(axis=1)      # (N, size) per center
                fac = facility.annual(m, hh, [groups[g] for g in idx], stop)
                links = degree[m].sum(axis=1) - adj[m[:, :, None], m[:, None, :]].sum(axis=(1, 2))
                cost[idx] = (fac + travel).min(axis=1) + w.cut_edge_yuan * links / 2.0
        short_groups(scenario, data, groups, cost, degree, adj)
        return cost


class Facility:
    """The annual cost (operating + center) of the cheapest option at each possible
    center, from ``price`` itself, cached by (option, households, swap credit)."""

    def __init__(self, scenario: Scenario, data: PieceData) -> None:
        self.scenario, self.data = scenario, data
        self.specs = [unit_options(scenario, int(u)) for u in data.units]
        sites = scenario.sites
        # The owned site a swap would give up in a group: best_choice's pick, the
        # largest owned site (ties: the lower index), ranked here so a max finds it.
        owned = sorted({s for u in data.units.tolist() for s in scenario.sites_by_unit.get(u, ())
                        if bool(sites.owned[s])},
                       key=lambda s: (float(sites.area_m2[s]), -s))
        self.owned = owned
        rank = {s: r for r, s in enumerate(owned)}
        self.rank = np.array([max((rank[s] for s in scenario.sites_by_unit.get(int(u), ())
                                   if s in rank), default=-1) for u in data.units])
        self.swaps = np.array([any(sp.swap for sp in specs) for specs in self.specs])
        self.cache: dict[tuple[str, int | None, int | None, int], float] = {}
        # PIPELINE / NEWDEV-FIRST: what a group holding each unit must take first
        # (3 rooms coming handed over by the target year, optimizer.search.late_rooms;
        # 2 pipeline, 1 co-built rooms, 0 free); a group takes its members' largest.
        self.first = np.array([FIRST.index(first_rooms(scenario, [int(u)]))
                               for u in data.units], dtype=np.int64)
        # STAND-IN-LAST: the most households each unit can hold a legal center for,
        # where some center's build only stands in (else None: nothing to decide).
        stand_ins = any(sp.stand_in for specs in self.specs for sp in specs)
        self.most = np.array([most_households(scenario, int(u)) for u in data.units]) \
            if stand_ins else None

    def hosted(self, m: np.ndarray, hh: np.ndarray) -> np.ndarray:
        """Per group (rows of ``m``, ``hh`` households): whether a member can hold its
        center legally, so that no build may stand in (STAND-IN-LAST)."""
        if self.most is None:
            return np.zeros(len(hh), dtype=np.int64)
        return (self.most[m] >= hh[:, None]).any(axis=1).astype(np.int64)

    def annual(self, m: np.ndarray, hh: np.ndarray, groups: list[tuple[int, ...]],
               stop: StopFlag | None = None) -> np.ndarray:
        top = int(hh.max()) + 1
        kind = self.first[m].max(axis=1)
        hosted = self.hosted(m, hh)
        key = (((m * top + hh[:, None]) * len(FIRST) + kind[:, None]) * 2
               + hosted[:, None]).ravel()
        uniq, first, inv = np.unique(key, return_index=True, return_inverse=True)
        vals = self._plain(uniq, first // m.shape[1], top, groups, stop)
        fac = vals[inv].reshape(m.shape)
        credit = self.rank[m].max(axis=1)
        swap = self.swaps[m] & (credit >= 0)[:, None]
        if swap.any():
            rows, cols = np.nonzero(swap)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                site = self.owned[int(credit[r])]
                fac[r, c] = min(fac[r, c], self._best(int(m[r, c]), int(hh[r]), groups[r], site,
                                                      bool(hosted[r]), int(kind[r])))
        return fac

    def _plain(self, uniq: np.ndarray, rows: np.ndarray, top: int,
               groups: list[tuple[int, ...]], stop: StopFlag | None) -> np.ndarray:
        """:meth:`_best` without a swap for each key of :meth:`annual` (sorted: by
        center, then households, FIRST rank, hosted): each option (remedy, site)
        priced once per households count over all centers (the cache, keyed as in
        :meth:`_best`), then the least where it fits. The same values as a call per
        key, which took 60% of pricing a 107-compound street's 194,896 columns (9 of
        15 profiled s; wild seed 373)."""
        k2 = uniq // 2
        hosted = (uniq % 2).astype(bool)
        kind = k2 % len(FIRST)
        hh = (k2 // len(FIRST)) % top
        center = k2 // len(FIRST) // top
        vals = np.full(len(uniq), math.inf)
        fits: dict[OptionSpec, np.ndarray] = {}
        where: dict[tuple[str, int | None], list[tuple[np.ndarray, int]]] = {}
        cuts = np.flatnonzero(np.diff(center)) + 1
        for lo, hi in zip([0, *cuts.tolist()], [*cuts.tolist(), len(uniq)], strict=True):
            if lo // STOP_KEYS != hi // STOP_KEYS and stop is not None and stop.is_set():
                raise Stopped       # as often as before: every STOP_KEYS keys
            c = int(center[lo])
            for spec in self.specs[c]:
                if spec.swap:
                    continue
                if spec not in fits:
                    fits[spec] = np.array([spec_fits(self.scenario, kd, spec) for kd in FIRST])
                ok = fits[spec][kind[lo:hi]] & ~(hosted[lo:hi] & spec.stand_in)
                if ok.any():
                    where.setdefault((spec.remedy, spec.site), []).append(
                        (lo + np.flatnonzero(ok), c))
        units = self.data.units
        for (remedy, site), parts in where.items():
            at = np.concatenate([a for a, _ in parts])
            owner = np.concatenate([np.full(len(a), c) for a, c in parts])
            counts, pick, back = np.unique(hh[at], return_index=True, return_inverse=True)
            table = np.empty(len(counts))
            for t, (n, p) in enumerate(zip(counts.tolist(), pick.tolist(), strict=True)):
                val = self.cache.get((remedy, site, None, n))
                if val is None:
                    ch = Choice(center=int(units[owner[p]]),
                                members=tuple(int(units[u]) for u in groups[int(rows[at[p]])]),
                                remedy=remedy, site=site, credit_site=None)
                    try:
                        val = price(self.scenario, ch).horizon_yuan
                    except ValueError:
                        val = math.inf
                    self.cache[(remedy, site, None, n)] = val
                table[t] = val
            np.minimum.at(vals, at, table[back.ravel()])
        return vals

    def at(self, center: int, group: tuple[int, ...], hh: int) -> float:
        """The annual cost of the cheapest option at ``center`` for ``group`` (of
        ``hh`` households), as :meth:`annual` gives it for one group."""
        hosted = bool(self.hosted(np.array([group], dtype=np.int64), np.array([hh]))[0])
        best = self._best(center, hh, group, None, hosted)
        credit = int(self.rank[list(group)].max())
        if self.swaps[center] and credit >= 0:
            best = min(best, self._best(center, hh, group, self.owned[credit], hosted))
        return best

    def _best(self, center: int, hh: int, group: tuple[int, ...], credit: int | None,
              hosted: bool = False, first: int | None = None) -> float:
        """Cheapest option at ``center`` for ``hh`` households: without a swap
        (``credit`` None) or only the swaps crediting ``credit``; no stand-in build
        where a member can hold the center legally (``hosted``, STAND-IN-LAST).
        ``first``: the group's rank in FIRST when the caller has it (``annual``'s key
        holds it: its 1,041,426 look-ups took 7 of the 38 s of pricing seed 221's
        street under cProfile)."""
        best = math.inf
        kind = FIRST[int(self.first[list(group)].max()) if first is None else first]
        for spec in self.specs[center]:
            if spec.swap != (credit is not None) or not spec_fits(self.scenario, kind, spec) \
                    or (hosted and spec.stand_in):
                continue
            key = (spec.remedy, spec.site, credit, hh)
            val = self.cache.get(key)
            if val is None:
                units = self.data.units
                ch = Choice(center=int(units[center]),
                            members=tuple(int(units[i]) for i in group),
                            remedy=spec.remedy, site=spec.site, credit_site=credit)
                try:
                    val = price(self.scenario, ch).horizon_yuan
                except ValueError:
                    val = math.inf
                self.cache[key] = val
            best = min(best, val)
        return best
