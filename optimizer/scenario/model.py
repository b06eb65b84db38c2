"""The immutable Scenario: arrays and ids, no geometry in the core.

Geometry stays at the edge: the loader computes the neighbour graph, the
representative points and the areas once, and keeps the shapely geometries in a
separate :class:`ScenarioGeometry` that only writers and reports use.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from optimizer.errors import ConfigError, Problem
from optimizer.rules.costs import Costs, ObjectiveWeights
from optimizer.rules.overrides import apply_overrides
from optimizer.rules.policy import Policy
from optimizer.rules.solver import SolverParams
from optimizer.scenario.budget import Budget
from optimizer.scenario.names import PlanNames, parse_names
from optimizer.scenario.read_budget import budget_from_table
from optimizer.scenario.today import TodayCommunities


def frozen_array(values: Any, dtype: Any) -> np.ndarray:
    """A read-only numpy copy, so nothing downstream can change a Scenario."""
    arr = np.array(values, dtype=dtype, copy=True)
    arr.flags.writeable = False
    return arr


SITE_STATUSES = ("existing", "under_construction", "planned")
PIPELINE_STATUSES = SITE_STATUSES[1:]


@dataclass(frozen=True, eq=False)
class Sites:
    """Candidate service-center sites (sites.csv): rooms that exist today and rooms
    under construction or planned (PIPELINE), handed over in their ``available_year``.

    For a pipeline site ``area_m2`` is the floor area it is handed over with. Built
    without ``status``/``handover_year`` (older callers), every site is existing.
    """

    site_ids: tuple[str, ...]
    unit: np.ndarray            # index of the unit the site stands in
    area_m2: np.ndarray         # usable floor area today (at handover for a pipeline site)
    owned: np.ndarray           # bool; False = for sale
    max_area_m2: np.ndarray     # the most renovation/extension can reach
    price_yuan: np.ndarray      # purchase price, NaN when owned
    status: tuple[str, ...] = ()    # one of SITE_STATUSES per site
    handover_year: np.ndarray = field(  # int64 available_year; 0 for an existing site
        default_factory=lambda: frozen_array([], np.int64))

    def __post_init__(self) -> None:
        n = len(self.site_ids)
        if not self.status and n:
            object.__setattr__(self, "status", ("existing",) * n)
        if len(self.handover_year) == 0 and n:
            object.__setattr__(self, "handover_year", frozen_array(np.zeros(n), np.int64))
        if len(self.status) != n or len(self.handover_year) != n:
            raise ValueError("Sites: status and handover_year need one value per site")
        for k, st in enumerate(self.status):
            pipeline = st in PIPELINE_STATUSES
            if st not in SITE_STATUSES or pipeline != (int(self.handover_year[k]) > 0):
                raise ValueError(f"Sites: site {self.site_ids[k]!r} has status {st!r} and "
                                 f"handover year {int(self.handover_year[k])} (a pipeline "
                                 "site needs its year, an existing one has 0)")

    @staticmethod
    def empty() -> Sites:
        return Sites((), frozen_array([], np.int64), frozen_array([], float),
                     frozen_array([], bool), frozen_array([], float), frozen_array([], float))

    def __len__(self) -> int:
        return len(self.site_ids)

    def index(self, site_id: str) -> int:
        return self._index[site_id]

    @cached_property
    def _index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.site_ids)}

    # --- PIPELINE -----------------------------------------------------------
    @cached_property
    def pipeline(self) -> np.ndarray:
        """bool per site: under construction or planned (not there today)."""
        return frozen_array([st in PIPELINE_STATUSES for st in self.status], bool)

    def is_pipeline(self, k: int) -> bool:
        return bool(self.pipeline[k])

    def available_year(self, k: int) -> int | None:
        """The year site ``k``'s rooms are handed over; None for an existing site."""
        year = int(self.handover_year[k])
        return year if year > 0 else None

    def available_by(self, year: int) -> np.ndarray:
        """bool per site: its rooms stand in ``year`` (existing, or handed over by then)."""
        return ~self.pipeline | (self.handover_year <= year)

    def subset(self, keep: Sequence[int], unit_map: np.ndarray | None = None) -> Sites:
        """Sites ``keep`` (indices, in that order), every field kept; ``unit_map``
        renumbers units (old index -> new index) for a scenario cut to fewer units."""
        ks = np.asarray(keep, dtype=np.int64)
        unit = self.unit[ks] if unit_map is None else np.asarray(unit_map)[self.unit[ks]]
        return Sites(tuple(self.site_ids[k] for k in ks.tolist()),
                     frozen_array(unit, np.int64), frozen_array(self.area_m2[ks], float),
                     frozen_array(self.owned[ks], bool),
                     frozen_array(self.max_area_m2[ks], float),
                     frozen_array(self.price_yuan[ks], float),
                     tuple(self.status[k] for k in ks.tolist()),
                     frozen_array(self.handover_year[ks], np.int64))


@dataclass(frozen=True, eq=False)
class ScenarioGeometry:
    """Shapely geometries in the scenario's metric CRS: for writers and maps only."""

    units: np.ndarray           # shapely geometry per unit, same order as unit_ids
    barriers: np.ndarray        # shapely LineStrings
    crs: str                    # the metric CRS they are in


@dataclass(frozen=True, eq=False)
class Scenario:
    """A whole planning problem, validated. Build one with :meth:`load` or the
    constructors in :mod:`optimizer.scenario`; derive what-if copies with
    :meth:`replace`."""

    name: str
    year: int
    unit_ids: tuple[str, ...]
    households: np.ndarray          # int64 per unit
    urban: np.ndarray               # bool per unit (kind == "urban")
    county: tuple[str, ...]
    street: tuple[str, ...]
    x: np.ndarray                   # representative point, metres (metric CRS)
    y: np.ndarray
    area_m2: np.ndarray             # unit area, m²
    edges: np.ndarray               # (m, 2) int64 neighbour pairs, i < j, sorted
    cut_edges: np.ndarray = field(   # rook pairs removed because a barrier separates them
        default_factory=lambda: frozen_array(np.zeros((0, 2)), np.int64))
    sites: Sites = field(default_factory=Sites.empty)
    current_community: tuple[str | None, ...] | None = None
    new_development: np.ndarray | None = None   # bool per unit
    no_build: np.ndarray | None = None          # bool per unit
    # bool per unit: no_build lifted there by the search as ONE-STATION's last resort
    # (a build stands in, optimizer.search.piece_common.with_stand_ins); None in every
    # scenario loaded or built: only the search's own copy has it.
    stand_in: np.ndarray | None = None
    # Units whose imposed rooms coming are handed over after the target year, where the
    # search asks the community holding them to take rooms handed over by then
    # (FACILITY-95; optimizer.search.late_rooms); empty in every scenario loaded or
    # built: only the search's second try sets it.
    late_rooms: frozenset[int] = frozenset()
    policy: Policy = field(default_factory=Policy)
    costs: Costs = field(default_factory=Costs)
    objective: ObjectiveWeights = field(default_factory=ObjectiveWeights)
    solver: SolverParams = field(default_factory=SolverParams)
    locks: dict[str, Any] = field(default_factory=dict)
    budget: Budget | None = None    # [budget]: capital per county and year (FUND-POOL)
    communities_today: TodayCommunities | None = None   # communities_today.csv
    names: PlanNames = field(default_factory=PlanNames)  # [names]: the planner's names
    geometry: ScenarioGeometry | None = None
    source: str | None = None       # folder it was loaded from
    notes: tuple[str, ...] = ()     # what loading changed, e.g. geometries repaired
    warnings: tuple[Problem, ...] = ()   # doubts about accepted data (overlapping units)

    # --- what-if copies -----------------------------------------------------
    def replace(self, **changes: Any) -> Scenario:
        """A what-if copy with some fields changed (the original is untouched).

        ``policy``, ``costs``, ``objective`` and ``solver`` also accept a dict of
        overrides, e.g. ``scenario.replace(policy={"urban_max_households": 3500})``;
        ``budget`` a dict shaped like ``[budget]`` of scenario.toml, checked against
        this scenario's counties and plan year (ConfigError listing every problem);
        ``names`` a dict shaped like ``[names]`` (``{"current": {...}, "community": {...}}``).
        """
        for name in ("policy", "costs", "objective", "solver"):
            if isinstance(changes.get(name), dict):
                changes[name] = apply_overrides(getattr(self, name), changes[name],
                                                "replace()", name)
        if isinstance(changes.get("names"), dict):
            cur = changes.get("current_community", self.current_community)
            names, problems = parse_names(changes["names"], {c for c in cur or () if c},
                                          "replace()")
            if problems:
                raise ConfigError(problems)
            changes["names"] = names
        if isinstance(changes.get("budget"), dict):
            changes["budget"] = budget_from_table(changes["budget"],
                                                  changes.get("year", self.year),
                                                  set(changes.get("county", self.county)))
        elif isinstance(changes.get("budget"), Budget):   # made in Python: same checks
            found = changes["budget"].problems(set(changes.get("county", self.county)),
                                               changes.get("year", self.year))
            if found:
                raise ConfigError(found)
        return dataclasses.replace(self, **changes)

    def without_marks(self, units: Iterable[int]) -> Scenario:
        """This copy with FACILITY-95's marks (``late_rooms``) on ``units`` lifted: the
        searches that give a marked piece up for the household bounds, or seek what
        the checker sees (optimizer.search.late_first, piece, piece_large, host_core)."""
        return dataclasses.replace(self, late_rooms=self.late_rooms - frozenset(
            int(u) for u in units))

    # --- derived views ------------------------------------------------------
    @property
    def n_units(self) -> int:
        return len(self.unit_ids)

    @cached_property
    def unit_index(self) -> dict[str, int]:
        return {u: i for i, u in enumerate(self.unit_ids)}

    def kind(self, i: int) -> str:
        return "urban" if bool(self.urban[i]) else "rural"

    def is_new_development(self, i: int) -> bool:
        return bool(self.new_development[i]) if self.new_development is not None else False

    def is_no_build(self, i: int) -> bool:
        return bool(self.no_build[i]) if self.no_build is not None else False

    def is_stand_in(self, i: int) -> bool:
        """Whether a build at ``i`` only stands in (no_build lifted by the search)."""
        return bool(self.stand_in[i]) if self.stand_in is not None else False

    @cached_property
    def neighbours(self) -> tuple[np.ndarray, ...]:
        """Adjacency lists (sorted index arrays), one per unit."""
        adj: list[list[int]] = [[] for _ in range(self.n_units)]
        for a, b in self.edges.tolist():
            adj[a].append(b)
            adj[b].append(a)
        return tuple(np.array(sorted(a), dtype=np.int64) for a in adj)

    @cached_property
    def sites_by_unit(self) -> dict[int, tuple[int, ...]]:
        out: dict[int, list[int]] = {}
        for s, u in enumerate(self.sites.unit.tolist()):
            out.setdefault(u, []).append(s)
        return {u: tuple(v) for u, v in out.items()}

    def piece_key(self, i: int) -> tuple[str, str, str]:
        """(county, street, kind): communities never mix these (NESTING, kind)."""
        return (self.county[i], self.street[i], self.kind(i))

    @property
    def plan_years(self) -> tuple[int, ...]:
        """The years whose running costs the objective counts: the [budget] horizon,
        else the plan year to the target year (2013-2015 by default; the plan year
        alone when it is later)."""
        if self.budget is not None:
            return tuple(self.budget.years)
        return tuple(range(self.year, max(self.year, self.policy.target_year) + 1))

    def total_households(self) -> int:
        return int(self.households.sum())
