"""What an output folder holds and who wrote it: ``manifest.json`` (issue 14).

The manifest, written last into every folder the engine writes, names the engine, its
version and every file it wrote with its size and SHA-256. :func:`survey` sorts what a
folder holds into the files we wrote (unchanged), those we wrote that were changed
since, and everything else (the planner's, or another tool's); :mod:`optimizer.plan.folder`
decides from that what may be replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from optimizer.errors import OutputError
from optimizer.plan.lock import describe
from optimizer.version import __version__

MANIFEST = "manifest.json"
ENGINE = "community-optimizer"
FORMAT = 1
MARKER = ".community-optimizer-staging"   # in a stage only; never carried, never listed
SHOWN = 6                                  # names listed in a message before "and N more"

Entry = dict[str, Any]                     # {"bytes": int, "sha256": str[, "previous": [...]]}


# --- manifest -------------------------------------------------------------------
def digest(path: Path) -> Entry:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return {"bytes": path.stat().st_size, "sha256": h.hexdigest()}


def _safe(rel: object) -> bool:
    if not isinstance(rel, str) or not rel or "\\" in rel:
        return False
    p = PurePosixPath(rel)
    return not p.is_absolute() and ".." not in p.parts and p.as_posix() == rel


def read_manifest(folder: Path) -> dict[str, Entry] | None:
    """The files our manifest in ``folder`` lists, or None when it has none of ours."""
    try:
        doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("engine") != ENGINE \
            or not isinstance(doc.get("files"), dict):
        return None
    return {rel: e for rel, e in doc["files"].items()
            if _safe(rel) and isinstance(e, dict) and isinstance(e.get("bytes"), int)
            and isinstance(e.get("sha256"), str)}


def write_manifest(folder: Path, files: dict[str, Entry]) -> None:
    doc = {"engine": ENGINE, "version": __version__, "format": FORMAT,
           "note": "files community-optimizer wrote into this folder; any other file is "
                   "yours and is kept when the engine replaces its own",
           "files": files}
    tmp = folder / f".{MANIFEST}.tmp-{uuid.uuid4().hex[:12]}"
    try:
        tmp.write_text(json.dumps(doc, sort_keys=True, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, folder / MANIFEST)
    finally:
        tmp.unlink(missing_ok=True)


def _matches(path: Path, entry: Entry) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    sizes = {entry["bytes"], *(p.get("bytes") for p in entry.get("previous", ()))}
    if path.stat().st_size not in sizes:
        return False
    got = digest(path)["sha256"]
    return got == entry["sha256"] or any(got == p.get("sha256")
                                         for p in entry.get("previous", ()))


# --- what a folder holds ----------------------------------------------------------
def entries(root: Path, rel: str = "") -> Iterator[tuple[str, bool]]:
    """(relative path, is an empty folder) of every file, link and empty folder."""
    with os.scandir(root / rel if rel else root) as it:
        items = sorted(it, key=lambda e: e.name)
    if not items and rel:
        yield rel, True
    for e in items:
        r = f"{rel}/{e.name}" if rel else e.name
        if e.is_dir(follow_symlinks=False):
            yield from entries(root, r)
        else:
            yield r, False


@dataclass
class Survey:
    out: Path
    exists: bool = False
    manifest: dict[str, Entry] | None = None
    ours: dict[str, Entry] = field(default_factory=dict)      # listed, content unchanged
    changed: list[str] = field(default_factory=list)          # listed, content changed
    foreign: list[tuple[str, bool]] = field(default_factory=list)  # everything else


def survey(out: Path) -> Survey:
    try:
        return _survey(out)
    except OSError as exc:
        raise OutputError(f"cannot read {out} ({describe(exc)}); nothing was changed") \
            from exc


def _survey(out: Path) -> Survey:
    s = Survey(out)
    if not os.path.lexists(out):
        return s
    if not out.is_dir():
        raise OutputError(f"{out} is a file, not a folder: choose another output folder; "
                          "nothing was changed")
    s.exists = True
    s.manifest = read_manifest(out)
    listed = s.manifest or {}
    for rel, empty_dir in entries(out):
        if rel == MARKER or (rel == MANIFEST and s.manifest is not None):
            continue
        if rel in listed and not empty_dir:
            if _matches(out / rel, listed[rel]):
                s.ours[rel] = {k: v for k, v in listed[rel].items() if k != "previous"}
            else:
                s.changed.append(rel)
        else:
            s.foreign.append((rel, empty_dir))
    return s


def name_list(rels: list[str]) -> str:
    shown = ", ".join(rels[:SHOWN])
    return shown + (f" and {len(rels) - SHOWN} more" if len(rels) > SHOWN else "")
