"""scenario.toml: name, crs, year, [data] paths, overrides, locks and the budget
(CONTRACT.md; [budget] is checked by :mod:`optimizer.scenario.read_budget`).

Every problem is added to the collector; the returned :class:`Config` holds the
defaults wherever a value was bad, so the other files can still be checked in the
same pass.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any

from pyproj import CRS
from pyproj.exceptions import CRSError

from optimizer.errors import ConfigError, ProblemCollector
from optimizer.geo.crs import not_horizontal
from optimizer.rules.costs import Costs, ObjectiveWeights, SolverParams
from optimizer.rules.overrides import apply_overrides, override_problems
from optimizer.rules.policy import Policy
from optimizer.scenario.read_text import read_text

FILE = "scenario.toml"
TOP_KEYS = ("name", "crs", "year", "data", "policy", "costs", "objective", "solver", "locks",
            "budget", "names")
DATA_KEYS = ("units", "sites", "barriers", "communities_today")
OPTIONAL_DATA = ("barriers", "communities_today")
SECTIONS: dict[str, type] = {"policy": Policy, "costs": Costs, "objective": ObjectiveWeights,
                             "solver": SolverParams}


@dataclass
class Config:
    name: str
    year: int = 2013
    crs: CRS | None = None
    units: str | None = None
    sites: str | None = None
    barriers: str | None = None
    communities_today: str | None = None
    budget: Any = None          # the raw [budget] table; checked once the counties are known
    names: Any = None           # the raw [names] table; checked once the units are read
    policy: Policy = field(default_factory=Policy)
    costs: Costs = field(default_factory=Costs)
    objective: ObjectiveWeights = field(default_factory=ObjectiveWeights)
    solver: SolverParams = field(default_factory=SolverParams)
    locks: dict[str, Any] = field(default_factory=dict)


def _suggest(key: str, names: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'?" if close else f"valid keys: {', '.join(names)}"


def parse_crs(text: Any, file: str, record: str, field_name: str,
              collector: ProblemCollector) -> CRS | None:
    """A pyproj CRS from user text such as 'EPSG:32651'; a problem when it is not one."""
    if not isinstance(text, str) or not text.strip():
        collector.add(file, "must be a CRS string such as 'EPSG:32651'", record=record,
                      field=field_name, value=text)
        return None
    try:
        crs = CRS.from_user_input(text)
    except CRSError as exc:
        collector.add(file, "is not a CRS pyproj knows (e.g. 'EPSG:32651', 'EPSG:4490')",
                      record=record, field=field_name, value=text,
                      hint=str(exc).splitlines()[0][:120])
        return None
    why = not_horizontal(crs)
    if why is not None:
        collector.add(file, why, record=record, field=field_name, value=text)
        return None
    return crs


def read_config(folder: Path, collector: ProblemCollector) -> Config | None:
    """Parse ``folder/scenario.toml``; None when it is missing or not valid TOML."""
    path = folder / FILE
    if not path.is_file():
        collector.add(FILE, f"file not found in {folder} (every scenario folder needs one)")
        return None
    text = read_text(path, FILE, collector)
    if text is None:
        return None
    try:
        doc = tomllib.loads(text)   # BOM, GBK and line ends handled by read_text
    except tomllib.TOMLDecodeError as exc:
        collector.add(FILE, f"TOML syntax error: {exc}")
        return None

    cfg = Config(name=folder.resolve().name)
    for key, value in doc.items():
        if key not in TOP_KEYS:
            collector.add(FILE, "unknown top-level key", record="(top level)", field=key,
                          value=value, hint=_suggest(key, TOP_KEYS))
    if "name" in doc:
        if isinstance(doc["name"], str) and doc["name"].strip():
            cfg.name = doc["name"]
        else:
            collector.add(FILE, "must be non-empty text", record="(top level)", field="name",
                          value=doc["name"])
    if "year" in doc:
        year = doc["year"]
        if isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 2200:
            cfg.year = year
        else:
            collector.add(FILE, "must be a whole year such as 2013 (selects FUND-URBAN)",
                          record="(top level)", field="year", value=year)
    if "crs" in doc:
        cfg.crs = parse_crs(doc["crs"], FILE, "(top level)", "crs", collector)

    _read_data(doc, cfg, folder, collector)
    for section, cls in SECTIONS.items():
        table = doc.get(section)
        if table is None:
            continue
        if not isinstance(table, dict):
            collector.add(FILE, "must be a table", record=f"[{section}]", field=section,
                          value=table)
            continue
        problems = override_problems(cls, table, FILE, section)
        if problems:
            collector.extend(problems)
            continue
        try:
            setattr(cfg, section, apply_overrides(getattr(cfg, section), table, FILE, section))
        except ConfigError as exc:  # consistency checks such as Policy.problems
            collector.extend(exc.problems)
    if "budget" in doc:
        cfg.budget = doc["budget"]
    if "names" in doc:
        cfg.names = doc["names"]
    if "locks" in doc:
        if isinstance(doc["locks"], dict):
            cfg.locks = dict(doc["locks"])
        else:
            collector.add(FILE, "must be a table", record="[locks]", field="locks",
                          value=doc["locks"])
    return cfg


def confinement_problem(folder: Path, value: str) -> str | None:
    """Why ``value`` (a [data] path) is not a file path inside ``folder``, or None.

    A scenario folder is self-contained: it can be zipped, mailed and loaded on a
    server without reading anything else on that machine. So no absolute path, no
    '..', and no symbolic link that leads out of the folder.
    """
    if "\x00" in value:
        return "must be a file name; it holds a NUL character"
    pure = Path(value)
    if pure.is_absolute() or PureWindowsPath(value).is_absolute() \
            or PureWindowsPath(value).drive:
        return ("must be a path relative to the scenario folder, not an absolute path "
                "(copy the file into the folder)")
    if ".." in pure.parts or ".." in PureWindowsPath(value).parts:
        return "must stay inside the scenario folder; '..' leads out of it"
    try:
        root = folder.resolve()
        target = (folder / pure).resolve()
    except (OSError, RuntimeError) as exc:   # RuntimeError: a symlink loop (Python 3.11)
        return f"cannot be resolved: {exc}"
    if not target.is_relative_to(root):
        return (f"must stay inside the scenario folder; a symbolic link leads out of it "
                f"(to {target})")
    return None


def _read_data(doc: dict[str, Any], cfg: Config, folder: Path,
               collector: ProblemCollector) -> None:
    data = doc.get("data")
    if data is None:
        collector.add(FILE, "the [data] table is required (units = ..., sites = ...)",
                      record="[data]")
        return
    if not isinstance(data, dict):
        collector.add(FILE, "must be a table", record="[data]", field="data", value=data)
        return
    for key, value in data.items():
        if key not in DATA_KEYS:
            collector.add(FILE, "unknown key in [data]", record="[data]", field=key, value=value,
                          hint=_suggest(key, DATA_KEYS))
    for key in DATA_KEYS:
        if key not in data:
            if key not in OPTIONAL_DATA:
                collector.add(FILE, "is required: the path of the file, relative to the "
                              "scenario folder", record="[data]", field=key)
            continue
        value = data[key]
        if isinstance(value, str) and value.strip():
            why = confinement_problem(folder, value)
            if why is None:
                setattr(cfg, key, value)
            else:
                collector.add(FILE, why, record="[data]", field=key, value=value)
        else:
            collector.add(FILE, "must be a file path (text)", record="[data]", field=key,
                          value=value)
