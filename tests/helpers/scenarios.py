"""Writers of tiny scenario folders for the loader tests (no tests in here).

The standard fixture, six 100 m squares in EPSG:32651 (UTM 51N, Yancheng)::

    y=3_700_200 +------+------+------+
                |  u1  |  u2  |  u3  |    u1 u2 u4 u5 urban, u3 u6 rural
    y=3_700_100 +------+------+------+    all in county C1, street S1
                |  u4  |  u5  |  u6  |
    y=3_700_000 +------+------+------+
             x=500_000  500_100  500_200  500_300

Sites: s1 owned in u1 (300 m²), s2 for sale in u6 (450 m², 900,000 yuan).
Today's communities (units' current_community): old-A (u1-u3), old-B (u4-u6).

The optional parts of issues 17/18: ``sites_csv(rows, PIPELINE_HEADER)`` for sites
with status/available_year, ``today_csv`` for communities_today.csv and
``budget_toml`` for a [budget] table, all written by ``make_scenario``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

X0, Y0, CELL = 500_000.0, 3_700_000.0, 100.0
SITES_HEADER = "site_id,unit_id,area_m2,owned,max_area_m2,purchase_price_yuan"
PIPELINE_HEADER = SITES_HEADER + ",status,available_year"
TODAY_HEADER = ("current_community,social_orgs,volunteers,workers,qualified_workers,"
                "mgmt_system,harmony_standard,selfgov_standard,services_x")


def grid_units() -> list[dict[str, Any]]:
    out = []
    for n, (r, c) in enumerate([(1, 0), (1, 1), (1, 2), (0, 0), (0, 1), (0, 2)], start=1):
        x, y = X0 + c * CELL, Y0 + r * CELL
        out.append({"unit_id": f"u{n}", "households": 100 * n,
                    "kind": "rural" if c == 2 else "urban", "county": "C1", "street": "S1",
                    "current_community": "old-A" if n < 4 else "old-B",
                    "new_development": n == 2, "no_build": n == 5,
                    "geometry": shapely.box(x, y, x + CELL, y + CELL)})
    return out


def eight_squares(folder: Path, households: dict[str, int] | None = None,
                  site_unit: str = "a1") -> Path:
    """The bench tests' scenario: eight 100 m urban squares in county C1 street S1,
    700 households each unless ``households`` says otherwise, an owned site s1 of 300 m²
    (800 m² at most) in ``site_unit``::

        +----+----+----+----+
        | a1 | a2 | a3 | a4 |
        +----+----+----+----+
        | b1 | b2 | b3 | b4 |
        +----+----+----+----+
    """
    hh = households or {}
    units = []
    for r, row in enumerate(("b", "a")):
        for c in range(4):
            x, y = X0 + c * CELL, Y0 + r * CELL
            uid = f"{row}{c + 1}"
            units.append({"unit_id": uid, "households": hh.get(uid, 700), "kind": "urban",
                          "county": "C1", "street": "S1",
                          "geometry": shapely.box(x, y, x + CELL, y + CELL)})
    return make_scenario(folder, units=units,
                         sites=sites_csv([f"s1,{site_unit},300,true,800,"]))


def sites_csv(rows: Iterable[str] | None = None, header: str = SITES_HEADER) -> str:
    if rows is None:
        rows = ["s1,u1,300,true,600,", "s2,u6,450,false,450,900000"]
    return "\n".join([header, *rows]) + "\n"


def today_csv(rows: Iterable[str] | None = None, header: str = TODAY_HEADER) -> str:
    """communities_today.csv text; by default a full row for old-A and a sparse one
    for old-B (only social_orgs and services_x known)."""
    if rows is None:
        rows = ["old-A,6,450,9,7,true,true,false,助餐; 法律咨询",
                "old-B,3,,,,,,,"]
    return "\n".join([header, *rows]) + "\n"


def budget_toml(horizon: tuple[int, int] = (2014, 2016),
                capital: dict[int, float] | None = None, carry_over: bool = False,
                counties: dict[str, dict[int, float]] | None = None) -> str:
    """A [budget] table (the tiny scenario's plan year is 2014, its county C1)."""
    def table(amounts: dict[int, float]) -> str:
        return "{ " + ", ".join(f"{y} = {a!r}" for y, a in amounts.items()) + " }"

    if capital is None and counties is None:
        capital = {y: 1e6 for y in range(horizon[0], horizon[1] + 1)}
    lines = ["[budget]", f"horizon = [{horizon[0]}, {horizon[1]}]",
             f"carry_over = {'true' if carry_over else 'false'}"]
    if capital is not None:
        lines.append(f"capital_yuan = {table(capital)}")
    for name, amounts in (counties or {}).items():
        lines += [f'[budget.counties."{name}"]', f"capital_yuan = {table(amounts)}"]
    return "\n".join(lines) + "\n"


def toml_text(units: str = "units.geojson", *, crs: str | None = "EPSG:32651",
              extra: str = "", barriers: str | None = None,
              data_extra: str = "") -> str:
    """scenario.toml text; ``data_extra`` goes into [data] (e.g. communities_today =
    "x.csv"), ``extra`` after it (e.g. budget_toml())."""
    lines = ['name = "tiny"', "year = 2014"]
    if crs is not None:
        lines.append(f'crs = "{crs}"')
    lines += ["", "[data]", f'units = "{units}"', 'sites = "sites.csv"']
    if barriers:
        lines.append(f'barriers = "{barriers}"')
    if data_extra:
        lines.append(data_extra)
    return "\n".join(lines) + "\n" + extra


def _jsonable(v: Any) -> Any:
    return v.__geo_interface__ if isinstance(v, shapely.Geometry) else v


def write_geojson(path: Path, records: list[dict[str, Any]], crs: str | None = None) -> None:
    """Raw GeoJSON (so malformed values reach the loader exactly as written)."""
    feats = []
    for r in records:
        geom = r.get("geometry")
        props = {k: v for k, v in r.items() if k != "geometry"}
        feats.append({"type": "Feature", "properties": props,
                      "geometry": None if geom is None else _jsonable(geom)})
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": feats}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc), encoding="utf-8")


def write_csv_units(path: Path, records: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame([{**r, "geometry": r["geometry"].wkt if isinstance(
        r.get("geometry"), shapely.Geometry) else r.get("geometry")} for r in records])
    frame.to_csv(path, index=False)


def write_gis(path: Path, records: list[dict[str, Any]], crs: str | None) -> None:
    gdf = gpd.GeoDataFrame(records, geometry="geometry", crs=crs)
    with warnings.catch_warnings():   # shapefile names truncated to 10 characters
        warnings.simplefilter("ignore")
        gdf.to_file(path)


def make_scenario(folder: Path, *, units: list[dict[str, Any]] | None = None,
                  fmt: str = "geojson", file_crs: str | None = None,
                  toml: str | None = None, sites: str | None = None,
                  barriers: list[Any] | None = None, today: str | None = None,
                  today_encoding: str = "utf-8", today_file: str = "communities_today.csv",
                  budget: str | None = None) -> Path:
    """Write a scenario folder; defaults are the six-square grid above. ``today`` is
    the text of communities_today.csv (written in ``today_encoding``, named
    ``today_file``: another name is given in [data]); ``budget`` is TOML appended to
    the default scenario.toml (ignored when ``toml`` is given)."""
    folder.mkdir(parents=True, exist_ok=True)
    records = grid_units() if units is None else units
    name = f"units.{fmt}"
    if fmt == "geojson":
        write_geojson(folder / name, records, file_crs)
    elif fmt == "csv":
        write_csv_units(folder / name, records)
    else:
        write_gis(folder / name, records, file_crs or "EPSG:32651")
    (folder / "sites.csv").write_text(sites_csv() if sites is None else sites, encoding="utf-8")
    if barriers is not None:
        write_geojson(folder / "barriers.geojson",
                      [{"barrier_id": f"b{i + 1}", "geometry": g}
                       for i, g in enumerate(barriers)])
    if today is not None:
        (folder / today_file).write_bytes(today.encode(today_encoding))
    named = (f'communities_today = "{today_file}"'
             if today is not None and today_file != "communities_today.csv" else "")
    text = toml if toml is not None else toml_text(
        name, barriers="barriers.geojson" if barriers is not None else None,
        data_extra=named, extra=budget or "")
    (folder / "scenario.toml").write_text(text, encoding="utf-8")
    return folder
