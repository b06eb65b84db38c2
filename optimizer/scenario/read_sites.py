"""sites.csv: candidate service-center sites (CONTRACT.md, "sites").

Read as text (dtype=str) so nothing is coerced; a header-only file means no sites.
``status`` (optional: existing, the default, under_construction or planned) and
``available_year`` (PIPELINE): a site under construction or planned needs the whole
year its rooms are handed over, from :data:`FIRST_YEAR` to ``last_year`` (the budget
horizon's end + 20, or the plan year + 20 without a budget: issue 18); an existing
site has none. A handover year before the plan year is accepted with a warning (the
rooms stand already: the site is existing).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.scenario.model import PIPELINE_STATUSES, SITE_STATUSES
from optimizer.scenario.read_text import read_csv_text
from optimizer.scenario.validate import (
    MISSING,
    OK,
    labels,
    number_status,
    parse_amount,
    parse_bool,
    parse_ids,
    parse_text,
    plain,
    required_columns,
    text_values,
)

REQUIRED = ("site_id", "unit_id", "area_m2", "owned", "max_area_m2")
PRICE = "purchase_price_yuan"
STATUS, YEAR = "status", "available_year"
FIRST_YEAR = 2000
YEARS_AFTER = 20     # available_year at most this many years after the horizon's end


def _pipeline(frame: pd.DataFrame, names: list[str], file: str, plan_year: int,
              last_year: int, last_why: str,
              collector: ProblemCollector) -> tuple[list[str], list[int]]:
    """(status, available_year or 0) per site, checked (PIPELINE)."""
    n = len(frame)
    blank = pd.Series([""] * n, dtype=object)
    status = text_values(frame[STATUS]) if STATUS in frame.columns else blank
    status = status.where(status != "", "existing")
    raw_status = frame[STATUS].astype(object).tolist() if STATUS in frame.columns else []
    col = frame[YEAR] if YEAR in frame.columns else blank
    vals, state = number_status(col)
    raw = col.astype(object).tolist()
    valid = f"a whole year from {FIRST_YEAR} to {last_year} ({last_why})"
    out_status: list[str] = []
    out_year: list[int] = []
    for row in range(n):
        st, name = status.iat[row], names[row]
        if st not in SITE_STATUSES:
            close = difflib.get_close_matches(st.lower(), SITE_STATUSES, n=1, cutoff=0.6)
            collector.add(file, f"must be one of {', '.join(SITE_STATUSES)}, or empty for "
                          "existing (PIPELINE)", record=name, field=STATUS,
                          value=plain(raw_status[row]),
                          hint=f"did you mean '{close[0]}'?" if close else None)
            out_status.append("existing")
            out_year.append(0)
            continue
        year = 0
        if state[row] == MISSING:
            if st in PIPELINE_STATUSES:
                collector.add(file, f"is required when status = {st}: the year the "
                              f"rooms are handed over, {valid}", record=name, field=YEAR)
        elif st == "existing":
            collector.add(file, "must be empty for an existing site: only rooms under "
                          "construction or planned have a handover year (give their "
                          "status, PIPELINE)", record=name, field=YEAR, value=plain(raw[row]))
        elif state[row] != OK or vals[row] % 1 != 0:
            collector.add(file, f"must be {valid}", record=name, field=YEAR,
                          value=plain(raw[row]))
        elif not FIRST_YEAR <= vals[row] <= last_year:
            collector.add(file, f"must be {valid}", record=name, field=YEAR,
                          value=plain(raw[row]))
        else:
            year = int(vals[row])
            if year < plan_year:
                collector.warn(file, f"is before the plan year {plan_year}: the rooms "
                               "stand already; is the site existing?", record=name,
                               field=YEAR, value=year)
        out_status.append(st)
        out_year.append(year)
    return out_status, out_year


def read_sites(path: Path, file: str, unit_ids: Collection[str] | None,
               collector: ProblemCollector, *, plan_year: int = 2013,
               last_year: int | None = None) -> list[dict[str, Any]]:
    """Site records (for :func:`optimizer.scenario.build.make_sites`), checked.

    ``unit_ids`` are the known units (None when the units file could not be read, in
    which case the site-in-unknown-unit check is skipped). ``last_year`` is the
    latest ``available_year`` accepted (default: the plan year + 20).
    """
    last_why = (f"the plan year {plan_year} + {YEARS_AFTER}" if last_year is None
                else f"the budget horizon's end + {YEARS_AFTER}")
    last = plan_year + YEARS_AFTER if last_year is None else last_year
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
    status, year = _pipeline(frame, names, file, plan_year, last, last_why, collector)
    if len(collector.problems) > before:
        return []
    return [{"site_id": s, "unit_id": u, "area_m2": a, "owned": o, "max_area_m2": m,
             PRICE: None if np.isnan(p) else p, STATUS: st, YEAR: y or None}
            for s, u, a, o, m, p, st, y in zip(ids.tolist(), unit.tolist(), area.tolist(),
                                               owned.tolist(), top.tolist(), price.tolist(),
                                               status, year, strict=True)]
