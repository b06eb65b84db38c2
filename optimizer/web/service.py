"""The workbench server's state, without HTTP: workspaces, their working plans (kept
in memory, rebuilt from the journal after a restart), versions and jobs.

A change goes: prepare the delta on the in-memory workbench (nothing changes yet),
journal it with the revision check in one transaction, then apply it in memory. A
stale revision or a refused edit changes nothing. One lock per workspace orders the
changes of concurrent requests.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from optimizer.plan.model import Plan
from optimizer.scenario.model import Scenario
from optimizer.web.catalog import Catalog
from optimizer.web.jobs import JobRunner
from optimizer.web.store import Conflict, Store, WorkspaceRow
from optimizer.workbench import (
    Change,
    Delta,
    EditError,
    PlanState,
    Workbench,
    adopt_rest,
    empty_state,
    rest_scenario,
    state_from_plan,
    state_today,
)
from optimizer.workbench.convert import lock_problems
from optimizer.workbench.pricing import Pricer
from optimizer.workbench.scope import county_subset, merge_county

ALL = "*"
CACHE = 32          # working plans kept in memory


class NotFound(KeyError):
    """An id that names nothing (or nothing this planner may see)."""


class Forbidden(PermissionError):
    """An id of another county's workspace, or a unit outside the workspace's county."""


class Service:
    def __init__(self, data_dir: Path, scenarios_dir: Path | None, workers: int = 1) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.store = Store(data_dir / "workbench.sqlite3")
        self.interrupted = self.store.interrupt_running_jobs()
        self.catalog = Catalog(self.store, scenarios_dir)
        self.jobs = JobRunner(self.store)
        self.workers = max(1, workers)
        # Solves at once over all workspaces: one per core's worth of threads.
        self.max_jobs = max(1, (os.cpu_count() or 1) // self.workers)
        self._benches: OrderedDict[int, Workbench] = OrderedDict()
        self._locks: dict[int, threading.RLock] = {}
        self._guard = threading.Lock()
        self._maps: dict[str, tuple[bytes, bytes]] = {}
        self._pricers: dict[str, Pricer] = {}      # one per scenario: shared caches

    # --- workspaces ---------------------------------------------------------------
    def lock(self, ws: int) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(ws, threading.RLock())

    def workspace(self, ws: int) -> WorkspaceRow:
        row = self.store.workspace(ws)
        if row is None:
            raise NotFound(f"no workspace {ws}")
        return row

    def scenario_of(self, row: WorkspaceRow) -> Scenario:
        return self.catalog.scenario(row.scenario)

    def create_workspace(self, name: str, scenario_key: str, county: str, owner: str,
                         start: str) -> int:
        entry = self.catalog.entry(scenario_key)
        if entry is None:
            raise NotFound(f"no scenario {scenario_key!r}")
        if entry.problem:
            raise EditError(f"the scenario cannot be opened: {entry.problem}")
        if county != ALL and county not in entry.counties:
            raise Forbidden(f"the scenario has no unit in county {county}")
        s = self.catalog.scenario(scenario_key)
        if start == "today" and s.current_community is not None:
            state = state_today(s)
        else:
            state = empty_state(s)
        return self.store.create_workspace(name, scenario_key, county, owner, state.snapshot())

    def bench(self, ws: int) -> Workbench:
        """The workspace's working plan: from memory, or its base and journal replayed."""
        with self.lock(ws):
            wb = self._benches.get(ws)
            if wb is not None:
                self._benches.move_to_end(ws)
                return wb
            row = self.workspace(ws)
            s = self.scenario_of(row)
            state = PlanState.from_snapshot(s, self.store.base(ws))
            deltas = [Delta.from_json(json.loads(r["delta"])) for r in self.store.journal(ws)]
            for d in deltas[:row.cursor]:
                state.apply(d)
            with self._guard:
                pricer = self._pricers.setdefault(row.scenario, Pricer(s))
            wb = Workbench(s, state, done=deltas[:row.cursor],
                           undone=list(reversed(deltas[row.cursor:])), pricer=pricer)
            self._benches[ws] = wb
            # The size-exemption proofs (the components' diagnosis) take a few tenths of
            # a second on a county: made now, beside the first map, not on the first edit.
            threading.Thread(target=wb.pricer.warm, daemon=True).start()
            while len(self._benches) > CACHE:
                self._benches.popitem(last=False)
            return wb

    def _within_county(self, row: WorkspaceRow, wb: Workbench, delta: Delta) -> None:
        if row.county == ALL:
            return
        s = wb.scenario
        index = s.unit_index
        units = [u for u, _, _ in delta.units]
        units += [r.center for _, a, b in delta.records for r in (a, b) if r is not None]
        outside = sorted({u for u in units if u in index and s.county[index[u]] != row.county})
        if outside:
            raise Forbidden(f"unit {', '.join(outside[:5])} lies outside county {row.county}: "
                            "this workspace may change that county only")

    def change(self, ws: int, revision: int, user: str, kind: str,
               op: dict[str, Any] | None = None, state: PlanState | None = None
               ) -> tuple[Change, int]:
        """One journaled change: ``edit`` (op), ``load`` (state), ``undo`` or ``redo``."""
        with self.lock(ws):
            row = self.workspace(ws)
            if row.revision != revision:
                raise Conflict(row.revision, revision)
            wb = self.bench(ws)
            if kind == "edit":
                delta = wb.prepare_edit(op)
            elif kind == "load":
                assert state is not None
                delta = wb.prepare_load(state)
            elif kind == "undo":
                delta = wb.prepare_undo()
            else:
                delta = wb.prepare_redo()
            if kind in ("edit", "load"):
                self._within_county(row, wb, delta)
                new_rev = self.store.record_edit(ws, revision, len(wb.done), kind, op or {},
                                                 delta.to_json(), user)
            else:
                cursor = len(wb.done) + (-1 if kind == "undo" else 1)
                new_rev = self.store.move_cursor(ws, revision, cursor)
            try:
                change = wb.commit(delta, kind, op)
            except BaseException:           # memory and journal disagree: rebuild
                self._benches.pop(ws, None)
                raise
            return change, new_rev

    # --- versions -----------------------------------------------------------------
    def save_version(self, ws: int, label: str, source: str, user: str,
                     state: PlanState | None = None) -> int:
        with self.lock(ws):
            wb = self.bench(ws)
            if state is None:
                state = wb.state
                summary = wb.summary()
            else:
                summary = Workbench(wb.scenario, state.copy(), pricer=wb.pricer).summary()
            if not state.has_plan:
                raise EditError("there is no plan to save yet")
            return self.store.add_version(ws, label, source, state.snapshot(), summary, user)

    def state_of(self, ws: int, ref: str) -> PlanState:
        """``working``, ``today`` or a version number."""
        wb = self.bench(ws)
        if ref == "working":
            return wb.state.copy()
        if ref == "today":
            return state_today(wb.scenario)
        if not ref.isdigit():
            raise NotFound(f"no version {ref!r}")
        snap = self.store.version_snapshot(ws, int(ref))
        if snap is None:
            raise NotFound(f"no version {ref}")
        return PlanState.from_snapshot(wb.scenario, snap)

    def plan_of(self, ws: int, ref: str) -> tuple[Plan, Workbench]:
        wb = self.bench(ws)
        if ref == "working":
            return wb.plan(), wb
        other = Workbench(wb.scenario, self.state_of(ws, ref), pricer=wb.pricer)
        if not other.state.has_plan:
            raise EditError("that plan is empty")
        return other.plan(), other

    # --- jobs ---------------------------------------------------------------------
    def start_job(self, ws: int, kind: str, time_limit_s: float, user: str) -> int:
        """``solve`` the workspace's scenario (its county) or ``optimize`` the rest of
        the working plan around its locks; the result becomes a version."""
        row = self.workspace(ws)
        wb = self.bench(ws)
        active = [j for j in self.store.jobs(ws) if j["status"] in ("queued", "running")]
        if active:
            raise EditError(f"job {active[0]['id']} is still running in this workspace")
        busy = len(self.jobs.running())
        if busy >= self.max_jobs:
            raise EditError(f"the server runs {busy} solves already (its {os.cpu_count()} "
                            "cores are busy): start this one when one of them ends")
        s = wb.scenario
        if kind == "optimize":
            s = rest_scenario(s, wb.state)
            problems = lock_problems(s)
            if problems:
                raise EditError("the locks cannot hold: " + "; ".join(map(str, problems[:8])))
        if row.county != ALL:
            s = county_subset(s, row.county)
        params = {"time_limit_s": float(time_limit_s), "workers": self.workers, "seed": None}
        job = self.store.add_job(ws, kind, params, row.revision, user)
        before = wb.state.copy()

        def finish(job_id: int, plan: Plan | None, message: str) -> None:
            self._job_done(ws, job_id, kind, before, plan, message, user)

        self.jobs.start(job, s, params, finish)
        return job

    def _job_done(self, ws: int, job: int, kind: str, before: PlanState, plan: Plan | None,
                  message: str, user: str) -> None:
        cancelled = "cancel" in (self.store.job(job) or {"message": ""})["message"]
        if plan is None:
            self.store.update_job(job, status="failed", message=message)
            return
        try:
            row = self.workspace(ws)
            wb = self.bench(ws)
            sub = plan.unit_ids != wb.scenario.unit_ids
            part_s = county_subset(wb.scenario, row.county) if sub else wb.scenario
            solved = state_from_plan(part_s, plan, kind)
            if sub:
                solved = merge_county(before, solved, row.county)
            if kind == "optimize":
                solved = adopt_rest(before, solved)
            if kind == "optimize" or sub:        # the bound is the locked/part problem's
                solved = PlanState(solved.scenario, solved.assign, solved.records,
                                   solved.locks, _meta_without_bound(solved))
            s = plan.summary
            label = (f"{'optimize the rest' if kind == 'optimize' else 'solve'}: "
                     f"{plan.status}, gap {100 * float(plan.gap or 0):.2f}%")
            number = self.save_version(ws, label, kind, user, solved)
            note = f"cancelled; best plan kept as version {number}" if cancelled else \
                f"version {number}"
            with self.lock(ws):
                row = self.workspace(ws)
                job_row = self.store.job(job)
                if job_row is not None and row.revision == job_row["base_revision"]:
                    try:
                        self.change(ws, row.revision, user, "load", {"op": "open",
                                                                      "version": number},
                                    solved)
                        note += ", opened"
                    except EditError:
                        pass
                else:
                    note += "; the working plan changed meanwhile: open it from the versions"
            self.store.update_job(job, status="cancelled" if cancelled else "done",
                                  version=number, message=note,
                                  progress={"objective": plan.objective,
                                            "bound": plan.bound, "gap": plan.gap,
                                            "elapsed_s": s.get("solve_time_s"),
                                            "status": plan.status.value})
        except Exception as exc:     # never lose the job's end silently
            self.store.update_job(job, status="failed", message=f"{type(exc).__name__}: {exc}")

    def map_json(self, row: WorkspaceRow) -> tuple[bytes, bytes]:
        """The scenario's map layers as JSON, plain and gzipped (built once)."""
        import gzip

        from optimizer.web.geo import map_json

        with self._guard:
            cached = self._maps.get(row.scenario)
        if cached is None:
            plain = map_json(self.scenario_of(row))
            cached = (plain, gzip.compress(plain, 6))
            with self._guard:
                self._maps[row.scenario] = cached
        return cached

    def close(self) -> None:
        self.jobs.shutdown()


def _meta_without_bound(state: PlanState) -> Any:
    from optimizer.workbench import Meta

    m = state.meta
    return Meta(m.source, m.status, None, None, m.solve_time_s, m.seed)
