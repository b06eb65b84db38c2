"""Mutations of a scenario folder (tests/helpers/fuzz_folders.py), each with what the
contract (../shared/CONTRACT.md) obliges the engine to do about it.

Every value of every field (units, sites, scenario.toml), geometry edge cases (empty,
invalid, self-intersecting, duplicate, tiny, huge, far MultiPolygon parts, holes, NaN,
3-D), missing, extra, empty and damaged files, encodings and line ends. A
:class:`Mutation` is drawn with its parameters (so hypothesis can shrink it) and applied
to a case, where it records its :class:`~tests.helpers.fuzz_folders.Expect`.

The classifiers below are this test's own reading of the contract, not the loader's
code: ``accept`` where the contract says the value is valid, ``refuse`` where it is
not, ``either`` where it does not say (then a refusal must still name the file).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shapely
from hypothesis import strategies as st

from tests.helpers.fuzz_contract import (
    bool_verdict,
    count_verdict,
    kind_verdict,
    site_verdicts,
    solver_verdict,
    text_verdict,
)
from tests.helpers.fuzz_folders import (
    ENCODINGS,
    NEWLINES,
    SITES_COLS,
    UNITS_COLS,
    FolderCase,
    Raw,
    csv_cell,
    set_units_format,
)

MISSING = "<missing>"
SPECIAL_TEXT = ["", " ", "007", "12.0", "1e3", "-0", "1,000", "NaN", "inf", "true", "True",
                "FALSE", "urban", " rural ", "Urban", "百", "=1+1", "a\x00b", "null", "+5"]
ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 10_000),
    st.integers(min_value=2**31, max_value=2**70), st.floats(), st.text(max_size=8),
    st.sampled_from(SPECIAL_TEXT), st.lists(st.integers(0, 9), max_size=2),
    st.dictionaries(st.sampled_from(["a", "名"]), st.integers(0, 9), max_size=1))
TOML_VALUE = st.one_of(  # TOML has no null; tables as inline tables
    st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(), st.text(max_size=8),
    st.sampled_from(SPECIAL_TEXT), st.lists(st.integers(0, 9), max_size=2),
    st.sampled_from([{"a": 1}]))


# --- the mutations ---------------------------------------------------------------------
@dataclass(frozen=True)
class Mutation:
    kind: str
    pick: int
    arg: Any

    def apply(self, case: FolderCase) -> None:
        MUTATORS[self.kind](case, self.pick, self.arg)


def _unit(case: FolderCase, pick: int, avoid_sites: bool = False) -> dict[str, Any] | None:
    pool = [u for u in case.units if isinstance(u.get("unit_id"), str)]  # not a mutated id
    if avoid_sites:
        used = {str(s.get("unit_id")) for s in case.sites}
        pool = [u for u in pool if u["unit_id"] not in used]
    return pool[pick % len(pool)] if pool else None


def _editable(case: FolderCase) -> None:
    if case.units_fmt == "gpkg":      # odd values need a text format
        set_units_format(case, "geojson")


def unit_field(case: FolderCase, pick: int, arg: tuple[str, Any]) -> None:
    _editable(case)
    name, value = arg
    u = _unit(case, pick)
    if u is None:
        return
    uid = u["unit_id"]
    seen = value if case.units_fmt == "geojson" or value is MISSING else csv_cell(value)
    if value is MISSING:
        u.pop(name, None)
        seen = None
    else:
        u[name] = value
    if isinstance(seen, str) and "\x00" in seen and case.units_fmt == "csv":
        case.expect(f"unit {uid} {name}={value!r}: a NUL byte in a CSV file", "refuse",
                    case.units_file, hides="file")
        return
    if name == "households":
        must = count_verdict(seen)[0]
    elif name == "kind":
        must = kind_verdict(seen)
    elif name in ("county", "street", "current_community"):
        must = text_verdict(seen, required=name != "current_community")
    else:
        must = bool_verdict(seen)
    case.mutated.add((uid, name))
    case.expect(f"unit {uid} {name}={value!r}", must, case.units_file, uid, name)


def unit_id(case: FolderCase, pick: int, value: Any) -> None:
    _editable(case)
    u = _unit(case, pick, avoid_sites=True)
    if u is None:
        return
    row = case.units.index(u) + 1
    seen = value if case.units_fmt == "geojson" else csv_cell(value)
    # each other id as it reads in the file (False in a CSV is 'false', not 'False')
    others = {(csv_cell(o["unit_id"]) if case.units_fmt == "csv" else str(o["unit_id"]))
              .strip() for o in case.units if o is not u}
    old = str(u["unit_id"])
    u["unit_id"] = value
    case.mutated.add((str(value), "unit_id"))
    # what earlier mutations of this unit obliged is now named by its new id, or by its
    # row where that is blank (a households=None beside a blank id: "row 1")
    blank = seen is None or isinstance(seen, bool | list | dict) or not str(seen).strip()
    case.renamed(case.units_file, old, f"row {row}" if blank else str(seen).strip())
    if isinstance(seen, str) and "\x00" in seen and case.units_fmt == "csv":
        case.expect(f"row {row} unit_id={value!r}: a NUL byte in a CSV file", "refuse",
                    case.units_file, hides="file")
        return
    if blank:
        case.expect(f"row {row} unit_id={value!r}", "refuse", case.units_file, f"row {row}",
                    "unit_id")
    elif str(seen).strip() in others:
        case.expect(f"row {row} unit_id={value!r} (a duplicate)", "refuse", case.units_file,
                    str(seen).strip(), "unit_id")
    else:
        case.expect(f"row {row} unit_id={value!r}", "accept" if isinstance(seen, str)
                    and seen == seen.strip() else "either", case.units_file)


def drop_column(case: FolderCase, pick: int, name: str) -> None:
    _editable(case)
    for u in case.units:
        u.pop(name, None)
    required = name in UNITS_COLS[:5]
    case.expect(f"no {name} column in {case.units_file}", "refuse" if required else "accept",
                case.units_file, None, name if required else None, hides="records")


def geometry(case: FolderCase, pick: int, how: str) -> None:
    _editable(case)
    u = _unit(case, pick)
    if u is None:
        return
    g, uid, c = u["geometry"], u["unit_id"], case.cell
    if not isinstance(g, shapely.Polygon):    # an earlier mutation replaced it
        return
    x0, y0, x1, y1 = g.bounds
    must = "accept"
    if how == "empty":
        u["geometry"], must = Raw({"type": "Polygon", "coordinates": []}, "POLYGON EMPTY"), "refuse"
    elif how == "null":
        u["geometry"], must = None, "refuse"
    elif how in ("point", "line", "collection"):
        u["geometry"] = {"point": g.centroid, "line": g.exterior,
                         "collection": shapely.GeometryCollection([g])}[how]
        must = "refuse"
    elif how == "bowtie":
        u["geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
        must = "accept" if case.repair else "refuse"
    elif how == "unclosed":
        ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
        u["geometry"] = Raw({"type": "Polygon", "coordinates": [ring]},
                            "POLYGON((" + ", ".join(f"{a} {b}" for a, b in ring) + "))")
        must = "refuse"
    elif how == "nan":
        ring = [[x0, y0], [math.nan, y0], [x1, y1], [x0, y0]]
        u["geometry"] = Raw({"type": "Polygon", "coordinates": [ring]},
                            "POLYGON((" + ", ".join(f"{a} {b}" for a, b in ring) + "))")
        must = "refuse"
    elif how == "z":
        u["geometry"], must = shapely.force_3d(g, 7.0), "either"
    elif how == "tiny":
        u["geometry"] = shapely.box(x0, y0, x0 + c * 1e-6, y0 + c * 1e-6)
    elif how == "huge":
        u["geometry"], must = shapely.affinity.translate(g, 1e13, 1e13), "either"
    elif how == "far":
        far = 50 * c if case.crs == "EPSG:32651" else 0.5
        u["geometry"] = shapely.MultiPolygon([g, shapely.affinity.translate(g, far, 0)])
    elif how == "dup":
        u["geometry"] = case.units[(pick + 1) % len(case.units)]["geometry"]
    elif how == "hole":
        inner = shapely.box(x0 + (x1 - x0) / 3, y0 + (y1 - y0) / 3, x1 - (x1 - x0) / 3,
                            y1 - (y1 - y0) / 3)
        u["geometry"] = g.difference(inner)
        case.units.append({**{k: v for k, v in u.items() if k != "geometry"},
                           "unit_id": f"hole-{uid}", "households": 10, "geometry": inner})
    elif how == "shift":
        u["geometry"] = shapely.affinity.translate(g, (x1 - x0) / 2, 0)
    elif how == "reverse":
        u["geometry"] = shapely.Polygon(list(g.exterior.coords)[::-1])
    case.expect(f"unit {uid} geometry {how}", must, case.units_file, uid, "geometry")


def site_field(case: FolderCase, pick: int, arg: tuple[str, Any]) -> None:
    name, value = arg
    if not case.sites:
        case.sites.append({"site_id": "s-new", "unit_id": case.units[0]["unit_id"],
                           "area_m2": 300, "owned": True, "max_area_m2": 600,
                           "purchase_price_yuan": ""})
    n = pick % len(case.sites)
    row = case.sites[n]
    before = csv_cell(row.get("site_id")).strip() or f"row {n + 1}"
    row[name] = None if value is MISSING else value
    if "\x00" in csv_cell(row[name]):
        case.expect(f"site {before} {name}={value!r}: a NUL byte in a CSV file", "refuse",
                    "sites.csv", hides="file")
        return
    ids = {str(u["unit_id"]) for u in case.units if "unit_id" in u}
    problems = site_verdicts(row, n, ids)
    sid = csv_cell(row.get("site_id")).strip() or f"row {n + 1}"
    musts = {m for m, _ in problems}
    must = "refuse" if "refuse" in musts else "either" if musts else "accept"
    fields = [f for m, f in problems if m == must]
    case.expects = [e for e in case.expects
                    if e.file != "sites.csv" or e.record not in (sid, before)]
    case.expect(f"site {sid} {name}={value!r}", must, "sites.csv", sid,
                fields[0] if fields else None)


def config(case: FolderCase, pick: int, arg: tuple[str, str, Any]) -> None:
    table, key, value = arg
    where = case.config if table == "" else case.config.setdefault(table, {})
    where[key] = value
    record = "(top level)" if table == "" else f"[{table}]"
    if table == "solver":
        must = solver_verdict(key, value)
    elif table == "":
        must = {"name": "accept" if isinstance(value, str) and value.strip() else "refuse",
                "year": "accept" if isinstance(value, int) and not isinstance(value, bool)
                and 1900 <= value <= 2200 else "refuse",
                "crs": "accept" if value == case.crs else "either"}.get(key, "refuse")
    else:
        must = "either"       # [policy]/[costs]/[objective]: tests/scenario covers each key
    case.expect(f"scenario.toml {record} {key}={value!r}", must, "scenario.toml",
                record if must == "refuse" else None, key if must == "refuse" else None)


def data_path(case: FolderCase, pick: int, how: str) -> None:
    key = ("units", "sites")[pick % 2]
    case.config["data"][key] = {"outside": f"../{key}.x", "absolute": "/etc/hostname",
                                "missing": f"nowhere/{key}.csv"}[how]
    case.expect(f"scenario.toml data.{key} {how}", "refuse", hides="all")


def files(case: FolderCase, pick: int, how: str) -> None:
    text_files = ["scenario.toml", "sites.csv"] + (
        [case.units_file] if case.units_fmt != "gpkg" else []) + (
        ["barriers.geojson"] if case.barriers else [])
    name = text_files[pick % len(text_files)]
    hides = "all" if name == "scenario.toml" else "file"
    if how == "drop":
        case.drop.add(name)
        case.expect(f"{name} missing", "refuse", name, hides=hides)
    elif how == "empty":
        case.damage[name] = ("truncate", 0, b"")
        case.expect(f"{name} empty (0 bytes)", "refuse", name, hides=hides)
    elif how == "folder":
        case.drop.add(name)
        case.extra[name] = None
        case.expect(f"{name} is a folder", "refuse", name, hides=hides)
    elif how == "extra":
        case.extra[("notes.docx", "sub/readme.txt", "units.csv.bak")[pick % 3]] = b"PK\x03\x04"
        case.expect("an extra file", "accept")
    elif how == "header-only-sites":
        case.sites.clear()
        case.expects = [e for e in case.expects      # the rows are gone, not the file's faults
                        if e.file != "sites.csv" or (e.record is None and "NUL" not in e.what)]
        case.expect("sites.csv with its header only", "accept")
    elif how == "no-data-table":
        case.toml_omit.add("data")
        case.expect("scenario.toml without [data]", "refuse", "scenario.toml", hides="all")
    elif how == "duplicate-table":
        case.toml_tail += '\n[data]\nunits = "x.geojson"\n'
        case.expect("scenario.toml with [data] twice", "refuse", "scenario.toml", hides="all")


def encoding(case: FolderCase, pick: int, arg: tuple[str, str]) -> None:
    names = ["scenario.toml", "sites.csv"] + ([case.units_file] if case.units_fmt != "gpkg"
                                              else []) + (["barriers.geojson"] if case.barriers
                                                          else [])
    name = names[pick % len(names)]
    case.encoding[name] = arg
    case.expect(f"{name} in {arg[0]} with {arg[1]!r} line ends", "accept")


def damage(case: FolderCase, pick: int, arg: tuple[str, bytes]) -> None:
    how, junk = arg
    names = ["scenario.toml", "sites.csv"] + ([case.units_file] if case.units_fmt != "gpkg"
                                              else [])
    name = names[pick % len(names)]
    case.damage[name] = (how, pick * 7919, junk)
    case.expect(f"{name} {how} at byte {pick * 7919} {junk!r}", "either", name,
                hides="all" if name == "scenario.toml" else "file")


MUTATORS: dict[str, Callable[[FolderCase, int, Any], None]] = {
    "unit_field": unit_field, "unit_id": unit_id, "drop_column": drop_column,
    "geometry": geometry, "site_field": site_field, "config": config, "data_path": data_path,
    "files": files, "encoding": encoding, "damage": damage}
GEOMETRY_CASES = ["empty", "null", "point", "line", "collection", "bowtie", "unclosed", "nan",
                  "z", "tiny", "huge", "far", "dup", "hole", "shift", "reverse"]
SOLVER_KEYS = ["time_limit_s", "workers", "seed", "relative_gap", "log_search"]
POLICY_KEYS = [("policy", "urban_max_households"), ("policy", "rural_min_households"),
               ("costs", "build_yuan_per_m2"), ("costs", "discount_rate"),
               ("policy", "households_per_coordinator"), ("objective", "cut_edge_yuan")]
PICK = st.integers(0, 10_000)


def _m(kind: str, arg: st.SearchStrategy[Any]) -> st.SearchStrategy[Mutation]:
    return st.builds(Mutation, st.just(kind), PICK, arg)


MUTATIONS: st.SearchStrategy[Mutation] = st.one_of(
    _m("unit_field", st.tuples(st.sampled_from(UNITS_COLS[1:]),
                               st.one_of(ANY_VALUE, st.just(MISSING)))),
    _m("unit_id", ANY_VALUE),
    _m("drop_column", st.sampled_from(UNITS_COLS)),
    _m("geometry", st.sampled_from(GEOMETRY_CASES)),
    _m("site_field", st.tuples(st.sampled_from(SITES_COLS),
                               st.one_of(ANY_VALUE, st.just(MISSING),
                                         st.sampled_from([10**15, "1" + "0" * 400, -1])))),
    _m("config", st.one_of(
        st.tuples(st.just(""), st.sampled_from(["name", "year", "crs", "nmae", "budgett"]),
                  TOML_VALUE),
        st.tuples(st.just("solver"), st.sampled_from(SOLVER_KEYS), TOML_VALUE),
        st.sampled_from(POLICY_KEYS).flatmap(
            lambda tk: st.tuples(st.just(tk[0]), st.just(tk[1]), TOML_VALUE)))),
    _m("data_path", st.sampled_from(["outside", "absolute", "missing"])),
    _m("files", st.sampled_from(["drop", "empty", "folder", "extra", "header-only-sites",
                                 "no-data-table", "duplicate-table"])),
    _m("encoding", st.tuples(st.sampled_from(ENCODINGS), st.sampled_from(NEWLINES))),
    _m("damage", st.tuples(st.sampled_from(["truncate", "splice"]),
                           st.binary(min_size=1, max_size=6))),
)


@st.composite
def fuzz_cases(draw: st.DrawFn, max_mutations: int = 3) -> FolderCase:
    """A random folder (fuzz_folders.base_cases) with up to ``max_mutations`` mutations."""
    from tests.helpers.fuzz_folders import base_cases

    case = draw(base_cases())
    case.repair = draw(st.booleans())
    for mutation in draw(st.lists(MUTATIONS, max_size=max_mutations)):
        mutation.apply(case)
    return case
