"""One county of a scenario, and a county's solved plan put back into the whole.

A community never crosses a county (NESTING), so a county's units form independent
pieces: solving the county alone is solving those pieces, and its plan replaces the
county's communities in a working plan of the whole scenario.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizer.scenario.model import Scenario, ScenarioGeometry, frozen_array
from optimizer.workbench.records import EditError, Meta
from optimizer.workbench.state import UNASSIGNED, PlanState


def county_subset(s: Scenario, county: str) -> Scenario:
    """The scenario restricted to ``county``'s units (with their sites and links)."""
    keep = np.array([i for i in range(s.n_units) if s.county[i] == county], dtype=np.int64)
    if not len(keep):
        raise EditError(f"the scenario has no unit in county {county!r}")
    if len(keep) == s.n_units:
        return s
    new = np.full(s.n_units, -1, dtype=np.int64)
    new[keep] = np.arange(len(keep))

    def edges(e: np.ndarray) -> np.ndarray:
        e = np.asarray(e, dtype=np.int64).reshape(-1, 2)
        both = (new[e[:, 0]] >= 0) & (new[e[:, 1]] >= 0)
        return frozen_array(new[e[both]].reshape(-1, 2), np.int64)

    sites = s.sites
    ks = [k for k in range(len(sites)) if new[int(sites.unit[k])] >= 0]
    sub_sites = sites.subset(ks, new)     # keeps status and available_year (PIPELINE)
    ids = tuple(s.unit_ids[i] for i in keep)
    units, site_ids = set(ids), set(sub_sites.site_ids)
    locks = _locks_within(s.locks or {}, units, site_ids, s, county)
    geometry = None
    if s.geometry is not None:
        geometry = ScenarioGeometry(s.geometry.units[keep], s.geometry.barriers,
                                    s.geometry.crs)

    def opt(a: np.ndarray | None) -> np.ndarray | None:
        return frozen_array(a[keep], bool) if a is not None else None

    return dataclasses.replace(
        s, unit_ids=ids, households=frozen_array(s.households[keep], np.int64),
        urban=frozen_array(s.urban[keep], bool), county=tuple(s.county[i] for i in keep),
        street=tuple(s.street[i] for i in keep), x=frozen_array(s.x[keep], float),
        y=frozen_array(s.y[keep], float), area_m2=frozen_array(s.area_m2[keep], float),
        edges=edges(s.edges), cut_edges=edges(s.cut_edges), sites=sub_sites,
        current_community=(tuple(s.current_community[i] for i in keep)
                           if s.current_community is not None else None),
        new_development=opt(s.new_development), no_build=opt(s.no_build), locks=locks,
        geometry=geometry)


def _locks_within(locks: dict, units: set[str], sites: set[str],  # type: ignore[type-arg]
                  s: Scenario, county: str) -> dict:  # type: ignore[type-arg]
    out: dict = {}  # type: ignore[type-arg]
    streets = {s.street[i] for i in range(s.n_units) if s.county[i] == county}
    cur = s.current_community
    today = {cur[i] for i in range(s.n_units) if cur is not None and s.county[i] == county}
    for key, value in locks.items():
        if key == "keep_communities":
            value = [c for c in value if c in today]
        elif key == "pin_center":
            value = {u: c for u, c in value.items() if u in units and c in units}
        elif key in ("force_sites", "forbid_sites"):
            value = [x for x in value if x in sites]
        elif key == "forbid_build":
            value = [u for u in value if u in units]
        elif key == "community_count":
            value = {k: v for k, v in value.items() if k in streets}
        if value:
            out[key] = value
    return out


def merge_county(whole: PlanState, part: PlanState, county: str) -> PlanState:
    """``whole`` with the units of ``county`` planned as ``part`` says (a plan of the
    county's subset scenario). The part's ids are kept; a clash with a community of
    another county is an error (ids carry the county's name, so it does not happen
    with the engine's ids)."""
    s = whole.scenario
    index = s.unit_index
    assign = list(whole.assign)
    for u, c in zip(part.scenario.unit_ids, part.assign, strict=True):
        assign[index[u]] = c
    inside = {c for i, c in enumerate(whole.assign) if s.county[i] == county}
    outside = {c for i, c in enumerate(assign) if s.county[i] != county} - {UNASSIGNED}
    clash = sorted(set(part.records) & outside)
    if clash:
        raise EditError(f"community ids of the county's plan are used in other counties: "
                        f"{', '.join(clash[:5])}")
    records = {c: r for c, r in whole.records.items() if c not in inside or c in outside}
    records.update(part.records)
    used = set(assign) - {UNASSIGNED}
    records = {c: r for c, r in records.items() if c in used}
    meta = Meta(part.meta.source, part.meta.status, None, None, part.meta.solve_time_s,
                part.meta.seed)
    return PlanState(s, assign, records, whole.locks, meta)
