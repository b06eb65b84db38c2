"""From drawn units to a full scenario: ids, flags, today's communities and sites.

Every preset ends here. Ids follow the first generator (``<county>-<street/town>-<nnnn>``,
per street/town compounds first, then north to south, west to east); today's
communities and the service rooms are drawn by the first generator's own code
(:func:`optimizer.synth.voronoi.today.today_and_sites`), so those files look alike
whichever preset wrote them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from optimizer.synth.people import community_bounds
from optimizer.synth.voronoi.barriers import Barriers
from optimizer.synth.voronoi.generated import Generated
from optimizer.synth.voronoi.today import today_and_sites


@dataclass
class Draft:
    """A scenario's units before ids, flags, today's communities and sites."""

    preset: str
    seed: int
    title: str                   # "Jianhu (big-street preset, seed 3)"
    county_name: str
    county_code: str
    area_names: list[str]        # "Nanyang Street", "Wuxing Town"
    area_codes: list[str]
    geoms: np.ndarray
    area: np.ndarray             # index into area_names per unit
    urban: np.ndarray            # bool per unit
    households: np.ndarray       # int64 per unit
    barriers: Barriers
    edges: np.ndarray            # neighbour pairs (barriers applied)


def unit_ids(d: Draft, rep: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Readable ids and the order they were given in."""
    order = np.lexsort((np.round(rep[:, 0]), -np.round(rep[:, 1]), ~d.urban, d.area))
    ids = [""] * len(d.area)
    count: dict[int, int] = {}
    for i in order.tolist():
        a = int(d.area[i])
        count[a] = count.get(a, 0) + 1
        ids[i] = f"{d.county_code}-{d.area_codes[a]}-{count[a]:04d}"
    return ids, order


def flags(rng: np.random.Generator, d: Draft) -> tuple[np.ndarray, np.ndarray]:
    """(new_development, no_build): a few large compounds (≥ 800 households) are new
    developments obliged to co-build rooms (NEWDEV-1500); about 4% of units, none of
    them above the community maximum, may not host a new center (old town, wetland)."""
    n = len(d.area)
    new_dev = np.zeros(n, dtype=bool)
    big = np.flatnonzero(d.urban & (d.households >= 800)
                         & (d.households <= community_bounds(True)[1]))
    k = min(len(big), max(1, round(0.03 * int(d.urban.sum())))) if len(big) else 0
    if k:
        new_dev[rng.choice(big, size=k, replace=False)] = True
    hi = np.where(d.urban, community_bounds(True)[1], community_bounds(False)[1])
    no_build = (rng.random(n) < 0.04) & ~new_dev & (d.households <= hi)
    return new_dev, no_build


def finish(rng: np.random.Generator, d: Draft) -> Generated:
    """The scenario in the first generator's structure (written by its writer)."""
    rep = shapely.get_coordinates(shapely.point_on_surface(d.geoms))
    ids, order = unit_ids(d, rep)
    new_dev, no_build = flags(rng, d)
    county = np.zeros(len(d.area), dtype=np.int64)
    current, sites = today_and_sites(rng, ids, order, county, d.area, d.urban,
                                     d.households, d.edges, rep)
    return Generated(
        preset=d.preset, seed=d.seed, name=f"{d.title}, 2013", unit_ids=ids,
        households=d.households.astype(np.int64), urban=d.urban.astype(bool),
        county=[d.county_name] * len(ids), street=[d.area_names[a] for a in d.area.tolist()],
        current=current, new_development=new_dev, no_build=no_build, geoms=d.geoms,
        sites=sites, barriers=d.barriers)
