"""Edit operations: each turns the current state and a request into a Delta.

Nothing here changes the state; :class:`optimizer.workbench.core.Workbench` applies
the delta, re-checks what it touched and journals it. Edits that break rules are
allowed (the planner is in charge; the check shows what breaks), but an edit that
cannot mean anything (an unknown unit, a locked community, a center outside its
community) is refused with the reason.

After every edit the communities whose units changed are re-priced: a community
whose center unit is still among its units keeps that unit and takes the cheapest
option there (only its own site when the planner pinned the center); one that lost
its center unit, and every new community, takes the cheapest center among its units
by the engine's objective (annual facility cost plus households × distance).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from optimizer.workbench.pricing import Option, Pricer, record_for
from optimizer.workbench.records import EditError, LockState, Record
from optimizer.workbench.state import UNASSIGNED, Delta, PlanState


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "", text.title()) or "X"


def new_id(state: PlanState, unit: int, taken: Collection[str] = ()) -> str:
    """``<county>-<street>-U<n>`` (R for rural), n one above the highest in use."""
    s = state.scenario
    prefix = f"{_slug(s.county[unit])}-{_slug(s.street[unit])}-{'U' if s.urban[unit] else 'R'}"
    pat = re.compile(re.escape(prefix) + r"(\d+)$")
    used = [int(m.group(1)) for c in (*state.records, *taken) if (m := pat.match(c))]
    return f"{prefix}{(max(used) + 1 if used else 1):02d}"


def _units(state: PlanState, ids: Any, what: str = "units") -> list[int]:
    if not isinstance(ids, list) or not ids or not all(isinstance(u, str) for u in ids):
        raise EditError(f"{what} must be a non-empty list of unit ids")
    index = state.scenario.unit_index
    unknown = [u for u in ids if u not in index]
    if unknown:
        raise EditError(f"no such unit: {', '.join(unknown[:5])}")
    return sorted({index[u] for u in ids})


def _community(state: PlanState, cid: Any) -> str:
    if not isinstance(cid, str) or cid not in state.records:
        raise EditError(f"no such community: {cid!r}")
    return cid


def _not_locked(state: PlanState, units: Collection[int], cids: Collection[str]) -> None:
    ids = state.scenario.unit_ids
    bad_c = sorted(c for c in cids if c in state.locks.communities)
    if bad_c:
        raise EditError(f"community {', '.join(bad_c)} is locked: unlock it first")
    locked = state.locked_units() & set(units)
    if locked:
        names = ", ".join(ids[i] for i in sorted(locked)[:5])
        raise EditError(f"unit {names} is locked (a locked unit, a unit of a locked "
                        "community, or a pinned center): unlock it first")


def _used_sites(state: PlanState, pricer: Pricer, records: dict[str, Record],
                exclude: str) -> set[int]:
    out: set[int] = set()
    for c, r in records.items():
        if c == exclude:
            continue
        for sid in (r.site, r.credit_site):
            if sid and sid in pricer.site_index:
                out.add(pricer.site_index[sid])
    return out


def reprice(state: PlanState, pricer: Pricer, moves: dict[int, str],
            forced: dict[str, Option] | None = None) -> Delta:
    """The delta of moving units (unit → community id, possibly new) and re-pricing
    every community that gains or loses units (``forced``: a chosen option)."""
    ids = state.scenario.unit_ids
    forced = forced or {}
    members = {c: set(m) for c, m in state.members.items()}
    changed: set[str] = set(forced)
    for i, to in moves.items():
        frm = state.assign[i]
        if frm == to:
            continue
        if frm != UNASSIGNED:
            members[frm].discard(i)
            changed.add(frm)
        members.setdefault(to, set()).add(i)
        changed.add(to)
    records = dict(state.records)
    index = state.scenario.unit_index
    for c in sorted(changed):
        ms = sorted(members.get(c, ()))
        if not ms:
            records.pop(c, None)
            continue
        used = _used_sites(state, pricer, records, c)
        old = state.records.get(c)
        opt: Option | None = forced.get(c)
        if opt is None and old is not None and index.get(old.center) in set(ms):
            center = index[old.center]
            if c in state.locks.centers:
                site = pricer.site_index.get(old.site) if old.site else None
                opts = pricer.options(ms, center, used, only_site=site, new_only=site is None)
            else:
                opts = pricer.options(ms, center, used)
            opt = opts[0] if opts else None
            if opt is None:    # nothing fits at this center: keep the claim, it will fail
                records[c] = Record(c, old.center, old.site, old.remedy, "",
                                    pricer.exemption(ms, bool(state.scenario.urban[center])))
                continue
        if opt is None:
            opt = pricer.best_center(ms, used)
        if opt is None:        # no unit can hold a center: claim a build at the first unit
            records[c] = Record(c, ids[ms[0]], "", "build", "",
                                pricer.exemption(ms, bool(state.scenario.urban[ms[0]])))
            continue
        records[c] = record_for(state.scenario, c, opt,
                                pricer.exemption(ms, bool(state.scenario.urban[opt.unit])))
    units = tuple((ids[i], state.assign[i], to) for i, to in sorted(moves.items())
                  if state.assign[i] != to)
    recs = tuple((c, state.records.get(c), records.get(c)) for c in sorted(changed)
                 if state.records.get(c) != records.get(c))
    return Delta(units, recs)


# --- the operations ---------------------------------------------------------------------
def move(state: PlanState, pricer: Pricer, op: dict[str, Any]) -> Delta:
    """Move units to a community (``to``), or to a new one (``to`` null)."""
    units = _units(state, op.get("units"))
    to = op.get("to")
    if to is not None:
        to = _community(state, to)
    sources = {state.assign[i] for i in units} - {UNASSIGNED}
    _not_locked(state, units, sources | ({to} if to else set()))
    units = [i for i in units if state.assign[i] != to]
    if not units:
        raise EditError(f"the units are already in {to}")
    target = to if to is not None else new_id(state, units[0])
    return reprice(state, pricer, {i: target for i in units})


def merge(state: PlanState, pricer: Pricer, op: dict[str, Any]) -> Delta:
    """Merge community ``b`` into ``a`` (a keeps its id and, if it can, its center)."""
    a, b = _community(state, op.get("a")), _community(state, op.get("b"))
    if a == b:
        raise EditError("choose two different communities to merge")
    units = sorted(state.members.get(b, ()))
    _not_locked(state, units, {a, b})
    return reprice(state, pricer, {i: a for i in units})


def split(state: PlanState, pricer: Pricer, op: dict[str, Any]) -> Delta:
    """Split a community: the given units (``units``) become a new community; without
    units, a disconnected community's parts each become one, and a connected one is cut
    in two parts of about equal households (the part with the center keeps the id)."""
    c = _community(state, op.get("community"))
    ms = sorted(state.members.get(c, ()))
    _not_locked(state, ms, {c})
    if op.get("units") is not None:
        units = _units(state, op.get("units"))
        outside = [state.scenario.unit_ids[i] for i in units if state.assign[i] != c]
        if outside:
            raise EditError(f"units {', '.join(outside[:5])} are not in {c}")
        if len(units) == len(ms):
            raise EditError("a split must leave some units in the community")
        return reprice(state, pricer, {i: new_id(state, units[0]) for i in units})
    if len(ms) < 2:
        raise EditError(f"{c} has one unit: nothing to split")
    center = state.scenario.unit_index.get(state.records[c].center, ms[0])
    parts = pricer.parts(ms)
    if len(parts) == 1:
        parts = pricer.halves(ms, center)
    keep = next((p for p in parts if center in p), parts[0])
    moves: dict[int, str] = {}
    taken: list[str] = []
    for p in parts:
        if p is keep:
            continue
        cid = new_id(state, p[0], taken)
        taken.append(cid)
        moves.update({i: cid for i in p})
    return reprice(state, pricer, moves)


def move_center(state: PlanState, pricer: Pricer, op: dict[str, Any]) -> Delta:
    """Put a community's center in another of its units (``unit``), on a given site
    (``site``: a site id of that unit, ``build`` or ``codevelop``), or the cheapest
    option there (``site`` null)."""
    c = _community(state, op.get("community"))
    if c in state.locks.communities or c in state.locks.centers:
        raise EditError(f"the center of {c} is locked: unlock it first")
    [unit] = _units(state, [op.get("unit")] if isinstance(op.get("unit"), str) else None,
                    "unit")
    ms = sorted(state.members.get(c, ()))
    if unit not in set(ms):
        raise EditError(f"unit {state.scenario.unit_ids[unit]} is not in {c}: a center "
                        "stands in one of its community's units (ONE-STATION)")
    used = _used_sites(state, pricer, state.records, c)
    site = op.get("site")
    if site is None:
        opts = pricer.options(ms, unit, used)
    elif site in ("build", "codevelop"):
        opts = [o for o in pricer.options(ms, unit, used, new_only=True) if o.remedy == site]
    elif isinstance(site, str) and pricer.site_index.get(site) in \
            state.scenario.sites_by_unit.get(unit, ()):
        opts = pricer.options(ms, unit, used, only_site=pricer.site_index[site])
    else:
        raise EditError(f"site {site!r} is not a site of unit {state.scenario.unit_ids[unit]}")
    if not opts:
        raise EditError(_no_option(state, pricer, ms, unit, site))
    return reprice(state, pricer, {}, forced={c: opts[0]})


def _no_option(state: PlanState, pricer: Pricer, ms: Sequence[int], unit: int,
               site: Any) -> str:
    s = state.scenario
    need = s.policy.required_area_m2(sum(pricer.hh[i] for i in ms))
    where = s.unit_ids[unit]
    if site == "build":
        return f"no new center may be built in {where} (no_build)"
    if site == "codevelop":
        return f"{where} is not a new development: no co-built rooms (NEWDEV-1500)"
    if isinstance(site, str):
        k = pricer.site_index[site]
        return (f"site {site} (today {float(s.sites.area_m2[k]):g} m², at most "
                f"{float(s.sites.max_area_m2[k]):g} m²) cannot give the {need:g} m² required, "
                "or another community already uses it")
    return f"no center can stand in {where}: no usable site, and building is not allowed"


def set_locks(state: PlanState, pricer: Pricer, op: dict[str, Any]) -> Delta:
    """Lock or unlock (``locked``) communities, units and centers."""
    locked = op.get("locked", True)
    if not isinstance(locked, bool):
        raise EditError("locked must be true or false")
    cur = state.locks
    new = {"communities": set(cur.communities), "units": set(cur.units),
           "centers": set(cur.centers)}
    for key in ("communities", "centers"):
        for c in op.get(key) or []:
            _community(state, c)
            (new[key].add if locked else new[key].discard)(c)
    if op.get("units"):
        for i in _units(state, op.get("units")):
            uid = state.scenario.unit_ids[i]
            (new["units"].add if locked else new["units"].discard)(uid)
    after = LockState(frozenset(new["communities"]), frozenset(new["units"]),
                      frozenset(new["centers"]))
    if after == cur:
        raise EditError("the locks are already so")
    return Delta(locks=(cur, after))


OPERATIONS = {"move": move, "merge": merge, "split": split, "center": move_center,
              "lock": set_locks}


def plan_edit(state: PlanState, pricer: Pricer, op: Any) -> Delta:
    """The delta of one edit request ``{"op": name, ...}``."""
    if not isinstance(op, dict) or op.get("op") not in OPERATIONS:
        raise EditError(f"unknown edit; one of {', '.join(OPERATIONS)}")
    if not state.has_plan and op["op"] != "lock":
        raise EditError("there is no plan to edit yet: solve the scenario or import a plan")
    return OPERATIONS[op["op"]](state, pricer, op)
