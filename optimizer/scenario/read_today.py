"""communities_today.csv (CONTRACT.md), checked: what is known of today's communities.

Decisions, where CONTRACT.md is silent:

- Where the file is: ``[data] communities_today = "FILE"`` in scenario.toml, or else a
  file named ``communities_today.csv`` in the scenario folder (CONTRACT.md names the
  file, and a tool writing a scenario may not add the key); the loader notes which.
- Booleans (mgmt_system, harmony_standard, selfgov_standard): ``true``/``false`` in any
  case (Excel writes TRUE/FALSE), and ``是``/``否`` as a bureau's clerk types them.
  Anything else (1/0, yes/no, 已/未) is refused, not guessed.
- services_x: names separated by ``;`` or the full-width ``；``, each trimmed; empty
  names and repeats are dropped. A cell with no name at all is "not known".
- A column the contract does not list is a warning with the nearest name (a misspelt
  column would otherwise leave its data silently "not known").
- Every row must name a ``current_community`` of the units file, once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.scenario.read_text import read_csv_text
from optimizer.scenario.today import (
    COUNT_FIELDS,
    FLAG_FIELDS,
    TODAY_FIELDS,
    TodayCommunities,
    TodayCommunity,
)
from optimizer.scenario.validate import (
    labels,
    missing_mask,
    parse_ids,
    parse_optional_count,
    plain,
    text_values,
)

KEY = "current_community"
RULES = {"social_orgs": "registered social organizations (ORGS-5)",
         "volunteers": "registered volunteers (VOLUNTEER-15-10)",
         "workers": "community workers (PRO-80-50)",
         "qualified_workers": "community workers holding the professional qualification "
                              "(PRO-80-50)",
         "mgmt_system": "the new management system is in place (MGMT-2013)",
         "harmony_standard": "meets the provincial harmonious-community standard "
                             "(HARMONY-90-80)",
         "selfgov_standard": "meets the self-governance standard (SELFGOV-95)"}
TRUE, FALSE = ("true", "是"), ("false", "否")
_SPLIT = re.compile(r"[;；]")


def _flags(col: pd.Series, names: list[str], file: str, field: str,
           collector: ProblemCollector) -> list[bool | None]:
    miss = missing_mask(col)
    text = text_values(col).str.lower().tolist()
    raw = col.astype(object).tolist()
    out: list[bool | None] = []
    for row, t in enumerate(text):
        if miss[row]:
            out.append(None)
        elif t in TRUE or t in FALSE:
            out.append(t in TRUE)
        else:
            collector.add(file, f"must be true or false (是/否), or empty when not known: "
                          f"{RULES[field]}", record=names[row], field=field,
                          value=plain(raw[row]))
            out.append(None)
    return out


def _services(col: pd.Series) -> list[tuple[str, ...] | None]:
    out: list[tuple[str, ...] | None] = []
    for cell in text_values(col).tolist():
        parts = [p.strip() for p in _SPLIT.split(cell)]
        kept = tuple(dict.fromkeys(p for p in parts if p))
        out.append(kept or None)
    return out


def _check_names(ids: pd.Series, names: list[str], current: Collection[str] | None,
                 file: str, collector: ProblemCollector) -> None:
    if current is None:
        collector.add(file, "needs the units' current_community: the units file has no "
                      "current_community column, so no row can name a community of it",
                      field=KEY)
        return
    known = sorted(set(current))
    for row, name in enumerate(ids.tolist()):
        if name and name not in current:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            collector.add(file, "must name a current_community of the units file",
                          record=names[row], field=KEY, value=name,
                          hint=f"did you mean '{close[0]}'?" if close else None)


def read_today(path: Path, file: str, collector: ProblemCollector, *,
               current: Collection[str] | None, units_read: bool) -> TodayCommunities | None:
    """The rows of ``path``, checked; None with problems in ``collector``.

    ``current`` holds the units' current_community names (None when the units file
    has no such column); ``units_read`` is False when the units file could not be
    read, and the names are then not checked against it.
    """
    if not path.is_file():
        collector.add(file, f"file not found ({path}); [data] communities_today names it")
        return None
    frame = read_csv_text(path, file, collector, empty_rule="is empty; it needs at least "
                          f"its header line: {KEY},{','.join(TODAY_FIELDS)}")
    if frame is None:
        return None
    columns = [str(c) for c in frame.columns]
    if KEY not in columns:
        close = difflib.get_close_matches(KEY, columns, n=1, cutoff=0.6)
        collector.add(file, f"required column '{KEY}' is missing (CONTRACT.md)",
                      hint=f"did you mean '{close[0]}'?" if close else
                      f"columns present: {', '.join(columns)[:160]}")
        return None
    for col in columns:
        if col != KEY and col not in TODAY_FIELDS:
            close = difflib.get_close_matches(col, TODAY_FIELDS, n=1, cutoff=0.6)
            collector.warn(file, "is not a column of communities_today.csv and is not read",
                           field="column", value=col,
                           hint=(f"did you mean '{close[0]}'?" if close
                                 else f"its columns: {', '.join((KEY, *TODAY_FIELDS))}"))
    present = tuple(f for f in TODAY_FIELDS if f in columns)
    before = len(collector.problems)
    ids = parse_ids(frame[KEY], file, KEY, collector)
    names = labels(ids)
    if units_read:
        _check_names(ids, names, current, file, collector)
    n = len(frame)
    values: dict[str, list[Any]] = {f: [None] * n for f in TODAY_FIELDS}
    for f in COUNT_FIELDS:
        if f in present:
            vals, known = parse_optional_count(frame[f], names, file, f, RULES[f], collector)
            values[f] = [int(v) if k else None
                         for v, k in zip(vals.tolist(), known.tolist(), strict=True)]
    for row, (w, q) in enumerate(zip(values["workers"], values["qualified_workers"],
                                     strict=True)):
        if w is not None and q is not None and q > w:
            collector.add(file, f"must be ≤ workers={w}: the qualified are among the "
                          "community's workers (PRO-80-50)", record=names[row],
                          field="qualified_workers", value=q)
    for f in FLAG_FIELDS:
        if f in present:
            values[f] = _flags(frame[f], names, file, f, collector)
    if "services_x" in present:
        values["services_x"] = _services(frame["services_x"])
    if len(collector.problems) > before:
        return None
    rows = tuple(TodayCommunity(ids.iat[r], **{f: values[f][r] for f in TODAY_FIELDS})
                 for r in range(n))
    return TodayCommunities(rows, present, file)

