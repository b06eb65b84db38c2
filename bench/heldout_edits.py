"""Edits that turn a generated scenario folder into one "another tool" might write.

Issue 16's held-out scenarios come from other tools, so the sweep (bench/heldout_sweep.py)
must not only see the generator's habits: sequential ids, rows in id order, plain ASCII
names, every optional file present, household counts drawn away from the bounds. Each
edit here breaks one habit on a copy of a folder; all are deterministic in their seed.
The units file is rewritten with ``json`` (one feature per line, as the generators
write it); sites are rewritten with pandas; nothing else changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from optimizer.rules.policy import Policy

Feature = dict[str, Any]
# The default policy's household bounds (SIZE-URBAN, SIZE-RURAL): the presets' own.
MIN = {k: Policy().bounds(k == "urban")[0] for k in ("urban", "rural")}
MAX = {k: Policy().bounds(k == "urban")[1] for k in ("urban", "rural")}


def _read(folder: Path) -> tuple[dict[str, Any], list[Feature]]:
    doc = json.loads((folder / "units.geojson").read_text(encoding="utf-8"))
    return doc, doc["features"]


def _write(folder: Path, doc: dict[str, Any], feats: list[Feature]) -> None:
    doc["features"] = feats
    head = {k: v for k, v in doc.items() if k != "features"}
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in feats)
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n' + body + "\n]}\n"
    (folder / "units.geojson").write_text(text, encoding="utf-8")


def _sites(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "sites.csv", dtype=str, keep_default_na=False)


def _pieces(feats: list[Feature]) -> dict[tuple[str, str, str], list[int]]:
    out: dict[tuple[str, str, str], list[int]] = {}
    for i, f in enumerate(feats):
        p = f["properties"]
        out.setdefault((p["county"], p["street"], p["kind"]), []).append(i)
    return out


def _largest_piece(feats: list[Feature], kind: str) -> list[int]:
    pieces = [v for k, v in _pieces(feats).items() if k[2] == kind]
    return max(pieces, key=len)


def _touching(feats: list[Feature], idx: list[int]) -> dict[int, list[int]]:
    geoms = [shape(feats[i]["geometry"]) for i in idx]
    tree = shapely.STRtree(geoms)
    out: dict[int, list[int]] = {i: [] for i in idx}
    for a, g in enumerate(geoms):
        for b in tree.query(g):
            if b != a and g.intersection(geoms[b]).length > 0.1:
                out[idx[a]].append(idx[int(b)])
    return out


def shuffle(folder: Path, rng: np.random.Generator, _: str) -> None:
    """Rows of units and sites in a random order (another tool need not sort)."""
    doc, feats = _read(folder)
    _write(folder, doc, [feats[i] for i in rng.permutation(len(feats))])
    s = _sites(folder)
    s.iloc[rng.permutation(len(s))].to_csv(folder / "sites.csv", index=False)


def ids(folder: Path, rng: np.random.Generator, _: str) -> None:
    """Non-sequential unit ids, some unicode, one a spreadsheet formula, one markup."""
    doc, feats = _read(folder)
    odd = ["=SUM(A1)", "<b>unit</b>", "村-α-7", "+1-2", "@x", "a,b", 'q"uote']
    new: dict[str, str] = {}
    for n, f in enumerate(feats):
        old = str(f["properties"]["unit_id"])
        nid = odd[n] if n < len(odd) else f"U{int(rng.integers(10**6, 10**7))}-{n}"
        new[old] = nid
        f["properties"]["unit_id"] = nid
        cc = f["properties"].get("current_community")
        if cc:
            f["properties"]["current_community"] = f"<i>{cc}</i>"
    _write(folder, doc, feats)
    s = _sites(folder)
    s["unit_id"] = s["unit_id"].map(new)
    s["site_id"] = ["=HYPERLINK(\"x\")" if i == 0 else f"站点-{v}" for i, v in
                    enumerate(s["site_id"])]
    s.to_csv(folder / "sites.csv", index=False)


def names(folder: Path, rng: np.random.Generator, _: str) -> None:
    """Street and county names with markup, formula characters and unicode."""
    doc, feats = _read(folder)
    streets = sorted({f["properties"]["street"] for f in feats})
    ren = {s: (f"=SUM(A1) <b>{s}</b>" if i == 0 else f"{s} 街道·{i}") for i, s in
           enumerate(streets)}
    for f in feats:
        f["properties"]["street"] = ren[f["properties"]["street"]]
        f["properties"]["county"] = "Jian'hu \"县\" & <co>"
    _write(folder, doc, feats)


def oversize(k: int, kind: str) -> Callable[[Path, np.random.Generator, str], None]:
    """Raise ``k`` random units of ``kind`` (in its largest piece) above the maximum."""
    def edit(folder: Path, rng: np.random.Generator, _: str) -> None:
        doc, feats = _read(folder)
        idx = _largest_piece(feats, kind)
        for i in rng.choice(idx, size=min(k, len(idx)), replace=False):
            feats[int(i)]["properties"]["households"] = MAX[kind] + int(rng.integers(1, 900))
        _write(folder, doc, feats)
    edit.__name__ = f"oversize{k}{kind[0]}"
    return edit


def bounds(folder: Path, rng: np.random.Generator, _: str) -> None:
    """Units at the bounds: exactly max, max-1, min, 1 and 0 households (each kind)."""
    doc, feats = _read(folder)
    for kind in ("urban", "rural"):
        pieces = [v for k, v in _pieces(feats).items() if k[2] == kind]
        if not pieces:
            continue
        idx = max(pieces, key=len)
        vals = [MAX[kind], MAX[kind] - 1, MIN[kind], 1, 0]
        for i, v in zip(rng.choice(idx, size=min(len(vals), len(idx)), replace=False), vals,
                        strict=False):
            feats[int(i)]["properties"]["households"] = v
    _write(folder, doc, feats)


def _new_piece(folder: Path, rng: np.random.Generator, kind: str, size: int,
               households: Callable[[int], int], name: str) -> None:
    """Move a connected group of ``size`` units of the largest ``kind`` piece into a new
    street (its own piece) with the given households."""
    doc, feats = _read(folder)
    idx = _largest_piece(feats, kind)
    nb = _touching(feats, idx)
    start = int(rng.choice([i for i in idx if len(nb[i]) <= 4] or idx))
    group = [start]
    while len(group) < size:
        ring = sorted({j for i in group for j in nb[i]} - set(group))
        if not ring:
            break
        group.append(int(rng.choice(ring)))
    for n, i in enumerate(group):
        feats[i]["properties"]["street"] = name
        feats[i]["properties"]["households"] = households(n)
    _write(folder, doc, feats)


def solo_oversized(kind: str) -> Callable[[Path, np.random.Generator, str], None]:
    """A piece that is one unit above the maximum."""
    def edit(folder: Path, rng: np.random.Generator, _: str) -> None:
        _new_piece(folder, rng, kind, 1, lambda n: MAX[kind] + 777, "Solo Street")
    edit.__name__ = f"solo_{kind}"
    return edit


def tiny(kind: str) -> Callable[[Path, np.random.Generator, str], None]:
    """A piece of 3 units whose total is below the minimum."""
    def edit(folder: Path, rng: np.random.Generator, _: str) -> None:
        _new_piece(folder, rng, kind, 3, lambda n: 100 + 50 * n, "Tiny Town")
    edit.__name__ = f"tiny_{kind}"
    return edit


def all_oversized(kind: str) -> Callable[[Path, np.random.Generator, str], None]:
    """A piece of 4 units, every one above the maximum."""
    def edit(folder: Path, rng: np.random.Generator, _: str) -> None:
        _new_piece(folder, rng, kind, 4, lambda n: MAX[kind] + 100 + 300 * n, "Big Four")
    edit.__name__ = f"allover_{kind}"
    return edit


def wall(kind: str, walls: int = 2) -> Callable[[Path, np.random.Generator, str], None]:
    """Bands of oversized units across the largest ``kind`` piece (by centroid x):
    removing them cuts the rest into ``walls + 1`` or more parts."""
    def edit(folder: Path, rng: np.random.Generator, _: str) -> None:
        doc, feats = _read(folder)
        idx = _largest_piece(feats, kind)
        xs = np.array([shape(feats[i]["geometry"]).centroid.x for i in idx])
        lo, hi = float(xs.min()), float(xs.max())
        width = (hi - lo) / (12 * walls)
        for w in range(walls):
            cx = lo + (hi - lo) * (w + 1) / (walls + 1)
            for i, x in zip(idx, xs, strict=True):
                if abs(x - cx) <= width:
                    feats[i]["properties"]["households"] = MAX[kind] + int(rng.integers(1, 600))
        _write(folder, doc, feats)
    edit.__name__ = f"wall{walls}_{kind}"
    return edit


def statuses(folder: Path, rng: np.random.Generator, _: str) -> None:
    """Sites of every status: existing, under_construction (2014), planned (2015)."""
    s = _sites(folder)
    st = rng.choice(["existing", "under_construction", "planned", ""], size=len(s))
    s["status"] = st
    s["available_year"] = ["" if v in ("existing", "") else ("2014" if v ==
                           "under_construction" else "2015") for v in st]
    s.to_csv(folder / "sites.csv", index=False)


def no_barriers(folder: Path, rng: np.random.Generator, _: str) -> None:
    """The optional barriers file absent (and not named in scenario.toml)."""
    (folder / "barriers.geojson").unlink(missing_ok=True)
    toml = folder / "scenario.toml"
    toml.write_text("\n".join(line for line in toml.read_text(encoding="utf-8").split("\n")
                              if not line.startswith("barriers")) + "\n", encoding="utf-8")


def no_sites(folder: Path, rng: np.random.Generator, _: str) -> None:
    """sites.csv with only its header."""
    s = _sites(folder)
    s.iloc[:0].to_csv(folder / "sites.csv", index=False)


def _toml_replace(folder: Path, old: str, new: str) -> None:
    """One line of the scenario's scenario.toml rewritten (the units file, the CRS)."""
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def csv_units(folder: Path, rng: np.random.Generator, _: str) -> None:
    """Units as a CSV with a WKT ``geometry`` column (the contract allows it)."""
    doc, feats = _read(folder)
    rows = [{**f["properties"], "geometry": shape(f["geometry"]).wkt} for f in feats]
    pd.DataFrame(rows).to_csv(folder / "units.csv", index=False)
    (folder / "units.geojson").unlink()
    _toml_replace(folder, 'units = "units.geojson"', 'units = "units.csv"')


def minimal(folder: Path, rng: np.random.Generator, _: str) -> None:
    """Only the required unit fields (no current_community, new_development, no_build)."""
    doc, feats = _read(folder)
    for f in feats:
        for k in ("current_community", "new_development", "no_build"):
            f["properties"].pop(k, None)
    _write(folder, doc, feats)


def floats(folder: Path, rng: np.random.Generator, _: str) -> None:
    """Households written as floats (123.0), as a spreadsheet export does."""
    doc, feats = _read(folder)
    for f in feats:
        f["properties"]["households"] = float(f["properties"]["households"])
    _write(folder, doc, feats)


def multipolygon(folder: Path, rng: np.random.Generator, _: str) -> None:
    """Every unit a MultiPolygon of one part."""
    doc, feats = _read(folder)
    for f in feats:
        g = f["geometry"]
        if g["type"] == "Polygon":
            f["geometry"] = {"type": "MultiPolygon", "coordinates": [g["coordinates"]]}
    _write(folder, doc, feats)


def geographic(folder: Path, rng: np.random.Generator, _: str) -> None:
    """Geometries in EPSG:4326 (longitude, latitude), as most GIS exports write."""
    from pyproj import Transformer
    from shapely.geometry import mapping
    from shapely.ops import transform

    doc, feats = _read(folder)
    tr = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True)
    for f in feats:
        f["geometry"] = mapping(transform(tr.transform, shape(f["geometry"])))
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    _write(folder, doc, feats)
    no_barriers(folder, rng, _)
    _toml_replace(folder, 'crs = "EPSG:32651"', 'crs = "EPSG:4326"')


def no_build_all(folder: Path, rng: np.random.Generator, _: str) -> None:
    """no_build on every unit of the largest rural piece (only its sites can be centers)."""
    doc, feats = _read(folder)
    for i in _largest_piece(feats, "rural"):
        feats[i]["properties"]["no_build"] = True
    _write(folder, doc, feats)


def newdev_over(folder: Path, rng: np.random.Generator, _: str) -> None:
    """The oversized units are new developments, and hold pipeline sites."""
    doc, feats = _read(folder)
    big = [f for f in feats if int(f["properties"]["households"]) >
           MAX[f["properties"]["kind"]]]
    for f in big:
        f["properties"]["new_development"] = True
    _write(folder, doc, feats)
    s = _sites(folder)
    rows = [{"site_id": f"P-{n}", "unit_id": f["properties"]["unit_id"], "area_m2": "300",
             "owned": "true", "max_area_m2": "900", "purchase_price_yuan": "",
             "status": "planned", "available_year": "2015"} for n, f in enumerate(big)]
    pd.concat([s, pd.DataFrame(rows)], ignore_index=True).fillna("").to_csv(
        folder / "sites.csv", index=False)


EDITS: dict[str, Callable[[Path, np.random.Generator, str], None]] = {
    "shuffle": shuffle, "ids": ids, "names": names, "bounds": bounds,
    "statuses": statuses, "no_barriers": no_barriers, "no_sites": no_sites,
    "oversize1u": oversize(1, "urban"), "oversize3r": oversize(3, "rural"),
    "oversize6r": oversize(6, "rural"), "oversize3u": oversize(3, "urban"),
    "solo_urban": solo_oversized("urban"), "solo_rural": solo_oversized("rural"),
    "tiny_rural": tiny("rural"), "tiny_urban": tiny("urban"),
    "allover_rural": all_oversized("rural"), "allover_urban": all_oversized("urban"),
    "wall2_rural": wall("rural"), "wall1_urban": wall("urban", 1),
    "wall3_rural": wall("rural", 3), "csv_units": csv_units, "minimal": minimal,
    "floats": floats, "multipolygon": multipolygon, "geographic": geographic,
    "no_build_all": no_build_all, "newdev_over": newdev_over,
}


def apply(folder: Path, edits: list[str], seed: int) -> None:
    """Apply the named edits in order, each with its own generator from ``seed``."""
    for n, name in enumerate(edits):
        EDITS[name](folder, np.random.default_rng([seed, n]), name)
