"""Households per unit, drawn from wide distributions whose family changes with the seed.

The solver must not be tuned to one generator's habits (issue 16), so no preset fixes
one distribution: each draw picks a family and its parameters from the seed, within
the stated range of the unit kind.

======================  ===========  =================================================
unit                    range        families (median and spread drawn per seed)
======================  ===========  =================================================
compound 小区 (street)   40-2,600     lognormal (median 250-650, sigma 0.55-1.0);
                                     gamma (shape 1.2-3); a bimodal mix of old small
                                     compounds and large new estates; a Pareto tail
natural village 自然村    10-400       the same four families, median 40-100
administrative unit      10-1,500     (real-shapes, rural): median 150-700
======================  ===========  =================================================

Units above the community maximum (SIZE-URBAN 3,000, SIZE-RURAL 1,500) are drawn only
where a preset asks for them (:func:`oversized_households`): 1-100% above the maximum,
half of them barely above it (the hard case: the unit nearly fits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.rules.policy import Policy

FAMILIES = ("lognormal", "gamma", "bimodal", "pareto")


@dataclass(frozen=True)
class UnitRange:
    """Households of one unit kind: the range and where the median may lie."""

    lo: int
    hi: int
    median_lo: float
    median_hi: float


COMPOUND = UnitRange(40, 2_600, 250.0, 650.0)
VILLAGE = UnitRange(10, 400, 40.0, 100.0)
ADMIN_RURAL = UnitRange(10, 1_500, 150.0, 700.0)
ADMIN_URBAN = UnitRange(40, 2_900, 300.0, 900.0)


def community_bounds(urban: bool) -> tuple[int, int]:
    """SIZE-URBAN / SIZE-RURAL of the default policy (2,000-3,000 / 1,000-1,500)."""
    return Policy().bounds(urban)


def pick_family(rng: np.random.Generator, family: str = "any") -> str:
    """``family`` itself, or one drawn from FAMILIES when it is "any"."""
    if family == "any":
        return FAMILIES[int(rng.integers(len(FAMILIES)))]
    if family not in FAMILIES:
        raise ValueError(f"unknown distribution {family!r}: any, {', '.join(FAMILIES)}")
    return family


def draw_units(rng: np.random.Generator, n: int, rng_of: UnitRange,
               family: str = "any") -> np.ndarray:
    """``n`` household counts in ``rng_of.lo..rng_of.hi`` from one family (int64)."""
    fam = pick_family(rng, family)
    median = float(rng.uniform(rng_of.median_lo, rng_of.median_hi))
    if fam == "lognormal":
        raw = rng.lognormal(np.log(median), rng.uniform(0.55, 1.0), n)
    elif fam == "gamma":
        shape = float(rng.uniform(1.2, 3.0))
        raw = rng.gamma(shape, median / max(shape - 0.33, 0.5), n)
    elif fam == "bimodal":   # many old small units, a share of large new ones
        big = rng.random(n) < rng.uniform(0.15, 0.35)
        raw = np.where(big, rng.lognormal(np.log(median * 2.8), 0.35, n),
                       rng.lognormal(np.log(median * 0.6), 0.45, n))
    else:                    # pareto: a heavy tail above a floor
        alpha = float(rng.uniform(1.3, 2.5))
        floor = median / 2 ** (1 / alpha)
        raw = floor * (1.0 + rng.pareto(alpha, n))
    return np.clip(np.round(raw), rng_of.lo, rng_of.hi).astype(np.int64)


def oversized_households(rng: np.random.Generator, n: int, urban: bool) -> np.ndarray:
    """``n`` counts above the kind's community maximum: half barely (1-10% over), half
    well above (10-100% over)."""
    hi = community_bounds(urban)[1]
    barely = rng.random(n) < 0.5
    factor = np.where(barely, rng.uniform(1.01, 1.10, n), rng.uniform(1.10, 2.0, n))
    return np.maximum(np.round(hi * factor), hi + 1).astype(np.int64)


def scale_to_total(rng: np.random.Generator, raw: np.ndarray, total: int, lo: int,
                   hi: int) -> np.ndarray | None:
    """Integers in lo..hi proportional to ``raw`` summing exactly to ``total``, or None
    when no such integers exist."""
    n = len(raw)
    if n == 0 or not n * lo <= total <= n * hi:
        return None
    vals = raw.astype(float) * total / max(float(raw.sum()), 1.0)
    for _ in range(6):          # clipping moves the total: rescale the free units
        vals = np.clip(vals, lo, hi)
        free = (vals > lo) & (vals < hi)
        miss = total - vals.sum()
        if abs(miss) < 0.5 or not free.any():
            break
        vals[free] *= 1.0 + miss / vals[free].sum()
    out = np.clip(np.round(vals), lo, hi).astype(np.int64)
    diff = total - int(out.sum())
    order = rng.permutation(n)
    i = 0
    while diff != 0 and i < 2 * n * (abs(diff) + 1):
        j = int(order[i % n])
        step = 1 if diff > 0 else -1
        if lo <= out[j] + step <= hi:
            out[j] += step
            diff -= step
        i += 1
    return out if diff == 0 else None


def feasible_total(h: int, urban: bool) -> bool:
    """Some whole number k ≥ 1 of communities with k·L ≤ h ≤ k·U."""
    lo, hi = community_bounds(urban)
    return h > 0 and -(-h // hi) <= h // lo


def infeasible_total(rng: np.random.Generator, urban: bool) -> int:
    """A total that fits no whole number of communities: below the minimum, or between
    one community's maximum and two communities' minimum (rural 1,501-1,999, urban
    3,001-3,999)."""
    lo, hi = community_bounds(urban)
    if rng.random() < 0.3:
        return int(rng.integers(lo // 2, lo - lo // 20))
    return int(rng.integers(hi + hi // 30, 2 * lo - lo // 30))
