"""The planner's workbench core: a working plan, edits, undo/redo, live pricing and
checking (no HTTP here; :mod:`optimizer.web` serves it)."""

from optimizer.workbench.assignment import (
    merge_assignment,
    read_assignment_csv,
    state_from_assignment,
)
from optimizer.workbench.convert import (
    adopt_rest,
    empty_state,
    rest_scenario,
    state_from_plan,
    state_today,
)
from optimizer.workbench.core import Change, Workbench
from optimizer.workbench.records import EditError, LockState, Meta, Record
from optimizer.workbench.state import Delta, PlanState

__all__ = ["Change", "Delta", "EditError", "LockState", "Meta", "PlanState", "Record",
           "Workbench", "adopt_rest", "empty_state", "merge_assignment", "read_assignment_csv",
           "rest_scenario", "state_from_assignment", "state_from_plan", "state_today"]
