"""Whole scenario folders for the loader fuzz (issue 14, part 2): a random valid folder,
then mutations of it, each carrying what the engine must do about it.

A :class:`FolderCase` holds the records of units, sites and barriers, scenario.toml as
a table, how each file is written (format, encoding, line ends), files dropped, added
or damaged, and one :class:`Expect` per mutation: refused naming a file (and record
and field), accepted, or either (the contract does not decide; a refusal must still
name the file). :func:`write_case` writes it; tests/helpers/fuzz_oracle.py judges what
the engine did with it. The mutations themselves: tests/helpers/fuzz_mutations.py.

The base folder is a grid of ``rows x cols`` square units in UTM 51N (Yancheng), in
that CRS or projected to longitude/latitude (EPSG:4326) or CGCS2000 (EPSG:4490)::

    +-----+-----+-----+       kind: urban left of ``split`` columns, rural right
    | r0c0| r0c1| r0c2|       street: by column band (1-2 streets), one county
    +-----+-----+-----+       sites: 0-3 in random units; barrier: 0-1 vertical line
    | r1c0| r1c1| r1c2|
    +-----+-----+-----+
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import shapely
from hypothesis import strategies as st
from pyproj import Transformer

X0, Y0 = 500_000.0, 3_700_000.0
UNITS_COLS = ("unit_id", "households", "kind", "county", "street", "current_community",
              "new_development", "no_build")
SITES_COLS = ("site_id", "unit_id", "area_m2", "owned", "max_area_m2", "purchase_price_yuan")
STREET_NAMES = ("近湖街道", "上冈镇", "钟庄街道", "Fuwan Town", "fuwan town", "a/b", "a_b",
                "=SUM(A1)", "+1 Street", "@x", 'say "hi"', "a,b", "tab\there", "街" * 60)
COUNTY_NAMES = ("建湖县", "Jianhu", "@SUM(1)", "-county")
CRSES = ("EPSG:32651", "EPSG:4326", "EPSG:4490")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")
NEWLINES = ("\n", "\r\n", "\r")


@dataclass(frozen=True)
class Expect:
    """What one mutation obliges: ``must`` is "refuse", "accept" or "either"; a refusal
    names ``file`` (and ``record`` and ``field`` when given)."""

    what: str
    must: str
    file: str | None = None
    record: str | None = None
    field: str | None = None
    hides: str = ""     # what a refusal for it may hide: "records" of its file, the
    #                     whole "file", or "all" (scenario.toml unreadable, [data] off)


@dataclass(frozen=True)
class Raw:
    """A geometry exactly as written: GeoJSON object and WKT text (None: no such form)."""

    geojson: Any = None
    wkt: str | None = None


@dataclass
class FolderCase:
    units: list[dict[str, Any]]
    sites: list[dict[str, Any]]
    barriers: list[Any] | None
    config: dict[str, Any]
    crs: str = "EPSG:32651"
    cell: float = 100.0                # cell size in the case's CRS units
    units_fmt: str = "geojson"
    encoding: dict[str, tuple[str, str]] = field(default_factory=dict)
    drop: set[str] = field(default_factory=set)
    extra: dict[str, bytes | None] = field(default_factory=dict)   # None: a folder
    damage: dict[str, tuple[str, int, bytes]] = field(default_factory=dict)
    toml_tail: str = ""
    toml_omit: set[str] = field(default_factory=set)      # tables left out when written
    repair: bool = False
    expects: list[Expect] = field(default_factory=list)
    mutated: set[tuple[str, str]] = field(default_factory=set)     # (unit_id, field)

    @property
    def units_file(self) -> str:
        return f"units.{self.units_fmt}"

    def expect(self, what: str, must: str, file: str | None = None,
               record: str | None = None, field_: str | None = None, hides: str = "") -> None:
        """Add what a mutation obliges; it replaces what an earlier mutation of the same
        record (and field) obliged, which the new value overwrote."""
        if record is not None:
            self.expects = [e for e in self.expects if (e.file, e.record) != (file, record)
                            or (field_ is not None and e.field not in (None, field_))]
        self.expects.append(Expect(what, must, file, record, field_, hides))

    def renamed(self, file: str, old: str, new: str) -> None:
        """Another mutation changed record ``old``'s id: the loader names what earlier
        mutations of that record obliged by ``new`` ("row N" where the id is blank)."""
        self.expects = [replace(e, record=new) if (e.file, e.record) == (file, old)
                        else e for e in self.expects]

    def describe(self) -> str:
        grid = f"{len(self.units)} units ({self.units_fmt}, {self.crs}), {len(self.sites)} sites"
        return "; ".join([grid, *(e.what for e in self.expects)])


def to_crs(geom: shapely.Geometry, crs: str) -> shapely.Geometry:
    if crs == "EPSG:32651":
        return geom
    tr = Transformer.from_crs("EPSG:32651", crs, always_xy=True)
    return shapely.transform(geom, lambda xy: _stack(tr.transform(xy[:, 0], xy[:, 1])))


def _stack(xy: tuple[Any, Any]) -> Any:
    import numpy as np

    return np.column_stack(xy)


@st.composite
def base_cases(draw: st.DrawFn) -> FolderCase:
    """A random valid folder (module doc): every one must load and solve."""
    rows, cols = draw(st.integers(1, 3)), draw(st.integers(1, 5))
    cell = draw(st.sampled_from([40.0, 150.0, 800.0]))
    crs = draw(st.sampled_from(CRSES))
    split = draw(st.integers(0, cols))
    streets = draw(st.lists(st.sampled_from(STREET_NAMES), min_size=1, max_size=2, unique=True))
    county = draw(st.sampled_from(COUNTY_NAMES))
    optional = draw(st.sets(st.sampled_from(UNITS_COLS[5:])))
    units = []
    for r in range(rows):
        for c in range(cols):
            x, y = X0 + c * cell, Y0 + r * cell
            rec: dict[str, Any] = {
                "unit_id": f"r{r}c{c}", "households": draw(st.integers(0, 1600)),
                "kind": "urban" if c < split else "rural", "county": county,
                "street": streets[c * len(streets) // cols],
                "geometry": to_crs(shapely.box(x, y, x + cell, y + cell), crs)}
            if "current_community" in optional:
                rec["current_community"] = f"old-{c // 2}"
            for flag in ("new_development", "no_build"):
                if flag in optional:
                    rec[flag] = draw(st.booleans())
            units.append(rec)
    sites = []
    for i in range(draw(st.integers(0, 3))):
        area = draw(st.integers(0, 1000))
        owned = draw(st.booleans())
        sites.append({"site_id": draw(st.sampled_from([f"s{i}", f"=S{i}()", f"站{i}"])),
                      "unit_id": units[draw(st.integers(0, len(units) - 1))]["unit_id"],
                      "area_m2": area, "owned": owned,
                      "max_area_m2": area + draw(st.integers(0, 800)),
                      "purchase_price_yuan": "" if owned else draw(st.integers(0, 3_000_000))})
    barriers = None
    if cols > 1 and draw(st.booleans()):
        x = X0 + draw(st.integers(1, cols - 1)) * cell
        barriers = [to_crs(shapely.LineString([(x, Y0 - cell), (x, Y0 + (rows + 1) * cell)]),
                           crs)]
    # only the distinct ids: site ids drawn from a small set may repeat
    sites = list({s["site_id"]: s for s in reversed(sites)}.values())[::-1]
    config: dict[str, Any] = {"name": draw(st.sampled_from(["tiny", "建湖 2013", "=1+1"])),
                              "crs": crs, "year": draw(st.sampled_from([2013, 2014, 2015])),
                              "data": {"units": "units.geojson", "sites": "sites.csv"}}
    if barriers:
        config["data"]["barriers"] = "barriers.geojson"
    fmt = draw(st.sampled_from(["geojson", "csv", "gpkg"]))
    case = FolderCase(units, sites, barriers, config, crs=crs,
                      cell=cell if crs == "EPSG:32651" else cell / 100_000.0, units_fmt=fmt)
    set_units_format(case, fmt)
    return case


def set_units_format(case: FolderCase, fmt: str) -> None:
    """Write the units in ``fmt``; [data] units follows only while it names the units
    file: a path an earlier mutation set (outside the folder, absolute, missing) stays,
    and so does what that mutation obliges."""
    data = case.config.get("data")
    follows = not isinstance(data, dict) or data.get("units") in (
        None, "units.geojson", "units.csv", "units.gpkg")
    case.units_fmt = fmt
    if follows and isinstance(data, dict):
        data["units"] = case.units_file


# --- writing ---------------------------------------------------------------------------
def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):   # a JSON string is a TOML basic string, but for DEL
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    return json.dumps(str(v))


def toml_text(config: dict[str, Any]) -> str:
    lines = [f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}"
             for k, v in config.items() if not isinstance(v, dict)]
    for k, v in config.items():
        if isinstance(v, dict):
            lines += ["", f"[{json.dumps(k, ensure_ascii=False)}]"]
            lines += [f"{json.dumps(kk, ensure_ascii=False)} = {toml_value(vv)}"
                      for kk, vv in v.items()]
    return "\n".join(lines) + "\n"


def csv_cell(v: Any) -> str:
    """How a value reads in a CSV cell (what a spreadsheet would have written)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) \
            else repr(v)
    return str(v)


def _geojson_geometry(g: Any) -> Any:
    if isinstance(g, Raw):
        return g.geojson
    if isinstance(g, shapely.Geometry):
        return json.loads(shapely.to_geojson(g)) if not g.is_empty else \
            {"type": g.geom_type, "coordinates": []}
    return g


def _wkt(g: Any) -> str:
    if isinstance(g, Raw):
        return g.wkt if g.wkt is not None else ""
    if isinstance(g, shapely.Geometry):
        return g.wkt
    return "" if g is None else str(g)


def geojson_text(records: list[dict[str, Any]], crs: str | None) -> str:
    feats = [{"type": "Feature", "properties": {k: v for k, v in r.items() if k != "geometry"},
              "geometry": _geojson_geometry(r.get("geometry"))} for r in records]
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": feats}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc, ensure_ascii=False, allow_nan=True)


def csv_text(records: list[dict[str, Any]], columns: tuple[str, ...],
             geometry: bool = False) -> str:
    cols = [c for c in columns if any(c in r for r in records)] or list(columns)
    cols += [k for r in records for k in r if k not in cols and k != "geometry"]
    cols = list(dict.fromkeys(cols)) + (["geometry"] if geometry else [])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in records:
        w.writerow([_wkt(r.get("geometry")) if c == "geometry" else csv_cell(r.get(c))
                    for c in cols])
    return buf.getvalue()


def _encode(text: str, how: tuple[str, str] | None) -> bytes:
    enc, nl = how or ("utf-8", "\n")
    text = text.replace("\n", nl)
    if enc == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(enc)


def _write_gpkg(path: Path, case: FolderCase) -> None:
    import warnings

    import geopandas as gpd

    recs = [{k: v for k, v in r.items()} for r in case.units]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpd.GeoDataFrame(recs, geometry="geometry", crs=case.crs).to_file(path)


def write_case(case: FolderCase, folder: Path) -> Path:
    """The scenario folder of ``case`` (created; must not exist)."""
    folder.mkdir(parents=True)
    config = {k: v for k, v in case.config.items() if k not in case.toml_omit}
    files: dict[str, str] = {"scenario.toml": toml_text(config) + case.toml_tail,
                             "sites.csv": csv_text(case.sites, SITES_COLS)}
    if case.units_fmt == "geojson":
        files[case.units_file] = geojson_text(case.units, None)
    elif case.units_fmt == "csv":
        files[case.units_file] = csv_text(case.units, UNITS_COLS, geometry=True)
    if case.barriers is not None:
        files["barriers.geojson"] = geojson_text(
            [{"barrier_id": f"b{i}", "geometry": g} for i, g in enumerate(case.barriers)], None)
    for name, text in files.items():
        if name not in case.drop:
            (folder / name).write_bytes(_encode(text, case.encoding.get(name)))
    if case.units_fmt == "gpkg" and case.units_file not in case.drop:
        _write_gpkg(folder / case.units_file, case)
    for name, content in case.extra.items():
        path = folder / name
        if content is None:
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    for name, (how, at, junk) in case.damage.items():
        path = folder / name
        if path.is_file():
            data = path.read_bytes()
            at = at % (len(data) + 1)
            path.write_bytes(data[:at] if how == "truncate" else data[:at] + junk + data[at:])
    return folder
