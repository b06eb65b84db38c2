"""A small scenario and a valid hand-made plan for it, shared by test_check*.py and
test_plan_io*.py. The plan's numbers are computed with Policy and optimizer.rules.remedy,
so a test breaks one thing by changing the spec and rebuilding a consistent plan.

The scenario (households; U urban, R rural; streets A and B; county C1)::

          c0       c1    |    c2       c3
    r0  U1200 S1  U1000  |  U1000    U1000 S3(for sale)
    r1  U1000     U1100 S2| U 600    U 400 S4
    r2  R 220     R 220 S5| R 700    R 600 (new_development)
    r3  R 220     R 220     R 220 (street A, no_build)

Streets: A = columns 0-1 and r3c2; B = columns 2-3 of rows 0-2.

The valid plan::

    A1 = r0c0 r1c0            2,200 h, keep S1 (500 m² >= 440)
    A2 = r0c1 r1c1            2,100 h, extend S2 300 -> 420 m²
    B1 = r0c2 r0c3 r1c2 r1c3  3,000 h, swap: buy S3, give up S4
    RA = r2c0 r2c1 r3c0 r3c1 r3c2  1,100 h, build in r2c0 (4 grids of 275 along the
                                   path r3c0 r2c0 r2c1 r3c1 r3c2, units divided)
    RB = r2c2 r2c3            1,300 h, codevelop in r2c3 (1,500 m²)

Grids (COORD-300, grids.csv): ceil(h / 300) per community. A spec's ``shares`` (a list
of grids, each a list of (unit, households)) gives them; without it each unit is divided
into its own grids, the community's grids shared out by households (largest remainder),
and where it has fewer grids than units the spec's ``grids`` are whole-unit grids.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.plan.model import Community, GridShare, Plan
from optimizer.rules.remedy import annual_cost_yuan, build_option, codevelop_option, site_option
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario

HOUSEHOLDS = [[1200, 1000, 1000, 1000],
              [1000, 1100, 600, 400],
              [220, 220, 700, 600],
              [220, 220, 220, None]]
KINDS = [["urban"] * 4, ["urban"] * 4, ["rural"] * 4, ["rural"] * 4]
STREETS = [["A", "A", "B", "B"], ["A", "A", "B", "B"], ["A", "A", "B", "B"],
           ["A", "A", "A", "A"]]
SITES = [
    {"site_id": "S1", "unit_id": "r0c0", "area_m2": 500.0, "owned": True, "max_area_m2": 800.0},
    {"site_id": "S2", "unit_id": "r1c1", "area_m2": 300.0, "owned": True, "max_area_m2": 600.0},
    {"site_id": "S3", "unit_id": "r0c3", "area_m2": 450.0, "owned": False,
     "max_area_m2": 900.0, "purchase_price_yuan": 1_000_000.0},
    {"site_id": "S4", "unit_id": "r1c3", "area_m2": 100.0, "owned": True, "max_area_m2": 150.0},
    {"site_id": "S5", "unit_id": "r2c1", "area_m2": 440.0, "owned": True, "max_area_m2": 440.0},
]


def scenario() -> Scenario:
    return grid_scenario(HOUSEHOLDS, kind=KINDS, street=STREETS, sites=SITES,
                         new_development=["r2c3"], no_build=["r3c2"], name="fixture")


def valid_spec() -> dict[str, dict[str, Any]]:
    """community id -> units, grids (lists of units), remedy, site, site unit, swap."""
    return {
        "A1": dict(grids=[["r0c0"], ["r1c0"]], remedy="keep", site="S1", at="r0c0"),
        "A2": dict(grids=[["r0c1"], ["r1c1"]], remedy="extend", site="S2", at="r1c1"),
        "B1": dict(grids=[["r0c2"], ["r0c3"], ["r1c3"], ["r1c2"]], remedy="swap", site="S3",
                   at="r0c3", swap="S4"),
        "RA": dict(grids=[["r3c0"], ["r2c0"], ["r2c1"], ["r3c1", "r3c2"]], remedy="build",
                   site="", at="r2c0",
                   shares=[[("r3c0", 220), ("r2c0", 55)], [("r2c0", 165), ("r2c1", 110)],
                           [("r2c1", 110), ("r3c1", 165)], [("r3c1", 55), ("r3c2", 220)]]),
        "RB": dict(grids=[["r2c2"], ["r2c3"]], remedy="codevelop", site="", at="r2c3"),
    }


def community(s: Scenario, cid: str, spec: dict[str, Any]) -> Community:
    """A community whose every number is computed from the scenario (a consistent claim)."""
    units = [u for g in spec["grids"] for u in g]
    idx = [s.unit_index[u] for u in units]
    h = int(s.households[idx].sum())
    urban = bool(s.urban[idx[0]])
    p, c = s.policy, s.costs
    need = p.required_area_m2(h)
    before = 0.0
    if spec["remedy"] == "build":
        opt = build_option(need, c)
    elif spec["remedy"] == "codevelop":
        opt = codevelop_option(need, p)
    else:
        k = s.sites.index(spec["site"])
        before = float(s.sites.area_m2[k])
        credit = float(s.sites.area_m2[s.sites.index(spec["swap"])]) if spec.get("swap") else 0.0
        price = 0.0 if s.sites.owned[k] else float(s.sites.price_yuan[k])
        opt = site_option(spec["remedy"], need, before, float(s.sites.max_area_m2[k]),
                          bool(s.sites.owned[k]), price, c, credit)
        assert opt is not None, (cid, spec)
    annual = annual_cost_yuan(h, urban, s.year, opt.capex_yuan, opt.area_after_m2, p, c)
    i0 = idx[0]
    return Community(
        community_id=cid, county=s.county[i0], street=s.street[i0], kind=s.kind(i0),
        households=h, n_units=len(units), site_id=spec["site"], site_unit_id=spec["at"],
        remedy=spec["remedy"], area_before_m2=before, area_after_m2=opt.area_after_m2,
        area_required_m2=need, coordinators=p.coordinators(h), full_time_staff=p.staff(h),
        capex_yuan=opt.capex_yuan, annual_cost_yuan=annual,
        exemption=spec.get("exemption", ""), swap_site_id=spec.get("swap", ""),
        grids=len(grid_shares(s, cid, spec)), population=h * p.household_size,
        volunteers_needed=p.volunteers(h, urban),
        services=";".join(spec.get("services", p.basic_services(urban))))


def _apportion(weights: list[int], total: int) -> list[int]:
    base = [max(1, total * w // max(1, sum(weights))) for w in weights]
    while sum(base) < total:
        k = max(range(len(weights)), key=lambda k: (weights[k] / base[k], -k))
        base[k] += 1
    return base


def grid_shares(s: Scenario, cid: str, spec: dict[str, Any]) -> list[list[tuple[str, int]]]:
    """The community's grids, each a list of (unit, households) (see the module)."""
    if "shares" in spec:
        return [list(g) for g in spec["shares"]]
    units = [u for g in spec["grids"] for u in g]
    hh = [int(s.households[s.unit_index[u]]) for u in units]
    count = max(1, s.policy.coordinators(sum(hh)))
    if count < len(units):
        return [[(u, int(s.households[s.unit_index[u]])) for u in g] for g in spec["grids"]]
    out = []
    for u, h, n in zip(units, hh, _apportion(hh, count), strict=True):
        parts = [h // n + (1 if k < h % n else 0) for k in range(n)]
        out += [[(u, part)] for part in parts]
    return out


def build_plan(s: Scenario, spec: dict[str, dict[str, Any]], **summary: Any) -> Plan:
    """A Plan from a spec; the summary totals are the communities' claims."""
    coms = tuple(community(s, cid, sp) for cid, sp in spec.items())
    shares = [GridShare(f"{cid}-G{g + 1:02d}", cid, u, h) for cid, sp in spec.items()
              for g, grid in enumerate(grid_shares(s, cid, sp)) for u, h in grid]
    first: dict[str, str] = {}
    for r in shares:
        first.setdefault(r.unit_id, r.grid_id)
    rows = [(u, cid, first[u]) for cid, sp in spec.items() for g in sp["grids"] for u in g]
    totals: dict[str, Any] = {
        "scenario": s.name, "status": "FEASIBLE", "objective": 1.0, "bound": 1.0, "gap": 0.0,
        "solve_time_s": 0.5, "n_units": len(rows), "n_communities": len(coms),
        "households": sum(c.households for c in coms),
        "total_capex_yuan": sum(c.capex_yuan for c in coms),
        "total_annual_cost_yuan": sum(c.annual_cost_yuan for c in coms), "seed": 0,
        "version": "test"}
    totals.update(summary)
    return Plan(scenario=s.name, unit_ids=tuple(r[0] for r in rows),
                community=tuple(r[1] for r in rows), grid=tuple(r[2] for r in rows),
                communities=coms, summary=totals, grid_shares=tuple(shares))


def write_scenario_folder(folder: Path) -> Path:
    """The fixture scenario as files (CONTRACT.md), as another tool would write it."""
    import geopandas as gpd

    sc = scenario()
    folder.mkdir()
    assert sc.geometry is not None
    gpd.GeoDataFrame({
        "unit_id": list(sc.unit_ids), "households": sc.households.tolist(),
        "kind": [sc.kind(i) for i in range(sc.n_units)], "county": list(sc.county),
        "street": list(sc.street), "new_development": [sc.is_new_development(i)
                                                       for i in range(sc.n_units)],
        "no_build": [sc.is_no_build(i) for i in range(sc.n_units)],
    }, geometry=list(sc.geometry.units), crs=sc.geometry.crs).to_file(
        folder / "units.geojson", driver="GeoJSON")
    sites = pd.DataFrame(SITES)
    sites["owned"] = sites["owned"].map({True: "true", False: "false"})
    sites.to_csv(folder / "sites.csv", index=False)
    (folder / "scenario.toml").write_text(
        'name = "fixture"\ncrs = "EPSG:32651"\nyear = 2013\n\n[data]\n'
        'units = "units.geojson"\nsites = "sites.csv"\n')
    return folder
