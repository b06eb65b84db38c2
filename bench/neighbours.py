"""Time the neighbour graph on a Voronoi tessellation of N random units.

    .venv/bin/python bench/neighbours.py [N] [--barriers K] [--seed S]

Prints the unit count, edges, cut edges and the wall time of neighbour_edges. The
target (issue 2, item 5) is 40,000 units in under 30 s.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import shapely

from optimizer.geo.neighbours import neighbour_edges


def voronoi_units(n: int, seed: int, side_m: float | None = None) -> np.ndarray:
    """n Voronoi cells of random points in a square of ~200 m cells, UTM-like offsets."""
    rng = np.random.default_rng(seed)
    side = side_m if side_m is not None else 200.0 * np.sqrt(n)
    x0, y0 = 500_000.0, 3_700_000.0  # EPSG:32651-ish coordinates, like a Yancheng scenario
    pts = rng.uniform(0.0, side, size=(n, 2)) + (x0, y0)
    extent = shapely.box(x0, y0, x0 + side, y0 + side)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=extent))
    return shapely.intersection(cells, extent)


def random_barriers(k: int, seed: int, units: np.ndarray) -> np.ndarray:
    """k wiggly lines (rivers, a railway) across the units' extent."""
    rng = np.random.default_rng(seed + 1)
    xmin, ymin, xmax, ymax = shapely.total_bounds(units)
    lines = []
    for _ in range(k):
        xs = np.linspace(xmin, xmax, 30)
        ys = rng.uniform(ymin, ymax) + np.cumsum(rng.normal(0, (ymax - ymin) / 100, 30))
        lines.append(shapely.linestrings(np.column_stack([xs, ys])))
    return np.array(lines, dtype=object)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("n", nargs="?", type=int, default=40_000)
    ap.add_argument("--barriers", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    units = voronoi_units(args.n, args.seed)
    barriers = random_barriers(args.barriers, args.seed, units)
    t0 = time.perf_counter()
    edges, cut = neighbour_edges(units, barriers)
    dt = time.perf_counter() - t0
    print(f"{len(units):,} units, {len(barriers)} barriers: {len(edges):,} edges, "
          f"{len(cut):,} cut edges in {dt:.2f} s")


if __name__ == "__main__":
    main()
