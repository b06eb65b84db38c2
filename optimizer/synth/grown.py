"""Irregular unit geometry that is not a Voronoi diagram: cells grown on a fine grid.

Real units are not convex cells around a point: their boundaries follow fields,
canals and roads, some have holes (another unit inside them), some come in several
parts. This module grows them:

1. the zones (streets, towns, kinds) are rasterized on a fine square grid;
2. each zone's units grow from their seeds at once along the cheapest paths through
   a rough random cost field (first-passage percolation: a multi-source Dijkstra on
   the grid graph, never across a zone boundary), so boundaries are ragged and units
   non-convex, with widely varying areas;
3. a few enclaves (a small unit inside another: a hole) and exclaves (a detached
   part of a unit inside a neighbour of it: a MultiPolygon) are carved;
4. the label grid is turned into polygons from its boundary edges, and every vertex
   is moved by one smooth random displacement (less than half a cell, Lipschitz < 1),
   so edges are no longer axis-aligned while neighbours keep exactly the same shared
   vertices (the rook graph is exact) and no polygon self-intersects.

Everything is driven by the caller's numpy Generator: same seed, same geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy import ndimage, sparse
from scipy.sparse.csgraph import dijkstra


@dataclass(frozen=True)
class Grid:
    """A square grid: cell (r, c) spans x0 + c·cell .. x0 + (c+1)·cell, rows upward."""

    x0: float
    y0: float
    cell: float
    ny: int
    nx: int

    @staticmethod
    def covering(geom: shapely.Geometry, cell: float) -> Grid:
        minx, miny, maxx, maxy = geom.bounds
        x0, y0 = np.floor(minx / cell) * cell - cell, np.floor(miny / cell) * cell - cell
        return Grid(float(x0), float(y0), cell, int((maxy - y0) / cell) + 2,
                    int((maxx - x0) / cell) + 2)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        cx = self.x0 + (np.arange(self.nx) + 0.5) * self.cell
        cy = self.y0 + (np.arange(self.ny) + 0.5) * self.cell
        return np.meshgrid(cx, cy)


def rasterize(grid: Grid, zones: list[shapely.Geometry]) -> np.ndarray:
    """Zone index per cell (by cell centre; later zones win), -1 outside all."""
    gx, gy = grid.centres()
    out = np.full((grid.ny, grid.nx), -1, dtype=np.int64)
    for z, region in enumerate(zones):
        inside = shapely.contains_xy(region, gx, gy)
        out[inside] = z
    return out


def rough_cost(rng: np.random.Generator, shape: tuple[int, int],
               roughness: float = 1.0) -> np.ndarray:
    """A positive cost per cell: smoothed noise, exponentiated (lognormal, correlated
    over a few cells), so cheapest paths wander and boundaries are ragged."""
    noise = ndimage.gaussian_filter(rng.normal(size=shape), sigma=1.5)
    noise /= max(float(noise.std()), 1e-9)
    return np.exp(roughness * noise)


def grow(rng: np.random.Generator, zone: np.ndarray, seeds: np.ndarray,
         roughness: float = 1.0) -> np.ndarray:
    """Label per cell (index into ``seeds``, a (k,) array of flat cell indices), -1
    outside the zones. Units grow inside their seed's zone only; zone cells no seed
    reaches join the nearest labelled cell."""
    ny, nx = zone.shape
    cost = rough_cost(rng, zone.shape, roughness).ravel()
    flat = zone.ravel()
    idx = np.arange(ny * nx).reshape(ny, nx)
    rows, cols = [], []
    for a, b in ((idx[:, :-1], idx[:, 1:]), (idx[:-1, :], idx[1:, :])):
        a, b = a.ravel(), b.ravel()
        same = (flat[a] == flat[b]) & (flat[a] >= 0)
        rows.append(a[same])
        cols.append(b[same])
    r, c = np.concatenate(rows), np.concatenate(cols)
    w = 0.5 * (cost[r] + cost[c])
    graph = sparse.coo_matrix((w, (r, c)), shape=(ny * nx, ny * nx)).tocsr()
    _, _, sources = dijkstra(graph, directed=False, indices=seeds, min_only=True,
                             return_predecessors=True)
    order = np.full(ny * nx, -1, dtype=np.int64)
    order[seeds] = np.arange(len(seeds))
    label = np.where(sources >= 0, order[np.maximum(sources, 0)], -1).reshape(ny, nx)
    label[zone < 0] = -1
    lost = (zone >= 0) & (label < 0)
    if lost.any():
        _, (ri, ci) = ndimage.distance_transform_edt(label < 0, return_indices=True)
        label[lost] = label[ri[lost], ci[lost]]
    return label


def pick_seeds(rng: np.random.Generator, zone: np.ndarray, z: int, n: int,
               jitter: float = 0.45) -> np.ndarray:
    """``n`` distinct flat cell indices in zone ``z``: a jittered lattice over the
    zone (even but not regular), thinned or topped up at random to exactly ``n``."""
    cells = np.flatnonzero(zone.ravel() == z)
    if len(cells) < n:
        raise ValueError(f"zone {z} has {len(cells)} cells for {n} units: use a finer grid")
    ny, nx = zone.shape
    rr, cc = np.divmod(cells, nx)
    step = max(np.sqrt(len(cells) / n), 1.0)
    key = (np.floor((rr + rng.uniform(-jitter, jitter, len(cells)) * step) / step) * 100_003
           + np.floor((cc + rng.uniform(-jitter, jitter, len(cells)) * step) / step))
    perm = rng.permutation(len(cells))
    _, first = np.unique(key[perm], return_index=True)
    chosen = cells[perm[first]]
    if len(chosen) > n:
        chosen = rng.choice(chosen, size=n, replace=False)
    elif len(chosen) < n:
        rest = np.setdiff1d(cells, chosen)
        chosen = np.concatenate([chosen, rng.choice(rest, size=n - len(chosen),
                                                    replace=False)])
    return np.sort(chosen)


def _interior_spot(rng: np.random.Generator, label: np.ndarray, u: int,
                   radius: int) -> tuple[int, int] | None:
    """A cell of unit ``u`` at least radius+2 cells from any other unit, or None."""
    depth = ndimage.distance_transform_cdt(np.pad(label == u, 1), metric="taxicab")[1:-1, 1:-1]
    spots = np.argwhere(depth >= radius + 2)
    if len(spots) == 0:
        return None
    r, c = spots[int(rng.integers(len(spots)))]
    return int(r), int(c)


def _disc(label: np.ndarray, r: int, c: int, radius: int) -> np.ndarray:
    rr, cc = np.ogrid[: label.shape[0], : label.shape[1]]
    return (rr - r) ** 2 + (cc - c) ** 2 <= radius ** 2


def carve(rng: np.random.Generator, label: np.ndarray, zone_of: np.ndarray,
          enclaves: dict[int, int], n_exclaves: int,
          radius: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Enclaves (new units inside a unit of the same zone: a hole in it), ``enclaves[z]``
    of them in zone ``z``, and ``n_exclaves`` exclaves (a detached part of a unit inside
    a neighbouring unit of its zone). Returns the new label grid and the zone per
    label (enclaves appended at the end). A zone without room gets fewer enclaves."""
    label = label.copy()
    zone_of = zone_of.copy()
    n = int(label.max()) + 1
    sizes = np.bincount(label[label >= 0], minlength=n)
    hosts = rng.permutation(np.flatnonzero(sizes >= 4 * (2 * radius + 1) ** 2))
    used: set[int] = set()
    want = dict(enclaves)
    for u in hosts.tolist():
        z = int(zone_of[u])
        if want.get(z, 0) <= 0:
            continue
        spot = _interior_spot(rng, label, u, radius)
        if spot is None:
            continue
        label[_disc(label, *spot, radius) & (label == u)] = len(zone_of)
        zone_of = np.append(zone_of, z)
        used.add(u)
        want[z] -= 1
    done = 0
    for w in hosts.tolist():
        if done >= n_exclaves:
            break
        if w in used:
            continue
        near = np.unique(label[ndimage.binary_dilation(label == w)])
        others = [int(v) for v in near if v >= 0 and v != w and zone_of[v] == zone_of[w]
                  and v not in used]
        spot = _interior_spot(rng, label, w, radius)
        if not others or spot is None:
            continue
        owner = others[int(rng.integers(len(others)))]
        label[_disc(label, *spot, radius) & (label == w)] = owner
        used.update((w, owner))
        done += 1
    return label, zone_of


def polygons(grid: Grid, label: np.ndarray) -> np.ndarray:
    """One (Multi)Polygon per label 0..max from the label grid's boundary edges."""
    pad = np.pad(label, 1, constant_values=-1)
    ny, nx = pad.shape
    x = grid.x0 + (np.arange(nx + 1) - 1) * grid.cell
    y = grid.y0 + (np.arange(ny + 1) - 1) * grid.cell
    segs, owners = [], []
    # horizontal edges: between rows r and r+1 at y[r+1], spanning x[c]..x[c+1]
    r, c = np.nonzero(pad[:-1, :] != pad[1:, :])
    h = np.stack([np.column_stack([x[c], y[r + 1]]), np.column_stack([x[c + 1], y[r + 1]])], 1)
    for side in (pad[r, c], pad[r + 1, c]):
        segs.append(h)
        owners.append(side)
    r, c = np.nonzero(pad[:, :-1] != pad[:, 1:])
    v = np.stack([np.column_stack([x[c + 1], y[r]]), np.column_stack([x[c + 1], y[r + 1]])], 1)
    for side in (pad[r, c], pad[r, c + 1]):
        segs.append(v)
        owners.append(side)
    seg = np.concatenate(segs)
    own = np.concatenate(owners)
    keep = own >= 0
    seg, own = seg[keep], own[keep]
    order = np.argsort(own, kind="stable")
    seg, own = seg[order], own[order]
    n = int(label.max()) + 1
    starts = np.searchsorted(own, np.arange(n + 1))
    lines = shapely.linestrings(seg)
    out = np.empty(n, dtype=object)
    for u in range(n):
        faces = shapely.get_parts(shapely.polygonize(lines[starts[u]:starts[u + 1]]))
        pts = shapely.get_coordinates(shapely.point_on_surface(faces))
        col = np.floor((pts[:, 0] - grid.x0) / grid.cell).astype(np.int64)
        row = np.floor((pts[:, 1] - grid.y0) / grid.cell).astype(np.int64)
        mine = faces[label[row, col] == u]
        out[u] = mine[0] if len(mine) == 1 else shapely.multipolygons(mine)
    return out


def displace(rng: np.random.Generator, geoms: np.ndarray, cell: float,
             amplitude: float = 0.35) -> np.ndarray:
    """Move every vertex by one smooth random field of at most ``amplitude`` cells
    (three plane waves of 5-9 cells): the same point always moves the same way, and
    the map stays one-to-one (its slope is below 1), so shared edges stay shared."""
    waves = []
    for _ in range(3):
        theta = rng.uniform(0, 2 * np.pi)
        k = 2 * np.pi / (rng.uniform(5.0, 9.0) * cell)
        waves.append((k * np.cos(theta), k * np.sin(theta), rng.uniform(0, 2 * np.pi),
                      rng.uniform(0, 2 * np.pi)))
    amp = amplitude * cell / 3

    def move(xy: np.ndarray) -> np.ndarray:
        out = xy.copy()
        for kx, ky, px, py in waves:
            phase = kx * xy[:, 0] + ky * xy[:, 1]
            out[:, 0] += amp * np.sin(phase + px)
            out[:, 1] += amp * np.sin(phase + py)
        return out

    return shapely.transform(geoms, move)
