"""Column checks shared by the unit and site readers, vectorized over whole columns.

Each function takes a raw column (whatever pandas/pyogrio produced: numbers, bools,
strings, missing values mixed), returns the parsed values, and adds one Problem per
bad record to the collector. Only the bad rows are visited in Python, so 40,000 good
rows cost a few vectorized pandas calls. Nothing is coerced silently: ``"2.5"``,
``"abc"``, ``2.5`` and ``True`` are all rejected as a household count.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from optimizer.errors import ProblemCollector

_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)$"
MAX_COUNT = 2**31 - 1


def plain(value: Any) -> Any:
    """A numpy scalar as the Python value a planner recognizes (for messages)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def shorten(text: str, width: int = 160) -> str:
    """Text cut to ``width`` characters for a message (a JSON file read as CSV has one
    enormous 'column name')."""
    return text if len(text) <= width else text[:width - 1] + "…"


def missing_mask(col: pd.Series) -> np.ndarray:
    """True where the value is absent: null/NaN, or blank text."""
    miss = col.isna().to_numpy(dtype=bool, copy=True)
    if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
        text = col.astype(object).where(~miss, "").map(str).str.strip()
        miss |= (text == "").to_numpy(dtype=bool)
    return miss


def text_values(col: pd.Series) -> pd.Series:
    """Every value as stripped text ('' when missing); integral floats lose their '.0'
    (GDAL reads an all-number id column as float when one is null)."""
    miss = col.isna().to_numpy(dtype=bool, copy=True)
    if pd.api.types.is_float_dtype(col):
        vals = col.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(vals) & (np.mod(np.where(np.isfinite(vals), vals, 0), 1) == 0)
        out = [str(int(v)) if w else ("" if m else str(v))
               for v, w, m in zip(vals.tolist(), whole.tolist(), miss.tolist(), strict=True)]
        return pd.Series(out, index=col.index, dtype=object)
    return col.astype(object).where(~miss, "").map(str).str.strip().astype(object)


def labels(ids: pd.Series) -> list[str]:
    """Record names for messages: the id, or 'row N' (1-based) when it is missing."""
    return [u if u else f"row {i + 1}" for i, u in enumerate(ids.tolist())]


def required_columns(frame: pd.DataFrame, names: Sequence[str], file: str,
                     collector: ProblemCollector) -> set[str]:
    """Report each required column that is absent; return the absent ones."""
    absent = set()
    cols = [str(c) for c in frame.columns]
    for name in names:
        if name not in frame.columns:
            close = difflib.get_close_matches(name, cols, n=1, cutoff=0.6)
            hint = (f"did you mean '{close[0]}'?" if close
                    else f"columns present: {shorten(', '.join(cols))}")
            collector.add(file, f"required column '{name}' is missing (CONTRACT.md)",
                          hint=hint)
            absent.add(name)
    return absent


def parse_ids(col: pd.Series, file: str, field: str, collector: ProblemCollector) -> pd.Series:
    """Ids as text; reports missing ids (by row), ids that are not text or a number
    (a JSON list, object or true/false), and duplicates (with their rows)."""
    odd = col.astype(object).map(
        lambda v: isinstance(v, dict | list | bool | np.bool_)).to_numpy(dtype=bool)
    for row in np.flatnonzero(odd).tolist():
        collector.add(file, "must be text or a whole number", record=f"row {row + 1}",
                      field=field, value=plain(col.iat[row]))
    # Such a record has no id: its other problems are named by its row too, not by
    # the text of a true/false or a list ("False has households=missing", the fuzz run)
    ids = text_values(col).where(~odd, "")
    miss = (ids == "").to_numpy() & ~odd
    for row in np.flatnonzero(miss).tolist():
        collector.add(file, "every record needs a unique, non-empty id", record=f"row {row + 1}",
                      field=field, value=None)
    dup = ids.duplicated(keep=False).to_numpy() & (ids != "").to_numpy()
    if dup.any():
        rows: dict[str, list[int]] = {}
        for row in np.flatnonzero(dup).tolist():
            rows.setdefault(ids.iat[row], []).append(row + 1)
        for uid, where in rows.items():
            collector.add(file, f"{field} must be unique; it appears on rows "
                          f"{', '.join(map(str, where))}", record=uid, field=field, value=uid)
    return ids


# Why a value is not a usable number (parse_numbers' status per row).
OK, MISSING, NAN, INFINITE, BOOL, EXPONENT, NOT_NUMBER = range(7)
_EXPONENT = r"^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$"
WHY = {NAN: "is NaN (not a number)", INFINITE: "must be finite",
       BOOL: "is true/false, not a number",
       EXPONENT: "must be written as a plain number (digits, no exponent)",
       NOT_NUMBER: "is not a number"}


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:     # an int beyond float range
        return math.inf if value > 0 else -math.inf


def number_status(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values as float, status per row: OK, MISSING, NAN, ...). Text must look like
    a plain decimal number; booleans, NaN and infinities are not numbers. A NaN in
    a typed numeric column (GeoPackage, Shapefile) is how GDAL gives a null: missing."""
    n = len(col)
    miss = missing_mask(col)
    status = np.where(miss, MISSING, OK)
    if pd.api.types.is_bool_dtype(col):
        return np.full(n, np.nan), np.where(miss, MISSING, BOOL)
    if pd.api.types.is_numeric_dtype(col):
        vals = col.to_numpy(dtype=float, na_value=np.nan)
        status[~miss & ~np.isfinite(vals)] = INFINITE
        return vals, status
    obj = col.astype(object)
    is_bool = obj.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    is_num = obj.map(lambda v: isinstance(v, int | float | np.number)
                     and not isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    vals = np.full(n, np.nan)
    raw = obj.tolist()
    for row in np.flatnonzero(is_num).tolist():
        vals[row] = _as_float(raw[row])
    nan_given = is_num & np.isnan(vals)          # a NaN written in the file (JSON NaN)
    text = obj.where(~miss, "").map(str).str.strip()
    looks = text.str.match(_NUMBER).to_numpy(dtype=bool) & ~is_bool & ~is_num & ~miss
    if looks.any():
        vals[looks] = [_as_float(int(t)) if t.lstrip("+-").isdigit() else float(t)
                       for t in text[looks].tolist()]
    exponent = (text.str.match(_EXPONENT).to_numpy(dtype=bool) & ~is_bool & ~is_num
                & ~miss)
    status = np.where(miss & ~nan_given, MISSING, OK)
    status[nan_given] = NAN
    status[is_bool & ~miss] = BOOL
    status[(is_num | looks) & ~nan_given & np.isinf(vals)] = INFINITE
    status[exponent] = EXPONENT
    status[~miss & ~is_bool & ~is_num & ~looks & ~exponent] = NOT_NUMBER
    return vals, status


def parse_numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values as float, missing mask, not-a-number mask); see :func:`number_status`."""
    vals, status = number_status(col)
    return vals, status == MISSING, (status != OK) & (status != MISSING)


def parse_count(col: pd.Series, names: list[str], file: str, field: str, rule: str,
                collector: ProblemCollector) -> np.ndarray:
    """A required whole number from 0 to MAX_COUNT per record (households). Every
    message names the valid range and why this value is outside it."""
    vals, known = parse_optional_count(col, names, file, field, rule, collector,
                                       required=True)
    return np.where(known, vals, 0).astype(np.int64)


def parse_optional_count(col: pd.Series, names: list[str], file: str, field: str, rule: str,
                         collector: ProblemCollector, *, required: bool = False,
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers from 0 to MAX_COUNT; (values as int64, known mask). An empty cell
    is "not known" (known False, no problem) unless ``required``; a bad value is a
    problem and not known."""
    vals, status = number_status(col)
    miss = status == MISSING
    bad = (status != OK) & ~miss
    fin = np.where(np.isfinite(vals), vals, 0.0)
    good = ~miss & ~bad
    frac = good & (np.mod(fin, 1) != 0)
    # "-0" too: a minus sign in a count says something is off
    minus = col.astype(object).map(lambda v: str(v).strip().startswith("-")).to_numpy(bool)
    neg = good & ~frac & ((fin < 0) | minus)
    big = good & ~frac & (fin > MAX_COUNT)
    valid = f"{rule}: a whole number from 0 to {MAX_COUNT:,}"
    raw = col.astype(object).tolist()
    if required:
        for row in np.flatnonzero(miss).tolist():
            collector.add(file, f"is required ({valid})", record=names[row], field=field)
    for mask, why in ((frac, "must be a whole number; it is not rounded for you"),
                      (neg, "must be ≥ 0"),
                      (big, "is too large")):
        for row in np.flatnonzero(mask).tolist():
            collector.add(file, f"{why} ({valid})", record=names[row], field=field,
                          value=plain(raw[row]))
    for row in np.flatnonzero(bad).tolist():
        collector.add(file, f"{WHY[int(status[row])]} ({valid})", record=names[row],
                      field=field, value=plain(raw[row]))
    known = ~(miss | bad | frac | neg | big)
    return np.where(known, fin, 0).astype(np.int64), known


def parse_amount(col: pd.Series, names: list[str], file: str, field: str, rule: str,
                 collector: ProblemCollector, *, required: np.ndarray | bool = True,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """A finite number ≥ 0 per record; (values, ok mask). ``required`` may be a
    per-row mask; rows not required may be empty (NaN)."""
    vals, status = number_status(col)
    miss = status == MISSING
    bad = (status != OK) & ~miss
    req = np.broadcast_to(np.asarray(required, dtype=bool), miss.shape)
    neg = ~miss & ~bad & (np.nan_to_num(vals) < 0)
    raw = col.astype(object).tolist()
    for row in np.flatnonzero(miss & req).tolist():
        collector.add(file, f"is required: {rule}", record=names[row], field=field)
    for row in np.flatnonzero(bad).tolist():
        collector.add(file, f"{WHY[int(status[row])]}; must be a number ≥ 0 ({rule})",
                      record=names[row], field=field, value=plain(raw[row]))
    for row in np.flatnonzero(neg).tolist():
        collector.add(file, f"must be ≥ 0 ({rule})", record=names[row], field=field,
                      value=plain(raw[row]))
    ok = ~bad & ~neg & ~(miss & req)
    return np.where(ok & ~miss, vals, np.nan), ok


def parse_bool(col: pd.Series, names: list[str], file: str, field: str, rule: str,
               collector: ProblemCollector, *, required: bool) -> np.ndarray:
    """``true``/``false`` (any case) or a real boolean; missing means false when the
    field is optional and is an error when it is required. 1/0/yes/no are rejected."""
    miss = missing_mask(col)
    if pd.api.types.is_bool_dtype(col):
        return col.to_numpy(dtype=bool)
    obj = col.astype(object)
    is_num = obj.map(lambda v: isinstance(v, int | float | np.number)
                     and not isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    text = obj.where(~miss, "").map(str).str.strip().str.lower()
    true = (text == "true").to_numpy() & ~is_num
    false = (text == "false").to_numpy() & ~is_num
    bad = ~miss & ~true & ~false
    raw = obj.tolist()
    for row in np.flatnonzero(bad).tolist():
        collector.add(file, f"must be true or false ({rule})", record=names[row], field=field,
                      value=plain(raw[row]))
    if required:
        for row in np.flatnonzero(miss).tolist():
            collector.add(file, f"is required, true or false ({rule})", record=names[row],
                          field=field, value=None)
    return true


def parse_choice(col: pd.Series, names: list[str], file: str, field: str,
                 choices: Sequence[str], rule: str, collector: ProblemCollector) -> pd.Series:
    """One of ``choices`` exactly (case matters: 'Urban' is reported, with a hint)."""
    text = text_values(col)
    bad = ~text.isin(list(choices)).to_numpy()
    raw = col.astype(object).tolist()
    for row in np.flatnonzero(bad).tolist():
        value = None if text.iat[row] == "" else plain(raw[row])
        close = difflib.get_close_matches(str(text.iat[row]).lower(), list(choices), n=1)
        collector.add(file, f"must be one of {', '.join(choices)} ({rule})", record=names[row],
                      field=field, value=value,
                      hint=f"did you mean '{close[0]}'?" if close and value is not None else None)
    return text


def parse_text(col: pd.Series, names: list[str], file: str, field: str, rule: str,
               collector: ProblemCollector, *, required: bool) -> pd.Series:
    """Non-empty text when required; '' stays '' (None later) when optional."""
    text = text_values(col)
    if required:
        for row in np.flatnonzero((text == "").to_numpy()).tolist():
            collector.add(file, f"is required ({rule})", record=names[row], field=field,
                          value=None)
    return text
