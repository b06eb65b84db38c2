"""Edit a written scenario folder: raise chosen units above the community maximum.

Issue 16 found that the demo with one compound raised to 4,000 (or 3,200) households
gives a plan the product's own checker rejects. :func:`raise_units` builds such a
case from any folder: it copies the folder and changes only the ``households`` of the
named units (the rest of every file is copied byte for byte), and says so in a
comment at the top of scenario.toml.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

_HH = re.compile(r'"households": -?\d+')


def largest_units(folder: Path, kind: str, k: int = 1, street_suffix: str = "") -> list[str]:
    """Ids of the ``k`` units of ``kind`` (in streets/towns whose name ends with
    ``street_suffix``) with the most households (ties by id)."""
    feats = json.loads((folder / "units.geojson").read_text(encoding="utf-8"))["features"]
    rows = [(-int(f["properties"]["households"]), str(f["properties"]["unit_id"]))
            for f in feats if f["properties"]["kind"] == kind
            and str(f["properties"]["street"]).endswith(street_suffix)]
    return [uid for _, uid in sorted(rows)[:k]]


def raise_units(src: Path, out: Path, households: dict[str, int]) -> Path:
    """Copy scenario folder ``src`` to ``out`` with new household counts for the given
    unit ids. The units file must have one feature per line (as the generators write
    it); every id must be found."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out)
    path = out / "units.geojson"
    lines = path.read_text(encoding="utf-8").split("\n")
    left = dict(households)
    for n, line in enumerate(lines):
        for uid in list(left):
            if f'"unit_id": {json.dumps(uid)},' in line:
                lines[n] = _HH.sub(f'"households": {int(left.pop(uid))}', line, count=1)
    if left:
        raise ValueError(f"units not found in {path}: {', '.join(sorted(left))}")
    path.write_text("\n".join(lines), encoding="utf-8", newline="\n")
    toml = out / "scenario.toml"
    note = "; ".join(f"{u} -> {h:,}" for u, h in sorted(households.items()))
    toml.write_text(f"# Edited by optimizer.synth.edit.raise_units: households of {note}\n"
                    + toml.read_text(encoding="utf-8"), encoding="utf-8", newline="\n")
    return out
