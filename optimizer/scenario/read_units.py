"""The units file: one feature per unit (CONTRACT.md, "units"), every field checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import CRS

from optimizer.errors import ProblemCollector
from optimizer.scenario.read_geometry import (
    GEOJSON,
    POLYGONAL,
    check_coordinates,
    check_shapes,
    crs_source,
    read_layer,
    settle_crs,
)
from optimizer.scenario.validate import (
    labels,
    parse_bool,
    parse_choice,
    parse_count,
    parse_ids,
    parse_text,
    required_columns,
)

REQUIRED = ("unit_id", "households", "kind", "county", "street")
OPTIONAL = ("current_community", "new_development", "no_build")


@dataclass
class Units:
    """Parsed unit records in file order; geometries still in the file's CRS."""

    ids: tuple[str, ...]
    households: np.ndarray
    urban: np.ndarray
    county: tuple[str, ...]
    street: tuple[str, ...]
    current: tuple[str | None, ...] | None
    new_development: np.ndarray | None
    no_build: np.ndarray | None
    geoms: np.ndarray
    crs: CRS | None
    repaired: list[str] = field(default_factory=list)


def _untruncate(frame: pd.DataFrame) -> pd.DataFrame:
    """Shapefile (dBase) field names stop at 10 characters: map them back."""
    ren = {name[:10]: name for name in REQUIRED + OPTIONAL
           if len(name) > 10 and name not in frame.columns and name[:10] in frame.columns}
    return frame.rename(columns=ren) if ren else frame


def read_units(path: Path, file: str, fallback_crs: CRS | None, collector: ProblemCollector,
               *, repair: bool = False) -> Units | None:
    """Read and check the units file; None when it cannot be read at all. Problems go
    to ``collector``; the returned values are placeholders where a record was bad."""
    layer = read_layer(path, file, collector)
    if layer is None:
        return None
    frame = _untruncate(layer.frame)
    n = len(frame)
    if n == 0:
        collector.add(file, "has no features; a scenario needs at least one unit")
        return None
    absent = required_columns(frame, REQUIRED, file, collector)
    if "unit_id" in absent:
        ids = pd.Series([""] * n, dtype=object)
    else:
        ids = parse_ids(frame["unit_id"], file, "unit_id", collector)
    names = labels(ids)

    def col(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else pd.Series([None] * n, dtype=object)

    households = (parse_count(frame["households"], names, file, "households",
                              "households living in the unit", collector)
                  if "households" not in absent else np.zeros(n, dtype=np.int64))
    kind = (parse_choice(frame["kind"], names, file, "kind", ("urban", "rural"),
                         "an urban unit only joins urban communities, rural likewise", collector)
            if "kind" not in absent else pd.Series(["urban"] * n, dtype=object))
    county = parse_text(col("county"), names, file, "county",
                        "the county/district 县(市、区) of the unit (NESTING)", collector,
                        required="county" not in absent)
    street = parse_text(col("street"), names, file, "street",
                        "the street 街道 or town 镇 of the unit (NESTING)", collector,
                        required="street" not in absent)
    current = None
    if "current_community" in frame.columns:
        cur = parse_text(frame["current_community"], names, file, "current_community", "",
                         collector, required=False)
        current = tuple(c if c else None for c in cur.tolist())
    flags = {}
    for name, rule in (("new_development", "NEWDEV-1500"), ("no_build", "no new center here")):
        flags[name] = (parse_bool(frame[name], names, file, name, rule, collector,
                                  required=False) if name in frame.columns else None)

    geoms, repaired = check_shapes(layer, names, file, POLYGONAL, "Polygon or MultiPolygon",
                                   collector, repair=repair)
    crs = settle_crs(layer, fallback_crs, file, path.suffix.lower() in GEOJSON,
                     collector)
    if crs is not None and not check_coordinates(geoms, crs, crs_source(layer, fallback_crs),
                                                 file, collector):
        crs = None
    return Units(ids=tuple(ids.tolist()), households=households,
                 urban=(kind == "urban").to_numpy(dtype=bool),
                 county=tuple(county.tolist()), street=tuple(street.tolist()), current=current,
                 new_development=flags["new_development"], no_build=flags["no_build"],
                 geoms=geoms, crs=crs, repaired=repaired)
