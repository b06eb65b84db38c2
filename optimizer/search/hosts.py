"""Which units of a group can hold its service center, and for how many households
(ONE-STATION, PIPELINE): a necessary condition the constructive starts grow regions by
(optimizer.search.heuristic, optimizer.search.chains); the pricing still decides."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from optimizer.model.piece import PieceData
from optimizer.model.precedence import imposed_sites, most_households
from optimizer.scenario.model import Scenario


@dataclass(frozen=True)
class Hosts:
    """For each local unit, the most households a community may have with its center
    there (``most``: inf where it may build or co-build, -1 where it never can), and
    whether the unit holds imposed rooms coming (``imposed``: PIPELINE makes one of
    them the center of any community holding it, and ``most`` is then theirs)."""

    most: np.ndarray
    imposed: np.ndarray

    @staticmethod
    def free(n: int) -> Hosts:
        """Every unit may hold a center of any size (the bounds alone)."""
        return Hosts(np.full(n, math.inf), np.zeros(n, dtype=bool))

    def cap(self, data: PieceData, members: Iterable[int]) -> int:
        """The most households a region of local ``members`` may have and keep a legal
        center: the maximum, or less (down to -1) by :func:`center_hosts`."""
        idx = list(members)
        pipe = [float(self.most[u]) for u in idx if self.imposed[u]]
        top = max(pipe) if pipe else max((float(self.most[u]) for u in idx), default=-1.0)
        return data.hi if top >= data.hi else int(top)


def center_hosts(scenario: Scenario, data: PieceData) -> Hosts:
    """:class:`Hosts` of a piece: a unit with imposed rooms coming serves as many
    households as their reach, max(area, max_area), covers (AREA-PER-HH, AREA-MIN);
    any other unit as many as it can hold legally (a build, co-built rooms, or its
    sites: :func:`optimizer.model.precedence.most_households`; no_build units without
    a site large enough serve none, a stand-in build any). A necessary condition only:
    the pricing still decides (:func:`optimizer.search.heuristic.best_choice`)."""
    need = scenario.policy.required_area_m2
    sites = scenario.sites
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
        reach = max(max(float(sites.area_m2[s]), float(sites.max_area_m2[s])) for s in own)
        per = scenario.policy.area_per_100_households_m2
        top = min(data.hi + 1, int(reach * 100.0 / per) + 1) if per > 0 else data.hi + 1
        while top > 0 and need(top) > reach:        # the division's rounding
            top -= 1
        imposed[i], most[i] = True, top
    return Hosts(most, imposed)


__all__ = ["Hosts", "center_hosts"]
