"""The numbers of communities the ordering model tries one by one on a piece
(optimizer.search.piece): the count drives the cost, and a search free to choose it
tends to stay at the count of its first plan. Split from piece.py (its size)."""

from __future__ import annotations

from optimizer.graph import feasible_community_counts
from optimizer.model.piece import PieceData
from optimizer.search.attempt import Choice
from optimizer.search.piece_types import PieceTask

MAX_COUNTS = 4          # try each number of communities one by one when there are few


def fits(plan: tuple[Choice, ...] | None, k: int | None) -> tuple[Choice, ...] | None:
    """``plan`` when it has ``k`` communities (any number for None), else None."""
    return plan if plan is not None and (k is None or len(plan) == k) else None


def counts_to_try(data: PieceData, task: PieceTask) -> list[int | None]:
    """The numbers of communities to try one by one ([None]: let the model choose)."""
    if task.locks and task.locks.count_of(task.key[1]) is not None:
        return [None]           # the lock fixes the count already
    counts = feasible_community_counts(data.total, data.lo, data.hi)
    if not counts or len(counts) > MAX_COUNTS:
        return [None]
    return list(counts)
