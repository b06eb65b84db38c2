"""Apply a TOML table of overrides to a frozen parameter dataclass.

Used for the ``[policy]``, ``[costs]``, ``[objective]`` and ``[solver]`` tables of
scenario.toml. Unknown keys and badly typed values are collected as problems (with
the nearest valid name suggested) instead of being ignored or coerced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import types
import typing
from typing import Any, TypeVar

from optimizer.errors import ConfigError, Problem

T = TypeVar("T")
_WORDS = {int: "a whole number", float: "a number", bool: "true or false",
          str: "text in double quotes"}


def _is_year_table(cls: type, name: str) -> bool:
    """A field of (year, amount) pairs, written in TOML as ``{ 2013 = 47500, ... }``."""
    return typing.get_origin(typing.get_type_hints(cls)[name]) is tuple


def _year_table(value: Any) -> tuple[tuple[int, float], ...] | None:
    """``{ "2013": 47500 }`` (or pairs) as sorted (year, amount) pairs; None if not one."""
    items = value.items() if isinstance(value, dict) else value \
        if isinstance(value, (list, tuple)) else None
    if items is None:
        return None
    out = []
    for pair in items:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            return None
        year, amount = pair
        try:
            y = int(str(year).strip())
        except ValueError:
            return None
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            return None
        out.append((y, float(amount)))
    return tuple(sorted(out))


def _expected_types(cls: type, name: str) -> tuple[type, ...]:
    hints = typing.get_type_hints(cls)
    hint = hints[name]
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    return tuple(a for a in args if isinstance(a, type))


def _accepts(value: Any, allowed: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in allowed
    if isinstance(value, int) and float in allowed:
        return True
    return isinstance(value, allowed)


def override_problems(cls: type, table: dict[str, Any], file: str,
                      section: str) -> list[Problem]:
    """Every problem with ``table`` as overrides of ``cls`` (empty when fine)."""
    names = [f.name for f in dataclasses.fields(cls)]
    problems: list[Problem] = []
    for key, value in table.items():
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else f"valid names: {', '.join(names)}"
            problems.append(Problem(file, f"unknown key in [{section}]", record=f"[{section}]",
                                    field=key, value=value, hint=hint))
            continue
        if _is_year_table(cls, key):
            if _year_table(value) is None:
                problems.append(Problem(file, "must be a table of years and amounts, "
                                        f"e.g. {key} = {{ 2013 = 47500, 2014 = 52000 }}",
                                        record=f"[{section}]", field=key, value=value))
            continue
        allowed = _expected_types(cls, key)
        if not _accepts(value, allowed):
            want = " or ".join(_WORDS.get(t, t.__name__) for t in allowed)
            quote = (f'write it in quotes: {key} = "{value}"'
                     if str in allowed and isinstance(value, dt.date) else None)
            problems.append(Problem(file, f"must be {want}", record=f"[{section}]",
                                    field=key, value=value, hint=quote))
    return problems


def apply_overrides(obj: T, table: dict[str, Any] | None, file: str = "scenario.toml",
                    section: str = "") -> T:
    """A copy of the frozen dataclass ``obj`` with ``table`` applied; raises
    :class:`ConfigError` listing every bad key at once."""
    if not table:
        return obj
    problems = override_problems(type(obj), table, file, section)
    # The values of the well-typed keys are judged too, beside the badly typed ones:
    # every problem at once (the fuzz run: time_limit_s=false hid workers=-1).
    bad = {p.field for p in problems}
    fixed = {}
    for key, value in table.items():
        if key in bad:
            continue
        if _is_year_table(type(obj), key):
            fixed[key] = _year_table(value)
            continue
        allowed = _expected_types(type(obj), key)
        if isinstance(value, int) and not isinstance(value, bool) and float in allowed \
                and int not in allowed:
            value = float(value)
        fixed[key] = value
    new = dataclasses.replace(obj, **fixed)  # type: ignore[type-var]
    check = getattr(new, "problems", None)
    if check is not None:
        # a problem of a badly typed key's stand-in (its default) is not the file's
        problems += [p for p in check(file, section) if not bad or p.field not in bad | {None}]
    if problems:
        raise ConfigError(problems)
    return new
