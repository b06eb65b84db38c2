"""The listing-size prediction (optimizer.search.listing_size): close to the real
enumeration where it is small, and a hopeless listing is skipped before it starts."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import columns
from optimizer.search.columns import build_columns, connected_groups
from optimizer.search.listing_size import estimate_listing, listing_hopeless


def _piece(s: Scenario) -> PieceData:
    [comp] = [c for c in components(s) if len(c.units) > 1]
    return piece_data(s, comp.key, comp.units)


def _street(rows: int, cols: int, seed: int) -> PieceData:
    """Compounds of 150-900 households: 3-10 per community of 2,000-3,000."""
    rng = np.random.default_rng(seed)
    return _piece(grid_scenario(rng.integers(150, 900, size=(rows, cols)).tolist()))


@pytest.mark.parametrize("rows,cols,seed", [(3, 4, 1), (4, 5, 2), (5, 6, 3)])
def test_estimate_is_near_the_enumeration(rows: int, cols: int, seed: int) -> None:
    data = _street(rows, cols, seed)
    found = connected_groups(data, max_columns=10**7, max_steps=10**7)
    assert found is not None
    groups, steps = found
    est = estimate_listing(data)
    # An estimate, not a count: within a factor of 3 either way on these streets.
    assert steps / 3 <= est.steps <= 3 * steps
    assert len(groups) / 3 <= est.columns <= 3 * len(groups)
    assert est == estimate_listing(data)        # seeded by the piece: same every time


def test_a_single_root_tree_is_estimated_exactly() -> None:
    """A path: every node has one child, so every descent is the whole tree."""
    data = _piece(grid_scenario([[700, 800, 650, 900, 600]]))
    found = connected_groups(data)
    assert found is not None
    est = estimate_listing(data)
    assert est.steps == pytest.approx(found[1])
    assert est.columns == pytest.approx(len(found[0]))


def test_hopeless_listing_is_not_started(monkeypatch: pytest.MonkeyPatch) -> None:
    # 90 compounds of 100-400 households, ~10 per community: millions of groups.
    s = grid_scenario(np.random.default_rng(4).integers(100, 400, size=(9, 10)).tolist())
    data = _piece(s)
    assert listing_hopeless(data, max_columns=500_000, max_steps=1_000_000)

    def enumerate_anyway(*args: object, **kw: object) -> None:
        raise AssertionError("the listing was started although predicted hopeless")

    monkeypatch.setattr(columns, "connected_groups", enumerate_anyway)
    assert build_columns(s, data) is None


def test_small_listing_is_still_tried() -> None:
    data = _street(4, 5, 2)
    assert not listing_hopeless(data, max_columns=500_000, max_steps=1_000_000)
    s = grid_scenario(np.random.default_rng(2).integers(150, 900, size=(4, 5)).tolist())
    assert build_columns(s, _piece(s)) is not None
