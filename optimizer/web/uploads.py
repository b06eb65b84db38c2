"""Uploaded files, checked before anything is unpacked.

A zip is read from its central directory first: every member must be a plain file
with a relative name (no absolute path, no ``..``, no drive, no symlink), the files
must be few and small, and what they unpack to must stay within a total size and a
compression ratio (a zip bomb is refused before a byte is written). Only the files a
scenario or plan folder holds are taken, and each is written under its own name from
a fixed list, never a name from the request: the folder it goes to is made here.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

MAX_UPLOAD_BYTES = 64 * 1024 * 1024      # the request body
MAX_FILES = 64                            # members of a zip
MAX_UNPACKED_BYTES = 256 * 1024 * 1024    # all members, unpacked
MAX_RATIO = 200                           # unpacked / packed, per member

SCENARIO_FILES = ("scenario.toml", "units.geojson", "units.json", "units.gpkg", "units.csv",
                  "units.shp", "units.shx", "units.dbf", "units.prj", "units.cpg",
                  "sites.csv", "barriers.geojson", "barriers.json", "barriers.gpkg",
                  "communities_today.csv")
PLAN_FILES = ("assignment.csv", "communities.csv", "communities.geojson", "summary.json",
              "compliance.csv", "grids.csv", "phasing.csv")


class UploadError(ValueError):
    """An upload refused, with the reason (nothing was written)."""


@dataclass(frozen=True)
class Unpacked:
    files: dict[str, bytes]      # fixed name -> content


def _safe_name(name: str) -> PurePosixPath:
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        raise UploadError(f"the zip holds a file with an unsafe path: {name!r}")
    path = PurePosixPath(name)
    if any(part in ("..", "") for part in path.parts) or path.is_absolute():
        raise UploadError(f"the zip holds a file with an unsafe path: {name!r}")
    return path


def read_zip(data: bytes, allowed: tuple[str, ...]) -> Unpacked:
    """The allowed files of a zip (at its root or in one folder), checked first."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadError(f"not a zip file: {exc}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_FILES:
            raise UploadError(f"the zip holds {len(infos)} entries, at most {MAX_FILES} "
                              "are accepted")
        total = 0
        picked: dict[str, zipfile.ZipInfo] = {}
        tops: set[str] = set()
        for info in infos:
            path = _safe_name(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UploadError(f"the zip holds a symbolic link: {info.filename!r}")
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise UploadError(f"the zip holds an encrypted file: {info.filename!r}")
            total += info.file_size
            if total > MAX_UNPACKED_BYTES:
                raise UploadError(f"the zip unpacks to more than "
                                  f"{MAX_UNPACKED_BYTES // 2**20} MB")
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(
                    1, info.compress_size):
                ratio = info.file_size // max(1, info.compress_size)
                raise UploadError(f"{info.filename!r} is compressed {ratio} times: refused "
                                  "as a zip bomb")
            if len(path.parts) > 2:
                continue
            if len(path.parts) == 2:
                if path.parts[0] in ("__MACOSX",):
                    continue
                tops.add(path.parts[0])
            name = path.name.lower()
            if name in allowed:
                if name in picked:
                    raise UploadError(f"the zip holds {name} twice")
                picked[name] = info
        if len(tops) > 1:
            raise UploadError("the zip holds several folders: upload one folder")
        files: dict[str, bytes] = {}
        for name, info in picked.items():
            with zf.open(info) as fh:
                content = fh.read(info.file_size + 1)
            if len(content) != info.file_size:
                raise UploadError(f"{info.filename!r} does not unpack to its stated size")
            files[name] = content
    return Unpacked(files)
