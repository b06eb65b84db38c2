"""The scenarios a server offers: the folders of SCENARIOS_DIR and uploaded ones.

Requests name a scenario by its key; the key is looked up here, never joined into a
path. Folder keys are the folder names that are plain words (``[A-Za-z0-9._-]``);
others get a key derived from a hash of the name. Loaded scenarios are cached.
"""

from __future__ import annotations

import hashlib
import re
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from optimizer.errors import OptimizerError
from optimizer.scenario.load import load_scenario
from optimizer.scenario.model import Scenario
from optimizer.web.store import Store

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Entry:
    key: str
    name: str
    folder: Path
    origin: str                  # "folder" or "upload"
    counties: tuple[str, ...]
    n_units: int
    problem: str = ""            # why it cannot be opened, when it cannot


class Catalog:
    def __init__(self, store: Store, scenarios_dir: Path | None) -> None:
        self.store = store
        self.dir = scenarios_dir
        self._scenarios: dict[str, Scenario] = {}
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """Scan SCENARIOS_DIR (each subfolder with a scenario.toml, and the folder itself
        when it is one) and the uploads recorded in the database."""
        found: list[tuple[str, Path, str]] = []
        if self.dir is not None and self.dir.is_dir():
            folders = [self.dir] if (self.dir / "scenario.toml").is_file() else []
            folders += sorted(p for p in self.dir.iterdir()
                              if p.is_dir() and not p.name.startswith(".")
                              and (p / "scenario.toml").is_file())
            for folder in folders:
                name = folder.name
                key = name if KEY.match(name) else "s-" + hashlib.sha1(
                    name.encode("utf-8")).hexdigest()[:12]
                found.append((key, folder, "folder"))
        for row in self.store.scenarios():
            if row["origin"] == "upload":
                found.append((row["key"], Path(row["folder"]), "upload"))
        for key, folder, origin in found:
            if key not in self._entries:
                self._entries[key] = self._entry(key, folder, origin)

    def _entry(self, key: str, folder: Path, origin: str) -> Entry:
        try:
            s = self.load_folder(key, folder)
        except OptimizerError as exc:
            return Entry(key, _toml_name(folder), folder, origin, (), 0, str(exc))
        return Entry(key, s.name, folder, origin, tuple(sorted(set(s.county))), s.n_units)

    def load_folder(self, key: str, folder: Path) -> Scenario:
        with self._lock:
            if key not in self._scenarios:
                self._scenarios[key] = load_scenario(folder)
            return self._scenarios[key]

    def add_upload(self, key: str, folder: Path, owner: str) -> Entry:
        """Load an unpacked upload; raises the ScenarioError when it is not valid."""
        s = self.load_folder(key, folder)
        entry = Entry(key, s.name, folder, "upload", tuple(sorted(set(s.county))), s.n_units)
        self.store.add_scenario(key, s.name, str(folder), "upload", list(entry.counties),
                                owner)
        self._entries[key] = entry
        return entry

    def entries(self) -> list[Entry]:
        return sorted(self._entries.values(), key=lambda e: (e.name, e.key))

    def entry(self, key: str) -> Entry | None:
        return self._entries.get(key)

    def scenario(self, key: str) -> Scenario:
        entry = self._entries.get(key)
        if entry is None:
            raise KeyError(key)
        return self.load_folder(key, entry.folder)


def _toml_name(folder: Path) -> str:
    try:
        with open(folder / "scenario.toml", "rb") as fh:
            return str(tomllib.load(fh).get("name", folder.name))
    except (OSError, tomllib.TOMLDecodeError):
        return folder.name
