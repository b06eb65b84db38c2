"""The ``real-shapes`` preset: one town or street of irregular, non-Voronoi units.

``shapes`` names a libpysal example (:mod:`optimizer.synth.realshapes`: real county,
tract or municipality polygons, read from the installed package at run time) or
``grown``: a procedural town of ``size`` units grown on a fine grid inside a ragged
outline of overlapping blobs (:mod:`optimizer.synth.grown`: non-convex units, holes,
multipart units), which needs no optional package.

All units are of one ``kind`` in one street/town: one piece, as when a planner loads
a real map. Households are drawn per unit from wide distributions
(:mod:`optimizer.synth.people`: rural 10-1,500 with the median drawn in 150-700,
urban 40-2,900 with the median in 300-900), and ``oversized`` units are raised above
the community maximum, half of them (rounded up) on cut vertices of the neighbour
graph when the map has any. Each part left when the oversized units are removed is
rescaled to a total that fits a whole number of communities, where its unit count
allows; a part too small for that (a single unit hanging on an oversized one) stays,
and a legal plan must give it to the oversized unit's community.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import networkx as nx
import numpy as np
import shapely

from optimizer.synth import barriers as bar
from optimizer.synth import realshapes
from optimizer.synth.finish import Draft
from optimizer.synth.people import (
    ADMIN_RURAL,
    ADMIN_URBAN,
    community_bounds,
    draw_units,
    feasible_total,
    oversized_households,
    scale_to_total,
)
from optimizer.synth.tessellate import Zone, tessellate
from optimizer.synth.voronoi.geometry import blob
from optimizer.synth.voronoi.names import COUNTIES, NamePool

ATTEMPTS = 12


@dataclass(frozen=True)
class RealShapesParams:
    shapes: str = "georgia"      # a libpysal example (realshapes.DATASETS) or grown
    kind: str = "rural"          # rural | urban
    oversized: int = 0           # units raised above the community maximum
    size: int = 150              # units (shapes=grown only)
    family: str = "any"          # household distribution family (people.FAMILIES) or any
    unit_km2: float = 0.0        # mean unit area; 0: 0.5 km² rural, 0.08 km² urban

    def check(self) -> list[str]:
        out = []
        if self.kind not in ("rural", "urban"):
            out.append(f"kind must be rural or urban, not {self.kind!r}")
        if self.shapes != "grown" and self.shapes not in realshapes.DATASETS:
            out.append(f"shapes must be grown or one of {', '.join(realshapes.DATASETS)}")
        if self.oversized < 0 or self.size < 10:
            out.append("oversized must be ≥ 0 and size ≥ 10")
        return out


def _grown_town(rng: np.random.Generator, n: int, unit_m2: float) -> tuple[np.ndarray, str]:
    """A ragged outline of 3-5 overlapping blobs, grown into ``n`` units."""
    cx, cy = COUNTIES[6][2], COUNTIES[6][3]
    r = math.sqrt(n * unit_m2 / math.pi)
    parts = [blob(rng, cx, cy, 0.75 * r, wobble=0.35)]
    for _ in range(int(rng.integers(2, 5))):
        ang = rng.uniform(0, 2 * math.pi)
        d = rng.uniform(0.5, 0.9) * r
        parts.append(blob(rng, cx + d * math.cos(ang), cy + d * math.sin(ang),
                          rng.uniform(0.35, 0.6) * r, wobble=0.35))
    outline = shapely.union_all(parts).simplify(0.01 * r)
    tiles = tessellate(rng, [Zone(outline, n, 0, False)], outline, "grown", holes=0.03)
    return tiles.geoms, "procedural: units grown on a fine grid (optimizer.synth.grown)"


def _oversize(rng: np.random.Generator, g: nx.Graph, n: int, k: int) -> list[int]:
    """``k`` units: half (rounded up) on cut vertices when there are any, the rest not."""
    cuts = sorted(nx.articulation_points(g))
    on_cut = min(len(cuts), (k + 1) // 2)
    chosen = [int(u) for u in rng.permutation(cuts)[:on_cut]] if on_cut else []
    others = [u for u in rng.permutation(n).tolist() if u not in cuts and u not in chosen]
    return chosen + others[: k - on_cut]


def _households(rng: np.random.Generator, p: RealShapesParams, g: nx.Graph,
                n: int) -> np.ndarray:
    urban = p.kind == "urban"
    unit_range = ADMIN_URBAN if urban else ADMIN_RURAL
    hh = draw_units(rng, n, unit_range, p.family)
    big = _oversize(rng, g, n, min(p.oversized, n // 4))
    hh[big] = oversized_households(rng, len(big), urban)
    lo, hi = community_bounds(urban)
    rest = g.subgraph([u for u in range(n) if u not in big])
    for part in sorted(nx.connected_components(rest), key=min):
        units = sorted(part)
        total = int(hh[units].sum())
        if feasible_total(total, urban):
            continue
        k = max(1, round(total / ((lo + hi) / 2)))
        target = int(rng.integers(k * lo + lo // 20, k * hi - hi // 20))
        vals = scale_to_total(rng, hh[units].astype(float), target, unit_range.lo,
                              min(unit_range.hi, hi))
        if vals is not None:
            hh[units] = vals
    return hh


def build_real_shapes(p: RealShapesParams, seed: int) -> tuple[Draft, list[str]]:
    """The draft and the header lines naming the geometry's source."""
    urban = p.kind == "urban"
    unit_m2 = (p.unit_km2 or (0.08 if urban else 0.5)) * 1e6
    name, code = COUNTIES[6][0], COUNTIES[6][1]
    shapes = None if p.shapes == "grown" else realshapes.load(p.shapes, unit_m2)
    for attempt in range(ATTEMPTS):
        rng = np.random.default_rng([seed, attempt])
        if shapes is None:
            geoms, source = _grown_town(rng, p.size, unit_m2)
            dropped = 0
        else:
            geoms, source, dropped = shapes.geoms, shapes.source, shapes.dropped
        n = len(geoms)
        area = np.zeros(n, dtype=np.int64)
        kind = np.full(n, urban)
        outline = shapely.union_all(shapely.buffer(geoms, 1.0))
        if not bar.pieces_connected(area, kind, bar.rook_pairs(geoms)):
            continue
        barriers, edges = bar.draw(rng, outline, geoms, 2, [],
                                   partial(bar.pieces_connected, area, kind))
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(edges.tolist())
        hh = _households(rng, p, g, n)
        nm, cd = NamePool(rng).take()
        area_name = f"{nm} {'Street' if urban else 'Town'}"
        notes = [f"Geometry: {source}" + (f" ({dropped} units not connected to the rest "
                                           "dropped)" if dropped else "")]
        if shapes is not None:
            notes.append("Shapes distributed with libpysal (BSD-3-Clause); households drawn.")
        title = f"{name} (real-shapes preset, {p.shapes}, {p.kind}, seed {seed})"
        return Draft("real-shapes", seed, title, name, code, [area_name], [cd], geoms, area,
                     kind, hh, barriers, edges), notes
    raise RuntimeError(f"could not lay out real-shapes for seed {seed}")  # pragma: no cover
