"""Geometry primitives of the generator: outlines, seeds, jittered points, tessellation.

Everything is vectorized shapely 2 / numpy and driven by one numpy Generator, so the
same seed gives the same coordinates. Units are the cells of ONE Voronoi diagram of
all unit points (``shapely.voronoi_polygons(..., ordered=True)``), clipped to the
outline: neighbouring cells share their vertices exactly, so units tile without gaps
and the rook graph is exact (also after rounding to 0.1 m).
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Polygon

# Yancheng city, hand-drawn in EPSG:32651 (UTM 51N): the coast runs NNW-SSE on the east.
CITY_OUTLINE: tuple[tuple[float, float], ...] = (
    (172_000, 3_812_000), (212_000, 3_806_000), (248_000, 3_782_000), (282_000, 3_748_000),
    (298_000, 3_702_000), (300_000, 3_652_000), (286_000, 3_622_000), (244_000, 3_612_000),
    (226_000, 3_640_000), (196_000, 3_668_000), (172_000, 3_686_000), (166_000, 3_736_000),
    (158_000, 3_768_000), (162_000, 3_800_000),
)


def blob(rng: np.random.Generator, cx: float, cy: float, radius: float,
         wobble: float = 0.12, n: int = 72) -> Polygon:
    """A smooth irregular disc of about ``radius`` (a county or a town outline)."""
    theta = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 6):
        r += wobble / k * rng.uniform(0.5, 1.0) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    return Polygon(np.column_stack([cx + radius * r * np.cos(theta),
                                    cy + radius * r * np.sin(theta)]))


def nearest(points: np.ndarray, seeds: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Index of the nearest seed for each point (brute force, chunked)."""
    out = np.empty(len(points), dtype=np.int64)
    for start in range(0, len(points), chunk):
        p = points[start:start + chunk]
        d = ((p[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2)
        out[start:start + chunk] = d.argmin(axis=1)
    return out


def jittered_points(rng: np.random.Generator, region: shapely.Geometry, spacing: float,
                    jitter: float = 0.38) -> np.ndarray:
    """Points on a randomly offset square grid of ``spacing``, each moved by up to
    ``jitter`` × spacing, kept when inside ``region``: even but not regular."""
    minx, miny, maxx, maxy = region.bounds
    xs = np.arange(minx + rng.uniform(0, spacing), maxx, spacing)
    ys = np.arange(miny + rng.uniform(0, spacing), maxy, spacing)
    gx, gy = np.meshgrid(xs, ys)
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    pts += rng.uniform(-jitter * spacing, jitter * spacing, size=pts.shape)
    return pts[shapely.contains_xy(region, pts[:, 0], pts[:, 1])]


def spread_seeds(rng: np.random.Generator, region: shapely.Geometry, k: int,
                 fixed: np.ndarray, n_candidates: int = 3000) -> np.ndarray:
    """``k`` well spread points in ``region`` (farthest-point sampling among random
    candidates, keeping away from the ``fixed`` points too)."""
    if k == 0:
        return np.zeros((0, 2))
    minx, miny, maxx, maxy = region.bounds
    cand = rng.uniform((minx, miny), (maxx, maxy), size=(n_candidates, 2))
    cand = cand[shapely.contains_xy(region, cand[:, 0], cand[:, 1])]
    chosen: list[np.ndarray] = []
    if len(fixed):
        dist = ((cand[:, None, :] - fixed[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    else:
        chosen.append(cand[int(rng.integers(len(cand)))])
        dist = ((cand - chosen[0]) ** 2).sum(axis=1)
    while len(chosen) < k:
        best = cand[int(dist.argmax())]
        chosen.append(best)
        dist = np.minimum(dist, ((cand - best) ** 2).sum(axis=1))
    return np.array(chosen)


def lloyd(seeds: np.ndarray, samples: np.ndarray, rounds: int = 2) -> np.ndarray:
    """Move each seed toward the centroid of the samples nearest to it (more central
    town seats, more even town sizes)."""
    seeds = seeds.copy()
    for _ in range(rounds):
        owner = nearest(samples, seeds)
        for s in range(len(seeds)):
            mine = samples[owner == s]
            if len(mine):
                seeds[s] = mine.mean(axis=0)
    return seeds


def voronoi_cells(points: np.ndarray, outline: shapely.Geometry) -> np.ndarray:
    """One polygon per point (same order): its Voronoi cell clipped to ``outline``.

    Only the cells that stick out are intersected, so interior cells keep the exact
    vertices they share with their neighbours.
    """
    mp = shapely.multipoints(points)
    extent = shapely.buffer(shapely.envelope(outline), 1000.0)
    cells = shapely.get_parts(shapely.voronoi_polygons(mp, extend_to=extent, ordered=True))
    inside = shapely.within(cells, outline)
    out = cells.copy()
    out[~inside] = shapely.intersection(cells[~inside], outline)
    return out


def round_geometries(geoms: np.ndarray, step: float = 0.1) -> np.ndarray:
    """Coordinates rounded to ``step`` metres (shared vertices stay shared)."""
    rounded = shapely.transform(geoms, lambda c: np.round(c / step) * step)
    rounded = shapely.remove_repeated_points(rounded)
    bad = ~shapely.is_valid(rounded)
    if bad.any():
        rounded[bad] = shapely.make_valid(rounded[bad])
    return rounded


def meander(rng: np.random.Generator, region: shapely.Geometry, along: str,
            step: float = 400.0) -> shapely.LineString:
    """A river crossing ``region`` from one side to the other (``along`` "x" = west to
    east, "y" = south to north), meandering by a smoothed random walk of its heading."""
    minx, miny, maxx, maxy = region.bounds
    span = (maxx - minx) if along == "x" else (maxy - miny)
    n = int(span / step) + 20
    heading = np.cumsum(rng.normal(0.0, 0.12, n))
    heading = np.convolve(heading, np.ones(7) / 7.0, mode="same")
    heading = np.clip(heading - heading.mean(), -1.0, 1.0)
    heading += 0.35 * np.sin(np.arange(n) * rng.uniform(0.15, 0.3))
    if along == "x":
        start = (minx - 3 * step, rng.uniform(miny + 0.25 * (maxy - miny),
                                               maxy - 0.25 * (maxy - miny)))
        d = np.column_stack([np.cos(heading), np.sin(heading)])
    else:
        start = (rng.uniform(minx + 0.25 * (maxx - minx), maxx - 0.25 * (maxx - minx)),
                 miny - 3 * step)
        d = np.column_stack([np.sin(heading), np.cos(heading)])
    pts = np.vstack([start, start + np.cumsum(d * step, axis=0)])
    return shapely.LineString(np.round(pts, 1))


def railway(rng: np.random.Generator, region: shapely.Geometry) -> shapely.LineString:
    """A railway crossing ``region`` roughly north-south: long straight runs, gentle bends."""
    minx, miny, maxx, maxy = region.bounds
    ys = np.linspace(miny - 2000.0, maxy + 2000.0, 5)
    x0 = rng.uniform(minx + 0.3 * (maxx - minx), maxx - 0.3 * (maxx - minx))
    xs = x0 + np.cumsum(rng.normal(0.0, 0.04 * (maxx - minx), 5))
    return shapely.LineString(np.round(np.column_stack([xs, ys]), 1))


def river_loop(rng: np.random.Generator, cx: float, cy: float,
               radius: float) -> shapely.LineString:
    """A closed oxbow loop (a convex ellipse) around (cx, cy): whatever lies inside is
    cut off from the rest by water."""
    theta = np.linspace(0.0, 2.0 * np.pi, 48)
    a, b = radius * rng.uniform(1.0, 1.3), radius * rng.uniform(0.8, 1.0)
    rot = rng.uniform(0, np.pi)
    x, y = a * np.cos(theta), b * np.sin(theta)
    xs = cx + x * np.cos(rot) - y * np.sin(rot)
    ys = cy + x * np.sin(rot) + y * np.cos(rot)
    coords = np.round(np.column_stack([xs, ys]), 1)
    coords[-1] = coords[0]
    return shapely.LineString(coords)
