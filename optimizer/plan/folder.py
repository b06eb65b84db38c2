"""Whose files an output folder holds, and replacing it without losing one (issue 14).

``manifest.json``, written last into every folder the engine writes, names the engine,
its version and every file it wrote with its size and SHA-256. It alone makes a folder
replaceable (a file *named* like a plan file proves nothing):

- a folder that does not exist, or is empty, is written;
- a folder with our manifest is replaced: the files it lists go; every other file or
  folder in it (a planner's notes.docx, a map they annotated) is carried over into the
  new folder unchanged (hard-linked, or copied where a link is impossible) and stays
  unlisted, so it survives every later run too. A listed file whose content changed
  since we wrote it (a communities.csv edited in Excel) is never overwritten: the run
  stops and names it;
- any other folder (files but no manifest: a project folder, the scenario itself, a plan
  of an earlier version or of another tool) is refused, and nothing in it is touched.

Reports written later (plan.xlsx, maps/, report.html, plan.gpkg) *update* a folder: its
other files stay (a plan of another tool gets reports too), the previous report files
are replaced, and the manifest lists the new ones.

Every change is staged in a hidden sibling ``.OUT.tmp-<hex>`` and swapped in by two
renames (the old folder goes to ``.OUT.old-<hex>``, deleted after), so a kill leaves the
old folder or the new one, never a mix. Each run, holding the lock of
:mod:`optimizer.plan.lock` (so no live writer owns them), cleans what a killed run
left: a stage (it holds our marker) is removed; an old folder (it holds our manifest)
is put back if the swap had not happened, or removed if it had.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from optimizer.errors import OutputError
from optimizer.plan.lock import describe, output_lock
from optimizer.plan.manifest import (
    MANIFEST,
    MARKER,
    Entry,
    Survey,
    digest,
    entries,
    name_list,
    read_manifest,
    survey,
    write_manifest,
)

REPORT_FILES = ("plan.xlsx", "report.html", "plan.gpkg")
REPORT_DIR = "maps"


def is_report_file(rel: str) -> bool:
    """A file of the report set: the engine's own ones are replaced by a new set."""
    return rel in REPORT_FILES or rel.startswith(REPORT_DIR + "/")


def is_report_name(rel: str) -> bool:
    """A name a new report set surely has (the maps' names depend on the streets: a
    planner's own file in maps/ clashes only if a new map has its very name)."""
    return rel in REPORT_FILES


def everything(rel: str) -> bool:
    return True


def refuse(s: Survey, writes: Callable[[str], bool], replaces: Callable[[str], bool],
           need_ours: bool) -> None:
    """Raise OutputError when writing into ``s.out`` could lose a file."""
    out = s.out
    if need_ours and s.exists and s.manifest is None and s.foreign:
        held = [r for r, _ in s.foreign]
        if any(writes(r) for r in held):
            raise OutputError(
                f"{out} holds plan files ({name_list([r for r in held if writes(r)])}) but no "
                f"{MANIFEST}, which marks the folders community-optimizer writes: it was "
                "written by an earlier version or another tool, or it is not a plan folder. "
                "It is not replaced, so that no file in it is lost: move or delete it "
                "yourself, or choose another output folder. Nothing was changed")
        raise OutputError(
            f"{out} is not empty and is not a plan folder written by community-optimizer "
            f"(it has no {MANIFEST}); it holds {name_list(held)}. Nothing was changed: "
            "choose a new or empty folder for the plan")
    changed = [r for r in s.changed if replaces(r)]
    if changed:
        raise OutputError(
            f"{out}: {name_list(changed)} changed after community-optimizer wrote "
            f"{'them' if len(changed) > 1 else 'it'} (the content differs from {MANIFEST}), "
            "and replacing would lose those edits. Move the file(s) out of the folder (or "
            "delete them), then run again. Nothing was changed")
    clash = [r for r, _ in s.foreign if writes(r)]
    if clash:
        raise OutputError(_clash(out, clash))


def _clash(out: Path, rels: list[str]) -> str:
    return (f"{out}: {name_list(rels)} {'were' if len(rels) > 1 else 'was'} not written by "
            "community-optimizer, and the new files have the same name. Move the file(s) "
            "out of the folder, then run again. Nothing was changed")


# --- stale temporaries ----------------------------------------------------------------
def _sibling(out: Path, kind: str) -> Path:
    return out.parent / f".{out.name}.{kind}-{uuid.uuid4().hex[:12]}"


def _ours(out: Path, kind: str) -> list[Path]:
    pattern = re.compile(rf"\.{re.escape(out.name)}\.{kind}-[0-9a-f]{{12}}")
    try:
        names = sorted(os.listdir(out.parent))
    except OSError:
        return []
    found = [out.parent / n for n in names if pattern.fullmatch(n)]
    return [p for p in found if p.is_dir() and not p.is_symlink()]


def clean_stale(out: Path) -> list[str]:
    """Remove (or put back) what a killed run left beside ``out``; the caller holds the
    lock, so no live run owns these. Returns one note per action."""
    notes: list[str] = []
    olds = [p for p in _ours(out, "old") if read_manifest(p) is not None]
    for old in sorted(olds, key=lambda p: p.stat().st_mtime, reverse=True):
        if not os.path.lexists(out):
            os.rename(old, out)
            notes.append(f"put back {out}: a killed run had moved it aside ({old.name})")
            continue
        s = survey(old)
        lost = [r for r, _ in s.foreign if not os.path.lexists(out / r)]
        if lost:
            notes.append(f"kept {old}: it holds {name_list(lost)}, which {out} lacks; take "
                         "what you need from it, then delete it")
            continue
        shutil.rmtree(old, ignore_errors=True)
        notes.append(f"removed {old.name}, the previous folder a killed run left beside {out}")
    for stage in _ours(out, "tmp"):
        # A stage holds our marker from its first write on; a kill between its mkdir
        # and that write leaves it empty (the reliability bench's kill at the first
        # sight of the stage found one). Named like ours and empty, it holds nothing
        # to lose; one with files but no marker is not ours and stays.
        if (stage / MARKER).is_file() or not any(stage.iterdir()):
            shutil.rmtree(stage, ignore_errors=True)
            notes.append(f"removed {stage.name}, an unfinished folder a killed run left "
                         f"beside {out}")
    return notes


@contextlib.contextmanager
def claim_output(out: str | os.PathLike[str]) -> Iterator[tuple[Path, list[str]]]:
    """Hold the lock of ``out`` (refusing when another run holds it or its parent cannot
    be written) and clean what a killed run left; yields the path and the notes."""
    with output_lock(out) as folder:
        try:
            notes = clean_stale(folder)
        except OSError as exc:
            raise OutputError(f"cannot tidy what a killed run left beside {folder} "
                              f"({describe(exc)}); nothing was changed") from exc
        yield folder, notes


# --- writing ----------------------------------------------------------------------------
def _failed(out: Path, existed: bool, exc: OSError) -> OutputError:
    kept = "the previous folder is untouched" if existed else "nothing was written there"
    return OutputError(f"could not write {out} ({describe(exc)}): {kept}, and no partial "
                       "file is left")


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        if os.path.lexists(dst):
            raise
        shutil.copy2(src, dst, follow_symlinks=False)


def _carry_over(s: Survey, stage: Path, replaces: Callable[[str], bool]) -> dict[str, Entry]:
    """Bring what stays into the stage: every foreign entry (and every changed listed
    file that is not replaced, which becomes foreign) and the listed files not
    replaced. Returns the listed files carried (they stay listed)."""
    clash: list[str] = []
    keep = [*s.foreign, *((r, False) for r in s.changed if not replaces(r))]
    for rel, empty_dir in keep:
        dst = stage / rel
        try:
            if empty_dir:
                dst.mkdir(parents=True, exist_ok=True)
            elif os.path.lexists(dst):
                clash.append(rel)
            else:
                _link_or_copy(s.out / rel, dst)
        except (FileExistsError, NotADirectoryError):
            clash.append(rel)
    if clash:
        raise OutputError(_clash(s.out, clash))
    listed: dict[str, Entry] = {}
    for rel, entry in s.ours.items():
        if replaces(rel) or os.path.lexists(stage / rel):
            continue
        _link_or_copy(s.out / rel, stage / rel)
        listed[rel] = entry
    return listed


def _swap(out: Path, stage: Path) -> None:
    if os.path.lexists(out) and any(out.iterdir()):
        old = _sibling(out, "old")
        os.rename(out, old)
        try:
            os.rename(stage, out)
        except BaseException:
            os.rename(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(stage, out)            # an empty folder is replaced in one step
    with contextlib.suppress(OSError):
        (out / MARKER).unlink()


@contextlib.contextmanager
def staged_folder(out: str | os.PathLike[str], *, writes: Callable[[str], bool],
                  replaces: Callable[[str], bool], need_ours: bool) -> Iterator[Path]:
    """Yield an empty stage to write new files into; on leaving, carry over what stays
    of ``out``, list the new files and the kept listed ones in the manifest and swap the
    stage in. ``writes``: names the new files may have (checked before anything is
    written); ``replaces``: which listed files of the old folder go; ``need_ours``: an
    existing non-empty folder must carry our manifest. On any error the stage is
    removed and ``out`` is as it was; OSErrors become one OutputError naming the path."""
    with claim_output(out) as (folder, _):
        s = survey(folder)
        refuse(s, writes, replaces, need_ours)
        stage = _sibling(folder, "tmp")
        try:
            os.mkdir(stage)
            (stage / MARKER).write_text(json.dumps({"pid": os.getpid(), "since": time.time(),
                                                    "for": folder.name}), encoding="utf-8")
            yield stage
            listed = _carry_over(s, stage, replaces)
            carried = {*listed, *(r for r, _ in s.foreign), *s.changed, MARKER, MANIFEST}
            for rel, empty_dir in entries(stage):
                if not (empty_dir or rel in carried or (stage / rel).is_symlink()):
                    listed[rel] = digest(stage / rel)
            write_manifest(stage, dict(sorted(listed.items())))
            _swap(folder, stage)
        except BaseException as exc:
            shutil.rmtree(stage, ignore_errors=True)
            if isinstance(exc, OSError):
                raise _failed(folder, s.exists, exc) from exc
            raise


def check_replaceable(out: str | os.PathLike[str], *, writes: Callable[[str], bool],
                      replaces: Callable[[str], bool], need_ours: bool) -> None:
    """Raise the OutputError :func:`staged_folder` would raise, before any long work."""
    with claim_output(out) as (folder, _):
        refuse(survey(folder), writes, replaces, need_ours)


def replace_file(folder: str | os.PathLike[str], rel: str,
                 write: Callable[[Path], None]) -> Path:
    """Rewrite one file of ``folder`` atomically (``write`` fills a temporary), keeping
    our manifest true: while the file is swapped, the manifest accepts the old content
    and the new, so a kill at any moment leaves a folder we still recognise."""
    with claim_output(folder) as (out, _):
        if not out.is_dir():
            raise OutputError(f"{out} is not a folder")
        target = out / rel
        tmp = out / f".{PurePosixPath(rel).name}.tmp-{uuid.uuid4().hex[:12]}"
        try:
            write(tmp)
            manifest = read_manifest(out)
            if manifest is not None and (rel in manifest or not os.path.lexists(target)):
                new = digest(tmp)
                old = {k: v for k, v in manifest.get(rel, {}).items() if k != "previous"}
                during = {**new, "previous": [old]} if old else new
                write_manifest(out, {**manifest, rel: during})
                os.replace(tmp, target)
                write_manifest(out, {**manifest, rel: new})
            else:
                os.replace(tmp, target)
        except OSError as exc:
            raise _failed(out, True, exc) from exc
        finally:
            tmp.unlink(missing_ok=True)
    return target
