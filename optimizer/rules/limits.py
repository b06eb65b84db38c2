"""The solver numbers a planner gives (time limit, workers, seed, gap, memory): one
validation for the command line, ``[solver]`` in scenario.toml and the Python API.

Each ``*_problem`` function returns what is wrong with a value in planner terms, or
None when it is fine. ``float("inf")`` or ``nan`` as a time limit used to run without
end, and a negative worker count silently meant "all cores": both are refused here.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from optimizer.errors import OptimizerError

MAX_TIME_LIMIT_S = 7 * 24 * 3600.0   # a week: beyond it a typo (or inf) is likelier
MAX_WORKERS = 1024
MAX_SEED = 2**31 - 1                 # CP-SAT's random_seed is a signed 32-bit integer


def _number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def time_limit_problem(value: Any) -> str | None:
    if not _number(value) or not math.isfinite(float(value)):
        return "the time limit must be a finite number of seconds"
    if not 0 < float(value) <= MAX_TIME_LIMIT_S:
        return f"the time limit must be above 0 and at most {MAX_TIME_LIMIT_S:,.0f} s (a week)"
    return None


def workers_problem(value: Any) -> str | None:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        return "workers must be a whole number"
    if not 0 <= int(value) <= MAX_WORKERS:
        return f"workers must be 0 (all cores) or 1..{MAX_WORKERS} (1 = deterministic)"
    return None


def seed_problem(value: Any) -> str | None:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        return "the seed must be a whole number"
    if not 0 <= int(value) <= MAX_SEED:
        return f"the seed must be 0..{MAX_SEED:,}"
    return None


def relative_gap_problem(value: Any) -> str | None:
    if not _number(value) or not 0 <= float(value) < 1:
        return "relative_gap must be a number from 0 (prove optimality) up to, not including, 1"
    return None


def memory_problem(value: Any) -> str | None:
    if not _number(value) or not math.isfinite(float(value)) or float(value) <= 0:
        return "the memory budget must be a finite number of GB above 0"
    return None


def cp_seed(seed: int) -> int:
    """A seed CP-SAT accepts: a piece's seed is the run's seed plus its index (plus a
    round for the neighbourhood search), which may pass 2^31 - 1; wrapped, still fixed."""
    return int(seed) % (MAX_SEED + 1)


def check_solve_args(time_limit_s: Any, workers: Any, seed: Any,
                     memory_gb: Any = None) -> None:
    """Raise :class:`LimitError` naming every bad argument of ``optimizer.solve``."""
    found = [f"{name}={value!r}: {why}" for name, value, why in (
        ("time_limit_s", time_limit_s, time_limit_problem(time_limit_s)),
        ("workers", workers, workers_problem(workers)),
        ("seed", seed, seed_problem(seed)),
        ("memory_gb", memory_gb, memory_problem(memory_gb) if memory_gb is not None else None),
    ) if why]
    if found:
        raise LimitError("; ".join(found))


class LimitError(OptimizerError, ValueError):
    """A time limit, worker count, seed or memory budget out of range (API callers)."""
