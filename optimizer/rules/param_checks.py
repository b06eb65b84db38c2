"""Range checks of the frozen parameter tables ([policy], [costs], [objective]).

Each field has one entry: the rule id of RULES.md it comes from (or, for our own
assumptions, what it prices) and the kind of number it must be. A problem is
always reported on the key that holds the bad value, with that value and the rule;
a constraint between two keys (a minimum above its maximum) is checked only when
both keys are fine on their own, and its message names both.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from optimizer.errors import Problem

# Upper bounds: far above any real value, low enough that the model's integer costs
# (yuan × 1000 in int64) and household counts cannot overflow from one parameter.
MAX_COUNT = 2**31 - 1
MAX_AMOUNT = 1e9

# kind -> (test, what the value must be)
KINDS: dict[str, tuple[Any, str]] = {
    "count1": (lambda v: 1 <= v <= MAX_COUNT, f"must be a whole number from 1 to {MAX_COUNT:,}"),
    "count0": (lambda v: 0 <= v <= MAX_COUNT, f"must be a whole number from 0 to {MAX_COUNT:,}"),
    "amount": (lambda v: math.isfinite(v) and 0 <= v <= MAX_AMOUNT,
               f"must be a finite number from 0 to {MAX_AMOUNT:,.0f}"),
    "positive": (lambda v: math.isfinite(v) and 0 < v <= MAX_AMOUNT,
                 f"must be a finite number above 0, at most {MAX_AMOUNT:,.0f}"),
    "share": (lambda v: math.isfinite(v) and 0 <= v <= 1,
              "must be a share from 0 to 1 (0.95 for 95%)"),
    "date": (lambda v: _is_date(v), "must be a date YYYY-MM-DD"),
}


def _is_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def range_problems(obj: object, checks: Mapping[str, tuple[str, str]],
                   pairs: tuple[tuple[str, str, str], ...], file: str,
                   section: str) -> list[Problem]:
    """Every value of ``obj`` outside its range, then every (low, high, rule) pair
    of ``pairs`` in the wrong order (only when both values are fine alone)."""
    record = f"[{section}]"
    out: list[Problem] = []
    bad: set[str] = set()
    for name, (rule, kind) in checks.items():
        value = getattr(obj, name)
        test, what = KINDS[kind]
        if not test(value):
            bad.add(name)
            out.append(Problem(file, f"{what} ({rule})", record=record, field=name,
                               value=value))
    for lo, hi, rule in pairs:
        lo_v, hi_v = getattr(obj, lo), getattr(obj, hi)
        if lo in bad or hi in bad or lo_v <= hi_v:
            continue
        out.append(Problem(file, f"must be ≤ {hi}={hi_v} ({rule}): lower {lo} or raise {hi}",
                           record=record, field=lo, value=lo_v))
    return out
