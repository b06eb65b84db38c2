"""Finished pieces written as soon as they are done, so a killed solve resumes.

Each piece's result goes to ``<folder>/<index>-<key>.json`` (written atomically) with
a fingerprint of everything that decides it: the scenario's units, neighbours, sites,
policy, costs, objective weights and locks, the piece's units and its seed, and the
code that solved it (the package's source files and the OR-Tools version: after an
upgrade or any edit no old piece is mixed into a new plan). A resumed solve reuses a
file only when its fingerprint matches; the rest is solved again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from optimizer.scenario.model import Scenario
from optimizer.search.component import Choice
from optimizer.search.piece import PieceResult, PieceTask


def scenario_fingerprint(scenario: Scenario) -> str:
    h = hashlib.sha256()
    for arr in (scenario.households, scenario.urban, scenario.edges, scenario.x, scenario.y,
                scenario.sites.unit, scenario.sites.area_m2, scenario.sites.owned,
                scenario.sites.max_area_m2, scenario.sites.price_yuan):
        h.update(np.ascontiguousarray(arr).tobytes())
    extra = [scenario.unit_ids, scenario.county, scenario.street, scenario.current_community,
             scenario.year, scenario.sites.site_ids,
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
    def __init__(self, folder: str | Path, scenario: Scenario) -> None:
        self.folder = Path(folder)
        self.scenario_hash = scenario_fingerprint(scenario)

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
            doc = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        if doc.get("key") != self._key(task):
            return None
        res = doc["result"]
        res["choices"] = tuple(Choice(**{**c, "members": tuple(c["members"])})
                               for c in res["choices"])
        res["exemptions"] = tuple(res["exemptions"])
        return PieceResult(**res)

    def save(self, task: PieceTask, result: PieceResult) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        doc: dict[str, Any] = {"key": self._key(task), "result": dataclasses.asdict(result)}
        path = self._file(task)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc))
        os.replace(tmp, path)
