"""A scenario folder (CONTRACT.md) in, a validated immutable Scenario out.

Every file is read and checked before anything is raised, so one
:class:`~optimizer.errors.ScenarioError` lists every problem of the folder. The
optional parts (``[budget]``, site ``status``/``available_year``, communities_today.csv)
are checked with the rest. The geometries are projected to the scenario's metric CRS
first, the UTM zone of the data whatever CRS the files are in (optimizer/geo/crs.py: so
the neighbour graph does not depend on how the files were written), then the
representative points, areas and the neighbour graph are computed once; the shapes
stay in ScenarioGeometry.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS

from optimizer.errors import ProblemCollector
from optimizer.geo.crs import project, region_crs
from optimizer.geo.neighbours import neighbour_edges
from optimizer.scenario.build import make_sites
from optimizer.scenario.geometry_checks import far_part_warnings, overlap_warnings
from optimizer.scenario.model import Scenario, ScenarioGeometry, frozen_array
from optimizer.scenario.names import PlanNames, parse_names
from optimizer.scenario.read_budget import horizon_of, parse_budget
from optimizer.scenario.read_config import read_config
from optimizer.scenario.read_geometry import (
    GEOJSON,
    LINEAR,
    check_coordinates,
    check_shapes,
    crs_source,
    read_layer,
    settle_crs,
)
from optimizer.scenario.read_sites import YEARS_AFTER, read_sites
from optimizer.scenario.read_today import read_today
from optimizer.scenario.read_units import Units, read_units
from optimizer.scenario.today import TODAY_FILE, TodayCommunities


def _read_barriers(folder: Path, file: str, fallback: CRS | None,
                   collector: ProblemCollector) -> tuple[np.ndarray, CRS | None]:
    layer = read_layer(folder / file, file, collector)
    if layer is None:
        return np.array([], dtype=object), None
    ids = layer.frame.get("barrier_id", layer.frame.get("id"))
    names = ([str(v) for v in ids.tolist()] if ids is not None
             else [f"feature {i + 1}" for i in range(len(layer.geoms))])
    geoms, _ = check_shapes(layer, names, file, LINEAR, "LineString or MultiLineString",
                            collector)
    crs = settle_crs(layer, fallback, file, Path(file).suffix.lower() in GEOJSON, collector)
    if crs is not None and not check_coordinates(geoms, crs, crs_source(layer, fallback),
                                                 file, collector):
        crs = None
    return geoms, crs


def _to_region_crs(units: Units, unit_file: str, barriers: np.ndarray,
                   barrier_crs: CRS | None, collector: ProblemCollector,
                   ) -> tuple[CRS, np.ndarray, np.ndarray]:
    """Units and barriers in the scenario's metric CRS (optimizer/geo/crs.py: the UTM
    zone of the data, whatever CRS the files are in); raises when they cannot be."""
    assert units.crs is not None
    target = region_crs(units.geoms, units.crs)
    if target is None:
        collector.add(unit_file, f"coordinates are not places on Earth in "
                      f"{units.crs.to_string()}", hint="check the CRS of the file")
        collector.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    geoms = project(units.geoms, units.crs, target)
    if barrier_crs is not None:
        barriers = project(barriers, barrier_crs, target)
    xy, row = shapely.get_coordinates(geoms, return_index=True)
    for i in np.unique(row[~np.isfinite(xy).all(axis=1)]).tolist():
        collector.add(unit_file, f"cannot be projected to {target.to_string()}: it lies "
                      f"outside the area where {units.crs.to_string()} is defined",
                      record=units.ids[i], field="geometry")
    collector.raise_if_any()
    return target, geoms, barriers


def _read_today(folder: Path, named: str | None, units: Units | None,
                collector: ProblemCollector) -> TodayCommunities | None:
    """communities_today.csv: the file [data] names, else the file of the contract's
    name when the folder has one (noted); None when there is neither."""
    file = named
    if file is None:
        if not (folder / TODAY_FILE).is_file():
            return None
        file = TODAY_FILE
        collector.note(f"{TODAY_FILE} found in the folder and read (what is known of "
                       "today's communities; [data] communities_today may name another file)")
    current = None
    if units is not None and units.current is not None:
        current = {c for c in units.current if c}
    return read_today(folder / file, file, collector, current=current,
                      units_read=units is not None)


def load_scenario(path: str | Path, *, repair: bool = False) -> Scenario:
    """Load and validate a scenario folder; raises ScenarioError listing every problem.

    With ``repair`` invalid unit geometries are fixed with shapely.make_valid; the
    repaired unit ids are listed in ``Scenario.notes`` (the validate summary shows them).
    """
    folder = Path(path)
    collector = ProblemCollector()
    if not folder.is_dir():
        collector.add(str(path), "scenario folder not found (it must hold scenario.toml, "
                      "the units file and sites.csv)")
        collector.raise_if_any()
    cfg = read_config(folder, collector)
    if cfg is None:
        collector.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    units = (read_units(folder / cfg.units, cfg.units, cfg.crs, collector, repair=repair)
             if cfg.units else None)
    budget = (parse_budget(cfg.budget, cfg.year, set(units.county) if units else None,
                           collector) if cfg.budget is not None else None)
    horizon = horizon_of(cfg.budget, cfg.year) if cfg.budget is not None else None
    last_year = horizon[1] + YEARS_AFTER if horizon is not None else None
    sites = (read_sites(folder / cfg.sites, cfg.sites, units.ids if units else None, collector,
                        plan_year=cfg.year, last_year=last_year)
             if cfg.sites else [])
    today = _read_today(folder, cfg.communities_today, units, collector)
    names = PlanNames()
    if cfg.names is not None:
        current = ({c for c in units.current if c} if units is not None and
                   units.current is not None else (set() if units is not None else None))
        names, problems = parse_names(cfg.names, current)
        collector.extend(problems)
    barriers, barrier_crs = (_read_barriers(folder, cfg.barriers, cfg.crs, collector)
                             if cfg.barriers else (np.array([], dtype=object), None))
    collector.raise_if_any()
    assert units is not None and units.crs is not None  # a problem was raised otherwise

    target, geoms, barriers = _to_region_crs(units, cfg.units or "units", barriers,
                                             barrier_crs, collector)
    overlap_warnings(units.ids, geoms, cfg.units or "units", collector)
    far_part_warnings(units.ids, geoms, cfg.units or "units", collector)
    points = shapely.point_on_surface(geoms)
    edges, cut_edges = neighbour_edges(geoms, barriers)
    index = {u: i for i, u in enumerate(units.ids)}
    notes = list(collector.notes)
    if units.repaired:
        notes.append(f"{cfg.units}: repaired {len(units.repaired)} invalid geometr"
                     f"{'y' if len(units.repaired) == 1 else 'ies'} with make_valid: "
                     f"{', '.join(units.repaired)}")
    return Scenario(
        name=cfg.name, year=cfg.year, unit_ids=units.ids,
        households=frozen_array(units.households, np.int64),
        urban=frozen_array(units.urban, bool),
        county=units.county, street=units.street,
        x=frozen_array(shapely.get_x(points), float),
        y=frozen_array(shapely.get_y(points), float),
        area_m2=frozen_array(shapely.area(geoms), float),
        edges=frozen_array(np.asarray(edges, dtype=np.int64).reshape(-1, 2), np.int64),
        cut_edges=frozen_array(np.asarray(cut_edges, dtype=np.int64).reshape(-1, 2), np.int64),
        sites=make_sites(sites, index),
        current_community=units.current,
        new_development=(frozen_array(units.new_development, bool)
                         if units.new_development is not None else None),
        no_build=frozen_array(units.no_build, bool) if units.no_build is not None else None,
        policy=cfg.policy, costs=cfg.costs, objective=cfg.objective, solver=cfg.solver,
        locks=cfg.locks, budget=budget, communities_today=today, names=names,
        geometry=ScenarioGeometry(units=geoms, barriers=barriers, crs=target.to_string()),
        source=str(folder),
        notes=tuple(notes), warnings=tuple(collector.warnings),
    )
