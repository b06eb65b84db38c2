"""Warnings about unit shapes that are valid but probably wrong (issue 14, item 11).

Run on the projected units (metres), after every error check passed. Neither stops
loading: the households are per unit, so nothing is lost, but the planner should look.

* **Overlaps.** Units should tile the ground. Two units whose interiors overlap by
  more than ``OVERLAP_MIN_M2`` (1 m²) *and* more than ``OVERLAP_MIN_SHARE`` (1%) of
  the smaller one are named with the overlap's area and share of each; below that
  it is digitizing noise along a shared edge. Overlaps of at least
  ``DUPLICATE_SHARE`` (99%) of both units are reported as duplicate geometries (a
  unit drawn twice, or two ids given one shape).
* **Far parts.** A MultiPolygon part more than ``FAR_PART_M`` (10 km) from the rest
  of its unit, or more than ``NEAR_PART_M`` (1 km) *and* more than
  ``FAR_PART_FACTOR`` (3) times the bounding-box diagonal of the unit's largest part
  (a 300 m compound with a piece 1.5 km away): an enclave 飞地 is possible, a
  digitizing or copy error is likelier, and it pulls the unit's map and area.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

from optimizer.errors import ProblemCollector

OVERLAP_MIN_M2 = 1.0
OVERLAP_MIN_SHARE = 0.01
DUPLICATE_SHARE = 0.99
FAR_PART_M = 10_000.0
NEAR_PART_M = 1_000.0
FAR_PART_FACTOR = 3.0


def overlap_warnings(ids: Sequence[str], geoms: np.ndarray, file: str,
                     collector: ProblemCollector) -> None:
    """Warn about every pair of units whose interiors overlap (module doc)."""
    if len(geoms) < 2:
        return
    # bounding-box candidates, then "interiors intersect" (DE-9IM T********): on the
    # 40,000-unit city 1 s, where STRtree's own overlaps/contains predicates take 4 s
    a, b = shapely.STRtree(geoms).query(geoms)
    keep = a < b
    a, b = a[keep], b[keep]
    inner = shapely.relate_pattern(geoms[a], geoms[b], "T********")
    i, j = a[inner], b[inner]
    if len(i) == 0:
        return
    area = shapely.area(geoms)
    common = shapely.area(shapely.intersection(geoms[i], geoms[j]))
    with np.errstate(divide="ignore", invalid="ignore"):
        share_i = np.where(area[i] > 0, common / area[i], 1.0)
        share_j = np.where(area[j] > 0, common / area[j], 1.0)
    big = (common > OVERLAP_MIN_M2) & (np.maximum(share_i, share_j) > OVERLAP_MIN_SHARE)
    for k in np.flatnonzero(big).tolist():
        a, b = int(i[k]), int(j[k])
        if min(share_i[k], share_j[k]) >= DUPLICATE_SHARE:
            collector.warn(file, f"duplicate geometry: it and unit {ids[b]} cover the same "
                           f"{common[k]:,.0f} m² (≥ {DUPLICATE_SHARE:.0%} of each); a unit "
                           "drawn twice, or two ids given one shape?", record=ids[a])
        else:
            collector.warn(file, f"overlaps unit {ids[b]} by {common[k]:,.0f} m² "
                           f"({share_i[k]:.0%} of {ids[a]}, {share_j[k]:.0%} of {ids[b]}); "
                           "units should not overlap", record=ids[a])


def far_part_warnings(ids: Sequence[str], geoms: np.ndarray, file: str,
                      collector: ProblemCollector) -> None:
    """Warn about MultiPolygon parts far from the rest of their unit (module doc)."""
    multi = np.flatnonzero(shapely.get_num_geometries(geoms) > 1)
    for u in multi.tolist():
        parts = shapely.get_parts(geoms[u])
        parts = parts[~shapely.is_empty(parts)]
        if len(parts) < 2:
            continue
        largest = int(np.argmax(shapely.area(parts)))
        x0, y0, x1, y1 = shapely.bounds(parts[largest])
        size = float(np.hypot(x1 - x0, y1 - y0))
        limit = min(FAR_PART_M, max(NEAR_PART_M, FAR_PART_FACTOR * size))
        for k in range(len(parts)):
            if k == largest:
                continue
            rest = shapely.union_all(np.delete(parts, k))
            gap = float(shapely.distance(parts[k], rest))
            if gap > limit:
                collector.warn(file, f"part {k + 1} of {len(parts)} "
                               f"({shapely.area(parts[k]):,.0f} m²) lies {gap / 1000:,.1f} km "
                               f"from the rest of the unit (its largest part spans "
                               f"{size / 1000:,.1f} km); a digitizing or copy error? It still "
                               "counts in the unit's area and map", record=ids[u],
                               field="geometry", value=f"MultiPolygon of {len(parts)} parts")
