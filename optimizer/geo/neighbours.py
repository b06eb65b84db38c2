"""The neighbour graph of CONTRACT.md ("Neighbours"), built with STRtree.

Two units are neighbours when their boundaries share a line longer than
``min_shared_m`` (rook adjacency; a corner touch is not enough), unless the straight
segment between their ``representative_point()``s intersects a barrier line (a river,
a railway, an expressway). Pairs a barrier separates are returned too, as
``cut_edges``, so the feasibility diagnosis can say "cut off by a barrier".

Every step is a vectorized shapely 2 call over all candidate pairs at once:

1. one STRtree over the units, bulk-queried for the candidate pairs (touching,
   overlapping, or less than the 1 mm snapping grid apart);
2. the shared boundary length ``length(intersection(boundary_i, boundary_j))`` over
   all candidates (the ones that come out too short are measured once more on a 1 mm
   precision grid, which absorbs floating-point noise at T-junctions);
3. one STRtree over the barriers, bulk-queried with the representative-point segments.
"""

from __future__ import annotations

import numpy as np
import shapely

_EMPTY = np.zeros((0, 2), dtype=np.int64)
# Precision grid (metres) for the second, snapped measurement of a shared boundary:
# 1 mm absorbs floating-point noise of projected coordinates, far below min_shared_m.
SNAP_GRID_M = 0.001


def _as_geometry_array(values: object) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    return arr.reshape(-1)


def _sorted_pairs(pairs: np.ndarray) -> np.ndarray:
    """Unique (i, j) rows with i < j, lexicographically sorted, int64."""
    if len(pairs) == 0:
        return _EMPTY.copy()
    pairs = np.unique(pairs.astype(np.int64), axis=0)  # np.unique sorts rows
    return np.ascontiguousarray(pairs)


def rook_pairs(units: np.ndarray, min_shared_m: float = 0.1,
               grid_m: float = SNAP_GRID_M) -> np.ndarray:
    """(m, 2) index pairs i < j whose boundaries share more than ``min_shared_m`` metres.

    Candidates whose exact boundary intersection is too short are measured again on a
    ``grid_m`` precision grid (snap rounding), so a shared edge whose vertices are off
    by floating-point noise (a T-junction in rotated or reprojected data) still counts.
    """
    units = _as_geometry_array(units)
    usable = ~(shapely.is_missing(units) | shapely.is_empty(units))
    if usable.sum() < 2:
        return _EMPTY.copy()
    idx = np.flatnonzero(usable)
    geoms = units[idx]
    tree = shapely.STRtree(geoms)
    if grid_m > 0:  # also pairs a hair apart (gaps of floating-point noise)
        a, b = tree.query(geoms, predicate="dwithin", distance=grid_m)
    else:
        a, b = tree.query(geoms, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    if len(a) == 0:
        return _EMPTY.copy()
    bounds = shapely.boundary(geoms)
    shared = shapely.length(shapely.intersection(bounds[a], bounds[b]))
    long_enough = shared > min_shared_m
    retry = np.flatnonzero(~long_enough)
    if grid_m > 0 and len(retry):
        snapped = shapely.length(shapely.intersection(bounds[a[retry]], bounds[b[retry]],
                                                      grid_size=grid_m))
        long_enough[retry] = snapped > min_shared_m
    pairs = np.column_stack([idx[a[long_enough]], idx[b[long_enough]]])
    return _sorted_pairs(pairs)


def crossing_mask(units: np.ndarray, barriers: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Bool per pair: the segment between the two representative points hits a barrier."""
    units = _as_geometry_array(units)
    barriers = _as_geometry_array(barriers)
    crossed = np.zeros(len(pairs), dtype=bool)
    if len(pairs) == 0 or len(barriers) == 0:
        return crossed
    barriers = barriers[~(shapely.is_missing(barriers) | shapely.is_empty(barriers))]
    if len(barriers) == 0:
        return crossed
    usable = ~(shapely.is_missing(units) | shapely.is_empty(units))
    points = np.full((len(units), 2), np.nan)
    # shapely's point_on_surface is representative_point(), vectorized
    points[usable] = shapely.get_coordinates(shapely.point_on_surface(units[usable]))
    coords = np.stack([points[pairs[:, 0]], points[pairs[:, 1]]], axis=1)  # (m, 2, 2)
    segments = shapely.linestrings(coords)
    hit_segment, _ = shapely.STRtree(barriers).query(segments, predicate="intersects")
    crossed[hit_segment] = True
    return crossed


def neighbour_edges(units: np.ndarray, barriers: np.ndarray, min_shared_m: float = 0.1,
                    *, grid_m: float = SNAP_GRID_M) -> tuple[np.ndarray, np.ndarray]:
    """The neighbour graph of CONTRACT.md.

    ``units``: shapely (Multi)Polygons in a metric CRS (one per unit, in unit order);
    ``barriers``: shapely (Multi)LineStrings in the same CRS (may be empty).
    Returns ``(edges, cut_edges)``, each an (m, 2) int64 array of index pairs i < j
    sorted lexicographically: ``edges`` the rook pairs (shared boundary longer than
    ``min_shared_m`` metres) whose representative-point segment crosses no barrier,
    ``cut_edges`` the rook pairs a barrier removed. Missing or empty geometries have
    no neighbours. ``grid_m`` is the snapping grid of the second measurement (0 = off).
    """
    pairs = rook_pairs(units, min_shared_m, grid_m)
    crossed = crossing_mask(units, barriers, pairs)
    return (np.ascontiguousarray(pairs[~crossed]), np.ascontiguousarray(pairs[crossed]))
