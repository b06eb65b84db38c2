"""Which units of a group can hold its service center, and for how many households
(ONE-STATION, PIPELINE): a necessary condition the constructive starts grow regions by
(optimizer.search.heuristic, optimizer.search.chains); the pricing still decides."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from optimizer.model.piece import PieceData
from optimizer.model.precedence import imposed_sites, most_households, timely
from optimizer.scenario.model import Scenario


@dataclass(frozen=True)
class Hosts:
    """For each local unit, the most households a community may have with its center
    there (``most``: inf where it may build or co-build, -1 where it never can), and
    whether the unit holds imposed rooms coming (``imposed``: PIPELINE makes one of
    them the center of any community holding it, and ``most`` is then theirs).
    FACILITY-95's marks (``scenario.late_rooms``, optimizer.search.late_first): a
    region holding a ``marked`` unit must centre on rooms coming handed over by the
    target year (TIMELY), so only its units' ``timely`` reach counts (-1: none).
    Without them a marked region grew to its own late rooms' reach, no center was
    legal, and a large piece had no start (wild 378's 78-village rural piece went to
    the soft model on a 10-s clock; with them: a plan within the bounds)."""

    most: np.ndarray
    imposed: np.ndarray
    marked: np.ndarray | None = None
    timely: np.ndarray | None = None

    @staticmethod
    def free(n: int) -> Hosts:
        """Every unit may hold a center of any size (the bounds alone)."""
        return Hosts(np.full(n, math.inf), np.zeros(n, dtype=bool))

    @cached_property
    def _lists(self) -> tuple[list[float], list[bool], list[bool], list[float]]:
        """``most``, ``imposed``, ``marked`` and ``timely`` as Python lists, what
        :meth:`cap` and :meth:`binds` read: cap is asked for every move the ejection
        chains try (114,000 times in 2 s of region growing on wild seed 834's
        249-compound street), where indexing the arrays unit by unit cost most of its
        time."""
        n = len(self.most)
        return (self.most.astype(float).tolist(), self.imposed.astype(bool).tolist(),
                [False] * n if self.marked is None else self.marked.astype(bool).tolist(),
                [-1.0] * n if self.timely is None else self.timely.astype(float).tolist())

    def cap(self, data: PieceData, members: Iterable[int]) -> int:
        """The most households a region of local ``members`` may have and keep a legal
        center: the maximum, or less (down to -1) by :func:`center_hosts`."""
        most, imposed, marked, timely = self._lists
        idx = list(members)
        if self.timely is not None and any(marked[u] for u in idx):
            top = max((timely[u] for u in idx), default=-1.0)
        else:
            pipe = [most[u] for u in idx if imposed[u]]
            top = max(pipe) if pipe else max((most[u] for u in idx), default=-1.0)
        return data.hi if top >= data.hi else int(top)

    def binds(self, members: Iterable[int]) -> bool:
        """Whether rooms coming cap a region of local ``members`` (it must not grow
        past :meth:`cap`): it holds imposed rooms, or, marked, timely ones (a marked
        region without them grows on until it reaches some, as a region none of
        whose units can hold a center does)."""
        _, imposed, marked, timely = self._lists
        idx = list(members)
        if self.timely is not None and any(marked[u] for u in idx):
            return any(timely[u] >= 0 for u in idx)
        return any(imposed[u] for u in idx)


def center_hosts(scenario: Scenario, data: PieceData) -> Hosts:
    """:class:`Hosts` of a piece: a unit with imposed rooms coming serves as many
    households as their reach, max(area, max_area), covers (AREA-PER-HH, AREA-MIN);
    any other unit as many as it can hold legally (a build, co-built rooms, or its
    sites: :func:`optimizer.model.precedence.most_households`; no_build units without
    a site large enough serve none, a stand-in build any). A necessary condition only:
    the pricing still decides (:func:`optimizer.search.heuristic.best_choice`)."""
    most = np.full(data.n, math.inf)
    imposed = np.zeros(data.n, dtype=bool)
    for i, u in enumerate(data.units.tolist()):
        own = imposed_sites(scenario, int(u))
        if not own:
            # A stand-in build (ONE-STATION's last resort) may hold a community whose
            # units cannot (STAND-IN-LAST): a group holding one has a center whatever
            # its size.
            most[i] = math.inf if scenario.is_stand_in(int(u)) \
                else most_households(scenario, int(u))
            continue
        imposed[i], most[i] = True, _serves(scenario, data, own)
    marks = [i for i, u in enumerate(data.units.tolist()) if int(u) in scenario.late_rooms]
    if not marks:
        return Hosts(most, imposed)     # no marks: as before, to the bit
    marked = np.zeros(data.n, dtype=bool)
    marked[marks] = True
    soon = np.full(data.n, -1.0)
    for i, u in enumerate(data.units.tolist()):
        ks = [k for k in scenario.sites_by_unit.get(int(u), ()) if timely(scenario, k)]
        top = _serves(scenario, data, ks) if ks else -1
        soon[i] = top if top >= data.lo else -1     # too small for any community
    return Hosts(most, imposed, marked, soon)


def _serves(scenario: Scenario, data: PieceData, sites: Iterable[int]) -> int:
    """The most households (up to the maximum + 1) the largest reach of ``sites``,
    max(area, max_area), covers (AREA-PER-HH, AREA-MIN)."""
    need = scenario.policy.required_area_m2
    s = scenario.sites
    reach = max(max(float(s.area_m2[k]), float(s.max_area_m2[k])) for k in sites)
    per = scenario.policy.area_per_100_households_m2
    top = min(data.hi + 1, int(reach * 100.0 / per) + 1) if per > 0 else data.hi + 1
    while top > 0 and need(top) > reach:        # the division's rounding
        top -= 1
    return top


__all__ = ["Hosts", "center_hosts"]
