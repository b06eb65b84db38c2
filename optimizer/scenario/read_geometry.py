"""Spatial files at the edge: read a layer, settle its CRS, check and project shapes.

GeoJSON, GeoPackage and Shapefile go through pyogrio; CSV is read as text (nothing
coerced) with a WKT ``geometry`` column. A GeoJSON file without a ``crs`` member is,
by RFC 7946, longitude/latitude; GDAL cannot tell that apart from a declared CRS, so
the member is looked for in the file itself and scenario.toml's ``crs`` wins when
the file says nothing.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from optimizer.errors import ProblemCollector
from optimizer.geo.crs import lonlat_bounds, looks_like_degrees, looks_projected, not_horizontal
from optimizer.scenario.read_text import read_csv_text, read_text
from optimizer.scenario.validate import shorten

POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
LINEAR = (shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING)
GEOJSON = (".geojson", ".json")
REPAIR_HINT = "--repair fixes it with shapely.make_valid"
REPAIR_HOW = ("add --repair to the command (validate, solve, check, report, compare and sweep "
              "all take it; optimizer.load_scenario(path, repair=True) in Python) to fix them with "
              "shapely.make_valid; the repaired ids are listed")


@dataclass
class Layer:
    """One file's records: attribute columns (raw), geometries, and its CRS."""

    frame: pd.DataFrame
    geoms: np.ndarray
    crs: CRS | None
    unparsed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    raw_text: np.ndarray | None = None      # geometry as written, for unparsed rows
    geom_format: str = "WKT"


def read_layer(path: Path, file: str, collector: ProblemCollector) -> Layer | None:
    """Read a spatial file; None (with a problem) when it cannot be read at all."""
    if not path.is_file():
        collector.add(file, f"file not found ({path})")
        return None
    if path.suffix.lower() == ".csv":
        return _read_csv_layer(path, file, collector)
    if path.suffix.lower() in GEOJSON:
        return _read_geojson_layer(path, file, collector)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layers = [str(row[0]) for row in pyogrio.list_layers(path)]
            layer = path.stem if path.stem in layers else None
            if len(layers) > 1 and layer is None:
                collector.add(file, f"has {len(layers)} layers ({shorten(', '.join(layers))}); "
                              f"name the one to use '{path.stem}' or keep only one")
                return None
            gdf = _read_dataframe(path, layer, file, collector)
    except Exception as exc:  # GDAL raises many types for unreadable files
        collector.add(file, f"cannot be read as a GIS layer: {exc}")
        return None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.active_geometry_name is None:
        collector.add(file, "has no geometry column (a table, not a layer of polygons/lines)")
        return None
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    return Layer(frame, np.asarray(gdf.geometry.values, dtype=object), gdf.crs)


def _read_dataframe(path: Path, layer: str | None, file: str,
                    collector: ProblemCollector) -> object:
    """pyogrio's frame. A Shapefile without a .cpg file does not say how its text is
    encoded and GDAL then reads it as Latin-1, turning 近湖街道 into '½üºþ½ÖµÀ' without
    a word: such a file is decoded strictly as UTF-8, else as GB18030 (with a note),
    like every text file (read_text.py)."""
    if path.suffix.lower() != ".shp" or any(
            p.suffix.lower() == ".cpg" and p.stem == path.stem for p in path.parent.iterdir()):
        return pyogrio.read_dataframe(path, layer=layer)
    try:
        return pyogrio.read_dataframe(path, layer=layer, encoding="utf-8")
    except UnicodeDecodeError:
        pass
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer, encoding="gb18030")
    except UnicodeDecodeError as exc:
        raise ValueError(f"its attribute text is neither UTF-8 nor GBK/GB18030 ({exc}); add a "
                         f"{path.stem}.cpg file naming the encoding, e.g. UTF-8") from exc
    collector.note(f"{file} has no .cpg file and its text is not UTF-8; read as GB18030 "
                   "(GBK/GB2312): check its Chinese text, or add a .cpg file naming the "
                   "encoding")
    return gdf


def _read_geojson_layer(path: Path, file: str, collector: ProblemCollector) -> Layer | None:
    """GeoJSON by the json module, not GDAL: GDAL turns ``true`` in a number column
    into 1 and cannot tell a missing ``crs`` member from a declared WGS84."""
    content = read_text(path, file, collector)
    if content is None:
        return None
    try:
        doc = json.loads(content)
    except ValueError as exc:   # json.JSONDecodeError is a ValueError
        collector.add(file, f"cannot be read as GeoJSON: {exc}")
        return None
    except RecursionError:
        collector.add(file, "cannot be read as GeoJSON: nested too deeply")
        return None
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(feats, list):
        collector.add(file, "must be a GeoJSON FeatureCollection (a 'features' list)")
        return None
    if not all(isinstance(f, dict) for f in feats):
        collector.add(file, "every entry of 'features' must be a GeoJSON Feature object")
        return None
    props = [f.get("properties") if isinstance(f.get("properties"), dict) else {}
             for f in feats]
    # object columns built by hand: from_records would turn a JSON null into NaN in a
    # number column, and a null must read as "missing" but a NaN as "not a number"
    columns = list(dict.fromkeys(k for p in props for k in p))
    frame = pd.DataFrame({c: pd.Series([p.get(c) for p in props], dtype=object)
                          for c in columns}, index=pd.RangeIndex(len(props)))
    raw = [f.get("geometry") for f in feats]
    text = np.array([json.dumps(g) if isinstance(g, dict) else None for g in raw], dtype=object)
    geoms = np.full(len(raw), None, dtype=object)
    given = ~pd.isna(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        geoms[given] = shapely.from_geojson(text[given], on_invalid="ignore")
    not_object = np.array([g is not None and not isinstance(g, dict) for g in raw], dtype=bool)
    unparsed = np.flatnonzero((given & pd.isna(geoms)) | not_object)
    raw_text = np.full(len(raw), None, dtype=object)
    for row in unparsed.tolist():
        raw_text[row] = json.dumps(raw[row])
    crs = None
    member = doc.get("crs")
    if member is not None:
        name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
        if not isinstance(name, str):
            collector.add(file, "the 'crs' member must be {\"type\": \"name\", "
                          "\"properties\": {\"name\": \"EPSG:...\"}}", field="crs",
                          value=str(member)[:80])
            return None
        try:
            crs = CRS.from_user_input(name)
        except CRSError:
            collector.add(file, "is not a CRS pyproj knows", record="crs", field="name",
                          value=name)
            return None
    return Layer(frame, geoms, crs, unparsed, raw_text, "GeoJSON geometry")


def _read_csv_layer(path: Path, file: str, collector: ProblemCollector) -> Layer | None:
    frame = read_csv_text(path, file, collector, empty_rule="is empty; a CSV layer needs a "
                          "header line and a 'geometry' column of WKT text")
    if frame is None:
        return None
    if "geometry" not in frame.columns:
        collector.add(file, "a CSV layer needs a 'geometry' column of WKT text",
                      hint=f"columns present: {shorten(', '.join(map(str, frame.columns)))}")
        return None
    text = frame["geometry"].astype(object).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        geoms = shapely.from_wkt(text, on_invalid="ignore")
    blank = pd.Series(text).str.strip().eq("").to_numpy()
    frame = frame.drop(columns="geometry")
    return Layer(frame, np.asarray(geoms, dtype=object), None,
                 np.flatnonzero(pd.isna(geoms) & ~blank), text, "WKT")


def settle_crs(layer: Layer, fallback: CRS | None, file: str, geojson: bool,
               collector: ProblemCollector) -> CRS | None:
    """The file's CRS, else scenario.toml's, else lon/lat for GeoJSON (RFC 7946)."""
    if layer.crs is not None:
        why = not_horizontal(layer.crs)
        if why is not None:
            collector.add(file, f"the file's CRS {layer.crs.to_string()} {why}")
            return None
        return layer.crs
    if fallback is not None:
        return fallback
    if geojson:
        return CRS.from_epsg(4326)
    collector.add(file, "the file has no CRS and scenario.toml sets none",
                  hint="add crs = \"EPSG:...\" to scenario.toml")
    return None


def check_shapes(layer: Layer, names: list[str], file: str, kinds: tuple[int, ...],
                 want: str, collector: ProblemCollector, *, repair: bool = False,
                 ) -> tuple[np.ndarray, list[str]]:
    """Missing, unparsable, empty, wrong-type and invalid geometries, all reported.

    With ``repair`` invalid ones are fixed with make_valid (polygonal parts kept) and
    their names returned; without it each is reported with the repair hint.
    """
    geoms = layer.geoms.copy()
    unparsed = set(layer.unparsed.tolist())
    none = pd.isna(geoms)
    for row in np.flatnonzero(none).tolist():
        if row in unparsed and layer.raw_text is not None:
            collector.add(file, f"is not valid {layer.geom_format}", record=names[row],
                          field="geometry", value=str(layer.raw_text[row])[:80])
        else:
            collector.add(file, f"is required: a {want}", record=names[row], field="geometry")
    present = ~none
    types = shapely.get_type_id(geoms)
    wrong = present & ~np.isin(types, kinds)
    for row in np.flatnonzero(wrong).tolist():
        collector.add(file, f"must be a {want}", record=names[row], field="geometry",
                      value=geoms[row].geom_type)
    empty = present & ~wrong & shapely.is_empty(geoms)
    for row in np.flatnonzero(empty).tolist():
        collector.add(file, f"is empty; must be a non-empty {want}", record=names[row],
                      field="geometry", value=geoms[row].wkt[:60])
    ok = present & ~wrong & ~empty
    # NaN or infinite coordinates (WKT 'nan', a spreadsheet's overflow): not a shape at
    # all, and make_valid raises on them, so --repair is not offered.
    xy, at = shapely.get_coordinates(geoms[ok], return_index=True)
    for row in np.flatnonzero(ok)[np.unique(at[~np.isfinite(xy).all(axis=1)])].tolist():
        collector.add(file, "has a coordinate that is not a finite number (NaN or "
                      "infinity)", record=names[row], field="geometry",
                      value=shorten(geoms[row].wkt, 80))
        ok[row] = False
        geoms[row] = None       # reported: not looked at again (CRS checks)
    invalid = np.zeros(len(geoms), dtype=bool)
    invalid[ok] = ~shapely.is_valid(geoms[ok])
    repaired: list[str] = []
    for row in np.flatnonzero(invalid).tolist():
        reason = shapely.is_valid_reason(geoms[row])
        if not repair:
            collector.add(file, f"is invalid ({reason})", record=names[row], field="geometry",
                          value=geoms[row].geom_type, hint=REPAIR_HINT)
            continue
        fixed = _polygonal(shapely.make_valid(geoms[row]))
        if fixed is None:
            collector.add(file, f"is invalid ({reason}) and make_valid leaves no area",
                          record=names[row], field="geometry", value=geoms[row].geom_type)
        else:
            geoms[row] = fixed
            repaired.append(names[row])
    n_bad = int(invalid.sum())
    if n_bad and not repair:
        shown = [names[r] for r in np.flatnonzero(invalid).tolist()]
        collector.add(file, f"{n_bad} invalid geometr{'y' if n_bad == 1 else 'ies'} "
                      f"({shorten(', '.join(shown))}); {REPAIR_HOW}")
    return geoms, repaired


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in POLYGONAL
             and not p.is_empty]
    if not parts:
        return None
    out = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    return out if out.is_valid and not out.is_empty else None


def crs_source(layer: Layer, fallback: CRS | None) -> str:
    """Where :func:`settle_crs` took the CRS from, for messages."""
    if layer.crs is not None:
        return "declared by the file"
    if fallback is not None:
        return "crs in scenario.toml"
    return "a GeoJSON file without a 'crs' member is longitude/latitude (RFC 7946)"


def _projected_hint(geoms: np.ndarray) -> str:
    """Which projected CRS the coordinates probably are in (Chinese survey data is
    often CGCS2000 Gauss-Krüger with the zone number before the easting)."""
    x = float(np.nanmedian(np.abs(shapely.get_coordinates(geoms)[:, 0])))
    zone = int(x // 1_000_000)
    if 25 <= zone <= 45:
        return (f"eastings like {x:,.0f} carry the zone number {zone} in front: probably "
                f"CGCS2000 / 3-degree Gauss-Kruger zone {zone}, EPSG:{4488 + zone}")
    if 13 <= zone <= 23:
        return (f"eastings like {x:,.0f} carry the zone number {zone} in front: probably "
                f"CGCS2000 / Gauss-Kruger zone {zone}, EPSG:{4478 + zone}")
    return "a UTM zone (EPSG:32650, EPSG:32651, ...) or a CGCS2000 Gauss-Kruger zone"


def check_coordinates(geoms: np.ndarray, crs: CRS, source: str, file: str,
                      collector: ProblemCollector) -> bool:
    """Coordinates that cannot be in ``crs``: degrees under a metric CRS (they would
    give units of a few square millimetres, no neighbours and no plan), metres
    under a geographic one. False (with a problem) when they do not fit."""
    ok = ~pd.isna(geoms)
    ok[ok] = ~shapely.is_empty(geoms[ok])
    geoms = geoms[ok]
    if len(geoms) == 0:
        return True
    fix_here = "in scenario.toml" if "scenario.toml" in source or "RFC" in source \
        else "as the file's CRS (it declares another), or remove it there and set it in " \
             "scenario.toml"
    if crs.is_geographic and looks_projected(geoms):
        collector.add(file, f"coordinates are not longitude/latitude (beyond ±180/±90), yet "
                      f"the CRS is {crs.to_string()} ({source})",
                      hint=f"set crs = \"EPSG:...\" {fix_here} to the CRS they are in: "
                           f"{_projected_hint(geoms)}")
        return False
    if not crs.is_geographic and looks_like_degrees(geoms):
        collector.add(file, f"the coordinates look like longitude/latitude (every x within "
                      f"±180, every y within ±90, all within a few units), yet the CRS is "
                      f"{crs.to_string()} ({source}), whose units are metres or feet",
                      hint=f"set crs = \"EPSG:4326\" {fix_here} (EPSG:4490 for CGCS2000)")
        return False
    x0, _, _, _ = lonlat_bounds(geoms, crs)
    if not np.isfinite(x0):
        collector.add(file, f"coordinates lie outside the area where {crs.to_string()} "
                      f"({source}) is defined", hint="check the CRS of the file")
        return False
    return True
