"""``[budget]`` of scenario.toml, checked (CONTRACT.md "Budgets", issue 18 "Bad input").

::

    [budget]
    horizon = [2013, 2015]                    # first and last plan year (both included)
    capital_yuan = { 2013 = 8e6, 2014 = 6e6, 2015 = 6e6 }   # each county, unless below
    carry_over = false                        # unspent capital moves to the next year
    [budget.counties."Jianhu"]
    capital_yuan = { 2013 = 5e6, 2014 = 5e6, 2015 = 4e6 }

Decisions, where CONTRACT.md is silent:

- ``horizon`` is required; a one-year horizon (``[2013, 2013]``) is allowed. It starts
  in or after the plan year (``year``: money of an earlier year cannot pay for this
  plan) and spans at most :data:`MAX_YEARS` years.
- Each ``capital_yuan`` table gives every year of the horizon, 0 included: a missing
  year is an error, never a silent 0 (nor "no limit").
- A county's own table replaces the shared one for every year.
- Every county of the scenario needs an amount: the shared table, or its own.

Every problem names the file, the table, the key and the value; all are collected.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection
from typing import Any

import numpy as np

from optimizer.errors import ConfigError, ProblemCollector
from optimizer.scenario.budget import Budget

FILE = "scenario.toml"
RECORD = "[budget]"
BUDGET_KEYS = ("horizon", "capital_yuan", "carry_over", "counties")
COUNTY_KEYS = ("capital_yuan",)
MAX_YEARS = 30
_YEAR = re.compile(r"^\d{4}$")
_EXAMPLE = "e.g. capital_yuan = { 2013 = 8e6, 2014 = 6e6, 2015 = 6e6 }"


def _suggest(key: str, names: Collection[str]) -> str:
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'?" if close else f"valid: {', '.join(sorted(names))}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _horizon(value: Any, plan_year: int, file: str,
             collector: ProblemCollector) -> tuple[int, int] | None:
    rule = "must be [first, last]: two whole years in order, e.g. horizon = [2013, 2015]"
    if value is None:
        collector.add(file, f"is required ({rule})", record=RECORD, field="horizon")
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(_is_int(v) for v in value)):
        collector.add(file, rule, record=RECORD, field="horizon", value=value)
        return None
    first, last = value
    if not (1900 <= first <= 2200 and 1900 <= last <= 2200):
        collector.add(file, f"{rule}; years from 1900 to 2200", record=RECORD,
                      field="horizon", value=value)
        return None
    if last < first:
        collector.add(file, f"{rule}; the last year is before the first", record=RECORD,
                      field="horizon", value=value)
        return None
    if last - first + 1 > MAX_YEARS:
        collector.add(file, f"spans {last - first + 1} years; a budget horizon spans at "
                      f"most {MAX_YEARS}", record=RECORD, field="horizon", value=value)
        return None
    if first < plan_year:
        collector.add(file, f"starts before the plan year (year = {plan_year}); money of an "
                      "earlier year cannot pay for this plan", record=RECORD, field="horizon",
                      value=value)
        return None
    return first, last


def _amounts(value: Any, horizon: tuple[int, int] | None, record: str, file: str,
             collector: ProblemCollector) -> np.ndarray | None:
    """One amount per year of the horizon from ``{year = amount}``; None with problems."""
    if not isinstance(value, dict):
        collector.add(file, f"must be a table of amounts by year ({_EXAMPLE})", record=record,
                      field="capital_yuan", value=value)
        return None
    ok = True
    given: dict[int, float] = {}
    seen: set[int] = set()          # years written, good or bad
    span = f"{horizon[0]}-{horizon[1]}" if horizon else ""
    for raw, amount in value.items():
        key = str(raw) if _is_int(raw) or isinstance(raw, str) else repr(raw)  # API: int keys
        where = f"capital_yuan.{key}"
        if not _YEAR.match(key):
            collector.add(file, f"every key must be a year, written as 4 digits ({_EXAMPLE})",
                          record=record, field=where, value=amount)
            ok = False
            continue
        year = int(key)
        seen.add(year)
        if horizon is not None and not horizon[0] <= year <= horizon[1]:
            collector.add(file, f"{year} is outside the budget horizon {span} (FUND-POOL)",
                          record=record, field=where, value=amount)
            ok = False
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            collector.add(file, "must be an amount in yuan (a number ≥ 0, FUND-POOL)",
                          record=record, field=where, value=amount)
            ok = False
        elif not math.isfinite(amount):
            collector.add(file, "must be a finite amount in yuan (FUND-POOL)", record=record,
                          field=where, value=amount)
            ok = False
        elif amount < 0:
            collector.add(file, "must be ≥ 0: capital available that year, in yuan "
                          "(FUND-POOL)", record=record, field=where, value=amount)
            ok = False
        else:
            given[year] = float(amount)
    if horizon is None:
        return None
    missing = [y for y in range(horizon[0], horizon[1] + 1) if y not in seen]
    if missing:
        collector.add(file, f"gives no amount for {', '.join(map(str, missing))}: give every "
                      f"year of the horizon {span}, 0 where there is no money",
                      record=record, field="capital_yuan", value=value)
        ok = False
    if not ok:
        return None
    return np.array([given[y] for y in range(horizon[0], horizon[1] + 1)], dtype=float)


def parse_budget(table: Any, plan_year: int, counties: Collection[str] | None,
                 collector: ProblemCollector, file: str = FILE) -> Budget | None:
    """The :class:`Budget` of a ``[budget]`` table; None with problems in ``collector``
    when anything is wrong. ``counties`` are the scenario's (None when the units file
    could not be read: the county checks are then skipped)."""
    if not isinstance(table, dict):
        collector.add(file, "must be a table", record=RECORD, field="budget", value=table)
        return None
    before = len(collector.problems)
    for key, value in table.items():
        if key not in BUDGET_KEYS:
            collector.add(file, "unknown key in [budget]", record=RECORD, field=key, value=value,
                          hint=_suggest(key, BUDGET_KEYS))
    horizon = _horizon(table.get("horizon"), plan_year, file, collector)
    carry = table.get("carry_over", False)
    if not isinstance(carry, bool):
        collector.add(file, "must be true or false (unspent capital moves to the next year)",
                      record=RECORD, field="carry_over", value=carry)
    shared = (_amounts(table["capital_yuan"], horizon, RECORD, file, collector)
              if "capital_yuan" in table else None)
    own: dict[str, np.ndarray] = {}
    by_county = table.get("counties", {})
    if not isinstance(by_county, dict):
        collector.add(file, 'must be tables, one per county: [budget.counties."NAME"]',
                      record=RECORD, field="counties", value=by_county)
        by_county = {}
    known = set(counties) if counties is not None else None
    for name, sub in by_county.items():
        record = f'[budget.counties."{name}"]'
        if known is not None and name not in known:
            collector.add(file, "the scenario has no such county (the units' county)",
                          record=record, field="county", value=name,
                          hint=_suggest(name, known) if known else None)
        if not isinstance(sub, dict):
            collector.add(file, f"must be a table holding capital_yuan ({_EXAMPLE})",
                          record=record, field=name, value=sub)
            continue
        for key, value in sub.items():
            if key not in COUNTY_KEYS:
                hint = _suggest(key, COUNTY_KEYS)
                if key in BUDGET_KEYS:
                    hint = f"{key} is set for all counties in [budget]"
                collector.add(file, "unknown key in a county's budget", record=record,
                              field=key, value=value, hint=hint)
        if "capital_yuan" not in sub:
            collector.add(file, f"is required ({_EXAMPLE})", record=record, field="capital_yuan")
            continue
        amounts = _amounts(sub["capital_yuan"], horizon, record, file, collector)
        if amounts is not None:
            own[name] = amounts
    if "capital_yuan" not in table:
        lacking = sorted(known - set(by_county)) if known is not None else []
        if not by_county or lacking:
            shown = f" (none for {', '.join(lacking[:10])})" if lacking else ""
            collector.add(file, f"is required: the capital of each county and year{shown}, "
                          f"unless every county has its own [budget.counties.\"NAME\"] "
                          f"({_EXAMPLE})", record=RECORD, field="capital_yuan")
    if len(collector.problems) > before or horizon is None:
        return None
    return Budget(horizon[0], horizon[1], bool(carry), shared, own)


def horizon_of(table: Any, plan_year: int) -> tuple[int, int] | None:
    """The horizon of a ``[budget]`` table when it is valid, whatever else is wrong
    (the loader bounds available_year with it; the problems come from parse_budget)."""
    if not isinstance(table, dict):
        return None
    return _horizon(table.get("horizon"), plan_year, FILE, ProblemCollector())


def budget_from_table(table: dict[str, Any], plan_year: int,
                      counties: Collection[str] | None = None) -> Budget:
    """A Budget from a ``[budget]``-shaped dict (API, notebooks, what-ifs); raises
    :class:`ConfigError` listing every problem."""
    collector = ProblemCollector()
    budget = parse_budget(table, plan_year, counties, collector)
    collector.raise_if_any(ConfigError)
    assert budget is not None
    return budget
