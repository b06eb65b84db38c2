"""The lines under each center's area cost (optimizer.model.oversized_lp.area_cuts),
used by the joined model of a stranded group (optimizer.model.oversized_whole): every
line lies under the center's true cost wherever the center can hold the households,
and together they follow a convex cost exactly."""

from __future__ import annotations

import math

import numpy as np

from optimizer.model.oversized_lp import area_cuts


def _lines(slopes: np.ndarray, cuts: np.ndarray, line: float, sigma: float, c: int,
           h: np.ndarray) -> np.ndarray:
    """What the joined model charges a center at c for H joined households."""
    extra = (cuts[:, c][:, None] + slopes[:, None] * h[None, :]).max(axis=0)
    return line + sigma * h + np.maximum(0.0, extra)


def test_the_lines_stay_under_every_center_curve() -> None:
    rng = np.random.default_rng(5)
    cap = 400
    h = np.arange(cap + 1, dtype=np.float64)
    curves: dict[int, np.ndarray] = {}
    for c in range(6):
        # a flat building up to its area, then dearer per household (renovate,
        # extend), unavailable past its largest; or a build of one slope
        flat = float(rng.uniform(1e4, 5e4))
        step = int(rng.integers(0, cap))
        steep = float(rng.uniform(20.0, 90.0))
        curve = np.where(h <= step, flat, flat + 3e4 + steep * h)
        top = int(rng.integers(cap // 2, cap + 1))
        curve[top + 1:] = math.inf
        curves[c] = curve
    sigma = 30.0
    line = np.full(6, math.inf)
    for c, curve in curves.items():
        ok = np.isfinite(curve)
        line[c] = curve[0] - max(0.0, float(np.max(curve[0] + sigma * h[ok] - curve[ok])))
    slopes, cuts, reach = area_cuts(curves, line, sigma)
    assert len(slopes) >= 1
    for c, curve in curves.items():
        assert reach[c] == int(np.flatnonzero(np.isfinite(curve))[-1])
        ok = slice(0, reach[c] + 1)
        charged = _lines(slopes - sigma, cuts, float(line[c]), sigma, c, h[ok])
        assert np.all(charged <= curve[ok] + 1e-6)


def test_a_convex_cost_is_followed_exactly() -> None:
    h = np.arange(101, dtype=np.float64)
    curve = np.maximum(1000.0 + 10.0 * h, 400.0 + 40.0 * h)       # kink at H = 20
    line = np.array([1000.0])       # the σ = 10 line, no shortfall
    slopes, cuts, reach = area_cuts({0: curve}, line, 10.0)
    assert reach[0] == 100
    charged = _lines(slopes - 10.0, cuts, 1000.0, 10.0, 0, h)
    assert np.allclose(charged, curve)
    # the σ line alone is 30 yuan a household short past the kink
    assert charged[100] - (1000.0 + 10.0 * 100) == 2400.0


def test_no_center_has_no_reach() -> None:
    line = np.array([math.inf, 5.0])
    slopes, cuts, reach = area_cuts({1: np.array([5.0, 6.0, math.inf])}, line, 1.0)
    assert reach.tolist() == [-1, 1]
    assert cuts.shape == (len(slopes), 2)
