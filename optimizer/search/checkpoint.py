"""Finished pieces written as soon as they are done, so a killed solve resumes.

Each piece's result goes to ``<folder>/<index>-<key>.json`` (written atomically) with
a fingerprint of everything that decides it: the scenario's units, neighbours, sites
(their status and handover year too), policy, costs (social insurance and wages by
year too), the plan years, objective weights and locks, the piece's units and its seed, and the
code that solved it (the package's source files and the OR-Tools version: after an
upgrade or any edit no old piece is mixed into a new plan), and a checksum of its
content. A resumed solve reuses a file only when its fingerprint and checksum match
and its plan verifies against the piece (a damaged or edited file must never crash the
solve nor reach a plan that fails the checker); the rest is solved again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import os
import re
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from optimizer.model.precedence import NEWDEV, PIPELINE, first_rooms
from optimizer.plan.exemption import of_texts, text_of
from optimizer.plan.lock import describe
from optimizer.rules.remedy import REMEDIES
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.attempt import Choice
from optimizer.search.piece import PieceResult, PieceTask
from optimizer.status import Status


def scenario_fingerprint(scenario: Scenario) -> str:
    h = hashlib.sha256()
    for arr in (scenario.households, scenario.urban, scenario.edges, scenario.x, scenario.y,
                scenario.sites.unit, scenario.sites.area_m2, scenario.sites.owned,
                scenario.sites.max_area_m2, scenario.sites.price_yuan,
                scenario.sites.handover_year):
        h.update(np.ascontiguousarray(arr).tobytes())
    extra = [scenario.unit_ids, scenario.county, scenario.street, scenario.current_community,
             scenario.year, scenario.sites.site_ids,
             # PIPELINE: a site's status decides which center a community must take;
             # the plan years (the [budget] horizon) the running costs counted
             scenario.sites.status, scenario.plan_years,
             None if scenario.new_development is None else scenario.new_development.tolist(),
             None if scenario.no_build is None else scenario.no_build.tolist(),
             dataclasses.asdict(scenario.policy), dataclasses.asdict(scenario.costs),
             dataclasses.asdict(scenario.objective), scenario.locks]
    h.update(json.dumps(extra, sort_keys=True, default=str).encode())
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of every source file of the package and the OR-Tools version."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(version("ortools").encode())
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class Checkpoint:
    """The finished pieces of one solve in ``folder``. A file is reused only when its
    key matches (same scenario, piece, seed and code), its checksum matches its content
    and its plan verifies against the piece (:func:`verify`); any other file is ignored,
    with a note in ``notes`` when it was damaged or edited, and its piece is solved again.
    Saving never stops a solve: a piece that cannot be kept (disk full) is noted."""

    def __init__(self, folder: str | Path, scenario: Scenario) -> None:
        self.folder = Path(folder)
        self.scenario = scenario
        self.scenario_hash = scenario_fingerprint(scenario)
        self.notes: list[str] = []

    def _file(self, task: PieceTask) -> Path:
        return self.folder / f"{task.index:05d}.json"

    def _key(self, task: PieceTask) -> str:
        h = hashlib.sha256(self.scenario_hash.encode())
        h.update(code_fingerprint().encode())
        h.update(np.asarray(task.units, dtype=np.int64).tobytes())
        h.update(f"{task.key}|{task.seed}".encode())
        return h.hexdigest()

    def load(self, task: PieceTask) -> PieceResult | None:
        path = self._file(task)
        if not path.exists():
            return None
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            return self._ignore(task, path, f"it cannot be read ({exc})")
        if not isinstance(doc, dict):
            return self._ignore(task, path, "it does not hold a JSON object")
        if doc.get("key") != self._key(task):
            return None          # another scenario, piece, seed or code version: not an error
        if doc.get("digest") != _digest(doc["key"], doc.get("result")):
            return self._ignore(task, path, "its content does not match its checksum "
                                            "(edited or damaged)")
        res = parse_result(doc.get("result"))
        why = res if isinstance(res, str) else verify(self.scenario, task, res)
        if why is not None:
            return self._ignore(task, path, why)
        assert not isinstance(res, str)
        return res

    def _ignore(self, task: PieceTask, path: Path, why: str) -> PieceResult | None:
        """Note why the file at ``path`` is not used; its piece is solved again."""
        self.notes.append(f"finished piece {path.name} ({' / '.join(task.key)}) ignored and "
                          f"solved again: {why}")
        return None

    def save(self, task: PieceTask, result: PieceResult) -> None:
        key = self._key(task)
        body = dataclasses.asdict(result)
        # the exemptions' words, as communities.csv has them (a resumed piece's
        # records are words only: its reports read them, optimizer.report.reasons_exempt)
        body["exemptions"] = [text_of(rs) for rs in result.exemptions]
        doc: dict[str, Any] = {"key": key, "result": body, "digest": _digest(key, body)}
        path = self._file(task)
        tmp = path.with_suffix(".tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(doc), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            self.notes.append(f"finished piece {' / '.join(task.key)} not kept in "
                              f"{self.folder} ({describe(exc)}): a resumed run solves it again")


def clear_checkpoint(folder: str | Path) -> None:
    """Remove the piece files of a checkpoint folder, and the folder when nothing else is
    in it (a file we did not write is never removed)."""
    path = Path(folder)
    if not path.is_dir():
        return
    for f in path.iterdir():
        if PIECE_FILE.fullmatch(f.name) and f.is_file():
            f.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.rmdir()


PIECE_FILE = re.compile(r"\d{5}\.(json|tmp)")


def _digest(key: object, body: object) -> str:
    text = json.dumps([key, body], sort_keys=True, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: object) -> bool:
    return (_is_int(v) or isinstance(v, float)) and math.isfinite(float(v))  # type: ignore[arg-type]


_CHOICE_FIELDS = {f.name for f in dataclasses.fields(Choice)}
_RESULT_FIELDS = {f.name for f in dataclasses.fields(PieceResult)}
_LATER = {"memory_stopped"}


def parse_result(raw: object) -> PieceResult | str:
    """A PieceResult from a checkpoint's JSON, or what is wrong with it."""
    if not isinstance(raw, dict):
        return "its result is not a JSON object"
    # memory_stopped came later: a checkpoint written before it has none (False).
    if set(raw) - _LATER != _RESULT_FIELDS - _LATER or not set(raw) <= _RESULT_FIELDS:
        return f"its result has the fields {sorted(raw)}, not {sorted(_RESULT_FIELDS)}"
    for name in ("status", "method", "reason"):
        if not isinstance(raw[name], str):
            return f"{name} is not text"
    if raw["status"] not in Status.__members__:
        return f"status {raw['status']!r} is not one of {', '.join(Status.__members__)}"
    if not isinstance(raw.get("memory_stopped", False), bool):
        return "memory_stopped is not true or false"
    if not _is_int(raw["index"]) or not _is_number(raw["bound"]) \
            or not _is_number(raw["time_s"]):
        return "index, bound or time_s is not a finite number"
    if not isinstance(raw["exemptions"], list) \
            or not all(isinstance(e, str) for e in raw["exemptions"]):
        return "exemptions is not a list of texts"
    if not isinstance(raw["choices"], list):
        return "choices is not a list"
    choices = []
    for k, c in enumerate(raw["choices"]):
        # "capped" came later: a checkpoint without it has none
        if not isinstance(c, dict) or set(c) | {"capped"} != _CHOICE_FIELDS:
            return f"community {k} does not have the fields {sorted(_CHOICE_FIELDS)}"
        if not _is_int(c["center"]) or not isinstance(c["remedy"], str) \
                or not isinstance(c["members"], list) or not c["members"] \
                or not all(_is_int(u) for u in c["members"]) \
                or not all(v is None or _is_int(v) for v in (c["site"], c["credit_site"])) \
                or not isinstance(c.get("capped", False), bool):
            return f"community {k} has a field of the wrong type"
        choices.append(Choice(center=c["center"], members=tuple(c["members"]),
                              remedy=c["remedy"], site=c["site"],
                              credit_site=c["credit_site"],
                              capped=c.get("capped", False)))
    return PieceResult(index=raw["index"], choices=tuple(choices),
                       exemptions=tuple(of_texts(e) for e in raw["exemptions"]),
                       status=Status(raw["status"]),
                       bound=float(raw["bound"]), time_s=float(raw["time_s"]),
                       method=raw["method"], reason=raw["reason"],
                       memory_stopped=bool(raw.get("memory_stopped", False)))


def verify(scenario: Scenario, task: PieceTask, res: PieceResult) -> str | None:
    """What makes ``res`` unfit as the plan of piece ``task``, or None: its communities
    must partition the piece's units (households in = households out), each connected,
    centred in one of its units on a site that stands there (or built where building is
    allowed), of a size within the bounds unless exempt, at a price the remedy allows."""
    if res.index != task.index:
        return f"it is the plan of piece {res.index}, not of piece {task.index}"
    if len(res.exemptions) != len(res.choices):
        return f"it has {len(res.exemptions)} exemptions for {len(res.choices)} communities"
    units = {int(u) for u in task.units.tolist()}
    lo, hi = scenario.policy.bounds(bool(scenario.urban[int(task.units[0])]))
    seen: set[int] = set()
    for k, ch in enumerate(res.choices):
        members = set(ch.members)
        if len(members) != len(ch.members) or members & seen:
            return f"community {k} repeats a unit of the piece"
        if not members <= units:
            return f"community {k} holds units outside the piece"
        seen |= members
        if ch.center not in members:
            return f"community {k} is centred outside its units"
        if not _connected(scenario, members):
            return f"community {k} is not connected"
        why = _center_problem(scenario, ch) or _first_rooms_problem(scenario, ch)
        if why:
            return f"community {k}: {why}"
        hh = int(scenario.households[sorted(members)].sum())
        if not res.exemptions[k] and not lo <= hh <= hi:
            return f"community {k} has {hh:,} households, outside {lo:,}-{hi:,}, unexempt"
        try:
            price(scenario, ch)
        except (ValueError, AssertionError, IndexError):
            return f"community {k}: remedy {ch.remedy} is impossible on its site"
    if seen != units:
        hh = int(scenario.households[sorted(units - seen)].sum())
        return f"{len(units - seen)} units ({hh:,} households) of the piece are in no community"
    return None


def _center_problem(scenario: Scenario, ch: Choice) -> str:
    n_sites = len(scenario.sites.site_ids)
    if ch.remedy not in REMEDIES:
        return f"unknown remedy {ch.remedy!r}"
    if ch.remedy in ("build", "codevelop"):
        if ch.site is not None or ch.credit_site is not None:
            return f"{ch.remedy} names a site"
        if ch.remedy == "build" and scenario.is_no_build(ch.center):
            return "build in a no_build unit"
        if ch.remedy == "codevelop" and not scenario.is_new_development(ch.center):
            return "codevelop outside a new development"
        return ""
    if ch.site is None or not 0 <= ch.site < n_sites:
        return f"{ch.remedy} without a valid site"
    if int(scenario.sites.unit[ch.site]) != ch.center:
        return "its site does not stand in its center unit"
    if ch.credit_site is not None and (ch.remedy != "swap" or ch.credit_site == ch.site
                                       or not 0 <= ch.credit_site < n_sites):
        return "a site given up that a swap cannot give up"
    return ""


def _first_rooms_problem(scenario: Scenario, ch: Choice) -> str:
    """PIPELINE, NEWDEV-FIRST: rooms coming or co-built are the center where held."""
    kind = first_rooms(scenario, ch.members)
    if kind == PIPELINE and (ch.site is None or not scenario.sites.is_pipeline(ch.site)):
        return "it holds rooms under construction or planned but is centred elsewhere"
    if kind == NEWDEV and ch.remedy != "codevelop":
        return "it holds a new development but does not take its co-built rooms"
    return ""


def _connected(scenario: Scenario, members: set[int]) -> bool:
    start = next(iter(members))
    seen, todo = {start}, [start]
    while todo:
        u = todo.pop()
        for v in scenario.neighbours[u].tolist():
            if v in members and v not in seen:
                seen.add(v)
                todo.append(v)
    return seen == members
