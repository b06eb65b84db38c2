"""Every exception the package raises, and the Problem record they carry.

Validation collects every problem it finds and raises once (osmnx style), so a
planner fixes a file in one pass instead of one error at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, in planner terms.

    ``file`` is the file name, ``record`` the record id (unit id, site id, table
    name), ``field`` the field or column, ``value`` the bad value and ``rule`` what
    it must be (with a rule id of RULES.md where one applies).
    """

    file: str
    rule: str
    record: str | None = None
    field: str | None = None
    value: Any = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.record is not None:
            where += f": {self.record}"
        if self.field is not None:
            shown = "missing" if self.value is None else _short(repr(self.value))
            text = f"{where} has {self.field}={shown}; {self.rule}"
        else:
            text = f"{where}: {self.rule}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def _short(text: str, width: int = 120) -> str:
    """A value as shown in a message: hostile input (a 10 MB cell, a 400-digit
    number) is cut, not echoed whole."""
    return text if len(text) <= width else text[:width - 1] + "…"


class OptimizerError(Exception):
    """Base of every error this package raises on purpose."""


class _ProblemsError(OptimizerError):
    kind = "input"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the {self.kind}:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


class ScenarioError(_ProblemsError):
    """A scenario folder has one or more problems; all of them are listed."""

    kind = "scenario"


class PlanError(_ProblemsError):
    """A plan folder cannot be read; all of its problems are listed."""

    kind = "plan"


class ConfigError(ScenarioError):
    """An unknown or badly typed key in a [policy]/[costs]/[objective]/[solver] table."""


class LockError(ScenarioError):
    """A planner's lock names something that does not exist or cannot hold."""


class SolveError(OptimizerError):
    """The search could not return any plan (never raised for an infeasible piece:
    those get an exemption and a diagnosis instead)."""


class OutputError(OptimizerError):
    """An output folder was not written: it is not ours to replace, another process is
    writing it, or the disk refused (full, read-only). The message names the path and
    what to do; nothing that was there before is lost."""


@dataclass
class ProblemCollector:
    """Collects problems while reading; raises them all at once.

    ``warnings`` are doubts about data that is still accepted (overlapping units, a
    far-away part); ``notes`` say what reading decided for the planner (a file read
    as GB18030). Both end up on the Scenario, neither stops loading.
    """

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, file: str, rule: str, record: str | None = None, field: str | None = None,
            value: Any = None, hint: str | None = None) -> None:
        self.problems.append(Problem(file, rule, record, field, value, hint))

    def extend(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems.extend(problems)

    def warn(self, file: str, rule: str, record: str | None = None, field: str | None = None,
             value: Any = None, hint: str | None = None) -> None:
        self.warnings.append(Problem(file, rule, record, field, value, hint))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, cls: type[_ProblemsError] = ScenarioError) -> None:
        if self.problems:
            raise cls(self.problems)
