"""The immutable Plan: which unit goes to which community and grid, and each
community's center, remedy, area and staff (CONTRACT.md, "A plan is a folder").

A Plan is a new object returned by ``solve`` or read from a folder; nothing is
written back onto the Scenario. Its numbers are the producer's claims: the
independent checker (:mod:`optimizer.checker`) recomputes them from the scenario.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from optimizer.plan.exemption import Reasons
from optimizer.plan.summary import PieceSummary, SummaryExtras
from optimizer.status import Status

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
STATUSES = tuple(s.value for s in Status)
EXEMPTION_SEPARATOR = " | "     # between the exemptions of one community
# summary.json's keys held as typed fields of Plan (and PieceSummary), not in
# Plan.summary: "components" is the list of piece summaries.
TYPED_KEYS = ("status", "objective", "bound", "gap", "interrupted", "components")


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
    # The exemptions as the engine made them (optimizer.plan.exemption): ``exemption``
    # is their words. Not a column: a plan read from a folder has none (its reports
    # read the words, optimizer.report.reasons_exempt).
    reasons: Reasons = field(default=(), compare=False, repr=False)

    @property
    def exemption_rules(self) -> tuple[str, ...]:
        """The rule ids ``exemption`` names: CONTRACT.md's "the rule id that this
        community cannot meet and why", several joined by " | " (e.g. SIZE-RURAL and
        ONE-STATION), each "RULE-ID: why"."""
        parts = (p.strip() for p in self.exemption.split(EXEMPTION_SEPARATOR))
        return tuple(p.split(":", 1)[0].strip() for p in parts if p)

    @property
    def service_list(self) -> tuple[str, ...]:
        """``services`` split on ";" (empty names dropped)."""
        return tuple(s.strip() for s in self.services.split(";") if s.strip())

    @staticmethod
    def columns() -> tuple[str, ...]:
        """communities.csv's columns: every field but ``reasons``."""
        return tuple(f.name for f in fields(Community) if f.name != "reasons")

    def row(self) -> dict[str, Any]:
        """The values of :meth:`columns`, by name (communities.csv's row)."""
        return {name: getattr(self, name) for name in Community.columns()}


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


def grid_id(community_id: str, number: int, count: int) -> str:
    """The id of grid ``number`` (from 1) of a community with ``count`` grids:
    ``<community>-G01``, zero-padded to a width at which the ids sort as the numbers do
    (G001..G120 once there are 100 or more). grids.csv is written sorted by id, and a
    divided unit's grid_id in assignment.csv is its first row there: with ``G100``
    sorting before ``G99`` the two disagreed and the checker failed COORD-300 on
    communities of 100 grids or more (an oversized unit's, ~30,000 households)."""
    return f"{community_id}-G{number:0{max(2, len(str(count)))}d}"


@dataclass(frozen=True)
class Plan:
    """A complete plan. ``community`` and ``grid`` hold one id per unit, in the
    order of ``unit_ids`` (``grid``: the first grid of a unit divided between grids).
    ``grid_shares`` are the rows of grids.csv; empty when the plan has none (a plan
    folder without grids.csv: its grids are then whole units, by ``grid``).

    What the producer proved is typed: ``status``, ``objective`` (yuan/year),
    ``bound`` (a proven lower bound on it), ``gap`` ((objective - bound) / objective),
    ``interrupted`` (a stop request cut the search short) and ``pieces`` (one
    :class:`PieceSummary` per independent piece). ``summary`` holds the other keys of
    summary.json (totals, terms, notes, ...); :meth:`summary_dict` is the whole of it,
    built only to write the file. None for a number: not known (a plan not made by
    the solver)."""

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
    status: Status = Status.UNKNOWN
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    interrupted: bool = False
    pieces: tuple[PieceSummary, ...] = ()

    def __post_init__(self) -> None:
        # A typed value given in the summary as well would be two truths.
        both = sorted(set(self.summary) & set(TYPED_KEYS))
        if both:
            raise ValueError(f"Plan: {', '.join(both)} are fields of the Plan (status, "
                             "objective, bound, gap, interrupted, pieces), not summary keys")
        object.__setattr__(self, "status", Status.parse(self.status))
        object.__setattr__(self, "pieces", tuple(self.pieces))
        object.__setattr__(self, "summary", SummaryExtras(self.summary))

    # --- views ------------------------------------------------------------
    def is_feasible(self) -> bool:
        """True when the solver found a plan meeting every hard rule (exemptions aside)."""
        return self.status.has_answer

    def summary_dict(self) -> dict[str, Any]:
        """summary.json as a new dict: the typed fields under their contract keys, and
        ``summary``'s. "components" (the pieces) only when the plan has pieces."""
        out = dict(self.summary)
        out.update(status=self.status, objective=self.objective, bound=self.bound,
                   gap=self.gap, interrupted=self.interrupted)
        if self.pieces:
            out["components"] = [p.to_json() for p in self.pieces]
        return out

    def with_phasing(self, phasing: Phasing | None) -> Plan:
        """A copy carrying ``phasing``, its claims also in ``summary["phasing"]`` (as
        summary.json holds them); None removes both."""
        summary = {k: v for k, v in self.summary.items() if k != "phasing"}
        if phasing is not None:
            summary["phasing"] = dict(phasing.summary)
        return replace(self, phasing=phasing, summary=summary)

    def communities_frame(self) -> pd.DataFrame:
        """communities.csv as a DataFrame (a new frame each call)."""
        return pd.DataFrame([c.row() for c in self.communities],
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
            f"status {self.status}, objective {_num(self.objective)}, "
            f"bound {_num(self.bound)}, gap {_pct(self.gap)}, "
            f"time {_num(s.get('solve_time_s'), 1)} s",
            f"capital {_num(s.get('total_capex_yuan'))} yuan, annual cost "
            f"{_num(s.get('total_annual_cost_yuan'))} yuan/year",
        ]
        stopped = list(s.get("clock_stopped") or [])
        if stopped and s.get("workers") == 1:
            named = _grouped(stopped)
            shown = "; ".join(named[:5]) + (f" and {len(named) - 5} more"
                                           if len(named) > 5 else "")
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


def _grouped(names: list[str]) -> list[str]:
    """Piece names once each, in order, with how many pieces bear the name: a town's
    rural area cut by barriers is several pieces of one name, which read as the same
    piece listed over and over ("Fuwan Town / rural; Fuwan Town / rural; ...")."""
    counts = Counter(names)
    return [f"{n} ({counts[n]} pieces)" if counts[n] > 1 else n
            for n in dict.fromkeys(names)]


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
