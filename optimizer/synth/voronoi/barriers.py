"""Rivers, a railway and the island village of a generated scenario.

Yancheng's rivers run west to east to the Yellow Sea (Sheyang River, Xinyang Harbour,
Doulong Harbour), the Chuanchang River and the Xinyi-Changxing railway north to south.
Each county also gets one oxbow: a closed river loop around a few villagers' groups of
one town, the island village, whose households (< 1,000) cannot form a rural community
(SIZE-RURAL) and which no neighbour can reach: the diagnosis must find it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely

from optimizer.synth.voronoi.geometry import meander, railway, river_loop
from optimizer.synth.voronoi.layout import CountyLayout

RIVERS_WE = ("Sheyang River", "Xinyang Harbour", "Doulong Harbour", "Huangsha Harbour",
             "Wanggang River", "Tongyu River")


@dataclass
class Barriers:
    geoms: list[shapely.LineString]
    names: list[str]
    kinds: list[str]
    islands: list[np.ndarray]      # unit indices inside each oxbow loop


def draw_lines(rng: np.random.Generator, outline: shapely.Geometry,
               n_counties: int) -> Barriers:
    """Rivers west to east, a north-south canal (city only) and the railway."""
    n_rivers = 4 if n_counties > 1 else int(rng.integers(1, 3))
    geoms: list[shapely.LineString] = []
    names: list[str] = []
    kinds: list[str] = []
    for i in range(n_rivers):
        geoms.append(meander(rng, outline, "x"))
        names.append(RIVERS_WE[i])
        kinds.append("river")
    if n_counties > 1:
        geoms.append(meander(rng, outline, "y", step=800.0))
        names.append("Chuanchang River")
        kinds.append("river")
    geoms.append(railway(rng, outline))
    names.append("Xinyi-Changxing Railway")
    kinds.append("railway")
    return Barriers(geoms, names, kinds, [])


def add_islands(rng: np.random.Generator, barriers: Barriers, layouts: list[CountyLayout],
                offsets: list[tuple[int, int]], rep: np.ndarray, area: np.ndarray,
                urban: np.ndarray,
                metric: tuple[np.ndarray, Callable[[shapely.Geometry], shapely.Geometry]]
                | None = None) -> None:
    """One oxbow loop per county around 3-10 villagers' groups of one town (in place).
    ``offsets`` gives per county its first unit index and its first area index.

    ``metric`` is (representative points in the loader's metric CRS, a function
    projecting a drawn shape there): who is inside a loop is decided where the
    loader decides neighbours, since a representative point moves with the CRS."""
    rep_in, to_metric = metric if metric is not None else (rep, lambda g: g)
    lines = shapely.union_all(barriers.geoms)
    for lay, (off, first) in zip(layouts, offsets, strict=True):
        idx = np.arange(off, off + len(lay.points))
        seeds = lay.town_seeds[area[idx] - first]
        far = np.hypot(*(rep[idx] - seeds).T) > 3.5 * lay.group_spacing
        inner = shapely.contains_xy(shapely.buffer(lay.region, -3 * lay.group_spacing),
                                    rep[idx, 0], rep[idx, 1])
        cand = idx[(~urban[idx]) & far & inner]
        for c in rng.permutation(cand).tolist()[:200]:
            loop = river_loop(rng, rep[c, 0], rep[c, 1], 1.3 * lay.group_spacing)
            if shapely.dwithin(loop, lines, 300.0):
                continue
            ring = to_metric(shapely.Polygon(loop.coords))
            inside = np.flatnonzero(shapely.contains_xy(ring, rep_in[:, 0], rep_in[:, 1]))
            near = np.flatnonzero(shapely.contains_xy(shapely.buffer(ring, lay.group_spacing),
                                                      rep_in[:, 0], rep_in[:, 1]))
            if not 3 <= len(inside) <= 10 or urban[near].any():
                continue
            if len(np.unique(area[near])) != 1:
                continue
            barriers.geoms.append(loop)
            barriers.names.append(f"{lay.area_names[int(area[c]) - first]} oxbow")
            barriers.kinds.append("river")
            barriers.islands.append(inside)
            lines = shapely.union(lines, loop)
            break
