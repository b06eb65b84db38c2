"""Unit layouts of the independent scenario writer (bench/wild.py), in local metres.

Written without ``optimizer.synth`` (nor any of the product's geometry helpers): the
point is a second generator's habits. Each layout returns polygons in a local frame
(origin near 0, metres) that tile a street or town without overlaps:

- ``grid``: a jittered grid (shared jittered vertices, so cells still tile) with random
  pairs and triples of cells merged into L- and bar-shaped units;
- ``voronoi``: Voronoi cells of clustered points (a few Gaussian clusters, not a
  uniform cloud), clipped to an irregular blob;
- ``strips``: a long, thin street of strip-shaped compounds in two rows along a bent
  axis (a near-path neighbour graph: one big unit in the middle cuts it in two);
- ``real``: a contiguous group of real administrative polygons from libpysal's bundled
  example shapefiles (BSD-3-Clause; the shapes only), projected and scaled.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

Rng = np.random.Generator
REAL = {"columbus": "columbus/columbus.shp", "chicago": "chicago/Chicago77.shp",
        "stl": "stl/stl_hom.shp", "sids2": "sids2/sids2.shp",
        "georgia": "georgia/G_utm.shp", "10740": "10740/10740.shp",
        "tokyo": "tokyo/tokyomet262.shp", "virginia": "virginia/vautm17n.shp",
        "mexico": "mexico/mexicojoin.shp"}


def grid(rng: Rng, n: int, cell: float) -> list[Polygon]:
    """About ``n`` units: a jittered grid whose cells are merged in pairs/triples."""
    cells = int(n * rng.uniform(1.2, 1.6)) + 1
    nx_ = max(2, int(np.sqrt(cells * rng.uniform(0.5, 2.0))))
    ny_ = max(1, -(-cells // nx_))
    vx = np.arange(nx_ + 1)[:, None] * cell + rng.uniform(-0.3, 0.3, (nx_ + 1, ny_ + 1)) * cell
    vy = np.arange(ny_ + 1)[None, :] * cell + rng.uniform(-0.3, 0.3, (nx_ + 1, ny_ + 1)) * cell
    vx[0, :], vx[-1, :] = 0.0, nx_ * cell          # straight outer edges
    vy[:, 0], vy[:, -1] = 0.0, ny_ * cell
    owner = -np.ones((nx_, ny_), dtype=np.int64)
    polys: list[list[Polygon]] = []
    for i, j in rng.permutation([(i, j) for i in range(nx_) for j in range(ny_)]).tolist():
        if owner[i, j] >= 0:
            continue
        group = [(i, j)]
        for _ in range(int(rng.choice([0, 0, 1, 1, 2]))):
            ci, cj = group[-1]
            steps = [(ci + di, cj + dj) for di, dj in ((1, 0), (0, 1), (-1, 0), (0, -1))]
            steps = [(a, b) for a, b in steps if 0 <= a < nx_ and 0 <= b < ny_
                     and owner[a, b] < 0 and (a, b) not in group]
            if steps:
                group.append(steps[int(rng.integers(len(steps)))])
        k = len(polys)
        parts = []
        for a, b in group:
            owner[a, b] = k
            parts.append(Polygon([(vx[a, b], vy[a, b]), (vx[a + 1, b], vy[a + 1, b]),
                                  (vx[a + 1, b + 1], vy[a + 1, b + 1]),
                                  (vx[a, b + 1], vy[a, b + 1])]))
        polys.append(parts)
    out = [_single(shapely.union_all(p)) for p in polys]
    return _trim(rng, out, n)


def voronoi(rng: Rng, n: int, cell: float) -> list[Polygon]:
    """``n`` Voronoi cells of points in 2-5 Gaussian clusters, clipped to a blob."""
    side = cell * np.sqrt(n) * 1.3
    k = int(rng.integers(2, 6))
    centres = rng.uniform(0, side, (k, 2))
    which = rng.integers(k, size=n)
    spread = rng.uniform(0.08, 0.3, k)[which, None] * side
    pts = centres[which] + rng.normal(size=(n, 2)) * spread
    pts += rng.uniform(-1e-3, 1e-3, pts.shape)
    hull = shapely.MultiPoint([tuple(p) for p in pts]).convex_hull.buffer(cell * 0.6)
    blob = hull.buffer(-cell * rng.uniform(0.0, 0.3)).buffer(cell * 0.2)
    cells = shapely.voronoi_polygons(shapely.MultiPoint([tuple(p) for p in pts]),
                                     extend_to=blob)
    out = []
    for g in shapely.get_parts(cells):
        c = _single(shapely.intersection(g, blob))
        if c is not None and c.area > 1.0:
            out.append(c)
    return _connected(out)


def strips(rng: Rng, n: int, cell: float) -> list[Polygon]:
    """Two rows of strip-shaped compounds along a street axis bent by a parabola.

    The bend moves every vertex by a function of x only, and each rectangle carries a
    vertex at every strip edge of both rows within its span, so edges shared by two
    strips stay identical after the bend (rook neighbours stay neighbours)."""
    per_row = max(2, (n + 1) // 2)
    widths = rng.lognormal(0.0, 0.5, per_row) * cell * 0.6
    edges = np.concatenate([[0.0], np.cumsum(widths)])
    length = float(edges[-1])
    shift = rng.uniform(0.2, 0.8) * widths[0]
    rows = [edges, np.clip(edges + shift, 0.0, length)]
    rows[1][0], rows[1][-1] = 0.0, length
    knots = np.unique(np.concatenate(rows + [np.linspace(0.0, length, 60)]))
    bend = rng.uniform(-0.5, 0.5)

    def g(x: float) -> float:
        t = x / max(length, 1.0) - 0.5
        return float(bend * length * t * t)

    out = []
    for xs, (y0, y1) in zip(rows, ((0.0, cell * rng.uniform(1.5, 3.0)),
                                   (-cell * rng.uniform(1.5, 3.0), 0.0)), strict=True):
        for a, b in zip(xs[:-1], xs[1:], strict=True):
            if b - a <= 1.0:
                continue
            ks = knots[(knots >= a) & (knots <= b)].tolist()
            ring = [(x, y0 + g(x)) for x in ks] + [(x, y1 + g(x)) for x in reversed(ks)]
            out.append(Polygon(ring))
    return out[:n] if len(out) > n else out


def real(rng: Rng, n: int, cell: float) -> tuple[list[Polygon], str]:
    """A contiguous group of about ``n`` real polygons, scaled to ``cell`` a unit."""
    root = _examples()
    names = [k for k, v in REAL.items() if (root / v).is_file()]
    if not names:
        return grid(rng, n, cell), "grid (libpysal examples absent)"
    name = str(rng.choice(names))
    gdf = gpd.read_file(root / REAL[name])
    if gdf.crs is None or gdf.crs.is_geographic:
        x0, y0 = gdf.geometry.union_all().centroid.coords[0]
        if abs(x0) <= 180 and abs(y0) <= 90:
            gdf = gdf.set_crs(4326, allow_override=True).to_crs(
                f"+proj=laea +lat_0={y0} +lon_0={x0} +units=m")
    geoms = [_single(shapely.make_valid(g)) for g in gdf.geometry]
    geoms = [g for g in geoms if g is not None]
    geoms = _connected(geoms)
    order = _grow(rng, geoms, n)
    picked = [geoms[i] for i in order]
    mean = np.sqrt(np.mean([g.area for g in picked]))
    x0, y0, _, _ = shapely.total_bounds(picked)
    scale = cell / mean
    picked = [shapely.affinity.scale(shapely.affinity.translate(g, -x0, -y0), scale, scale,
                                     origin=(0, 0)) for g in picked]
    return picked, name


def rook(polys: list[Polygon]) -> nx.Graph:
    """Units sharing > 0.1 m of boundary (the contract's rook rule, no barriers)."""
    g = nx.Graph()
    g.add_nodes_from(range(len(polys)))
    tree = shapely.STRtree(polys)
    for i, p in enumerate(polys):
        for j in tree.query(p, predicate="intersects").tolist():
            if j > i and shapely.intersection(p.boundary, polys[j].boundary).length > 0.1:
                g.add_edge(i, j)
    return g


def cut_line(rng: Rng, polys: list[Polygon]) -> LineString:
    """A barrier across the layout's box (a river, a railway): a 3-point polyline."""
    x0, y0, x1, y1 = shapely.total_bounds(polys)
    if rng.random() < 0.5:
        ys = rng.uniform(y0, y1, 3)
        return LineString([(x0 - 50, ys[0]), ((x0 + x1) / 2, ys[1]), (x1 + 50, ys[2])])
    xs = rng.uniform(x0, x1, 3)
    return LineString([(xs[0], y0 - 50), (xs[1], (y0 + y1) / 2), (xs[2], y1 + 50)])


def _examples() -> Path:
    spec = importlib.util.find_spec("libpysal")
    if spec is None or spec.origin is None:
        return Path("/nonexistent")
    return Path(spec.origin).parent / "examples"


def _single(g: shapely.Geometry) -> Polygon | None:
    """The largest polygon of ``g`` (a union of touching cells is one polygon)."""
    parts = [p for p in shapely.get_parts(g) if isinstance(p, Polygon) and not p.is_empty]
    return max(parts, key=lambda p: p.area) if parts else None


def _trim(rng: Rng, polys: list[Polygon], n: int) -> list[Polygon]:
    """Keep a connected group of about ``n`` units (grown from a random seed unit)."""
    if len(polys) <= n:
        return polys
    return [polys[i] for i in _grow(rng, polys, n)]


def _grow(rng: Rng, polys: list[Polygon], n: int) -> list[int]:
    """Indices of a connected group of ``min(n, len)`` units, grown breadth-first."""
    g = rook(polys)
    start = int(rng.integers(len(polys)))
    order = [start] + [v for _, v in nx.bfs_edges(g, start)]
    return sorted(order[:n])


def _connected(polys: list[Polygon]) -> list[Polygon]:
    """The largest rook-connected group (clipping can leave islands)."""
    g = rook(polys)
    big = max(nx.connected_components(g), key=len)
    return [polys[i] for i in sorted(big)]
