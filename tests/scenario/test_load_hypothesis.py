"""Random malformed unit records: always a ScenarioError naming the bad ids, never
another exception. Fixture: the six-square grid of tests/helpers/scenarios.py::

    +------+------+------+
    |  u1  |  u2  |  u3  |
    +------+------+------+
    |  u4  |  u5  |  u6  |
    +------+------+------+
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.errors import ScenarioError
from optimizer.scenario.load import load_scenario
from tests.helpers.scenarios import grid_units, make_scenario, toml_text

BAD_HOUSEHOLDS = st.one_of(
    st.text(max_size=6).filter(lambda s: not s.strip().isdigit()),
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda f: f != int(f)
                                                          if f == f and abs(f) != float("inf")
                                                          else True),
    st.integers(max_value=-1), st.integers(min_value=2**40), st.none(), st.booleans(),
    st.sampled_from(["2.5", "abc", "-0.5", "1e3", "", " ", "NaN", "1,000", "百"]))
BAD_KIND = st.one_of(st.none(),
                     st.text(max_size=6).filter(lambda s: s.strip() not in ("urban", "rural")),
                     st.integers(), st.sampled_from(["Urban", "RURAL", "urban-ish", "town"]))
BAD_WKT = st.sampled_from(["POLYGON((0 0, 1", "LINESTRING(0 0, 1 1)", "POINT(1 2)", "garbage",
                           "POLYGON EMPTY", "POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))"])

# one mutation: (field, strategy of bad values); "missing" removes the field
MUTATIONS = st.one_of(
    st.tuples(st.just("households"), BAD_HOUSEHOLDS),
    st.tuples(st.just("kind"), BAD_KIND),
    st.tuples(st.sampled_from(["county", "street"]), st.sampled_from([None, "", "  "])),
    st.tuples(st.sampled_from(["households", "kind", "county", "street"]), st.just("missing")),
    st.tuples(st.sampled_from(["new_development", "no_build"]),
              st.sampled_from(["yes", "no", 1, 0, "t", 2.5, "真"])),
    st.tuples(st.just("geometry"), BAD_WKT),
    st.tuples(st.just("unit_id"), st.sampled_from(["u1", "u2", "u6"])),   # duplicate
)


def _strictly_bad(field: str, value: Any) -> bool:
    """Whether this value must be rejected (hypothesis may draw an acceptable one)."""
    if field == "households" and isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return True
        digits = text.removeprefix("+").replace(".", "", 1)     # "+12" and "12.0" are fine
        good = digits.isdigit() and number == int(number) and number >= 0
        return not good
    return True


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["u1", "u2", "u3", "u4", "u5", "u6"]), MUTATIONS,
                       min_size=1, max_size=4),
       st.sampled_from(["geojson", "csv"]))
def test_malformed_units_always_give_a_scenario_error(mutations: dict[str, tuple[str, Any]],
                                                      fmt: str) -> None:
    units = grid_units()
    bad_ids: set[str] = set()
    for u in units:
        if u["unit_id"] not in mutations:
            continue
        field, value = mutations[u["unit_id"]]
        if field == "geometry":
            if fmt == "geojson":   # WKT text is not GeoJSON: send the parsed shape or junk
                parsed = shapely.from_wkt(value, on_invalid="ignore")
                value = parsed if parsed is not None else value
        if field == "unit_id":   # duplicates are collected below, after every rename
            u["unit_id"] = value if value != u["unit_id"] else ("u1" if value != "u1" else "u2")
            continue
        if value == "missing":
            u.pop(field)
        else:
            u[field] = value
        if _strictly_bad(field, value):
            bad_ids.add(u["unit_id"])
    ids = [u["unit_id"] for u in units]
    bad_ids |= {uid for uid in ids if ids.count(uid) > 1}
    name = f"units.{fmt}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_scenario(Path(tmp), units=units, fmt=fmt, toml=toml_text(name))
        try:
            load_scenario(folder)
        except ScenarioError as err:
            text = str(err)
            assert err.problems
            named = {p.record for p in err.problems} | {p.value for p in err.problems}
            for uid in bad_ids:
                assert uid in named or uid in text, f"{uid} not named in:\n{text}"
            return
        # only a household string such as "007" or "12.0" can be acceptable
        assert not bad_ids, f"no error for {mutations}"


# --- encodings, line ends, overrides and raw bytes (issue 14, items 9 and 11) ---------
NAMES = st.sampled_from(["近湖街道", "上冈镇", "建湖县", "钟庄街道", "冈东村", "Fuwan Town", "a,b",
                         'say "hi"', "=SUM(A1)"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=30, deadline=None)
@given(st.lists(NAMES, min_size=6, max_size=6), ENCODINGS, NEWLINES, ENCODINGS, NEWLINES)
def test_any_office_encoding_reads_the_same_names(streets: list[str], csv_enc: str,
                                                  csv_nl: str, toml_enc: str,
                                                  toml_nl: str) -> None:
    """Units as CSV and scenario.toml in any encoding a Chinese office uses, with any
    line ends: the same streets come back, and a non-UTF-8 file is noted."""
    units = grid_units()
    for u, name in zip(units, streets, strict=True):
        u["street"] = name
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_scenario(Path(tmp), units=units, fmt="csv",
                               toml=toml_text("units.csv").replace('"tiny"', '"建湖 2013"'))
        chinese = set()
        for name, enc, nl in (("units.csv", csv_enc, csv_nl), ("scenario.toml", toml_enc, toml_nl)):
            text = (folder / name).read_text(encoding="utf-8").replace("\n", nl)
            (folder / name).write_bytes(text.encode(enc))
            if enc.startswith("gb") and not text.isascii():     # else it is UTF-8 too
                chinese.add(name)
        sc = load_scenario(folder)
        assert list(sc.street) == streets and sc.name == "建湖 2013"
        noted = {n.split(" ")[0] for n in sc.notes if "is not UTF-8; read as GB18030" in n}
        assert noted == chinese


OVERRIDE_VALUES = st.one_of(
    st.integers(min_value=-2**63, max_value=2**63 - 1), st.floats(), st.booleans(),
    st.text(max_size=8), st.sampled_from(["2013-03-31", "2013-13-45"]),
    st.lists(st.integers(), max_size=2))


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if v != v else ("inf" if v == float("inf") else
                                     "-inf" if v == float("-inf") else repr(v))
    if isinstance(v, str):   # a JSON string is a TOML basic string, but for DEL
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, list):
        return "[" + ", ".join(map(str, v)) + "]"
    return str(v)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["policy", "costs", "objective"]), st.data())
def test_any_override_value_is_accepted_or_named(section: str, data: st.DataObject) -> None:
    """Any TOML value for any [policy]/[costs]/[objective] key: loads, or a problem on
    that very key (never another key, never another exception)."""
    import dataclasses

    from optimizer.rules.costs import Costs, ObjectiveWeights
    from optimizer.rules.policy import Policy

    cls = {"policy": Policy, "costs": Costs, "objective": ObjectiveWeights}[section]
    key = data.draw(st.sampled_from([f.name for f in dataclasses.fields(cls)]))
    value = data.draw(OVERRIDE_VALUES)
    extra = f"\n[{section}]\n{key} = {_toml_value(value)}\n"
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_scenario(Path(tmp), toml=toml_text(extra=extra))
        try:
            sc = load_scenario(folder)
        except ScenarioError as err:
            assert err.problems
            for p in err.problems:
                assert p.record == f"[{section}]" and (
                    p.field == key or key in p.rule), f"{key}={value!r}: {p}"
            return
        got = getattr(getattr(sc, section), key)
        # a year table ([costs] urban_wage_by_year) may be written as pairs: [] is empty
        assert got == value or (isinstance(value, int) and got == float(value)) or (
            isinstance(value, list) and list(got) == value)


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=1, max_size=6), st.integers(min_value=0, max_value=400),
       st.sampled_from(["sites.csv", "units.csv", "scenario.toml"]))
def test_random_bytes_spliced_into_a_file(junk: bytes, at: int, name: str) -> None:
    """Bytes from anywhere (a bad copy, a wrong encoding) never give a traceback."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_scenario(Path(tmp), fmt="csv", toml=toml_text("units.csv"))
        raw = (folder / name).read_bytes()
        at = min(at, len(raw))
        (folder / name).write_bytes(raw[:at] + junk + raw[at:])
        try:
            load_scenario(folder)
        except ScenarioError as err:
            assert err.problems and all(p.file for p in err.problems)
