"""Planner locks: edits the re-solve must respect (``[locks]`` in scenario.toml).

```toml
[locks]
keep_communities = ["JH-WX-C03"]        # today's community kept exactly as it is
pin_center = { "JH-WX-0012" = "JH-WX-0015" }   # unit -> the unit its center stands in
force_sites = ["JH-WX-0015-ROOM"]       # this site must be a center
forbid_sites = ["JH-WX-0031-SALE"]      # this site must not be used
forbid_build = ["JH-WX-0040"]           # no new center may be built in this unit
community_count = { "Huaqing Street" = 2 }   # a street's number of communities
```

Parsed and checked against the scenario before any solve; a lock naming something
that does not exist, or that cannot hold whatever the plan (a kept community outside
the household bounds, split by a barrier or across streets), is a LockError with the
reason. Pure: the model, the search and the checker all read the same Locks.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from optimizer.errors import LockError, Problem
from optimizer.graph.pieces import components, is_connected
from optimizer.scenario.model import Scenario

FILE = "scenario.toml [locks]"
KEYS = ("keep_communities", "pin_center", "force_sites", "forbid_sites", "forbid_build",
        "community_count")


@dataclass(frozen=True)
class Locks:
    keep: tuple[tuple[str, tuple[int, ...]], ...] = ()   # (today's community, its units)
    pin_center: tuple[tuple[int, int], ...] = ()         # (unit, center unit)
    force_sites: tuple[int, ...] = ()
    forbid_sites: tuple[int, ...] = ()
    forbid_build: tuple[int, ...] = ()
    count: tuple[tuple[str, int], ...] = ()             # (street, communities)

    def __bool__(self) -> bool:
        return any((self.keep, self.pin_center, self.force_sites, self.forbid_sites,
                    self.forbid_build, self.count))

    def count_of(self, street: str) -> int | None:
        return dict(self.count).get(street)

    def touches(self, units: set[int], site_unit: dict[int, int]) -> bool:
        """Whether any lock concerns this set of units (a piece)."""
        return (any(set(us) & units for _, us in self.keep)
                or any(u in units or c in units for u, c in self.pin_center)
                or any(site_unit[s] in units for s in self.force_sites + self.forbid_sites)
                or any(u in units for u in self.forbid_build))

    def for_piece(self, units: set[int], street: str,
                  site_unit: dict[int, int]) -> Locks | None:
        """These locks when any concerns the piece, else None."""
        if self.touches(units, site_unit) or self.count_of(street) is not None:
            return self
        return None


def parse_locks(scenario: Scenario) -> Locks:
    """The scenario's locks with ids resolved; raises LockError listing every problem."""
    raw: dict[str, Any] = dict(scenario.locks or {})
    problems: list[Problem] = []
    for key in raw:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.5)
            problems.append(Problem(FILE, "unknown lock", record="[locks]", field=key,
                                    value=raw[key], hint=f"did you mean '{close[0]}'?" if close
                                    else f"valid locks: {', '.join(KEYS)}"))
    units = scenario.unit_index
    sites = {s: k for k, s in enumerate(scenario.sites.site_ids)}

    def ids(key: str, known: dict[str, int], what: str) -> list[int]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(Problem(FILE, f"must be a list of {what} ids", record="[locks]",
                                    field=key, value=value))
            return []
        out = []
        for v in value:
            if v not in known:
                problems.append(Problem(FILE, f"no such {what}", record=v, field=key, value=v))
            else:
                out.append(known[v])
        return out

    keep = _keep(scenario, raw.get("keep_communities", []), problems)
    pins = []
    pin_raw = raw.get("pin_center", {})
    if not isinstance(pin_raw, dict):
        problems.append(Problem(FILE, "must be a table unit = center unit", record="[locks]",
                                field="pin_center", value=pin_raw))
        pin_raw = {}
    for u, c in pin_raw.items():
        if u not in units or not isinstance(c, str) or c not in units:
            problems.append(Problem(FILE, "both must be unit ids", record=str(u),
                                    field="pin_center", value=c))
            continue
        i, j = units[u], units[c]
        if scenario.piece_key(i) != scenario.piece_key(j):
            problems.append(Problem(FILE, "a unit can only join a center of its own street and "
                                    "kind (NESTING)", record=u, field="pin_center", value=c))
        pins.append((i, j))
    force = ids("force_sites", sites, "site")
    forbid = ids("forbid_sites", sites, "site")
    for s in sorted(set(force) & set(forbid)):
        problems.append(Problem(FILE, "a site cannot be both forced and forbidden",
                                record=scenario.sites.site_ids[s], field="force_sites",
                                value=scenario.sites.site_ids[s]))
    build = ids("forbid_build", units, "unit")
    count = _count(scenario, raw.get("community_count", {}), problems)
    if problems:
        raise LockError(problems)
    return Locks(tuple(keep), tuple(pins), tuple(force), tuple(forbid), tuple(build),
                 tuple(count))


def _count(scenario: Scenario, value: Any, problems: list[Problem]) -> list[tuple[str, int]]:
    if not isinstance(value, dict):
        problems.append(Problem(FILE, "must be a table street = number of communities",
                                record="[locks]", field="community_count", value=value))
        return []

    pieces: dict[str, int] = {}
    for c in components(scenario):
        pieces[c.key[1]] = pieces.get(c.key[1], 0) + 1
    out = []
    for street, n in value.items():
        if street not in pieces:
            problems.append(Problem(FILE, "no such street or town", record=street,
                                    field="community_count", value=n))
        elif not isinstance(n, int) or isinstance(n, bool) or n < 1:
            problems.append(Problem(FILE, "must be a whole number ≥ 1", record=street,
                                    field="community_count", value=n))
        elif pieces[street] > 1:
            problems.append(Problem(
                FILE, f"cannot be fixed: the street has {pieces[street]} independent pieces "
                "(urban and rural parts, or parts a barrier separates)", record=street,
                field="community_count", value=n))
        else:
            out.append((street, n))
    return out


def _keep(scenario: Scenario, value: Any, problems: list[Problem]
          ) -> list[tuple[str, tuple[int, ...]]]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(FILE, "must be a list of today's community ids",
                                record="[locks]", field="keep_communities", value=value))
        return []
    cur = scenario.current_community
    out = []
    for cid in value:
        members = tuple(i for i in range(scenario.n_units) if cur is not None and cur[i] == cid)
        if not members:
            problems.append(Problem(FILE, "no unit has this current_community", record=cid,
                                    field="keep_communities", value=cid))
            continue
        keys = {scenario.piece_key(i) for i in members}
        hh = int(scenario.households[list(members)].sum())
        urban = bool(scenario.urban[members[0]])
        lo, hi = scenario.policy.bounds(urban)
        if len(keys) > 1:
            problems.append(Problem(FILE, "cannot be kept: it spans several streets or kinds "
                                    "(NESTING)", record=cid, field="keep_communities", value=cid))
        elif not lo <= hh <= hi:
            rule = scenario.policy.size_rule(urban)
            problems.append(Problem(
                FILE, f"cannot be kept: it has {hh:,} households, outside {lo:,}-{hi:,} "
                f"({rule})", record=cid, field="keep_communities", value=cid,
                hint="remove the lock or relax the bound in [policy]"))
        elif not is_connected(members, scenario.neighbours):
            problems.append(Problem(FILE, "cannot be kept: its units are not connected in the "
                                    "neighbour graph (a barrier or a gap splits it)", record=cid,
                                    field="keep_communities", value=cid))
        out.append((cid, members))
    return out
