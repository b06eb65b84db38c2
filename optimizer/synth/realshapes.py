"""Real administrative shapes, read at run time from the installed ``libpysal`` package.

libpysal (BSD-3-Clause, https://github.com/pysal/libpysal) ships these shapefiles in
``libpysal/examples/``; they are never copied into this repository. Sources, as
stated in each example's README.md / metadata in libpysal:

=========  ===================  =====  ============================================
name       file                 units  what and source
=========  ===================  =====  ============================================
georgia    georgia/G_utm.shp      159  Georgia counties, 1990 (Fotheringham,
                                       Brunsdon & Charlton 2002, GWR book data)
sids2      sids2/sids2.shp        100  North Carolina counties (Cressie 1993; GeoDa
                                       Center data and lab)
10740      10740/10740.shp        195  Albuquerque census tracts, Census 2000 (US
                                       Census Bureau)
virginia   virginia/vautm17n.shp  136  Virginia counties (US Census boundaries)
chicago    chicago/Chicago77.shp   77  Chicago community areas (Anselin & Rey)
tokyo      tokyo/tokyomet262.shp  262  Tokyo metropolitan municipalities (Nakaya et
                                       al. 2005, Statistics in Medicine)
stl        stl/stl_hom.shp         78  counties around St Louis (Messner et al. 2000,
                                       NCOVR homicide atlas)
columbus   columbus/columbus.shp   49  Columbus, Ohio neighbourhoods (Anselin 1988)
mexico     mexico/mexicojoin.shp   32  Mexican states (Rey & Sastre Gutierrez 2010)
us48       us_income/us48.shp      48  the lower 48 US states (BEA / US Census)
=========  ===================  =====  ============================================

None of the examples carries a licence of its own beyond libpysal's BSD-3-Clause;
the US Census boundaries are public domain. Only the shapes are used (no attribute):
households are drawn. The shapes are projected (geographic data: a Lambert azimuthal
equal-area projection centred on the data), scaled uniformly to a plausible town and
moved to Jianhu (EPSG:32651); only the largest connected group of units is kept (the
scenario.toml header says how many were dropped).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from optimizer.geo.neighbours import rook_pairs
from optimizer.synth.tessellate import tidy
from optimizer.synth.voronoi.names import COUNTIES
from optimizer.synth.voronoi.repair import components

DATASETS: dict[str, tuple[str, str]] = {
    "georgia": ("georgia/G_utm.shp", "Georgia counties, 1990 (Fotheringham et al. 2002)"),
    "sids2": ("sids2/sids2.shp", "North Carolina counties (Cressie 1993)"),
    "10740": ("10740/10740.shp", "Albuquerque census tracts, Census 2000"),
    "virginia": ("virginia/vautm17n.shp", "Virginia counties"),
    "chicago": ("chicago/Chicago77.shp", "Chicago community areas"),
    "tokyo": ("tokyo/tokyomet262.shp", "Tokyo metropolitan municipalities (Nakaya et al. "
                                       "2005)"),
    "stl": ("stl/stl_hom.shp", "counties around St Louis (Messner et al. 2000)"),
    "columbus": ("columbus/columbus.shp", "Columbus, Ohio neighbourhoods (Anselin 1988)"),
    "mexico": ("mexico/mexicojoin.shp", "Mexican states (Rey & Sastre Gutierrez 2010)"),
    "us48": ("us_income/us48.shp", "the lower 48 US states"),
}


class ShapesUnavailable(RuntimeError):
    """libpysal (or the named example) is not installed."""


@dataclass(frozen=True)
class Shapes:
    geoms: np.ndarray       # metric (Multi)Polygons at Jianhu, 0.1 m
    source: str             # for the scenario.toml header
    dropped: int            # units not connected to the largest group


def examples_dir() -> Path:
    """libpysal's examples folder, found without importing libpysal."""
    spec = importlib.util.find_spec("libpysal")
    if spec is None or not spec.submodule_search_locations:
        raise ShapesUnavailable("the real-shapes preset reads libpysal's example shapefiles:"
                                " pip install libpysal (it is in the 'bench' extra)")
    return Path(list(spec.submodule_search_locations)[0]) / "examples"


def available() -> list[str]:
    """The datasets whose files are installed."""
    try:
        base = examples_dir()
    except ShapesUnavailable:
        return []
    return [k for k, (f, _) in DATASETS.items() if (base / f).exists()]


def _metric(geoms: np.ndarray, crs: object) -> np.ndarray:
    """Planar coordinates: geographic data (a geographic CRS, or none and degree-like
    bounds) projected by a Lambert azimuthal equal-area projection at its centre."""
    from pyproj import CRS, Transformer

    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    geographic = (crs is not None and CRS.from_user_input(crs).is_geographic) or (
        crs is None and -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90)
    if not geographic:
        return geoms
    lon0, lat0 = (minx + maxx) / 2, (miny + maxy) / 2
    laea = CRS.from_proj4(f"+proj=laea +lat_0={lat0:.4f} +lon_0={lon0:.4f} +units=m")
    tr = Transformer.from_crs(CRS.from_epsg(4326) if crs is None else CRS.from_user_input(crs),
                              laea, always_xy=True)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0],
                                                                            xy[:, 1])))


def load(name: str, unit_m2: float) -> Shapes:
    """The named dataset's polygons, scaled so a unit covers ``unit_m2`` on average."""
    from pyogrio.raw import read

    if name not in DATASETS:
        raise ShapesUnavailable(f"unknown shapes {name!r}: {', '.join(DATASETS)}")
    path = examples_dir() / DATASETS[name][0]
    if not path.exists():
        raise ShapesUnavailable(f"{path} is not installed with libpysal")
    meta, _, wkb, _ = read(path, columns=[])
    geoms = _metric(shapely.from_wkb(wkb), meta.get("crs"))
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = shapely.make_valid(geoms[bad])
    scale = float(np.sqrt(len(geoms) * unit_m2 / shapely.area(geoms).sum()))
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    mid = np.array([(minx + maxx) / 2, (miny + maxy) / 2])
    at = np.array(COUNTIES[6][2:4])
    geoms = shapely.transform(geoms, lambda xy: (xy - mid) * scale + at)
    geoms = _without_specks(geoms, 1e-4 * unit_m2)
    geoms = tidy(shapely.set_precision(shapely.make_valid(geoms), 0.1))   # drops collapsed rings
    pairs = rook_pairs(geoms)
    comp = components(np.zeros(len(geoms), dtype=np.int64), pairs)
    keep = comp == np.bincount(comp).argmax()
    return Shapes(geoms[keep], f"{DATASETS[name][0]} from libpysal: {DATASETS[name][1]}",
                  int((~keep).sum()))


def _without_specks(geoms: np.ndarray, min_m2: float) -> np.ndarray:
    """Each unit without its parts smaller than ``min_m2`` (islets that the 0.1 m grid
    would collapse); a unit made only of specks keeps its largest part."""
    out = geoms.copy()
    for i, g in enumerate(geoms):
        parts = shapely.get_parts(g)
        if len(parts) < 2:
            continue
        areas = shapely.area(parts)
        big = parts[areas >= min_m2]
        if len(big) == 0:
            big = parts[[int(areas.argmax())]]
        out[i] = big[0] if len(big) == 1 else shapely.multipolygons(big)
    return out

