"""Grid polygons (COORD-300) for plan.gpkg and the street maps, with divided units split
on the ground.

A grid is its whole units plus its part of every unit divided between grids (grids.csv,
CONTRACT.md). A divided unit is cut into strips across its long axis (the long side of
its minimum rotated rectangle), one per grid holding its households, each strip's area
in proportion to that grid's households, in the grids' order (the order the engine
made them in, so consecutive grids share a cut); the axis is turned so that the first
grid's strip lies on the side of its other units. A unit a grid only passes through
(0 of its households) gives that grid no area: its units column lists it as such.
"""

from __future__ import annotations

import math
from collections import defaultdict

import geopandas as gpd
import numpy as np
import shapely
from shapely import affinity

from optimizer.plan.model import GridShare, Plan
from optimizer.scenario.model import Scenario

BISECT_STEPS = 40


def grid_rows(scenario: Scenario, plan: Plan) -> tuple[GridShare, ...]:
    """The plan's grids.csv rows, or whole units by assignment.csv without them."""
    if plan.grid_shares:
        return plan.grid_shares
    index = scenario.unit_index
    return tuple(GridShare(g, c, u, int(scenario.households[index[u]]))
                 for u, c, g in zip(plan.unit_ids, plan.community, plan.grid, strict=True)
                 if g and u in index)


def long_axis(geom: shapely.Geometry) -> float:
    """The angle (radians) of the long side of the minimum rotated rectangle."""
    rect = shapely.minimum_rotated_rectangle(geom)
    if rect.geom_type != "Polygon":
        return 0.0
    xy = np.asarray(rect.exterior.coords)[:4]
    sides = [xy[(k + 1) % 4] - xy[k] for k in range(2)]
    dx, dy = max(sides, key=lambda v: float(np.hypot(*v)))
    return math.atan2(float(dy), float(dx))


def strips(geom: shapely.Geometry, weights: list[float], angle: float
           ) -> list[shapely.Geometry]:
    """``geom`` cut across the direction ``angle`` into strips of area in proportion to
    ``weights``, in order along it."""
    c = geom.centroid
    turned = affinity.rotate(geom, -angle, origin=c, use_radians=True)
    xmin, ymin, xmax, ymax = turned.bounds
    total = turned.area
    out = []
    left, acc = xmin, 0.0
    whole = sum(weights)
    for k, w in enumerate(weights):
        acc += w
        if k == len(weights) - 1:
            right = xmax
        else:
            lo, hi = left, xmax
            goal = total * acc / whole
            for _ in range(BISECT_STEPS):
                mid = (lo + hi) / 2
                if shapely.box(xmin, ymin - 1, mid, ymax + 1).intersection(turned).area < goal:
                    lo = mid
                else:
                    hi = mid
            right = (lo + hi) / 2
        piece = shapely.box(left, ymin - 1, right, ymax + 1).intersection(turned)
        out.append(affinity.rotate(piece, angle, origin=c, use_radians=True))
        left = right
    return out


def grid_polygons(scenario: Scenario, plan: Plan) -> gpd.GeoDataFrame:
    """One row per grid: community, households, units (a divided unit with its part),
    whether it holds part of a divided unit, and its polygon."""
    if scenario.geometry is None:
        raise ValueError("the scenario has no geometry")
    geoms, crs = scenario.geometry.units, scenario.geometry.crs
    index = scenario.unit_index
    rows = [r for r in grid_rows(scenario, plan) if r.unit_id in index]
    by_unit: dict[str, list[GridShare]] = defaultdict(list)
    by_grid: dict[str, list[GridShare]] = defaultdict(list)
    for r in rows:
        by_unit[r.unit_id].append(r)
        by_grid[r.grid_id].append(r)
    parts: dict[str, list[shapely.Geometry]] = defaultdict(list)
    for unit, shares in by_unit.items():
        geom = geoms[index[unit]]
        positive = sorted((r for r in shares if r.households > 0), key=lambda r: r.grid_id)
        if len(positive) <= 1:
            parts[(positive or sorted(shares, key=lambda r: r.grid_id))[0].grid_id].append(geom)
            continue
        angle = _orient(scenario, geom, long_axis(geom), positive, by_grid)
        for r, piece in zip(positive, strips(geom, [r.households for r in positive], angle),
                            strict=True):
            parts[r.grid_id].append(piece)
    spread = {u: sum(1 for r in s if r.households > 0) for u, s in by_unit.items()}
    out = []
    for g in sorted(by_grid):
        members = by_grid[g]
        shown = [r.unit_id if spread[r.unit_id] <= 1 and r.households > 0 else
                 f"{r.unit_id}({r.households})" for r in members]
        out.append({"grid_id": g, "community_id": members[0].community_id,
                    "households": sum(r.households for r in members),
                    "n_units": len(members), "units": ";".join(shown),
                    "divided": any(spread[r.unit_id] > 1 or r.households == 0
                                   for r in members),
                    "geometry": shapely.union_all(parts[g]) if parts.get(g) else None})
    return gpd.GeoDataFrame(out, geometry="geometry", crs=crs,
                            columns=["grid_id", "community_id", "households", "n_units",
                                     "units", "divided", "geometry"])


def _orient(scenario: Scenario, geom: shapely.Geometry, angle: float,
            ordered: list[GridShare], by_grid: dict[str, list[GridShare]]) -> float:
    """``angle`` or its opposite, so that the first grid's strip lies towards its other
    units (and the last grid's towards its own)."""
    c = geom.centroid
    d = np.array([math.cos(angle), math.sin(angle)])

    def side(share: GridShare) -> float | None:
        others = [scenario.unit_index[r.unit_id] for r in by_grid[share.grid_id]
                  if r.unit_id != share.unit_id and r.unit_id in scenario.unit_index]
        if not others:
            return None
        x = float(np.mean(scenario.x[others])) - c.x
        y = float(np.mean(scenario.y[others])) - c.y
        return float(np.dot(d, [x, y]))

    first, last = side(ordered[0]), side(ordered[-1])
    score = (first or 0.0) - (last or 0.0)
    return angle + math.pi if score > 0 else angle
