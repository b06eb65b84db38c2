"""The working plan as arrays and records, and the deltas that change it.

Every change is a :class:`Delta`: the units that move (before → after), the community
records replaced (before → after, ``None`` for absent), and the locks and origin
before and after. A delta applied forward is the edit (or redo), applied backward its
undo; the journal stores deltas, so replaying it after a restart needs no pricing and
gives the same plan bit for bit. Applying checks that the state is what the delta
expects, so a journal that does not fit the plan is refused, never half-applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from optimizer.scenario.model import Scenario
from optimizer.workbench.records import EditError, LockState, Meta, Record

UNASSIGNED = ""


@dataclass(frozen=True)
class Delta:
    units: tuple[tuple[str, str, str], ...] = ()                      # unit, before, after
    records: tuple[tuple[str, Record | None, Record | None], ...] = ()  # cid, before, after
    locks: tuple[LockState, LockState] | None = None
    meta: tuple[Meta, Meta] | None = None

    def inverse(self) -> Delta:
        return Delta(tuple((u, b, a) for u, a, b in self.units),
                     tuple((c, b, a) for c, a, b in self.records),
                     (self.locks[1], self.locks[0]) if self.locks else None,
                     (self.meta[1], self.meta[0]) if self.meta else None)

    def __bool__(self) -> bool:
        return bool(self.units or self.records or self.locks or self.meta)

    def to_json(self) -> dict[str, Any]:
        def rec(r: Record | None) -> dict[str, str] | None:
            return r.to_json() if r is not None else None

        out: dict[str, Any] = {"units": [list(t) for t in self.units],
                               "records": [[c, rec(a), rec(b)] for c, a, b in self.records]}
        if self.locks:
            out["locks"] = [self.locks[0].to_json(), self.locks[1].to_json()]
        if self.meta:
            out["meta"] = [self.meta[0].to_json(), self.meta[1].to_json()]
        return out

    @staticmethod
    def from_json(data: Any) -> Delta:
        if not isinstance(data, dict):
            raise EditError("a delta must be an object")

        def rec(r: Any) -> Record | None:
            return None if r is None else Record.from_json(r)

        try:
            units = tuple((str(u), str(a), str(b)) for u, a, b in data.get("units", []))
            records = tuple((str(c), rec(a), rec(b)) for c, a, b in data.get("records", []))
        except (TypeError, ValueError) as exc:
            raise EditError(f"a delta is malformed: {exc}") from None
        locks = data.get("locks")
        meta = data.get("meta")
        return Delta(units, records,
                     (LockState.from_json(locks[0]), LockState.from_json(locks[1]))
                     if locks else None,
                     (Meta.from_json(meta[0]), Meta.from_json(meta[1])) if meta else None)


class PlanState:
    """Unit → community id, community id → record, the locks and the origin."""

    def __init__(self, scenario: Scenario, assign: list[str], records: dict[str, Record],
                 locks: LockState | None = None, meta: Meta | None = None) -> None:
        if len(assign) != scenario.n_units:
            raise EditError(f"the plan assigns {len(assign)} units, the scenario has "
                            f"{scenario.n_units}")
        self.scenario = scenario
        self.assign = list(assign)
        self.records = dict(records)
        self.locks = locks or LockState()
        self.meta = meta or Meta()
        self.members: dict[str, set[int]] = {}
        for i, c in enumerate(self.assign):
            if c != UNASSIGNED:
                self.members.setdefault(c, set()).add(i)
        orphan = sorted(set(self.members) - set(self.records))
        if orphan:
            raise EditError(f"units are assigned to communities without a record: "
                            f"{', '.join(orphan[:5])}")

    # --- snapshots -----------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {"units": list(self.scenario.unit_ids), "assign": list(self.assign),
                "records": [self.records[c].to_json() for c in sorted(self.records)],
                "locks": self.locks.to_json(), "meta": self.meta.to_json()}

    @staticmethod
    def from_snapshot(scenario: Scenario, snap: Any) -> PlanState:
        if not isinstance(snap, dict):
            raise EditError("a plan snapshot must be an object")
        units = snap.get("units")
        assign = snap.get("assign")
        if units != list(scenario.unit_ids) or not isinstance(assign, list):
            raise EditError("the snapshot does not belong to this scenario's units")
        records = {}
        for r in snap.get("records", []):
            rec = Record.from_json(r)
            records[rec.cid] = rec
        return PlanState(scenario, [str(a) for a in assign], records,
                         LockState.from_json(snap.get("locks", {})),
                         Meta.from_json(snap.get("meta", {})))

    def copy(self) -> PlanState:
        return PlanState(self.scenario, self.assign, self.records, self.locks, self.meta)

    @property
    def has_plan(self) -> bool:
        return bool(self.records)

    # --- deltas --------------------------------------------------------------------
    def apply(self, delta: Delta) -> set[str]:
        """Apply ``delta`` forward; return the community ids whose units or record
        changed. Raises EditError, changing nothing, when the state does not match."""
        index = self.scenario.unit_index
        for u, before, _ in delta.units:
            i = index.get(u)
            if i is None:
                raise EditError(f"unit {u!r} is not in the scenario")
            if self.assign[i] != before:
                raise EditError(f"unit {u} is in {self.assign[i] or 'no community'}, the "
                                f"change expects {before or 'no community'}")
        for c, rec_before, _ in delta.records:
            if self.records.get(c) != rec_before:
                raise EditError(f"community {c} is not as the change expects")
        if delta.locks and self.locks != delta.locks[0]:
            raise EditError("the locks are not as the change expects")
        touched: set[str] = set()
        for u, before, after in delta.units:
            i = index[u]
            self.assign[i] = after
            if before != UNASSIGNED:
                self.members[before].discard(i)
                if not self.members[before]:
                    del self.members[before]
            if after != UNASSIGNED:
                self.members.setdefault(after, set()).add(i)
            touched.update(c for c in (before, after) if c != UNASSIGNED)
        for c, _, rec in delta.records:
            if rec is None:
                self.records.pop(c, None)
            else:
                self.records[c] = rec
            touched.add(c)
        if delta.locks:
            self.locks = delta.locks[1]
        if delta.meta:
            self.meta = delta.meta[1]
        stray = sorted(c for c in touched if c in self.members and c not in self.records)
        if stray:   # a bad journal: roll back, then refuse
            self._undo_partial(delta)
            raise EditError(f"the change leaves units in communities without a record: "
                            f"{', '.join(stray[:5])}")
        return touched

    def _undo_partial(self, delta: Delta) -> None:
        inv = delta.inverse()
        index = self.scenario.unit_index
        for u, before, after in inv.units:
            i = index[u]
            self.assign[i] = after
            if before != UNASSIGNED:
                self.members.get(before, set()).discard(i)
                if before in self.members and not self.members[before]:
                    del self.members[before]
            if after != UNASSIGNED:
                self.members.setdefault(after, set()).add(i)
        for c, _, rec in inv.records:
            if rec is None:
                self.records.pop(c, None)
            else:
                self.records[c] = rec
        if inv.locks:
            self.locks = inv.locks[1]
        if inv.meta:
            self.meta = inv.meta[1]

    def replace_delta(self, other: PlanState) -> Delta:
        """The delta that turns this state into ``other`` (same scenario)."""
        ids = self.scenario.unit_ids
        units = tuple((ids[i], a, b) for i, (a, b) in enumerate(zip(self.assign, other.assign,
                                                                      strict=True)) if a != b)
        cids = sorted(set(self.records) | set(other.records))
        records = tuple((c, self.records.get(c), other.records.get(c)) for c in cids
                        if self.records.get(c) != other.records.get(c))
        locks = (self.locks, other.locks) if self.locks != other.locks else None
        meta = (self.meta, other.meta) if self.meta != other.meta else None
        return Delta(units, records, locks, meta)

    # --- queries -------------------------------------------------------------------
    def community_of_units(self, units: Iterable[str]) -> dict[str, str]:
        index = self.scenario.unit_index
        return {u: self.assign[index[u]] for u in units if u in index}

    def locked_units(self) -> set[int]:
        """Units no edit may move: locked units, members of locked communities, and the
        center units of communities whose center is pinned."""
        index = self.scenario.unit_index
        out = {index[u] for u in self.locks.units if u in index}
        for c in self.locks.communities:
            out |= self.members.get(c, set())
        for c in self.locks.centers:
            rec = self.records.get(c)
            if rec is not None and rec.center in index:
                out.add(index[rec.center])
        return out
