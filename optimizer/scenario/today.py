"""What is known of today's communities (communities_today.csv, CONTRACT.md): the
data of the targets the engine reports but cannot decide (ORGS-5, VOLUNTEER-15-10,
PRO-80-50, MGMT-2013, HARMONY-90-80, SELFGOV-95, SERVICES-6-8's "X").

"Not known" is None everywhere, never 0 or false: a community without a row, a
column the file does not have and an empty cell all give None, and a target whose
data is None is ``not_assessed``, never ``pass``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

COUNT_FIELDS = ("social_orgs", "volunteers", "workers", "qualified_workers")
FLAG_FIELDS = ("mgmt_system", "harmony_standard", "selfgov_standard")
LIST_FIELDS = ("services_x",)
TODAY_FIELDS = COUNT_FIELDS + FLAG_FIELDS + LIST_FIELDS
TODAY_FILE = "communities_today.csv"


@dataclass(frozen=True)
class TodayCommunity:
    """One row of communities_today.csv; None = not known."""

    current_community: str
    social_orgs: int | None = None          # registered social organizations (ORGS-5)
    volunteers: int | None = None           # registered volunteers (VOLUNTEER-15-10)
    workers: int | None = None              # community workers (PRO-80-50)
    qualified_workers: int | None = None    # of them, with the qualification (PRO-80-50)
    mgmt_system: bool | None = None         # new management system in place (MGMT-2013)
    harmony_standard: bool | None = None    # provincial harmonious-community standard
    selfgov_standard: bool | None = None    # self-governance standard (SELFGOV-95)
    services_x: tuple[str, ...] | None = None   # extra services residents asked for

    def value(self, name: str) -> Any:
        """The value of field ``name`` (one of TODAY_FIELDS); None when not known."""
        if name not in TODAY_FIELDS:
            raise KeyError(f"{name!r} is not a field of {TODAY_FILE} ({', '.join(TODAY_FIELDS)})")
        return getattr(self, name)


@dataclass(frozen=True, eq=False)
class TodayCommunities:
    """The rows of communities_today.csv, in file order, keyed by current_community.

    ``columns`` are the optional columns the file has (a field whose column is absent
    is not known for any community); ``file`` is the file's name in the folder.
    """

    records: tuple[TodayCommunity, ...]
    columns: tuple[str, ...] = TODAY_FIELDS
    file: str = TODAY_FILE

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[TodayCommunity]:
        return iter(self.records)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @cached_property
    def _by_name(self) -> dict[str, TodayCommunity]:
        return {r.current_community: r for r in self.records}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.current_community for r in self.records)

    def get(self, name: str) -> TodayCommunity | None:
        """The row of today's community ``name``; None when the file has none."""
        return self._by_name.get(name)

    def value(self, name: str, field: str) -> Any:
        """Field ``field`` of today's community ``name``; None when not known (no row,
        no column or an empty cell)."""
        row = self._by_name.get(name)
        if row is None:
            if field not in TODAY_FIELDS:
                raise KeyError(f"{field!r} is not a field of {TODAY_FILE}")
            return None
        return row.value(field)

    def known_count(self, field: str, names: tuple[str, ...] | None = None) -> int:
        """How many of ``names`` (all rows by default) have ``field`` known."""
        among = self.names if names is None else names
        return sum(self.value(n, field) is not None for n in among)
