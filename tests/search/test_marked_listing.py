"""A FACILITY-95-marked piece whose listing proves no partition under the marks is
solved again without them (optimizer.search.piece._solve): such a proof holds only
for the communities the marks let be centred, not under the rules.

Wild seed 756 (one worker, 10 s, under load): the marked search of a 67-compound
street listed 226 communities, found no partition among them and exempted a core
"no communities ... each with a legal place for its service center can hold all of"
three compounds; the unmarked search did not reach that piece, and the checker, which
reads the rules without the marks, found such communities and refused the exemption.

Here a street of eight compounds in a row (4,305 households; urban 2,000-3,000) with
r0c1 marked: its rooms (LATE1) come in 2017, the only rooms in time are at r0c6
(READY), and r0c1..r0c6 hold 3,306 households, so under the marks no community holds
r0c1; without them the street splits in two.
"""

from __future__ import annotations

import pytest

from optimizer.scenario.build import grid_scenario
from optimizer.search import piece
from tests.search.test_late_first import LATE1, _site
from tests.search.test_marked_unsplit import _assert_unmarked_plan_within_the_bounds

READY = _site("READY", "r0c6", 2014, "under_construction")
ROW = [500, 520, 560, 540, 600, 586, 499, 500]


def test_a_marked_listing_without_a_partition_is_solved_again_without_the_marks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The split search and region growing find no split here (as on seed 756's 67
    # compounds), so piece._unmarked_split leaves the marked result as it is.
    monkeypatch.setattr(piece, "split_plan", lambda *a, **k: None)
    monkeypatch.setattr(piece, "heuristic_start", lambda *a, **k: None)
    # On 43b111b: the soft plan, its communities exempt "no partition" under the marks.
    _assert_unmarked_plan_within_the_bounds(grid_scenario([ROW], sites=[LATE1, READY]))
