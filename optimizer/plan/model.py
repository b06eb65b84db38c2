"""The immutable Plan: which unit goes to which community and grid, and each
community's center, remedy, area and staff (CONTRACT.md, "A plan is a folder").

A Plan is a new object returned by ``solve`` or read from a folder; nothing is
written back onto the Scenario. Its numbers are the producer's claims: the
independent checker (:mod:`optimizer.checker`) recomputes them from the scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from optimizer.plan.phasing import Phasing

COMMUNITY_COLUMNS = (
    "community_id", "county", "street", "kind", "households", "n_units", "site_id",
    "site_unit_id", "remedy", "area_before_m2", "area_after_m2", "area_required_m2",
    "coordinators", "full_time_staff", "capex_yuan", "annual_cost_yuan", "exemption",
)
SUMMARY_KEYS = (
    "scenario", "status", "objective", "bound", "gap", "solve_time_s", "n_units",
    "n_communities", "households", "total_capex_yuan", "total_annual_cost_yuan", "seed",
    "version",
)
STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN")


@dataclass(frozen=True)
class Community:
    """One row of communities.csv (the contract's columns, then ours)."""

    community_id: str
    county: str
    street: str
    kind: str
    households: int
    n_units: int
    site_id: str            # "" for a new build or co-development
    site_unit_id: str
    remedy: str
    area_before_m2: float
    area_after_m2: float
    area_required_m2: float
    coordinators: int
    full_time_staff: int
    capex_yuan: float
    annual_cost_yuan: float
    exemption: str = ""
    # Extra columns (CONTRACT.md allows more after the listed ones).
    swap_site_id: str = ""  # the owned site given up by a swap
    grids: int = 0
    population: float = 0.0
    volunteers_needed: int = 0
    # CONTRACT.md's optional columns: the proposed name, and the service list of the
    # center (SERVICES-6-8), ";"-separated.
    name: str = ""
    services: str = ""

    @property
    def service_list(self) -> tuple[str, ...]:
        """``services`` split on ";" (empty names dropped)."""
        return tuple(s.strip() for s in self.services.split(";") if s.strip())

    @staticmethod
    def columns() -> tuple[str, ...]:
        return tuple(f.name for f in fields(Community))


@dataclass(frozen=True)
class GridShare:
    """One row of grids.csv: the households of one unit that one grid holds (COORD-300).
    A unit divided between grids has a row per grid, its households summing to the
    unit's."""

    grid_id: str
    community_id: str
    unit_id: str
    households: int


GRID_COLUMNS = ("grid_id", "community_id", "unit_id", "households")


@dataclass(frozen=True)
class Plan:
    """A complete plan. ``community`` and ``grid`` hold one id per unit, in the
    order of ``unit_ids`` (``grid``: the first grid of a unit divided between grids).
    ``grid_shares`` are the rows of grids.csv; empty when the plan has none (a plan
    folder without grids.csv: its grids are then whole units, by ``grid``)."""

    scenario: str
    unit_ids: tuple[str, ...]
    community: tuple[str, ...]
    grid: tuple[str, ...]
    communities: tuple[Community, ...]
    summary: Mapping[str, Any] = field(default_factory=dict)
    grid_shares: tuple[GridShare, ...] = ()
    # The year each community's rooms reach the standard under a [budget]
    # (phasing.csv; optimizer.plan.phasing); None without one.
    phasing: Phasing | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", MappingProxyType(dict(self.summary)))

    # --- views ------------------------------------------------------------
    @property
    def status(self) -> str:
        return str(self.summary.get("status", "UNKNOWN"))

    def is_feasible(self) -> bool:
        """True when the solver found a plan meeting every hard rule (exemptions aside)."""
        return self.status in ("OPTIMAL", "FEASIBLE")

    def with_phasing(self, phasing: Phasing | None) -> Plan:
        """A copy carrying ``phasing``, its claims also in ``summary["phasing"]`` (as
        summary.json holds them); None removes both."""
        summary = {k: v for k, v in self.summary.items() if k != "phasing"}
        if phasing is not None:
            summary["phasing"] = dict(phasing.summary)
        return replace(self, phasing=phasing, summary=summary)

    def communities_frame(self) -> pd.DataFrame:
        """communities.csv as a DataFrame (a new frame each call)."""
        return pd.DataFrame([asdict(c) for c in self.communities],
                            columns=list(Community.columns()))

    def assignment_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"unit_id": list(self.unit_ids), "community_id": list(self.community),
                             "grid_id": list(self.grid)})

    def grids_frame(self) -> pd.DataFrame:
        """grids.csv as a DataFrame (empty when the plan has no grid rows)."""
        return pd.DataFrame([asdict(g) for g in self.grid_shares], columns=list(GRID_COLUMNS))

    def community_of(self) -> dict[str, str]:
        return dict(zip(self.unit_ids, self.community, strict=True))

    def summary_text(self) -> str:
        """A few lines for a terminal or a notebook."""
        s = self.summary
        lines = [
            f"plan for {s.get('scenario', self.scenario)}: {len(self.communities)} communities, "
            f"{s.get('households', '?')} households in {len(self.unit_ids)} units",
            f"status {s.get('status')}, objective {_num(s.get('objective'))}, "
            f"bound {_num(s.get('bound'))}, gap {_pct(s.get('gap'))}, "
            f"time {_num(s.get('solve_time_s'), 1)} s",
            f"capital {_num(s.get('total_capex_yuan'))} yuan, annual cost "
            f"{_num(s.get('total_annual_cost_yuan'))} yuan/year",
        ]
        stopped = list(s.get("clock_stopped") or [])
        if stopped and s.get("workers") == 1:
            shown = "; ".join(stopped[:5]) + (f" and {len(stopped) - 5} more"
                                             if len(stopped) > 5 else "")
            lines.append(f"determinism gave way to the clock in {len(stopped)} pieces (stopped "
                         f"at the time limit; another run may differ): {shown}")
        elif stopped:
            lines.append(f"{len(stopped)} pieces stopped by the clock at the time limit")
        if self.phasing is not None:
            lines.append(self.phasing.text())
        exempt = [c for c in self.communities if c.exemption]
        if exempt:
            lines.append(f"{len(exempt)} communities carry an exemption:")
            lines += [f"  {c.community_id}: {c.exemption}" for c in exempt]
        return "\n".join(lines)


def _num(v: Any, digits: int = 0) -> str:
    if v is None:
        return "n/a"
    try:
        return f"{float(v):,.{digits}f}"
    except (TypeError, ValueError):
        return str(v)


def _pct(v: Any) -> str:
    if v is None:
        return "n/a"
    try:
        return f"{100 * float(v):.2f}%"
    except (TypeError, ValueError):
        return str(v)
