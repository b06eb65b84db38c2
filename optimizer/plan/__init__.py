"""The immutable Plan and its folder (CONTRACT.md, "A plan is a folder"): the records,
the compliance lines, and writing and reading the folder safely (manifest, lock,
atomic replacement, the households guard)."""

from optimizer.plan.compliance import ComplianceReport, ComplianceRow
from optimizer.plan.model import COMMUNITY_COLUMNS, STATUSES, SUMMARY_KEYS, Community, Plan

__all__ = ["COMMUNITY_COLUMNS", "STATUSES", "SUMMARY_KEYS", "Community", "ComplianceReport",
           "ComplianceRow", "Plan"]
