"""The baseline a planner could use today: spopt's MaxPHeuristic with the household floor.

Max-p regions (Duque, Anselin, Rey 2012; Wei, Rey, Knaap 2021) groups contiguous units
into as many regions as possible, each holding at least a floor of households. It has
no upper bound, no centers and no costs. We run it on the same units as the solver,
one (county, street, kind) connected component at a time (its weights object must be
connected), with the SIZE-* floor (2,000 urban / 1,000 rural) as the threshold and the
unit coordinates as the attributes (so regions are compact). Then we count the regions
that break the upper bound (3,000 / 1,500) or contiguity, give each region the
cheapest center of our cost model (priced exactly as the solver's plans are, with
:func:`optimizer.search.assemble.price`), and run the independent checker on the
resulting plan.

Components that cannot hold two regions (fewer than twice the floor, e.g. the island
village) or have one unit become a single region, with the diagnosis as exemption,
as the solver does.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
import time
import warnings
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.checker.checker import check
from optimizer.graph import components, diagnose
from optimizer.model.piece import piece_data
from optimizer.plan.model import Plan
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import Priced, communities, price, unit_order
from optimizer.search.attempt import Choice
from optimizer.status import Status

# spopt's defaults are 99 constructions and 10 simulated-annealing rounds per best
# construction; the annealing rounds cost ~3.5 s each on a 91-unit piece of the town, and
# with the defaults the town alone ran over 10 minutes. One round keeps the baseline in
# seconds to minutes; the constructions (which decide p) stay at spopt's default.
CONSTRUCTIONS = 10
SA_ITERATIONS = 1
# A component whose MaxP run exceeds this counts as failed (one region, as with p = 1).
COMPONENT_LIMIT_S = 120.0


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread of a POSIX process only)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal,
                                                                                 "setitimer"):
        yield
        return

    def _raise(*_: object) -> None:
        raise _Timeout(f"MaxP ran over {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Baseline:
    available: bool
    note: str = ""               # why it is unavailable, or what went wrong
    time_s: float = 0.0          # MaxP alone (not the pricing)
    regions: int = 0
    over_upper: int = 0          # regions above 3,000 urban / 1,500 rural households
    under_floor: int = 0         # regions below the floor (impossible pieces only)
    noncontiguous: int = 0
    failed_components: int = 0   # MaxP raised: the component became one region
    cost_yuan: float = math.nan  # same objective terms as the solver's plan
    check_passed: bool = False
    failed_rules: tuple[str, ...] = ()


def spopt_version() -> str | None:
    try:
        import libpysal  # noqa: F401
        import spopt
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        return None
    return str(getattr(spopt, "__version__", "?"))


def maxp_regions(scenario: Scenario, units: np.ndarray, floor: int, seed: int,
                 sa_iterations: int = SA_ITERATIONS) -> list[list[int]]:
    """MaxP regions (lists of global unit indices) of one connected component."""
    from libpysal.weights import W
    from spopt.region import MaxPHeuristic

    local = {int(u): k for k, u in enumerate(units)}
    nbrs = {k: [local[int(v)] for v in scenario.neighbours[int(u)] if int(v) in local]
            for k, u in enumerate(units)}
    frame = pd.DataFrame({"x": scenario.x[units] / 1000.0, "y": scenario.y[units] / 1000.0,
                          "households": scenario.households[units].astype(float)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = W(nbrs, silence_warnings=True)
        # spopt draws from numpy's global generator: seed it for a reproducible baseline
        # (this runs in the bench's own child process, never in library code).
        np.random.seed(seed)  # noqa: NPY002
        model = MaxPHeuristic(frame, w, ["x", "y"], "households", floor, top_n=2,
                              max_iterations_construction=CONSTRUCTIONS,
                              max_iterations_sa=sa_iterations, policy="keep")
        model.solve()
    labels = np.asarray(model.labels_)
    out: dict[int, list[int]] = {}
    for k, lab in enumerate(labels.tolist()):
        out.setdefault(int(lab), []).append(int(units[k]))
    return [out[lab] for lab in sorted(out)]


def connected(scenario: Scenario, members: list[int]) -> bool:
    inside = set(members)
    seen = {members[0]}
    todo = deque([members[0]])
    while todo:
        u = todo.popleft()
        for v in scenario.neighbours[u].tolist():
            if v in inside and v not in seen:
                seen.add(v)
                todo.append(v)
    return len(seen) == len(inside)


def cheapest_center(scenario: Scenario, members: list[int]) -> Priced:
    """The region's cheapest center over every unit and remedy (REMEDY, NEWDEV-1500)."""
    sites = scenario.sites
    owned = [s for u in members for s in scenario.sites_by_unit.get(u, ())
             if bool(sites.owned[s])]
    choices: list[Choice] = []
    mem = tuple(sorted(members))
    for u in mem:
        for s in scenario.sites_by_unit.get(u, ()):
            if bool(sites.owned[s]):
                choices += [Choice(u, mem, r, s, None) for r in ("keep", "renovate", "extend")]
            else:
                choices.append(Choice(u, mem, "purchase", s, None))
                if owned:
                    credit = max(owned, key=lambda o: (float(sites.area_m2[o]), -o))
                    choices.append(Choice(u, mem, "swap", s, credit))
        if not scenario.is_no_build(u):
            choices.append(Choice(u, mem, "build", None, None))
        if scenario.is_new_development(u):
            choices.append(Choice(u, mem, "codevelop", None, None))
    best: Priced | None = None
    for ch in choices:
        try:
            p = price(scenario, ch)
        except ValueError:   # that remedy cannot reach the required area on this site
            continue
        if best is None or p.objective_yuan < best.objective_yuan - 1e-9:
            best = p
    if best is None:
        raise ValueError(f"no center option in a region of {len(mem)} units")
    return best


def run_baseline(scenario: Scenario, seed: int = 0,
                 sa_iterations: int = SA_ITERATIONS) -> Baseline:
    """MaxP on every component, counted, priced and checked."""
    if spopt_version() is None:
        return Baseline(False, "spopt/libpysal not installed (pip install -r "
                               "bench/requirements.txt)")
    diag_units = {}
    for d in diagnose(scenario):
        for uid in d.units:
            diag_units[scenario.unit_index[uid]] = f"{d.rule}: {d.message}"
    rows: list[tuple[Priced, str, object]] = []
    maxp_s = 0.0
    over = under = broken = failed = 0
    for comp in components(scenario):
        data = piece_data(scenario, comp.key, comp.units)
        lo, hi = data.lo, data.hi
        if data.n == 1 or data.total < 2 * lo:
            # At most one region fits (and spopt's annealing never returns when p = 1).
            regions = [[int(u) for u in data.units]]
        else:
            t0 = time.perf_counter()
            try:
                with _time_limit(COMPONENT_LIMIT_S):
                    regions = maxp_regions(scenario, data.units, lo, seed, sa_iterations)
            except Exception:  # noqa: BLE001 - a baseline failure is a figure, not a crash
                failed += 1
                regions = [[int(u) for u in data.units]]
            maxp_s += time.perf_counter() - t0
        for members in regions:
            p = cheapest_center(scenario, members)
            over += p.households > hi
            under += p.households < lo
            broken += not connected(scenario, members)
            exempt = ""
            if not lo <= p.households <= hi:
                exempt = next((diag_units[u] for u in members if u in diag_units), "")
            rows.append((p, exempt, data))
    comms, unit_comm, unit_grid, shares = communities(scenario, rows)  # type: ignore[arg-type]
    cost = sum(p.objective_yuan for p, _, _ in rows)
    plan = Plan(scenario=scenario.name, unit_ids=scenario.unit_ids,
                community=unit_order(scenario, unit_comm), grid=unit_order(scenario, unit_grid),
                communities=tuple(comms), grid_shares=tuple(shares),
                status=Status.FEASIBLE, objective=round(cost, 2),
                summary={"scenario": scenario.name, "n_units": scenario.n_units,
                         "n_communities": len(comms),
                         "households": int(sum(c.households for c in comms)),
                         "total_capex_yuan": round(sum(c.capex_yuan for c in comms), 2),
                         "total_annual_cost_yuan": round(sum(c.annual_cost_yuan
                                                             for c in comms), 2)})
    report = check(scenario, plan)
    return Baseline(True, "", maxp_s, len(rows), over, under, broken, failed, cost,
                    report.passed, tuple(sorted(report.failed_rules())))
