"""The phasing of a plan under a capital budget: the year each community's rooms reach
the standard (CONTRACT.md ``phasing.csv``; FUND-POOL, PIPELINE, FACILITY-95).

One :class:`Phase` per community whose rooms do not meet the standard today: its works
paid from the county's budget (``funding = "budget"``), rooms co-built by a developer
(``"developer"``, NEWDEV-1500) or rooms under construction or planned handed over in
their ``available_year`` (``"pipeline"``, PIPELINE). A community that keeps rooms
standing and large enough today has no row: it meets the standard from the first year
(the filing draws it grey, "no works"). ``year`` is None when the rooms do not reach
the standard by the horizon's last year.

:class:`Phasing` also holds the producer's claims (``summary``: the FACILITY-95 share
by the last year, the shortfall, capital by county and year, the solver's status,
bounds and gap), written into summary.json under ``phasing``; the independent checker
recomputes every one of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

PHASING_COLUMNS = ("community_id", "year", "remedy", "capex_yuan")   # CONTRACT.md
EXTRA_COLUMNS = ("county", "households", "funding")                  # ours, after them
FUNDING = ("budget", "developer", "pipeline")


@dataclass(frozen=True)
class Phase:
    """One row of phasing.csv."""

    community_id: str
    year: int | None        # the year the rooms reach the standard; None: not by the horizon
    remedy: str
    capex_yuan: float       # capital from the county's budget (0 for developer/pipeline)
    county: str = ""
    households: int = 0
    funding: str = "budget"

    @staticmethod
    def columns() -> tuple[str, ...]:
        return PHASING_COLUMNS + EXTRA_COLUMNS


@dataclass(frozen=True)
class Phasing:
    """Every community's phase, and the claims about them (see the module)."""

    phases: tuple[Phase, ...]
    summary: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", MappingProxyType(dict(self.summary)))

    def year_of(self) -> dict[str, int | None]:
        """community -> year (None: not by the horizon); communities without works absent."""
        return {p.community_id: p.year for p in self.phases}

    def text(self) -> str:
        """A few lines for a terminal or a notebook: the share by the last year, the
        shortfall, the solver's status and gap."""
        s = self.summary
        last = s.get("last_year", "?")
        share = s.get("facility_share")
        lines = [f"phasing {s.get('first_year', '?')}-{last}: {s.get('meeting', '?')} of "
                 f"{s.get('counted', '?')} communities meet the rooms standard by {last} ("
                 + (f"{100 * float(share):.1f}%" if share is not None else "n/a")
                 + f", FACILITY-95 target {100 * float(s.get('facility_target', 0.95)):.0f}%);"
                 f" capital {float(s.get('capital_yuan', 0.0)):,.0f} yuan; status "
                 f"{s.get('status', 'UNKNOWN')}, gap {100 * float(s.get('gap') or 0.0):.2f}%"]
        short = int(s.get("short_communities") or 0)
        if short:
            lines.append(f"the budget falls {short} communities short of FACILITY-95: "
                         f"{float(s.get('extra_to_target_yuan') or 0.0):,.0f} yuan more "
                         f"(in {last}) would reach it")
        unfunded = int(s.get("not_by_horizon") or 0)
        if unfunded:
            lines.append(f"{unfunded} communities reach the standard after {last} "
                         f"({float(s.get('unfunded_capital_yuan') or 0.0):,.0f} yuan of "
                         "their capital is not in the horizon's budget)")
        return "\n".join(lines)

    def frame(self) -> pd.DataFrame:
        """phasing.csv as a DataFrame (a new frame each call; year as a nullable int)."""
        df = pd.DataFrame([dataclasses.astuple(p) for p in self.phases],
                          columns=list(Phase.columns()))
        df["year"] = df["year"].astype("Int64")
        return df



def phase_rows(phasing: Phasing) -> list[list[Any]]:
    """The rows of phasing.csv, in :meth:`Phase.columns` order."""
    return [list(dataclasses.astuple(p)) for p in phasing.phases]


def _whole(text: str) -> int | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return int(v) if v == v and v == int(v) else None


def parse_phasing(df: pd.DataFrame, summary: Mapping[str, Any],
                  problems: list[tuple[str, str, str, str]]) -> Phasing:
    """phasing.csv (read as text) into a :class:`Phasing`; each unreadable cell goes to
    ``problems`` as (record, field, value, rule). A community listed twice is kept
    twice: whether the phasing counts one twice is for the checker to say."""
    phases = []
    has = set(df.columns)
    for n, rec in enumerate(df.to_dict("records"), start=2):
        cid = str(rec["community_id"]).strip()
        where = cid or f"line {n}"
        if not cid:
            problems.append((f"line {n}", "community_id", "", "must not be empty"))
        raw_year = str(rec["year"]).strip()
        year = _whole(raw_year) if raw_year else None
        if raw_year and year is None:
            problems.append((where, "year", raw_year, "must be a whole year, or empty when "
                             "the rooms do not reach the standard by the horizon"))
        raw_capex = str(rec["capex_yuan"]).strip()
        try:
            capex = float(raw_capex) if raw_capex else 0.0
        except ValueError:
            capex = float("nan")
        if not capex == capex or capex < 0 or capex == float("inf"):
            problems.append((where, "capex_yuan", raw_capex, "must be a number ≥ 0"))
            capex = 0.0
        hh = _whole(str(rec.get("households", "")).strip()) if "households" in has else 0
        funding = str(rec.get("funding", "")).strip() if "funding" in has else ""
        if funding and funding not in FUNDING:
            problems.append((where, "funding", funding, f"must be one of {', '.join(FUNDING)}"))
        phases.append(Phase(cid, year, str(rec["remedy"]).strip(), capex,
                            str(rec.get("county", "")).strip() if "county" in has else "",
                            hh or 0, funding or ("budget" if capex > 0 else "")))
    return Phasing(tuple(phases), dict(summary))
