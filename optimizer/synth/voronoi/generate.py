"""Realistic generated scenarios: ``generate(preset, seed, out_dir)``.

Presets (targets; the generated numbers land within a few percent):

======  ======================================================  ======  ==========
preset  what                                                    units   households
======  ======================================================  ======  ==========
town    Jianhu county: one street and one town (seat, villages)    300      20,000
county  Jianhu county: 5 streets, 12 towns                       3,000     250,000
city    Yancheng's 9 counties, ~140 streets and towns           40,000   2,400,000
======  ======================================================  ======  ==========

Households per family: 2.94 (Jiangsu 2010 census); 2.4 million households city-wide.
Geometry is in EPSG:32651 (UTM 51N) at Yancheng's real county seats. Each county gets
rivers and a railway (barriers that cut neighbour pairs) and one deliberately
impossible piece, the island village (see generate_barriers); every other piece is
kept feasible (generate_repair). The same seed gives byte-identical files: one
numpy Generator per seed, no other randomness, fixed formatting, sorted records.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS

from optimizer.geo.crs import project, region_crs
from optimizer.geo.neighbours import crossing_mask, rook_pairs
from optimizer.synth.voronoi.barriers import add_islands, draw_lines
from optimizer.synth.voronoi.generated import Generated
from optimizer.synth.voronoi.geometry import round_geometries, voronoi_cells
from optimizer.synth.voronoi.layout import (
    CountyLayout,
    county_regions,
    lay_out_county,
    preset_plans,
)
from optimizer.synth.voronoi.people import draw_households
from optimizer.synth.voronoi.repair import (
    UNIT_RANGE,
    components,
    infeasible_pieces,
    rebalance,
    repair,
)
from optimizer.synth.voronoi.today import flag_units, today_and_sites
from optimizer.synth.voronoi.write import write_generated

PRESETS = ("town", "county", "city")
MAX_ATTEMPTS = 25
DRAWN_IN = CRS.from_epsg(32651)     # the generator draws in UTM 51N (generate_write.CRS)


def generate(preset: str, seed: int, out_dir: str | Path) -> Path:
    """Write a scenario folder (CONTRACT.md) for ``preset`` and ``seed``; return it."""
    return write_generated(build(preset, seed), Path(out_dir))


def build(preset: str, seed: int) -> Generated:
    """The generated scenario in memory (deterministic in ``preset`` and ``seed``)."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}: one of {', '.join(PRESETS)}")
    rng = np.random.default_rng(seed)
    plans = preset_plans(preset, rng)
    regions, outline = county_regions(plans, rng)
    lays = [lay_out_county(p, r, rng) for p, r in zip(plans, regions, strict=True)]
    offsets, n_units, n_areas = [], 0, 0
    for lay in lays:
        offsets.append((n_units, n_areas))
        n_units += len(lay.points)
        n_areas += len(lay.area_names)
    points = np.vstack([lay.points for lay in lays])
    county = np.concatenate([np.full(len(lay.points), c) for c, lay in enumerate(lays)])
    area = np.concatenate([lay.area + first for lay, (_, first) in zip(lays, offsets,
                                                                      strict=True)])
    urban = np.concatenate([lay.urban for lay in lays])
    area_is_town = np.concatenate([lay.is_town for lay in lays])
    geoms = round_geometries(voronoi_cells(points, outline))
    rep = shapely.get_coordinates(shapely.point_on_surface(geoms))

    # households: compounds of streets / of town seats / villagers' groups, per county
    category = county * 3 + np.where(urban, np.where(area_is_town[area], 1, 0), 2)
    totals = {}
    for c, p in enumerate(plans):
        totals.update({3 * c: p.street_households, 3 * c + 1: p.seat_households,
                       3 * c + 2: p.rural_households})
    households = draw_households(rng, urban, category, totals)
    new_dev, no_build = flag_units(rng, lays, offsets, rep, area, urban, area_is_town,
                                   households)

    targets = {}
    for c, p in enumerate(plans):
        targets[(c, True)] = p.street_households + p.seat_households
        targets[(c, False)] = p.rural_households
    # the neighbour graph in the metric CRS the loader will use (optimizer/geo/crs.py),
    # not in the drawing CRS: representative points depend on the CRS
    metric = region_crs(geoms, DRAWN_IN)
    assert metric is not None
    geoms_m = project(geoms, DRAWN_IN, metric)
    pairs = rook_pairs(geoms_m)
    rep_m = shapely.get_coordinates(shapely.point_on_surface(geoms_m))
    per_county = 0 if preset == "town" else 1    # accidental impossible pieces allowed
    for attempt in range(MAX_ATTEMPTS):
        arng = np.random.default_rng([seed, attempt])
        barriers = draw_lines(arng, outline, len(lays))
        add_islands(arng, barriers, lays, offsets, rep, area, urban,
                    metric=(rep_m, lambda g: project(np.array([g], dtype=object), DRAWN_IN,
                                                     metric)[0]))
        if len(barriers.islands) < len(lays):
            continue
        crossed = crossing_mask(geoms_m, project(np.array(barriers.geoms, dtype=object),
                                                 DRAWN_IN, metric), pairs)
        edges = pairs[~crossed]
        if not all(_one_piece(inside, edges) for inside in barriers.islands):
            continue
        hh, ar, ur = households.copy(), area.copy(), urban.copy()
        keep: set[int] = set()
        for inside in barriers.islands:
            _island_households(arng, hh, inside)
            keep.update(inside.tolist())
        repair(county, ar, ur, hh, edges, keep, arng)
        rebalance(county, ar, ur, hh, edges, keep, targets)
        if _accidents_ok(county, ar, ur, hh, edges, keep, per_county):
            break
    else:  # pragma: no cover - the presets converge in a few attempts
        raise RuntimeError(f"could not lay out a {preset} scenario for seed {seed}")
    households, area, urban = hh, ar, ur

    unit_ids, order = _unit_ids(lays, offsets, area, urban, rep)
    current, sites = today_and_sites(rng, unit_ids, order, county, area, urban, households,
                                     edges, rep)
    names = [n for lay in lays for n in lay.area_names]
    cnames = [lay.plan.name for lay in lays]
    title = cnames[0] if len(cnames) == 1 else "Yancheng"
    return Generated(
        preset=preset, seed=seed,
        name=f"{title} ({preset} preset, seed {seed}), 2013",
        unit_ids=unit_ids, households=households, urban=urban,
        county=[cnames[c] for c in county.tolist()], street=[names[a] for a in area.tolist()],
        current=current, new_development=new_dev, no_build=no_build, geoms=geoms,
        sites=sites, barriers=barriers)


def _accidents_ok(county: np.ndarray, area: np.ndarray, urban: np.ndarray,
                  households: np.ndarray, edges: np.ndarray, keep: set[int],
                  per_county: int) -> bool:
    """At most ``per_county`` impossible pieces per county besides the island village."""
    pieces = [p for p in infeasible_pieces(county, area, urban, households, edges)
              if not keep.intersection(p.tolist())]
    counts = np.bincount([int(county[p[0]]) for p in pieces], minlength=1)
    return bool(counts.max() <= per_county) if len(pieces) else True


def _one_piece(units: np.ndarray, edges: np.ndarray) -> bool:
    """Whether ``units`` are connected through ``edges`` among themselves (an island
    village whose units touch only at corners would be several impossible pieces)."""
    member = np.zeros(int(max(edges.max(initial=0), units.max(initial=0))) + 1, dtype=bool)
    member[units] = True
    inner = edges[member[edges[:, 0]] & member[edges[:, 1]]]
    label = components(np.zeros(len(member), dtype=np.int64), inner)
    return len(np.unique(label[units])) == 1


def _island_households(rng: np.random.Generator, households: np.ndarray,
                       inside: np.ndarray) -> None:
    """The island village: 350-900 households, fewer than SIZE-RURAL's 1,000."""
    lo, hi = UNIT_RANGE[False]
    target = int(rng.integers(350, 900))
    vals = np.clip(np.round(households[inside] * target / max(households[inside].sum(), 1)),
                   lo, hi).astype(np.int64)
    households[inside] = np.minimum(vals, 990 // len(inside))


def _unit_ids(lays: list[CountyLayout], offsets: list[tuple[int, int]], area: np.ndarray,
              urban: np.ndarray, rep: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Readable ids ``<county>-<street/town>-<nnnn>``: per street/town, compounds
    first, then north to south, west to east. Also the order itself."""
    codes = [(lay.plan.code, c) for lay in lays for c in lay.area_codes]
    order = np.lexsort((np.round(rep[:, 0]), -np.round(rep[:, 1]), ~urban, area))
    ids = [""] * len(area)
    count: dict[int, int] = {}
    for i in order.tolist():
        a = int(area[i])
        count[a] = count.get(a, 0) + 1
        ids[i] = f"{codes[a][0]}-{codes[a][1]}-{count[a]:04d}"
    return ids, order
