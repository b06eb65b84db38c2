"""sites.csv: candidate service-center sites that exist today (CONTRACT.md, "sites").

Read as text (dtype=str) so nothing is coerced; a header-only file means no sites.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.scenario.read_text import read_csv_text
from optimizer.scenario.validate import (
    labels,
    parse_amount,
    parse_bool,
    parse_ids,
    parse_text,
    plain,
    required_columns,
)

REQUIRED = ("site_id", "unit_id", "area_m2", "owned", "max_area_m2")
PRICE = "purchase_price_yuan"


def read_sites(path: Path, file: str, unit_ids: Collection[str] | None,
               collector: ProblemCollector) -> list[dict[str, Any]]:
    """Site records (for :func:`optimizer.scenario.build.make_sites`), checked.

    ``unit_ids`` are the known units (None when the units file could not be read, in
    which case the site-in-unknown-unit check is skipped).
    """
    if not path.is_file():
        collector.add(file, f"file not found ({path}); it is required, even with only "
                      "its header line")
        return []
    frame = read_csv_text(path, file, collector, empty_rule="is empty; it needs at least its "
                          "header line: " + ",".join(REQUIRED + (PRICE,)))
    if frame is None:
        return []
    before = len(collector.problems)
    absent = required_columns(frame, REQUIRED, file, collector)
    if absent:
        return []
    n = len(frame)
    if n == 0:
        return []
    ids = parse_ids(frame["site_id"], file, "site_id", collector)
    names = labels(ids)
    unit = parse_text(frame["unit_id"], names, file, "unit_id", "the unit the site stands in",
                      collector, required=True)
    if unit_ids is not None:
        known = unit.isin(list(unit_ids)).to_numpy() | (unit == "").to_numpy()
        for row in np.flatnonzero(~known).tolist():
            collector.add(file, "must name a unit of the units file", record=names[row],
                          field="unit_id", value=unit.iat[row])
    owned = parse_bool(frame["owned"], names, file, "owned",
                       "true = owned by the community/government, false = for sale", collector,
                       required=True)
    owned_ok = (frame["owned"].astype(str).str.strip().str.lower()
                .isin(["true", "false"]).to_numpy())
    area, area_ok = parse_amount(frame["area_m2"], names, file, "area_m2",
                                 "usable floor area today, m²", collector)
    top, top_ok = parse_amount(frame["max_area_m2"], names, file, "max_area_m2",
                               "the most renovation or extension can reach, m²", collector)
    below = area_ok & top_ok & (top < area)
    for row in np.flatnonzero(below).tolist():
        collector.add(file, f"must be ≥ area_m2={plain(area[row])} (a site cannot shrink)",
                      record=names[row], field="max_area_m2", value=plain(top[row]))
    price_col = frame[PRICE] if PRICE in frame.columns else pd.Series([""] * n, dtype=object)
    price, _ = parse_amount(price_col, names, file, PRICE,
                            "price to buy a site for sale (REMEDY 购买)", collector,
                            required=owned_ok & ~owned)
    given = (price_col.astype(str).str.strip() != "").to_numpy()
    for row in np.flatnonzero(owned & given).tolist():
        collector.add(file, "must be empty for an owned site (owned=true); only a site "
                      "for sale has a price", record=names[row], field=PRICE,
                      value=price_col.iat[row])
    if len(collector.problems) > before:
        return []
    return [{"site_id": s, "unit_id": u, "area_m2": a, "owned": o, "max_area_m2": m,
             PRICE: None if np.isnan(p) else p}
            for s, u, a, o, m, p in zip(ids.tolist(), unit.tolist(), area.tolist(),
                                        owned.tolist(), top.tolist(), price.tolist(),
                                        strict=True)]
