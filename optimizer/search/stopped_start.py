"""The last resort of a piece the clock stopped before it had a plan within the bounds:
tree partitions for a share of the time left to the run's own deadline, then the split
search (:func:`optimizer.search.split_plan.split_plan`).

Why both: the split search grows one community at a time, depth first, and decides a
street of a few compounds per community in hundredths of a second (wild seed 1052's
132 compounds), but on a village-dense part it can run for minutes without a split:
wild seed 1124's 100 villages of 14,201 households (10 to 14 communities of
1,000-1,500) gave none in 3 M steps (54 s), while random spanning-tree partitions
(optimizer.search.starts.tree_start) found one in 0.1 s, in 4 to 13 of their first
8 to 13 draws. Stopped with 0.9 s left to the run's end, the piece got neither the
tree partitions (skipped once the piece is stopped) nor a split, and went out with
SIZE exemptions the checker rightly rejects.

The tree partitions run only while the run's own deadline (``stop.grace_until``) is
more than :data:`optimizer.search.split_plan.MORE_MARGIN_S` away, and take at most
:data:`TREE_SHARE` of that time, so the split search keeps the rest; a piece not
stopped, or with no run deadline, goes straight to the split search, as before.
"""

from __future__ import annotations

from optimizer.graph import feasible_community_counts
from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.split_plan import run_left_s, split_plan
from optimizer.search.starts import tree_start
from optimizer.search.stop import StopFlag

TREE_SHARE = 0.25       # of the time left to the run's deadline, less the margin


def stopped_start(scenario: Scenario, data: PieceData, stop: StopFlag, seed: int
                  ) -> tuple[tuple[Choice, ...] | None, str]:
    """Communities within the bounds covering the piece, each with its center, and how
    they were found ("tree" or "split"); (None, "") when neither finds any."""
    left = run_left_s(stop)
    if left is not None and left > 0.0 \
            and feasible_community_counts(data.total, data.lo, data.hi):
        # The clock has stopped the piece: the tree partitions watch a flag of their
        # own and end at their time (wall clock: determinism gave way already).
        tree = tree_start(scenario, data, time_s=TREE_SHARE * left, seed=seed,
                          deterministic=False, stop=StopFlag())
        if tree.choices is not None:
            return tree.choices, "tree"
    plan = split_plan(scenario, data, stop=stop)
    return plan, "split" if plan is not None else ""

