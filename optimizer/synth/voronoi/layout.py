"""Where the units of a generated scenario lie: presets, counties, streets and towns.

A county is laid out around its seat: the urban core (a blob of dense residential
compounds 小区 split into streets 街道), towns 镇 spread over the rest, each with an
urban seat (a few compounds around the town centre) and villages of villagers'
groups 村民小组 on a coarser jittered grid. Each unit is one point here; the
tessellation (generate_geometry.voronoi_cells) turns points into polygons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from optimizer.synth.voronoi.geometry import (
    CITY_OUTLINE,
    blob,
    jittered_points,
    lloyd,
    nearest,
    spread_seeds,
    voronoi_cells,
)
from optimizer.synth.voronoi.names import COUNTIES, NamePool

COMPOUND_AREA_M2 = 60_000.0   # a compound of ~600 households with its roads: ~6 ha


@dataclass(frozen=True)
class CountyPlan:
    name: str
    code: str
    cx: float
    cy: float
    n_streets: int
    n_towns: int
    street_households: int      # all compounds of the streets
    seat_households: int        # all compounds of all town seats
    rural_households: int       # all villagers' groups
    n_units: int                # target number of units
    core_at_edge: bool = False  # the town preset: the street lies at one side


@dataclass
class CountyLayout:
    plan: CountyPlan
    region: shapely.Geometry
    points: np.ndarray          # (n, 2) unit points
    area: np.ndarray            # index into area_names
    urban: np.ndarray           # bool
    area_names: list[str]       # "Wuxing Street", "Nanyang Town"
    area_codes: list[str]
    is_town: np.ndarray         # bool per area
    town_seeds: np.ndarray      # (n_areas, 2) centre of each area
    group_spacing: float


def preset_plans(preset: str, rng: np.random.Generator) -> list[CountyPlan]:
    """The counties of a preset (see the module doc of generate.py for the sizes)."""
    if preset == "town":
        name, code, cx, cy = COUNTIES[6]
        return [CountyPlan(name, code, cx, cy, 1, 1, 5_000, 2_500, 12_500, 300,
                           core_at_edge=True)]
    if preset == "county":
        name, code, cx, cy = COUNTIES[6]
        return [CountyPlan(name, code, cx, cy, 5, 12, 70_000, 36_000, 144_000, 3_000)]
    if preset == "city":
        # 2010 residents (millions) and township-level divisions (streets, towns) by
        # county; households = 2.4 million city-wide in proportion to residents.
        people = (0.90, 0.70, 0.52, 0.95, 0.88, 0.90, 0.70, 0.70, 1.00)
        divisions = ((10, 2), (3, 10), (2, 14), (3, 15), (3, 15), (2, 13), (2, 12),
                     (3, 12), (3, 16))
        urban_share = (0.85, 0.30, 0.30, 0.30, 0.30, 0.30, 0.32, 0.32, 0.32)
        total = sum(people)
        plans = []
        for (name, code, cx, cy), p, (ns, nt), us in zip(COUNTIES, people, divisions,
                                                         urban_share, strict=True):
            hh = int(round(2_400_000 * p / total, -2))
            seats = int(nt * rng.uniform(2_600, 3_600))
            street = int(us * hh) - seats if us * hh > 2 * seats else int(us * hh)
            plans.append(CountyPlan(name, code, cx, cy, ns, nt, street, seats,
                                    hh - street - seats, int(round(40_000 * p / total))))
        return plans
    raise ValueError(f"unknown preset {preset!r}: town, county or city")


def county_regions(plans: list[CountyPlan], rng: np.random.Generator,
                   group_area_m2: float = 420_000.0) -> tuple[list[shapely.Geometry],
                                                               shapely.Geometry]:
    """County outlines and the outline of the whole scenario."""
    if len(plans) > 1:
        city = shapely.Polygon(CITY_OUTLINE)
        seeds = np.array([(p.cx, p.cy) for p in plans])
        cells = voronoi_cells(seeds, city)
        return list(cells), city
    p = plans[0]
    compounds = (p.street_households + p.seat_households) / 650.0
    area = (p.n_units - compounds) * group_area_m2 + compounds * COMPOUND_AREA_M2
    region = blob(rng, p.cx, p.cy, math.sqrt(area / math.pi))
    return [region], region


def lay_out_county(plan: CountyPlan, region: shapely.Geometry,
                   rng: np.random.Generator) -> CountyLayout:
    """Points of every unit of one county, with their street/town and kind."""
    n_street_c = max(plan.n_streets, round(plan.street_households / 650))
    n_seat_c = max(plan.n_towns, round(plan.seat_households / 650))
    n_groups = plan.n_units - n_street_c - n_seat_c
    spacing_c = math.sqrt(COMPOUND_AREA_M2)
    core_r = math.sqrt(n_street_c * COMPOUND_AREA_M2 / math.pi) * 1.05
    minx, miny, maxx, maxy = region.bounds
    if plan.core_at_edge:
        centre = np.array([maxx - 0.8 * core_r, (miny + maxy) / 2])
    else:
        centre = np.array(shapely.get_coordinates(region.centroid)[0])
    core = blob(rng, centre[0], centre[1], core_r, wobble=0.2).intersection(region)
    names = NamePool(rng)
    area_names: list[str] = []
    area_codes: list[str] = []
    # streets: the core split among well spread street seeds
    street_pts = jittered_points(rng, core, math.sqrt(core.area / n_street_c))
    street_seeds = spread_seeds(rng, core, plan.n_streets, np.zeros((0, 2)))
    street_seeds = lloyd(street_seeds, street_pts)
    street_of = nearest(street_pts, street_seeds)
    for _ in range(plan.n_streets):
        nm, cd = names.take()
        area_names.append(f"{nm} Street")
        area_codes.append(cd)
    # towns: seeds spread over the rest, pulled to the middle of their territory
    rest = region.difference(shapely.buffer(core, 0.5 * core_r))
    town_seeds = spread_seeds(rng, rest, plan.n_towns, centre[None, :])
    samples = jittered_points(rng, region.difference(core), math.sqrt(region.area / 4000))
    town_seeds = lloyd(town_seeds, samples, rounds=3)
    for _ in range(plan.n_towns):
        nm, cd = names.take()
        area_names.append(f"{nm} Town")
        area_codes.append(cd)
    # town seats: compounds in a small disc at each town centre
    seat_sizes = rng.multinomial(n_seat_c - plan.n_towns, np.full(plan.n_towns,
                                                                 1.0 / plan.n_towns)) + 1
    seat_pts, seat_of, seat_discs = [], [], []
    for t, (seed, k) in enumerate(zip(town_seeds, seat_sizes, strict=True)):
        r = math.sqrt(k * COMPOUND_AREA_M2 / math.pi) * 1.1
        disc = shapely.Point(seed).buffer(r, 24).intersection(region).difference(core)
        pts = jittered_points(rng, disc, spacing_c)
        if len(pts) == 0:
            pts = np.array([seed])
        seat_pts.append(pts)
        seat_of.append(np.full(len(pts), plan.n_streets + t))
        seat_discs.append(shapely.buffer(disc, 0.3 * spacing_c))
    # villagers' groups: a coarser jittered grid over the rest of the county
    rural_region = region.difference(shapely.union_all([core, *seat_discs]))
    spacing_g = math.sqrt(rural_region.area / max(n_groups, 1))
    group_pts = jittered_points(rng, rural_region, spacing_g)
    group_of = nearest(group_pts, town_seeds) + plan.n_streets
    points = np.vstack([street_pts, *seat_pts, group_pts])
    area = np.concatenate([street_of, *seat_of, group_of]).astype(np.int64)
    urban = np.concatenate([np.ones(len(street_pts) + sum(len(p) for p in seat_pts), bool),
                            np.zeros(len(group_pts), bool)])
    return CountyLayout(plan, region, points, area, urban, area_names, area_codes,
                        np.array([False] * plan.n_streets + [True] * plan.n_towns),
                        np.vstack([street_seeds, town_seeds]), spacing_g)
