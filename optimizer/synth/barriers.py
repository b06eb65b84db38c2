"""Barriers that shape the neighbour graph without breaking the pieces a preset wants.

The first generator's rivers cross a whole county and cut streets in two; a preset
that must hold a 150-compound street as one piece cannot have that. Here:

- a river along the boundary between two streets/towns (it separates what NESTING
  separates anyway, but also cuts a few pairs where the units stick out);
- dead-end canals: a meandering line from the outline into the land that stops
  part-way, cutting some neighbour pairs but not the piece.

Each line is kept only if the preset's test of the neighbour graph still passes with
it (e.g. :func:`pieces_connected`), so a piece the preset wants whole stays whole.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely
from pyproj import CRS
from shapely import ops

from optimizer.geo.crs import project, region_crs
from optimizer.geo.neighbours import crossing_mask, rook_pairs
from optimizer.synth.voronoi.barriers import Barriers
from optimizer.synth.voronoi.geometry import meander
from optimizer.synth.voronoi.repair import components
from optimizer.synth.voronoi.write import CRS as WRITTEN_CRS

CANAL_NAMES = ("Xinyang Canal", "Doulong Ditch", "Mangshe Canal", "Tongyu Ditch",
               "Huangsha Canal", "Wanggang Ditch")


def canal(rng: np.random.Generator, outline: shapely.Geometry, reach: float) -> shapely.LineString:
    """A meandering line entering ``outline`` from a random side and stopping after
    ``reach`` (0-1) of the way across."""
    along = "x" if rng.random() < 0.5 else "y"
    line = meander(rng, outline, along, step=max(outline.length / 400.0, 60.0))
    if rng.random() < 0.5:
        line = line.reverse()
    inside = line.intersection(outline)
    if inside.is_empty:
        return line
    parts = [p for p in shapely.get_parts(inside) if p.geom_type == "LineString"]
    first = parts[0] if parts else line
    start = line.project(shapely.Point(first.coords[0]))
    cut = ops.substring(line, 0.0, start + reach * first.length)
    return shapely.LineString(np.round(np.asarray(cut.coords), 1))


def border_river(a: shapely.Geometry, b: shapely.Geometry) -> shapely.LineString | None:
    """The longest stretch of the common boundary of two regions, or None."""
    common = shapely.intersection(shapely.boundary(a), shapely.boundary(b))
    merged = ops.linemerge(common) if common.geom_type == "MultiLineString" else common
    lines = [p for p in shapely.get_parts(merged) if p.geom_type == "LineString"]
    if not lines:
        return None
    best = max(lines, key=lambda g: g.length)
    return shapely.LineString(np.round(np.asarray(best.coords), 1)) if best.length > 0 else None


def draw(rng: np.random.Generator, outline: shapely.Geometry, geoms: np.ndarray,
         n_canals: int, borders: list[tuple[str, shapely.LineString]],
         ok: Callable[[np.ndarray], bool], tries: int = 4) -> tuple[Barriers, np.ndarray]:
    """Border rivers (named) and up to ``n_canals`` dead-end canals, each kept only when
    the neighbour graph with it still passes ``ok`` (a canal gets ``tries`` draws).
    Returns the barriers and the neighbour edges they leave."""
    pairs = rook_pairs(geoms)
    cut = np.zeros(len(pairs), dtype=bool)
    kept = Barriers([], [], [], [])
    # Crossings as the loader will decide them: in the region's metric CRS
    # (optimizer.geo.crs), where representative points may sit elsewhere than in the
    # CRS the preset draws in.
    drawn = CRS.from_user_input(WRITTEN_CRS)
    metric = region_crs(geoms, drawn) or drawn
    geoms_m = project(geoms, drawn, metric)

    def attempt(name: str, line: shapely.LineString) -> bool:
        line_m = project(np.array([line], dtype=object), drawn, metric)
        crossed = cut | crossing_mask(geoms_m, line_m, pairs)
        if not ok(pairs[~crossed]):
            return False
        cut[:] = crossed
        kept.geoms.append(line)
        kept.names.append(name)
        kept.kinds.append("river")
        return True

    for name, line in borders:
        attempt(name, line)
    for i in range(n_canals):
        for _ in range(tries):
            if attempt(CANAL_NAMES[i % len(CANAL_NAMES)],
                       canal(rng, outline, float(rng.uniform(0.25, 0.6)))):
                break
    return kept, np.ascontiguousarray(pairs[~cut])


def piece_labels(area: np.ndarray, urban: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Piece (connected component within one street/town and kind) label per unit."""
    return components(area.astype(np.int64) * 2 + urban, edges)


def pieces_connected(area: np.ndarray, urban: np.ndarray, edges: np.ndarray,
                     skip: np.ndarray | None = None) -> bool:
    """Every (street/town, kind) group is one piece (units in ``skip`` aside)."""
    labels = piece_labels(area, urban, edges)
    key = area.astype(np.int64) * 2 + urban
    sel = np.ones(len(area), bool) if skip is None else ~skip
    for k in np.unique(key[sel]).tolist():
        if len(np.unique(labels[sel & (key == k)])) > 1:
            return False
    return True
