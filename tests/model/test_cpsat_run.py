"""optimizer.model.cpsat_run: one CP-SAT solve under the stop flag."""

from __future__ import annotations

from ortools.sat.python import cp_model

from optimizer.model.cpsat_run import run_cpsat
from optimizer.status import Status


class Flag:
    """Records what the solve attached (the search's StopFlag attaches the solver so
    Ctrl-C and the clock can stop it, and detaches it after)."""

    def __init__(self) -> None:
        self.seen: list[object] = []

    def is_set(self) -> bool:
        return False

    def attach(self, solver: cp_model.CpSolver | None) -> None:
        self.seen.append(solver)


def _model() -> tuple[cp_model.CpModel, cp_model.IntVar]:
    m = cp_model.CpModel()
    x = m.new_int_var(0, 10, "x")
    m.add(x >= 3)
    m.minimize(x)
    return m, x


def test_solves_and_detaches_the_stop_flag() -> None:
    m, x = _model()
    flag = Flag()
    ran = run_cpsat(m, seed=7, time_s=5.0, deterministic=True, stop=flag)
    assert ran.status == Status.OPTIMAL
    assert ran.solver.value(x) == 3 and ran.solver.best_objective_bound == 3
    assert ran.used_s >= 0.0
    assert flag.seen == [ran.solver, None]
    assert ran.solver.parameters.num_workers == 1
    assert ran.solver.parameters.max_deterministic_time == 5.0


def test_wall_time_when_not_deterministic() -> None:
    m, _ = _model()
    ran = run_cpsat(m, seed=7, time_s=2.5, deterministic=False, stop=Flag())
    assert ran.solver.parameters.max_time_in_seconds == 2.5
    assert ran.status == Status.OPTIMAL
