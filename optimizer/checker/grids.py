"""COORD-300 as the checker reads it: coordinators and grids of about 300 households.

Recomputed from the scenario and the plan's grid rows (grids.csv; without it, every
unit whole in its assignment.csv grid), never from the solver's grid code:

- coordinators = ceil(households / households_per_coordinator);
- as many grids as coordinators (one for a community without households), each
  holding rows of this community's units only, under an id no other community uses;
- every unit's households fully distributed: its rows sum to its households, and
  assignment.csv's grid_id is its first row's grid;
- every grid connected in the neighbour graph (its units, a unit it passes through
  with 0 of its households included);
- every grid within ``size ± tolerance`` households (300 ± 100), unless the community
  holds ``size`` or fewer (one grid, whatever it holds). Why no other allowance for
  lumpy units: a unit may be divided between grids by household count (CONTRACT.md),
  so a connected community can always be cut into grids of any sizes (the cuts of a
  depth-first walk of a spanning tree are connected); the band is then within reach
  whenever the community's mean grid ``households / grids`` is, that is for every
  community but those of 301-399 households, whose two coordinators cannot both have
  the band's 200. For those the low end is the equal share, floor(households / 2),
  proved here by that arithmetic alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.checker.facts import Context, Facts, pieces
from optimizer.plan.compliance import ComplianceRow
from optimizer.plan.model import Community, GridShare

RULE = "COORD-300"


@dataclass(frozen=True)
class GridFacts:
    """One community's grids as the checker reads them."""

    rows: tuple[GridShare, ...]
    source: str                 # "grids.csv" or "assignment.csv"


def band(households: int, grids: int, size: int, tolerance: int) -> tuple[int, int] | None:
    """(low, high) households per grid; None when any size will do (one grid of a
    community of ``size`` households or fewer)."""
    if households <= size:
        return None
    lo, hi = size - tolerance, size + tolerance
    # 301-399 households, two coordinators: the mean is below the band's low end.
    return (min(lo, households // max(1, grids)), hi)


def coordinators(households: int, per: int) -> int:
    return (households + per - 1) // per


def grid_notes(scenario_households: np.ndarray, unit_ids: Sequence[str],
               unit_index: dict[str, int], neighbours: Sequence[np.ndarray],
               com: Community, units: Sequence[int], households: int,
               grids: GridFacts, first_grid: dict[str, str], taken_elsewhere: set[str],
               size: int, tolerance: int) -> list[str]:
    """Every fault of one community's grids (empty: they are right)."""
    want = max(1, coordinators(households, size))
    notes: list[str] = []
    members = set(units)
    by_grid: dict[str, list[GridShare]] = {}
    spread: dict[int, int] = {}
    rows_of: dict[int, list[str]] = {}
    for r in grids.rows:
        i = unit_index.get(r.unit_id)
        if i is None or i not in members:
            notes.append(f"grid {r.grid_id} holds unit {r.unit_id}, not one of its units")
            continue
        by_grid.setdefault(r.grid_id, []).append(r)
        spread[i] = spread.get(i, 0) + int(r.households)
        rows_of.setdefault(i, []).append(r.grid_id)
    shared = sorted(g for g in by_grid if g in taken_elsewhere or g == "")
    for g in shared:
        notes.append("some units have no grid_id" if g == "" else
                     f"grid {g} also holds units of another community")
    if len(by_grid) != want:
        notes.append(f"{len(by_grid)} grids, expected {want} (one per coordinator)")
    if com.grids and com.grids != len(by_grid):
        notes.append(f"claims {com.grids} grids, {grids.source} gives {len(by_grid)}")
    uneven = [unit_ids[i] for i in sorted(members)
              if spread.get(i, 0) != int(scenario_households[i])]
    if uneven:
        notes.append(f"{len(uneven)} units' households not fully distributed among grids "
                     f"(their rows do not sum to the unit's households): "
                     f"{', '.join(uneven[:5])}")
    wrong = [unit_ids[i] for i in sorted(members)
             if rows_of.get(i) and first_grid.get(unit_ids[i]) != rows_of[i][0]]
    if wrong:
        notes.append(f"assignment.csv's grid_id is not the unit's first grid in "
                     f"{grids.source} for {', '.join(wrong[:5])}")
    limits = band(households, len(by_grid), size, tolerance)
    for g in sorted(by_grid):
        rows = by_grid[g]
        if pieces({unit_index[r.unit_id] for r in rows}, neighbours) > 1:
            notes.append(f"grid {g} is not connected")
        hh = sum(int(r.households) for r in rows)
        if limits is not None and not limits[0] <= hh <= limits[1]:
            notes.append(f"grid {g} holds {hh} households, outside {limits[0]}..{limits[1]}")
    return notes


def coord_grid_row(com: Community, households: int, want: int, notes: list[str]
                   ) -> ComplianceRow:
    """The COORD-300 line of a community: coordinators claimed against the rule, and
    the grids' faults."""
    if com.coordinators != want:
        notes = [f"claims {com.coordinators} coordinators, the rule gives {want}", *notes]
    return ComplianceRow(RULE, com.community_id, "fail" if notes else "pass",
                         com.coordinators, want, "; ".join(notes))


def whole_unit_rows(community_id: str, grid_units: dict[str, list[int]], grid_ids: Iterable[str],
                    unit_ids: Sequence[str], households: np.ndarray) -> tuple[GridShare, ...]:
    """A plan without grids.csv: each unit whole in its assignment grid."""
    return tuple(GridShare(g, community_id, unit_ids[i], int(households[i]))
                 for g in sorted(grid_ids) for i in sorted(grid_units.get(g, ())))


def coord_grid_rule(ctx: Context, com: Community, f: Facts) -> list[ComplianceRow]:
    """COORD-300: ceil(h / 300) coordinators and as many grids of about 300 households."""
    s, p = ctx.scenario, ctx.scenario.policy
    want = coordinators(f.households, p.households_per_coordinator)
    cid = com.community_id
    if ctx.plan.grid_shares or cid in ctx.grid_rows:
        facts = GridFacts(tuple(ctx.grid_rows.get(cid, ())), "grids.csv")
    else:
        facts = GridFacts(whole_unit_rows(cid, ctx.grid_units, ctx.grids_of.get(cid, ()),
                                          s.unit_ids, s.households), "assignment.csv")
    first = {s.unit_ids[i]: ctx.assigned_grid.get(i, "") for i in f.units}
    elsewhere = {r.grid_id for r in facts.rows
                 if ctx.grid_communities.get(r.grid_id, {cid}) - {cid}}
    notes = grid_notes(s.households, s.unit_ids, s.unit_index, s.neighbours, com, f.units,
                       f.households, facts, first, elsewhere, p.households_per_coordinator,
                       p.grid_tolerance_households)
    return [coord_grid_row(com, f.households, want, notes)]
