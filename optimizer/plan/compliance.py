"""The checker's verdict as records: one ComplianceRow per line of compliance.csv
(CONTRACT.md), and the ComplianceReport that holds them. They belong to the plan
folder, so the folder's writer and every reader share them without importing the
checker that produces them (:mod:`optimizer.checker`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["COLUMNS", "STATUSES", "ComplianceReport", "ComplianceRow"]
COLUMNS = ("rule_id", "community_id", "status", "value", "limit", "note")
# not_assessed (CONTRACT.md): a reported target whose data the scenario does not hold;
# a check that was not made is never "pass".
STATUSES = ("pass", "fail", "exempt", "not_assessed")


@dataclass(frozen=True)
class ComplianceRow:
    """One line of compliance.csv."""

    rule_id: str
    community_id: str        # "*" for a plan-wide line
    status: str              # pass | fail | exempt | not_assessed
    value: Any = None
    limit: Any = None
    note: str = ""



@dataclass(frozen=True)
class ComplianceReport:
    """Every line of compliance.csv, in a deterministic order."""

    rows: tuple[ComplianceRow, ...]

    @property
    def passed(self) -> bool:
        """True when no line fails (exempt lines are accepted; a not_assessed line is
        neither met nor failed, and counted apart in :meth:`summary_text`)."""
        return not any(r.status == "fail" for r in self.rows)

    def not_assessed(self) -> tuple[ComplianceRow, ...]:
        return tuple(r for r in self.rows if r.status == "not_assessed")

    def failures(self) -> tuple[ComplianceRow, ...]:
        return tuple(r for r in self.rows if r.status == "fail")

    def failed_rules(self) -> set[str]:
        return {r.rule_id for r in self.rows if r.status == "fail"}

    def to_frame(self) -> pd.DataFrame:
        """compliance.csv as a DataFrame (a new frame each call)."""
        return pd.DataFrame([[r.rule_id, r.community_id, r.status, r.value, r.limit, r.note]
                             for r in self.rows], columns=list(COLUMNS), dtype=object)

    def summary_text(self) -> str:
        counts = Counter(r.status for r in self.rows)
        verdict = "PASSED" if self.passed else "FAILED"
        lines = [f"compliance {verdict}: {len(self.rows)} lines, "
                 + ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)]
        for r in self.failures():
            lines.append(f"  FAIL {r.rule_id} {r.community_id}: {r.note or 'fails'} "
                         f"(value {_show(r.value)}, limit {_show(r.limit)})")
        missing = sorted({r.rule_id for r in self.not_assessed()} - {"EXEMPTION"})
        if missing:
            lines.append(f"  not assessed (the scenario lacks the data): {', '.join(missing)}")
        beyond = sorted(r.community_id for r in self.not_assessed() if r.rule_id == "EXEMPTION")
        if beyond:      # optimizer.checker.stranded: a claim beyond the checker's bounds
            lines.append("  exemption claims not assessed (beyond the checker's bounds): "
                         + ", ".join(beyond))
        return "\n".join(lines)


def _show(v: object) -> str:
    return "-" if v is None or v == "" else str(v)
