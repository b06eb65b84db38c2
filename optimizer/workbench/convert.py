"""Working plans from elsewhere and back: today's communities, a solved or imported
Plan (assignment CSVs: :mod:`optimizer.workbench.assignment`); and the locks of
:mod:`optimizer.graph.locks` for "optimize the rest".
"""

from __future__ import annotations

from typing import Any

from optimizer.errors import Problem
from optimizer.plan.model import Plan
from optimizer.report.compare import current_plan
from optimizer.scenario.model import Scenario
from optimizer.workbench.assignment import problems_text
from optimizer.workbench.edits import new_id
from optimizer.workbench.records import EditError, LockState, Meta, Record
from optimizer.workbench.state import UNASSIGNED, PlanState


def empty_state(scenario: Scenario) -> PlanState:
    """No plan yet: every unit unassigned (solve or import one)."""
    return PlanState(scenario, [UNASSIGNED] * scenario.n_units, {}, meta=Meta("empty"))


def state_from_plan(scenario: Scenario, plan: Plan, source: str = "solve") -> PlanState:
    """A Plan (solved, or read from a plan folder) as a working plan. Its records keep
    the plan's centers and remedies; the checker judges them as they are."""
    index = scenario.unit_index
    problems: list[str] = []
    assign = [UNASSIGNED] * scenario.n_units
    for u, c in zip(plan.unit_ids, plan.community, strict=False):
        i = index.get(u)
        if i is None:
            problems.append(f"unit {u} is not in the scenario")
        elif assign[i] != UNASSIGNED:
            problems.append(f"unit {u} is assigned twice")
        elif not c:
            problems.append(f"unit {u} has no community")
        else:
            assign[i] = c
    missing = [scenario.unit_ids[i] for i, c in enumerate(assign) if c == UNASSIGNED]
    if missing and not problems:
        problems.append(f"{len(missing)} units of the scenario are not assigned: "
                        f"{', '.join(missing[:5])}")
    records: dict[str, Record] = {}
    for com in plan.communities:
        if com.site_unit_id not in index:
            problems.append(f"community {com.community_id}: center unit {com.site_unit_id!r} "
                            "is not in the scenario")
        records[com.community_id] = Record(com.community_id, com.site_unit_id, com.site_id,
                                           com.remedy, com.swap_site_id, com.exemption)
    for c in sorted(set(assign) - set(records) - {UNASSIGNED}):
        problems.append(f"community {c} has units but no row in communities.csv")
    if problems:
        raise EditError("the plan does not fit this scenario: " + problems_text(problems))
    s = plan.summary

    def num(key: str) -> float | None:
        v = s.get(key)
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    seed = s.get("seed")
    meta = Meta(source, str(s.get("status", "UNKNOWN")), num("objective"), num("bound"),
                num("solve_time_s") or 0.0, seed if isinstance(seed, int) else None)
    return PlanState(scenario, assign, records, meta=meta)


def state_today(scenario: Scenario) -> PlanState:
    """Today's communities (``current_community``) as they stand: each keeps its
    largest owned site as it is (see :func:`optimizer.report.compare.current_plan`)."""
    if scenario.current_community is None:
        raise EditError("the scenario has no current_community: solve it or import a plan")
    state = state_from_plan(scenario, current_plan(scenario), "today")
    return PlanState(scenario, state.assign, state.records, meta=Meta("today"))


# --- optimize the rest ------------------------------------------------------------------
def rest_scenario(scenario: Scenario, state: PlanState) -> Scenario:
    """The scenario to re-solve for "optimize the rest": today's communities are the
    working plan's (so the minimal-change term keeps what is not locked close to it),
    locked communities are kept (``keep_communities``), a locked unit stays with its
    community's center unit (``pin_center``), and a pinned center stays in its unit on
    its site (``pin_center`` to itself, ``force_sites``). The scenario's own locks other
    than ``keep_communities`` (which name today's communities) still apply."""
    if not state.has_plan:
        raise EditError("there is no plan to keep anything of: solve the scenario first")
    locks: dict[str, Any] = {k: v for k, v in (scenario.locks or {}).items()
                             if k != "keep_communities"}
    index = scenario.unit_index
    pins: dict[str, str] = dict(locks.get("pin_center", {}))
    force: list[str] = list(locks.get("force_sites", []))
    for u in sorted(state.locks.units):
        c = state.assign[index[u]] if u in index else UNASSIGNED
        if c != UNASSIGNED and c not in state.locks.communities:
            pins[u] = state.records[c].center
    for c in sorted(state.locks.centers):
        rec = state.records.get(c)
        if rec is None or c in state.locks.communities:
            continue
        pins[rec.center] = rec.center
        if rec.site and rec.site not in force:
            force.append(rec.site)
    keep = sorted(c for c in state.locks.communities if c in state.records)
    if keep:
        locks["keep_communities"] = keep
    if pins:
        locks["pin_center"] = pins
    if force:
        locks["force_sites"] = force
    current: tuple[str | None, ...] = tuple(c or None for c in state.assign)
    return scenario.replace(current_community=current, locks=locks)


def lock_problems(scenario: Scenario) -> list[Problem]:
    """The problems parse_locks finds in a rest scenario's locks (empty when none)."""
    from optimizer.errors import LockError
    from optimizer.graph.locks import parse_locks

    try:
        parse_locks(scenario)
    except LockError as exc:
        return list(exc.problems)
    return []


def adopt_rest(before: PlanState, solved: PlanState, source: str = "optimize") -> PlanState:
    """The re-solved plan with the kept communities under their own ids (and their
    locks), every other id renamed where it would clash with a kept one."""
    s = before.scenario
    index = s.unit_index
    rename: dict[str, str] = {}
    for c in sorted(before.locks.communities):
        units = before.members.get(c, set())
        if not units:
            continue
        got = {solved.assign[i] for i in units}
        if len(got) == 1:
            new = got.pop()
            if solved.members.get(new, set()) == units:
                rename[new] = c
    kept = set(rename.values())
    records: dict[str, Record] = {}
    taken: list[str] = []
    for c in sorted(solved.records):
        final = rename.get(c)
        if final is None:
            final = c
            if c in kept or c in taken:
                unit = index[solved.records[c].center]
                final = new_id(solved, unit, [*kept, *taken, *solved.records])
        taken.append(final)
        rename[c] = final
        r = solved.records[c]
        records[final] = Record(final, r.center, r.site, r.remedy, r.credit_site, r.exemption)
    assign = [rename.get(c, c) for c in solved.assign]
    live = set(records)
    by_center = {r.center: c for c, r in sorted(records.items())}
    centers = {by_center[before.records[c].center] for c in before.locks.centers
               if c in before.records and before.records[c].center in by_center}
    locks = LockState(frozenset(c for c in before.locks.communities if c in live),
                      before.locks.units, frozenset(centers))
    meta = Meta(source, solved.meta.status, solved.meta.objective, solved.meta.bound,
                solved.meta.solve_time_s, solved.meta.seed)
    return PlanState(s, assign, records, locks, meta)
