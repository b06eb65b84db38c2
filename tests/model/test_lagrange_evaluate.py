"""One subgradient step of the Lagrangian floor (optimizer.model.lagrange._evaluate, the
vectorised prefix-sum pass made faster in issue 16) against a plain reference: each
center's knapsack LP with a lower and an upper capacity solved greedily item by item,
the k cheapest centers, and the subgradient from the chosen centers' LP solutions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizer.graph import decompose
from optimizer.model.lagrange import _evaluate, _initial, _Relaxation, _relaxation, _restrict
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario


def _knapsack(r: np.ndarray, w: np.ndarray, lo: float, hi: float
              ) -> tuple[float, np.ndarray]:
    """min Σ r x over lo ≤ Σ w x ≤ hi, 0 ≤ x ≤ 1 (w > 0; lo ≤ Σ w): the negative
    items by ratio up to hi, then the cheapest others up to lo."""
    x = np.zeros(len(r))
    filled = 0.0
    for i in np.argsort(r / w, kind="stable"):
        room = (hi if r[i] < 0 else lo) - filled
        if room <= 0:
            break
        x[i] = min(1.0, room / w[i])
        filled += x[i] * w[i]
    return float(r @ x), x


def _reference(rel: _Relaxation, lam: np.ndarray) -> tuple[float, np.ndarray]:
    """The bound and subgradient at λ, one center and segment at a time."""
    n, segs = rel.base.shape
    values = np.full(n, math.inf)
    xs: list[np.ndarray] = [np.zeros(0)] * n
    for j in range(n):
        own = rel.ctr == j
        r, w = rel.c[own] - lam[rel.mem[own]], rel.w[own]
        zero = rel.ctr_z == j
        zsum = float(np.minimum(0.0, rel.cz[zero] - lam[rel.mem_z[zero]]).sum())
        for t in range(segs):
            if not math.isfinite(rel.base[j, t]) or w.sum() < rel.cap_lo[j, t]:
                continue
            lp, x = _knapsack(r, w, rel.cap_lo[j, t], rel.cap_hi[j, t])
            v = rel.base[j, t] + lp + zsum - lam[j]
            if v < values[j]:
                values[j], xs[j] = v, x
    order = np.argsort(values, kind="stable")
    pre = np.cumsum(values[order])
    k = rel.k_lo + int(np.argmin(pre[rel.k_lo - 1:rel.k_hi]))
    cover = np.zeros(n)
    for j in order[:k]:
        cover[j] += 1.0
        own = rel.ctr == j
        np.add.at(cover, rel.mem[own], xs[j])
        zero = rel.ctr_z == j
        np.add.at(cover, rel.mem_z[zero], rel.cz[zero] - lam[rel.mem_z[zero]] < 0)
    return float(lam.sum() + pre[k - 1]), 1.0 - cover


def _scenario(seed: int, rural: bool) -> Scenario:
    rng = np.random.default_rng(seed)
    top = 300 if rural else 900
    grid = rng.integers(top // 5, top, size=(5, 6)).tolist()
    current = [[f"C{(r * 6 + c) // 5}" for c in range(6)] for r in range(5)]
    sites = [dict(site_id="S1", unit_id="r1c1", area_m2=450, owned=True, max_area_m2=800)]
    return grid_scenario(grid, kind="rural" if rural else "urban", sites=sites,
                         current=current, cell_m=900.0)


@pytest.mark.parametrize(("seed", "rural"), [(1, True), (2, False), (3, True), (4, False)])
def test_step_matches_reference(seed: int, rural: bool) -> None:
    s = _scenario(seed, rural)
    [comp], _ = decompose(s)
    data = piece_data(s, comp.key, comp.units)
    rel = _relaxation(s, data)
    assert rel is not None and len(rel.ctr) > 100
    rng = np.random.default_rng(seed)
    lam0 = _initial(rel, data)
    perm = np.arange(len(rel.ctr))
    # Generic λ: at the initial λ many ratios are exactly 0 and the LPs have several
    # optimal solutions (several subgradients).
    for scale in (0.3, 1.0, 3.0):
        lam = lam0 * (1.0 + scale * rng.random(rel.n)) + scale * 1e4 * rng.random(rel.n)
        val, grad, perm, _ = _evaluate(rel, lam, perm)      # the order carried on
        ref, ref_grad = _reference(rel, lam)
        assert val == pytest.approx(ref, rel=1e-9, abs=1e-6)
        np.testing.assert_allclose(grad, ref_grad, atol=1e-9)
    # A restricted relaxation (each center's cheapest pairs) is a relaxation too.
    sub = _restrict(rel, perm)
    val, grad, _, _ = _evaluate(sub, lam, np.arange(len(sub.ctr)))
    ref, ref_grad = _reference(sub, lam)
    assert val == pytest.approx(ref, rel=1e-9, abs=1e-6)
    np.testing.assert_allclose(grad, ref_grad, atol=1e-9)
