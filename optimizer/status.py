"""What a solver proved about its answer: one vocabulary for plans, pieces and
districting results (CONTRACT.md, summary.json's ``status``).

A :class:`Status` is a ``StrEnum``: it compares equal to, formats as and serialises
(``json.dumps``, CSV) as its value, so summary.json keeps the contract's exact words.
It sits at the bottom of the house so every layer, the general districting one
included, can use it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import SupportsInt


class Status(StrEnum):
    """OPTIMAL: the answer is proved best. FEASIBLE: an answer, not proved best.
    INFEASIBLE: proved that no answer exists. UNKNOWN: no answer and no proof (time
    ran out first, or the model was not valid)."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"

    @property
    def has_answer(self) -> bool:
        """True for OPTIMAL and FEASIBLE: an answer meeting the hard rules exists."""
        return self in (Status.OPTIMAL, Status.FEASIBLE)

    @classmethod
    def parse(cls, value: object) -> Status:
        """The Status of ``value`` (a Status or its word, any case); ValueError naming
        the words allowed otherwise."""
        if isinstance(value, Status):
            return value
        if isinstance(value, str):
            try:
                return cls(value.strip().upper())
            except ValueError:
                pass
        raise ValueError(f"status must be one of {', '.join(s.value for s in cls)}, "
                         f"not {value!r}")

    @classmethod
    def from_cp_sat(cls, code: SupportsInt) -> Status:
        """The Status of an OR-Tools CP-SAT status code (``cp_model.OPTIMAL``, ...).
        MODEL_INVALID (a bug of ours, never a property of the data) is UNKNOWN: no
        answer, no proof. The codes are the CpSolverStatus values of OR-Tools' proto
        (pinned against ``cp_model`` in tests/test_status.py), so this module needs no
        OR-Tools import."""
        return _CP_SAT.get(int(code), cls.UNKNOWN)

    @classmethod
    def combined(cls, parts: list[Status] | set[Status] | tuple[Status, ...],
                 interrupted: bool = False) -> Status:
        """The status of a whole made of independent parts that each have an answer:
        OPTIMAL only when every part is and nothing interrupted the search."""
        return cls.OPTIMAL if set(parts) == {cls.OPTIMAL} and not interrupted \
            else cls.FEASIBLE


# OR-Tools' CpSolverStatus: UNKNOWN 0, MODEL_INVALID 1, FEASIBLE 2, INFEASIBLE 3, OPTIMAL 4.
_CP_SAT = {0: Status.UNKNOWN, 1: Status.UNKNOWN, 2: Status.FEASIBLE, 3: Status.INFEASIBLE,
           4: Status.OPTIMAL}
