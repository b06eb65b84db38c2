"""The scenario's metric CRS: one per region, whatever CRS the files came in.

CONTRACT.md measures shared boundaries (> 0.1 m) and draws the segment between two
units' ``representative_point()``s "in the metric CRS". Both depend on the CRS: a
representative point is found on a horizontal scan line, so turning the map by the
grid convergence of another projection (1.8° between UTM 50N and 51N at Jianhu) moves
it, and a river that crosses a unit may then pass on the other side of it. The same
data in EPSG:4326 and in EPSG:32651 gave different neighbour graphs.

So the metric CRS is fixed by where the data is, never by how it was written:

    **the WGS 84 / UTM zone (EPSG:326zz north, 327zz south) that contains the centre
    of the longitude/latitude bounding box of all the units' vertices.**

The vertices are the same points in any CRS, so their longitude/latitude extent,
its centre and the zone are too (up to floating-point noise of ~1e-9°, which could
only matter for a centre within a nanodegree of a zone edge). Every geometry is
projected to that CRS before anything is measured; a file already in it is used as
is. CGCS2000 (EPSG:4490 and its Gauss-Krüger zones) and WGS 84 differ by less than a
metre, and pyproj relates them without a datum shift, so data in either lands on the
same coordinates.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from pyproj import CRS, Transformer

LONLAT = CRS.from_epsg(4326)


def not_horizontal(crs: CRS) -> str | None:
    """Why ``crs`` cannot place units on a map (geocentric, vertical, engineering), or
    None for a geographic or projected CRS (a compound one with a height is fine)."""
    if crs.is_geographic or crs.is_projected:
        return None
    return (f"is a {crs.type_name}, not a map CRS: it must be longitude/latitude "
            "(EPSG:4326, EPSG:4490) or projected (EPSG:32651, EPSG:4528, ...)")


def lonlat_bounds(geoms: np.ndarray, crs: CRS) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of every vertex; NaN when a vertex does
    not transform (outside the CRS's domain)."""
    xy = shapely.get_coordinates(np.asarray(geoms, dtype=object))
    if len(xy) == 0:
        return (math.nan,) * 4
    if crs.is_geographic and crs.equals(LONLAT, ignore_axis_order=True):
        lon, lat = xy[:, 0], xy[:, 1]
    else:
        to_lonlat = Transformer.from_crs(crs, LONLAT, always_xy=True)
        with np.errstate(all="ignore"):
            lon, lat = to_lonlat.transform(xy[:, 0], xy[:, 1])
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        return (math.nan,) * 4
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def utm_zone_crs(lon: float, lat: float) -> CRS:
    """WGS 84 / UTM zone of a point (the regular 6° zones, no Norway exceptions)."""
    zone = min(60, max(1, int(math.floor((lon + 180.0) / 6.0)) + 1))
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def region_crs(geoms: np.ndarray, crs: CRS) -> CRS | None:
    """The scenario's metric CRS (module doc) for units ``geoms`` given in ``crs``;
    None when their coordinates are not places on Earth in ``crs``."""
    x0, y0, x1, y1 = lonlat_bounds(geoms, crs)
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or not (
            -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        return None
    return utm_zone_crs((x0 + x1) / 2.0, (y0 + y1) / 2.0)


def project(geoms: np.ndarray, crs: CRS, target: CRS) -> np.ndarray:
    """Geometries from ``crs`` to ``target`` (the same array when they are equal)."""
    if crs == target or len(geoms) == 0:
        return geoms
    transformer = Transformer.from_crs(crs, target, always_xy=True)

    def move(xy: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return np.asarray(shapely.transform(np.asarray(geoms, dtype=object), move), dtype=object)


def looks_like_degrees(geoms: np.ndarray, max_extent: float = 10.0) -> bool:
    """Whether coordinates read as metres are really longitude/latitude: every x
    within ±180, every y within ±90 and the whole extent at most ``max_extent``
    (10 m as metres: no scenario of communities fits in it; 10° holds any city)."""
    xy = shapely.get_coordinates(np.asarray(geoms, dtype=object))
    if len(xy) == 0 or not np.isfinite(xy).all():
        return False
    x, y = xy[:, 0], xy[:, 1]
    return bool(np.abs(x).max() <= 180 and np.abs(y).max() <= 90
                and max(np.ptp(x), np.ptp(y)) <= max_extent)


def looks_projected(geoms: np.ndarray) -> bool:
    """Whether coordinates given as longitude/latitude cannot be: out of ±180/±90."""
    xy = shapely.get_coordinates(np.asarray(geoms, dtype=object))
    if len(xy) == 0:
        return False
    with np.errstate(invalid="ignore"):
        return bool((np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any())
