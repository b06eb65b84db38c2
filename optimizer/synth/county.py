"""One county of streets and towns with exactly the unit counts a preset asks for.

Shared by ``big-street``, ``village-town`` and ``big-county``. The county outline is a
blob around Jianhu's seat (EPSG:32651) sized by its units (a compound ~6 ha with its
roads, a natural village ~35 ha of houses and fields); the urban core (all streets)
sits at the centre, or at the east edge when there is one street, split into streets
by wedges in proportion to their compounds; towns share the rest (Voronoi of
well-spread seats), each with its seat (a few compounds: an urban piece of the town)
and its natural villages. Households are drawn per street, seat and town from
:mod:`optimizer.synth.people` (family and parameters by the seed), and any piece whose
total fits no whole number of communities is rescaled into one that does; a small
piece (a seat) is planted on a legal split. A preset that wants an impossible piece
says so itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np
import shapely

from optimizer.errors import OptimizerError
from optimizer.synth import barriers as bar
from optimizer.synth.finish import Draft
from optimizer.synth.people import (
    COMPOUND,
    VILLAGE,
    community_bounds,
    draw_units,
    feasible_total,
    scale_to_total,
)
from optimizer.synth.plant import neighbours, plant
from optimizer.synth.tessellate import Zone, exact_points, tessellate
from optimizer.synth.voronoi.geometry import blob, lloyd, spread_seeds
from optimizer.synth.voronoi.names import COUNTIES, NamePool

COMPOUND_M2 = 60_000.0
VILLAGE_M2 = 350_000.0
ATTEMPTS = 12
PLANT_BELOW = 30


@dataclass(frozen=True)
class CountySpec:
    preset: str
    seed: int
    streets: tuple[int, ...]    # compounds per street
    towns: tuple[int, ...]      # natural villages per town
    seats: tuple[int, ...]      # compounds of each town's seat (0: none)
    geometry: str               # voronoi | grown
    family: str                 # household distribution family, or "any"
    canals: int = 2


def _wedges(centre: np.ndarray, region: shapely.Geometry, weights: tuple[int, ...],
            start: float) -> list[shapely.Geometry]:
    """``region`` cut into wedges around ``centre`` with angles ∝ ``weights``."""
    if len(weights) == 1:
        return [region]
    r = 4 * math.sqrt(region.area) + shapely.Point(centre).distance(region.centroid)
    bounds = start + 2 * math.pi * np.concatenate([[0], np.cumsum(weights)]) / sum(weights)
    out = []
    for a0, a1 in zip(bounds[:-1], bounds[1:], strict=True):
        th = np.linspace(a0, a1, 32)
        ring = np.vstack([centre, np.column_stack([centre[0] + r * np.cos(th),
                                                   centre[1] + r * np.sin(th)])])
        out.append(shapely.Polygon(ring).intersection(region))
    return out


def _zones(rng: np.random.Generator, spec: CountySpec,
           outline: shapely.Geometry) -> tuple[list[Zone], list[shapely.Geometry]]:
    """Zones (street compounds, seat compounds, villages) and each area's region."""
    cx, cy = np.array(shapely.get_coordinates(outline.centroid)[0])
    n_street = sum(spec.streets)
    areas: list[shapely.Geometry] = []
    zones: list[Zone] = []
    core = shapely.Polygon()
    centre = np.array([cx, cy])
    if n_street:
        core_r = math.sqrt(n_street * COMPOUND_M2 / math.pi)
        if len(spec.streets) == 1 and spec.towns:
            minx, _, maxx, _ = outline.bounds
            centre = np.array([maxx - 0.8 * core_r, cy])
        core = blob(rng, centre[0], centre[1], core_r, wobble=0.2).intersection(outline)
        for k, region in enumerate(_wedges(centre, core, spec.streets,
                                           float(rng.uniform(0, 2 * math.pi)))):
            areas.append(region)
            zones.append(Zone(region, spec.streets[k], k, True))
    if spec.towns:
        rest = outline.difference(core)
        seeds = spread_seeds(rng, rest, len(spec.towns), centre[None, :] if n_street
                             else np.zeros((0, 2)))
        samples = exact_points(rng, rest, 4000)
        seeds = lloyd(seeds, samples, rounds=3)
        cells = shapely.get_parts(shapely.voronoi_polygons(
            shapely.multipoints(seeds), extend_to=shapely.envelope(outline).buffer(1e4),
            ordered=True)) if len(seeds) > 1 else np.array([rest])
        for t, n_vill in enumerate(spec.towns):
            a = len(spec.streets) + t
            region = shapely.intersection(cells[t], rest)
            areas.append(region)
            village_region = region
            if spec.seats[t]:
                seat_r = math.sqrt(spec.seats[t] * COMPOUND_M2 / math.pi) * 1.1
                inner = shapely.buffer(region, -seat_r)
                at = shapely.Point(seeds[t]) if inner.contains(shapely.Point(seeds[t])) \
                    else shapely.point_on_surface(inner if not inner.is_empty else region)
                seat = shapely.buffer(at, seat_r, quad_segs=24).intersection(region)
                zones.append(Zone(seat, spec.seats[t], a, True))
                village_region = region.difference(seat)
            zones.append(Zone(village_region, n_vill, a, False))
    return zones, areas


def _households(rng: np.random.Generator, spec: CountySpec, area: np.ndarray,
                urban: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Per (area, kind): a draw from one family, rescaled into a feasible total; a
    piece of fewer than PLANT_BELOW units is planted instead (:mod:`.plant`), since
    a feasible total does not make a small piece splittable."""
    hh = np.zeros(len(area), dtype=np.int64)
    nbrs = neighbours(len(area), edges)
    for a, u in sorted({(int(a), bool(u)) for a, u in zip(area, urban, strict=True)}):
        sel = np.flatnonzero((area == a) & (urban == u))
        rng_of = COMPOUND if u else VILLAGE
        vals = draw_units(rng, len(sel), rng_of, spec.family)
        if len(sel) < PLANT_BELOW:
            hh[sel] = plant(rng, sel.tolist(), nbrs, _spread(sel, vals, len(area)), u, rng_of)
            continue
        total = int(vals.sum())
        if not feasible_total(total, u):
            lo, hi = community_bounds(u)
            k = max(1, round(total / ((lo + hi) / 2)))
            target = int(rng.integers(k * lo + lo // 20, k * hi - hi // 20))
            scaled = scale_to_total(rng, vals, target, rng_of.lo, rng_of.hi)
            if scaled is not None:
                vals = scaled
        hh[sel] = vals
    return hh


def _spread(sel: np.ndarray, vals: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n)
    out[sel] = vals
    return out


def build_county(spec: CountySpec) -> Draft:
    """The units of one county (see the module doc); deterministic in ``spec.seed``."""
    if len(spec.seats) != len(spec.towns):
        raise ValueError("one seat size per town")
    name, code, cx, cy = COUNTIES[6]
    area_m2 = (sum(spec.streets) + sum(spec.seats)) * COMPOUND_M2 + sum(spec.towns) * VILLAGE_M2
    for attempt in range(ATTEMPTS):
        rng = np.random.default_rng([spec.seed, attempt])
        outline = blob(rng, cx, cy, math.sqrt(area_m2 / math.pi))
        zones, regions = _zones(rng, spec, outline)
        tiles = tessellate(rng, zones, outline, spec.geometry)
        area = np.array([zones[z].area for z in tiles.zone.tolist()], dtype=np.int64)
        urban = np.array([zones[z].urban for z in tiles.zone.tolist()], dtype=bool)
        names = NamePool(rng)
        area_names, area_codes = [], []
        for k in range(len(regions)):
            nm, cd = names.take()
            area_names.append(f"{nm} {'Street' if k < len(spec.streets) else 'Town'}")
            area_codes.append(cd)
        borders: list[tuple[str, shapely.LineString]] = []
        for k in range(len(regions) - 1):
            line = bar.border_river(regions[k], regions[k + 1])
            if line is not None and len(borders) < 2:
                borders.append((f"{area_names[k]} River", line))
        if not bar.pieces_connected(area, urban, bar.rook_pairs(tiles.geoms)):
            continue
        barriers, edges = bar.draw(rng, outline, tiles.geoms, spec.canals, borders,
                                   partial(bar.pieces_connected, area, urban))
        hh = _households(rng, spec, area, urban, edges)
        return Draft(spec.preset, spec.seed, f"{name} ({spec.preset} preset, seed {spec.seed})",
                     name, code, area_names, area_codes, tiles.geoms, area, urban, hh,
                     barriers, edges)
    # Reached with small sizes (e.g. --option streets=12,10 --option towns=14,12): no
    # draw kept every piece connected. An input problem, said as one: no traceback.
    raise OptimizerError(f"could not lay out {spec.preset} for seed {spec.seed} with these "
                         "sizes (no draw kept every street and town connected): try another "
                         "--seed, or larger streets and towns")
