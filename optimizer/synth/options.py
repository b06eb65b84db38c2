"""Preset parameters: frozen dataclasses filled from ``--size`` / ``--option KEY=VALUE``.

Each preset declares its parameters as a dataclass with defaults; the command line
and the API pass strings or values by name, and every problem is reported at once
(the field, the value, what it must be).
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, TypeVar

from optimizer.errors import OptimizerError

T = TypeVar("T")


class PresetError(OptimizerError, ValueError):
    """An unknown preset, or options a preset does not have or cannot take."""


def _convert(name: str, kind: Any, value: object) -> object:
    if isinstance(kind, str):
        kind = {"int": int, "float": float, "str": str, "bool": bool}.get(kind, kind)
    origin = typing.get_origin(kind)
    if origin is tuple:
        if isinstance(value, str):
            parts: list[object] = [p for p in value.replace(";", ",").split(",") if p.strip()]
        else:
            parts = list(value)  # type: ignore[call-overload]
        return tuple(int(str(p).strip()) for p in parts)
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes"):
            return True
        if text in ("0", "false", "no"):
            return False
        raise ValueError(f"{name} must be true or false")
    if kind is int:
        return int(str(value).strip()) if not isinstance(value, int) else value
    if kind is float:
        return float(str(value).strip())
    return str(value)


def parse(cls: type[T], values: dict[str, object], preset: str) -> T:
    """``cls(**values)`` with each value converted to its field's type; unknown names
    and bad values raise one PresetError naming all of them."""
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    problems: list[str] = []
    out: dict[str, object] = {}
    for key, value in sorted(values.items()):
        name = key.replace("-", "_")
        if name not in fields:
            problems.append(f"unknown option {key!r} (options of {preset}: "
                            f"{', '.join(sorted(fields))})")
            continue
        try:
            out[name] = _convert(name, hints[name], value)
        except (TypeError, ValueError) as exc:
            problems.append(f"option {key}={value!r}: {exc}")
    if problems:
        raise PresetError(f"preset {preset}: " + "; ".join(problems))
    return cls(**out)


def describe(obj: object) -> str:
    """``size=150 geometry=voronoi ...`` (every field, for the scenario.toml header)."""
    parts = []
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        v = getattr(obj, f.name)
        text = ",".join(str(x) for x in v) if isinstance(v, tuple) else str(v).lower() \
            if isinstance(v, bool) else str(v)
        parts.append(f"{f.name}={text}")
    return " ".join(parts)
