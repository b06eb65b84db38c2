"""Capital budgets per county and year (FUND-POOL, BUDGET-OWN): ``[budget]`` of
scenario.toml (CONTRACT.md, "Budgets").

The county fund is pooled across the county (区域统筹), so capital is a number per
county and year, never per community. One table applies to every county unless a
county has its own (``[budget.counties."NAME"]``); a county's own table replaces the
shared one for every year, it does not patch it year by year. Without a ``[budget]``
the scenario's ``budget`` is None and no budget limits the plan.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from optimizer.errors import Problem


def _frozen(values: Any) -> np.ndarray:
    arr = np.array(values, dtype=float, copy=True)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class Budget:
    """Capital (yuan) available per county and year over the horizon
    ``first_year..last_year`` (both included).

    ``shared_yuan`` is the table for every county without its own (None when every
    county has one); ``own_yuan`` holds the counties with their own table. Both are
    read-only arrays with one amount per year of :attr:`years`. With ``carry_over``
    unspent capital moves to the next year of the same county.
    """

    first_year: int
    last_year: int
    carry_over: bool = False
    shared_yuan: np.ndarray | None = None
    own_yuan: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.last_year - self.first_year + 1
        if n < 1:
            raise ValueError(f"Budget: horizon {self.first_year}..{self.last_year} is empty")
        shared = None if self.shared_yuan is None else _frozen(self.shared_yuan)
        own = {str(c): _frozen(v) for c, v in self.own_yuan.items()}
        for name, arr in ([("shared", shared)] if shared is not None else []) + list(own.items()):
            if arr.shape != (n,) or not np.isfinite(arr).all() or (arr < 0).any():
                raise ValueError(f"Budget: {name} capital must be {n} finite amounts ≥ 0")
        object.__setattr__(self, "shared_yuan", shared)
        # a read-only view of a private copy: nothing downstream changes a Scenario
        object.__setattr__(self, "own_yuan", MappingProxyType(own))

    def __reduce__(self) -> tuple[Any, ...]:
        # a scenario goes to worker processes by pickle; a mappingproxy does not
        return Budget, (self.first_year, self.last_year, self.carry_over, self.shared_yuan,
                        dict(self.own_yuan))

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.first_year, self.last_year + 1))

    def problems(self, counties: Collection[str], plan_year: int,
                 where: str = "replace()") -> list[Problem]:
        """What is wrong with this budget for a scenario of ``counties`` and plan year
        (the checks of ``[budget]`` for a Budget made in Python): a county the scenario
        does not have, a county without capital, a horizon before the plan year."""
        known = set(counties)
        out = [Problem(where, "the scenario has no such county (the units' county)",
                       record=f'[budget.counties."{c}"]', field="county", value=c)
               for c in sorted(set(self.own_yuan) - known)]
        lacking = sorted(c for c in known if not self.has_capital(c))
        if lacking:
            out.append(Problem(where, "every county needs capital: the shared table or its "
                               f"own (none for {', '.join(lacking[:10])})", record="[budget]",
                               field="capital_yuan"))
        if self.first_year < plan_year:
            out.append(Problem(where, f"starts before the plan year (year = {plan_year})",
                               record="[budget]", field="horizon",
                               value=[self.first_year, self.last_year]))
        return out

    def has_capital(self, county: str) -> bool:
        return county in self.own_yuan or self.shared_yuan is not None

    def has_own(self, county: str) -> bool:
        """True when ``county`` has its own table (``[budget.counties."NAME"]``)."""
        return county in self.own_yuan

    def capital_by_year(self, county: str) -> np.ndarray:
        """The county's capital for each year of :attr:`years` (read-only)."""
        own = self.own_yuan.get(county)
        if own is not None:
            return own
        if self.shared_yuan is None:
            raise KeyError(f"the budget gives no capital for county {county!r}")
        return self.shared_yuan

    def capital(self, county: str, year: int) -> float:
        """Capital available to ``county`` in ``year`` (FUND-POOL); KeyError for a
        year outside the horizon or a county the budget has no amount for."""
        if not self.first_year <= year <= self.last_year:
            raise KeyError(f"{year} is outside the budget horizon "
                           f"{self.first_year}-{self.last_year}")
        return float(self.capital_by_year(county)[year - self.first_year])

    def total(self, county: str) -> float:
        """The county's capital over the whole horizon."""
        return float(self.capital_by_year(county).sum())

    def scaled(self, factor: float, years: tuple[int, ...] | None = None) -> Budget:
        """A what-if copy with every amount of ``years`` (all by default) times
        ``factor`` (e.g. 2014's budget cut by half: ``scaled(0.5, (2014,))``)."""
        if not np.isfinite(factor) or factor < 0:
            raise ValueError(f"Budget.scaled: factor must be a finite number ≥ 0, not {factor}")
        outside = [y for y in (years or ()) if y not in self.years]
        if outside:
            raise ValueError(f"Budget.scaled: {', '.join(map(str, outside))} outside the "
                             f"budget horizon {self.first_year}-{self.last_year}")
        mask = np.array([years is None or y in years for y in self.years])
        mult = np.where(mask, factor, 1.0)
        return Budget(self.first_year, self.last_year, self.carry_over,
                      None if self.shared_yuan is None else self.shared_yuan * mult,
                      {c: v * mult for c, v in self.own_yuan.items()})

