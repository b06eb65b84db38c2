"""``solve(scenario) -> Plan``: decompose, solve the pieces, assemble, never a bare
INFEASIBLE.

Each (county, street, kind) connected component is independent (a site stands in
one unit, a unit in one component), so pieces are solved separately
(:mod:`optimizer.search.piece`), in parallel worker processes when more than one
core is given. Each piece's time is a fixed share of the limit by its size and each
carries its own seed, so the plan does not depend on which process ran what.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from optimizer.errors import SolveError
from optimizer.graph import Component, Diagnosis, components, diagnose
from optimizer.graph.center import centerless
from optimizer.graph.locks import parse_locks
from optimizer.plan import Plan
from optimizer.plan.exemption import Exemption
from optimizer.progress import Progress, ProgressEvent
from optimizer.rules.limits import check_solve_args
from optimizer.rules.solver import SolverParams
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import cut_edges_yuan, price
from optimizer.search.checkpoint import Checkpoint
from optimizer.search.clock import DET_PER_S, assembly_reserve_s
from optimizer.search.dispatch import run_pieces, warm_pool
from optimizer.search.executors import Executor, InProcessExecutor, LocalPoolExecutor
from optimizer.search.piece import HURRY_LAG_S, PieceResult, PieceTask
from optimizer.search.signals import stop_on_signals
from optimizer.search.stop import StopFlag
from optimizer.search.summary import build_plan

HURRY_MIN_S = 0.5   # the least a stopped piece's Lagrangian floor gets under short limits


def solve(scenario: Scenario, params: SolverParams | None = None, *,
          time_limit_s: float | None = None, workers: int | None = None,
          seed: int | None = None, progress: Progress | None = None,
          checkpoint: str | Path | None = None, executor: Executor | None = None,
          memory_gb: float | None = None, stop: StopFlag | None = None,
          ends_by: float | None = None, reuse: Mapping[int, PieceResult] | None = None,
          results_out: dict[int, PieceResult] | None = None,
          diagnoses: Sequence[Diagnosis] | None = None) -> Plan:
    """The cheapest plan found for ``scenario`` within about ``time_limit_s`` seconds.

    ``params``: the search settings (:class:`~optimizer.rules.solver.SolverParams`,
    e.g. ``SolverParams.from_file``) in place of the scenario's own ``[solver]``; the
    keyword arguments ``time_limit_s``, ``workers`` and ``seed`` override either.

    The limit is kept on the clock (from this call to the plan returned), whatever
    the number of workers (:mod:`optimizer.search.clock`). ``workers``: cores to use
    (0 = all). With one worker the search is deterministic: the same scenario and
    seed give the same plan (budgets count the solver's deterministic time, handed
    on from piece to piece in a fixed order); only where the clock had to stop a
    piece first may the plan differ (``clock_stopped`` in the summary). With more,
    budgets are wall-clock. Ctrl-C (SIGINT) or SIGTERM stops the search:
    finished pieces keep their plan, the rest get their first feasible plan, and the
    whole plan is returned. ``checkpoint``: a folder where each finished piece is
    written at once; pieces already there (same scenario, piece and seed) are reused,
    so a killed solve resumes where it stopped. ``executor``: where the pieces run
    (:mod:`optimizer.search.executors`; default: this process for one worker, else a local
    process pool). With ``workers=1`` every executor returns the same plan; otherwise
    as many pieces run at once as the executor has slots. Ctrl-C on a Dask executor
    reaches running pieces within about a second through a ``distributed.Event``
    (best effort: a worker cut off from the scheduler finishes its own budget).
    ``memory_gb``: a budget for the executor made here (:mod:`optimizer.search.memory`: fewer
    pool processes, and a piece past its share takes the lighter path; not
    deterministic then). ``stop``: a flag of the caller's that stops this solve like
    Ctrl-C does (a sweep passes its own). ``ends_by``: a ``time.perf_counter()``
    by which the plan must be back, when that is sooner than the limit from this call
    (the command line: its process's start plus the limit, less checking and writing);
    only the clock moves, deterministic budgets still count the whole limit.
    ``reuse``: pieces (by index) of an earlier solve of this same scenario and seed
    kept as they are, not solved again, so the limit goes to the rest (a [budget]'s
    second solve at cost: :mod:`optimizer.search.budgeted`). ``results_out``: filled
    with every piece's result, by index. ``diagnoses``: ``diagnose(scenario)`` when the
    caller has it already (a [budget]'s candidates differ in prices only, which the
    diagnosis does not read: 1.9-4.5 s each on wild 296 and 317 at load 9).
    """
    t0 = time.perf_counter()
    if params is not None:
        scenario = dataclasses.replace(scenario, solver=params)
    params = scenario.solver
    limit = params.time_limit_s if time_limit_s is None else time_limit_s
    n_workers = params.workers if workers is None else workers
    seed = params.seed if seed is None else seed
    check_solve_args(limit, n_workers, seed, memory_gb)
    limit, n_workers, seed = float(limit), int(n_workers), int(seed)
    if n_workers == 0:
        n_workers = os.cpu_count() or 1
    comps = components(scenario)
    if not comps:
        raise SolveError("the scenario has no units to plan")
    warm = None
    if executor is None and not memory_gb and n_workers > 1 and len(comps) > 1 \
            and (reuse is None or len(reuse) < len(comps)):
        # The pool's workers start now, beside the diagnosis: their start (imports, the
        # scenario) came off every piece's clock (dispatch.warm_pool). Ended on every
        # way out below (an error, Ctrl-C, every piece from the checkpoint).
        warm = executor = warm_pool(scenario, min(n_workers, len(comps)))
    try:
        diag_of, center_of = _diagnoses_by_component(scenario, comps, diagnoses)
        locks = parse_locks(scenario)
        site_unit = {s: int(u) for s, u in enumerate(scenario.sites.unit.tolist())}
        procs = max(1, min(n_workers, len(comps)))
        threads = max(1, n_workers // procs)
        if executor is None and memory_gb:
            executor = InProcessExecutor(memory_gb) if procs <= 1 or n_workers == 1 \
                else LocalPoolExecutor(procs, memory_gb)
        if executor is not None and executor is not warm and n_workers != 1:
            procs, threads = max(1, min(executor.slots, len(comps))), 1
        # A piece's share of the time follows what is at stake (its cost grows with its
        # households) and, more slowly, how hard it is (its units). By units^1.5 alone a
        # 62-compound urban street of 39,000 households (12.5 M yuan) got 5 s of the city's
        # 7,200 core-seconds against 53 s for a 301-village town of 10,000 (2.8 M): the
        # 146 urban pieces used 72 s and left 54 M of the 145 M yuan gap (last city run).
        weights = [(float(c.households) + 1.0) * float(max(len(c.units), 30)) ** 0.5
                   for c in comps]
        total_w = sum(weights)
        # A stopped piece's floor gets at most half the keep-back (the rest: its first plan,
        # the later pieces' first plans, assembling), at least HURRY_MIN_S: 1 s from a 50-s
        # limit on, 0.5 s below 25 s. At 0.2 s (10 s) a 250-village town's floor lost
        # 0.26 M yuan (3 points of gap, bench/JOURNAL.md "The time limit at the command line").
        hurry = min(HURRY_LAG_S, max(HURRY_MIN_S, 0.5 * assembly_reserve_s(limit)))
        tasks = [PieceTask(index=k, key=c.key, units=c.units, diagnosis=diag_of.get(k),
                           budget_s=limit * procs * weights[k] / total_w, seed=seed + k,
                           threads=threads, deterministic=n_workers == 1, hurry_s=hurry,
                           locks=locks.for_piece(set(c.units.tolist()), c.key[1], site_unit)
                           if locks else None,
                           **_stand_ins(scenario, c, diag_of.get(k), center_of.get(k)))
                 for k, c in enumerate(comps)]
        stop = stop if stop is not None else StopFlag()
        # The clock's end: the limit from this call, or the caller's own end when sooner
        # (what ran before solve, e.g. the process's start, is the caller's to count).
        deadline = min(t0 + limit, ends_by if ends_by is not None else math.inf) \
            - assembly_reserve_s(limit)
        results: dict[int, PieceResult] = {}
        objective = bound = 0.0

        def done(res: PieceResult) -> None:
            nonlocal objective, bound
            results[res.index] = res
            obj = sum(price(scenario, ch).objective_yuan for ch in res.choices) \
                + cut_edges_yuan(scenario, res.choices)
            objective += obj
            bound += min(obj, res.bound)
            if progress is not None:
                progress(ProgressEvent(len(results), len(tasks), objective, bound,
                                       time.perf_counter() - t0, " / ".join(res_key(res))))

        def res_key(res: PieceResult) -> tuple[str, str, str]:
            return tasks[res.index].key

        kept = [reuse[t.index] for t in tasks if reuse is not None and t.index in reuse]
        todo = [t for t in tasks if reuse is None or t.index not in reuse]
        if checkpoint is not None:
            store = Checkpoint(checkpoint, scenario)
            fresh, todo = todo, []
            for task in fresh:
                old = store.load(task)
                if old is None:
                    todo.append(task)
                else:
                    done(old)
            record = done

            def done(res: PieceResult) -> None:  # noqa: F811  (record, then report)
                if not stop.is_set():           # a piece hurried by Ctrl-C is not final
                    store.save(tasks[res.index], res)
                record(res)

        for res in kept:
            done(res)
        # The keep-back is for stopped pieces to return: a solve begun after its piece's
        # stop may use it (bench/wild.py seed 172: its plan at its second hurried count).
        with stop_on_signals(stop):
            run_pieces(scenario, todo, procs, stop, done, deadline=deadline, executor=executor,
                       run_end=deadline + assembly_reserve_s(limit),
                       # a checkpoint's pieces spent this limit; kept ones an earlier solve's
                       det_budget=limit * DET_PER_S - sum(
                           r.used_s for k, r in results.items() if reuse is None or k not in reuse)
                       if n_workers == 1 else None)
    finally:
        if warm is not None:
            warm.close()     # a no-op once run_pieces took the pool
    ordered = [results[k] for k in range(len(tasks))]
    if results_out is not None:
        results_out.update(results)
    plan = build_plan(scenario, tasks, ordered, time.perf_counter() - t0, seed, n_workers,
                      limit, stop.is_set())
    plan = _noted(plan, store.notes if checkpoint is not None else [])
    # The search time as the caller sees it: assembling (naming, grids) is part of it.
    return dataclasses.replace(plan, summary={
        **plan.summary, "solve_time_s": round(time.perf_counter() - t0, 3)})


def _noted(plan: Plan, notes: list[str]) -> Plan:
    """The plan with the checkpoint's notes (pieces ignored or not kept) in its summary."""
    if not notes:
        return plan
    summary = {**plan.summary, "notes": [*plan.summary.get("notes", []), *notes]}
    return dataclasses.replace(plan, summary=summary)


def _diagnoses_by_component(scenario: Scenario, comps: list[Component],
                            diagnoses: Sequence[Diagnosis] | None = None
                            ) -> tuple[dict[int, Diagnosis], dict[int, Diagnosis]]:
    """Per component: its first size diagnosis (the piece goes to the soft model), and
    its no-center one (ONE-STATION: stand-in centers, :func:`_stand_ins`); from
    ``diagnoses`` when given (``diagnose(scenario)``), else diagnosed here."""
    where = {}
    for idx, c in enumerate(comps):
        for u in c.units.tolist():
            where[scenario.unit_ids[u]] = idx
    size: dict[int, Diagnosis] = {}
    center: dict[int, Diagnosis] = {}
    for d in diagnose(scenario) if diagnoses is None else diagnoses:
        for uid in d.units:
            if uid in where:
                (center if d.reason == "no-center" else size).setdefault(where[uid], d)
                break
    return size, center


def size_diagnosed(scenario: Scenario, comps: list[Component],
                   diagnoses: Sequence[Diagnosis] | None = None) -> dict[int, Diagnosis]:
    """Per component (by index) with one: its first size diagnosis, which sends its
    piece to the soft model or the oversized path (:mod:`optimizer.search.piece`)."""
    return _diagnoses_by_component(scenario, comps, diagnoses)[0]


def _stand_ins(scenario: Scenario, comp: Component, size: Diagnosis | None,
               center: Diagnosis | None) -> dict[str, Any]:
    """Where a piece with no place for some center (ONE-STATION) may have a new build
    stand in although no_build forbids it, and the exemption those communities carry.

    Within the bounds (no size diagnosis): the units no community of L..U households
    holding them can give a center; every community holding one needs a stand-in,
    and a community centred in one holds one. In a piece the soft model solves (sizes
    broken): only the units no community of any size can give a center, so that a
    community that could have a legal center by breaking the bounds gets it."""
    if center is None:
        return {}
    lo, hi = scenario.policy.bounds(comp.urban)
    found = centerless(scenario, comp.units.tolist(), lo, hi)
    if size is not None and size.reason == "unit-above-max":
        size = None     # only the oversized units' communities break the bounds
    units = found.at_any_size if size is not None \
        else tuple(sorted(set(found.within_bounds) | set(found.at_any_size)))
    if not units:
        return {}
    # The words common to the communities centred in a stand-in; each names its own
    # center's unit (optimizer.search.piece_common.stand_in_reason).
    record = center.record or Exemption.of_text(f"ONE-STATION: {center.message}")
    return {"stand_ins": tuple(units),
            "center_reason": dataclasses.replace(record, text=f"ONE-STATION: {center.message}")}
