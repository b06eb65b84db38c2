"""This test's own reading of ../shared/CONTRACT.md for the loader fuzz: for a value
written into a field, whether the engine must accept it, must refuse it, or may do
either (the contract does not say; a refusal must still name the file). Used by
tests/helpers/fuzz_mutations.py; never the loader's code.
"""

from __future__ import annotations

import math
import re
from typing import Any

from tests.helpers.fuzz_folders import SITES_COLS, csv_cell

MAX_COUNT = 2**31 - 1
WEEK_S = 7 * 24 * 3600.0
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_EXP = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")


def count_verdict(v: Any) -> tuple[str, int | None]:
    """households, an integer >= 0: (must, the value read when it may be accepted)."""
    if v is None or isinstance(v, bool | list | dict):
        return "refuse", None
    if isinstance(v, int):
        if v < 0 or v > MAX_COUNT:
            return "refuse", None
        return ("accept" if v <= 10**6 else "either"), v
    if isinstance(v, float):
        if not math.isfinite(v) or v != int(v) or v < 0 or v > MAX_COUNT:
            return "refuse", None
        return "either", int(v)
    t = str(v).strip()
    if t.startswith("-") or not (_PLAIN.fullmatch(t) or _EXP.fullmatch(t)):
        return "refuse", None
    x = float(t)
    if not math.isfinite(x) or x != int(x) or x > MAX_COUNT:
        return "refuse", None
    return ("accept" if t.lstrip("+").isdigit() and t == str(int(x)) else "either"), int(x)


def text_verdict(v: Any, required: bool) -> str:
    """county, street (required) and current_community: text."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return "refuse" if required else "accept"
    if isinstance(v, str):
        return "accept" if "\x00" not in v else "either"
    return "either"          # a number or a JSON list/object: read as text, or refused


def bool_verdict(v: Any) -> str:
    """new_development, no_build: optional true/false."""
    if v is None or isinstance(v, bool):
        return "accept"
    if isinstance(v, str):
        t = v.strip().lower()
        return "accept" if t in ("", "true", "false") else "refuse"
    if isinstance(v, float) and math.isnan(v):
        return "either"       # a JSON NaN where a flag belongs: missing, or refused
    return "refuse"


def kind_verdict(v: Any) -> str:
    if v in ("urban", "rural"):
        return "accept"
    return "either" if isinstance(v, str) and v.strip() in ("urban", "rural") else "refuse"


def amount_verdict(text: str) -> str:
    """A site's number >= 0 as written in sites.csv."""
    t = text.strip()
    if _EXP.fullmatch(t):
        return "either"
    if not _PLAIN.fullmatch(t) or not math.isfinite(float(t)):
        return "refuse"
    return "either" if t.startswith("-") and float(t) == 0 else \
        ("refuse" if float(t) < 0 else "accept")


def site_verdicts(row: dict[str, Any], n: int, unit_ids: set[str]) -> list[tuple[str, str]]:
    """(must, field) for every field of site row ``n`` (0-based) that is not plainly fine."""
    cell = {k: csv_cell(row.get(k)) for k in SITES_COLS}
    out: list[tuple[str, str]] = []
    if not cell["site_id"].strip():
        out.append(("refuse", "site_id"))
    if cell["unit_id"].strip() not in unit_ids:
        out.append(("refuse", "unit_id"))
    owned = cell["owned"].strip().lower()
    if owned not in ("true", "false"):
        out.append(("refuse", "owned"))
    for name in ("area_m2", "max_area_m2"):
        if (must := amount_verdict(cell[name])) != "accept":
            out.append((must, name))
    if not out and float(cell["max_area_m2"]) < float(cell["area_m2"]):
        out.append(("refuse", "max_area_m2"))
    price = cell["purchase_price_yuan"].strip()
    if owned == "true" and price:
        out.append(("refuse", "purchase_price_yuan"))
    if owned == "false" and (must := amount_verdict(price)) != "accept":
        out.append((must, "purchase_price_yuan"))
    return out


def solver_verdict(key: str, v: Any) -> str:
    real = isinstance(v, int | float) and not isinstance(v, bool)
    ok = {"time_limit_s": real and math.isfinite(v) and 0 < v <= WEEK_S,
          "workers": isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1024,
          "seed": isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_COUNT,
          "relative_gap": real and 0 <= v < 1,
          "log_search": isinstance(v, bool)}[key]
    return "accept" if ok else "refuse"
