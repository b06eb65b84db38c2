"""The editing core: a working plan, its edits, undo and redo, and what they change.

``Workbench`` holds the state, the pricer and the live check. Each change goes in two
steps so that a caller that persists it (the web server's journal) can refuse it
before anything changes: ``prepare_*`` returns the Delta, ``commit`` applies it and
re-checks what it touched. Undo applies the inverse of the last delta; redo the last
undone one; a new edit after an undo drops what could have been redone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from optimizer.plan.compliance import ComplianceReport
from optimizer.plan.model import Plan
from optimizer.scenario.model import Scenario
from optimizer.workbench.edits import plan_edit
from optimizer.workbench.live import LiveCheck
from optimizer.workbench.pricing import Pricer
from optimizer.workbench.records import EditError
from optimizer.workbench.state import Delta, PlanState


@dataclass(frozen=True)
class Change:
    """What one commit did: the delta and the communities re-checked."""

    delta: Delta
    touched: frozenset[str]
    rechecked: frozenset[str]
    kind: str = "edit"             # edit | undo | redo | load
    op: dict[str, Any] = field(default_factory=dict)


class Workbench:
    """One working plan of one scenario."""

    def __init__(self, scenario: Scenario, state: PlanState, *,
                 done: list[Delta] | None = None, undone: list[Delta] | None = None,
                 pricer: Pricer | None = None) -> None:
        self.scenario = scenario
        self.state = state
        self.pricer = pricer or Pricer(scenario)
        self.live = LiveCheck(scenario, state, self.pricer)
        self.done: list[Delta] = list(done or [])
        self.undone: list[Delta] = list(undone or [])   # last undone at the end

    # --- preparing ----------------------------------------------------------------
    def prepare_edit(self, op: Any) -> Delta:
        delta = plan_edit(self.state, self.pricer, op)
        if not delta:
            raise EditError("the edit changes nothing")
        return delta

    def prepare_load(self, other: PlanState) -> Delta:
        """The delta that replaces the working plan by ``other`` (open a version)."""
        if other.scenario is not self.scenario and other.scenario.unit_ids != \
                self.scenario.unit_ids:
            raise EditError("that plan belongs to another scenario")
        delta = self.state.replace_delta(other)
        if not delta:
            raise EditError("the working plan is already this plan")
        return delta

    def prepare_undo(self) -> Delta:
        if not self.done:
            raise EditError("nothing to undo")
        return self.done[-1].inverse()

    def prepare_redo(self) -> Delta:
        if not self.undone:
            raise EditError("nothing to redo")
        return self.undone[-1]

    # --- committing -----------------------------------------------------------------
    def commit(self, delta: Delta, kind: str = "edit", op: dict[str, Any] | None = None
               ) -> Change:
        """Apply a prepared delta (kind ``edit``/``load``, ``undo`` or ``redo``)."""
        touched = self.state.apply(delta)
        rechecked = self.live.update(touched)
        if kind == "undo":
            self.undone.append(self.done.pop())
        elif kind == "redo":
            self.done.append(self.undone.pop())
        else:
            self.done.append(delta)
            self.undone.clear()
        return Change(delta, frozenset(touched), frozenset(rechecked), kind, op or {})

    def edit(self, op: dict[str, Any]) -> Change:
        return self.commit(self.prepare_edit(op), "edit", op)

    def load(self, other: PlanState) -> Change:
        return self.commit(self.prepare_load(other), "load")

    def undo(self) -> Change:
        return self.commit(self.prepare_undo(), "undo")

    def redo(self) -> Change:
        return self.commit(self.prepare_redo(), "redo")

    # --- views ------------------------------------------------------------------------
    def report(self) -> ComplianceReport:
        return self.live.report()

    def summary(self) -> dict[str, Any]:
        return self.live.summary()

    def plan(self) -> Plan:
        """The working plan as a Plan (the plan folder of CONTRACT.md)."""
        report = self.live.report()
        return self.live.plan(self.live.summary(report))
