"""How long and how the search runs: :class:`SolverParams`, the ``[solver]`` table.

It sits with the scenario's other numbers (a Scenario carries the ``[solver]`` it
was loaded with) and is also what :func:`optimizer.solve` takes (``params=``), so a
planner can keep search settings in their own TOML file and solve one scenario
several ways (PyVRP's ``SolveParams.from_file`` is the model)::

    params = SolverParams.from_file("fast.toml")     # its [solver] table
    plan = optimizer.solve(scenario, params)

Every value is checked by :mod:`optimizer.rules.limits`, the same checks the
command line and the keyword arguments of ``solve`` get; a bad one raises
:class:`~optimizer.errors.ConfigError` naming the file, the table and the field.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optimizer.errors import ConfigError, Problem
from optimizer.rules.limits import (
    relative_gap_problem,
    seed_problem,
    time_limit_problem,
    workers_problem,
)
from optimizer.rules.overrides import apply_overrides

SECTION = "solver"


@dataclass(frozen=True)
class SolverParams:
    """``time_limit_s``: wall-clock seconds for the whole solve. ``workers``: cores
    (0 = all; 1 = deterministic: the same scenario and seed give the same plan).
    ``seed``: of every random choice. ``relative_gap``: a piece stops once its plan
    is proved within this share of the best (0: prove optimality). ``log_search``:
    CP-SAT's search log on stdout."""

    time_limit_s: float = 60.0
    workers: int = 0  # 0 = all cores
    seed: int = 0
    relative_gap: float = 0.0
    log_search: bool = False

    def problems(self, file: str = "scenario.toml", section: str = SECTION) -> list[Problem]:
        """Every value out of range, on its own field (empty when all are fine)."""
        out = []
        for name, check in (("time_limit_s", time_limit_problem), ("workers", workers_problem),
                            ("seed", seed_problem), ("relative_gap", relative_gap_problem)):
            value = getattr(self, name)
            problem = check(value)
            if problem:
                out.append(Problem(file, problem, record=f"[{section}]", field=name,
                                   value=value))
        return out

    @classmethod
    def from_table(cls, table: Mapping[str, Any] | None, file: str = "scenario.toml",
                   section: str = SECTION) -> SolverParams:
        """The parameters of a ``[solver]`` table (the defaults for keys it lacks).
        :class:`ConfigError` listing every unknown key, wrong type or bad value, each
        with its field."""
        if table is not None and not isinstance(table, Mapping):
            raise ConfigError([Problem(file, "must be a table", record=f"[{section}]",
                                       value=table)])
        return apply_overrides(cls(), dict(table or {}), file, section)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> SolverParams:
        """The ``[solver]`` table of a TOML file (a scenario.toml or a file of search
        settings; its other tables are not read). A file without one gives the
        defaults. :class:`ConfigError` when the file cannot be read or the table is
        wrong, naming the file and the field."""
        p = Path(path)
        try:
            doc = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ConfigError([Problem(p.name, f"cannot be read: {exc.strerror or exc}")]
                              ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError([Problem(p.name, f"is not valid TOML: {exc}")]) from None
        return cls.from_table(doc.get(SECTION), p.name)
