"""How far is `solve` under a [budget] (boundaries with capital priced, then phased:
sequential) from the joint optimum of boundaries, centers, remedies and years?

    .venv/bin/python bench/phasing_joint.py [--seeds 1-6] [--sizes 12,16]
        [--fractions 0.25,0.5,0.75,1.0] [--carry no,yes] [--time-limit 20]
        [--joint-limit 60] [--out bench/results/phasing_joint.csv]

Cases: ``generate --preset big-street --size N --option villages=0 --option seat=0``
(one urban street of N compounds, its sites and a new development), small enough that
every connected community can be listed. Each gets a budget of ``fraction`` × the
capital of its plan without a budget, split equally over 2013-2015, without and with
carry-over (``--carry``).

- sequential: ``optimizer.solve`` (:mod:`optimizer.search.budgeted`), one worker;
- at cost: its first candidate, the plan solved without pricing capital, phased;
- joint: one CP-SAT model per possible number of communities n: every connected group
  of units within the household bounds, every center option of each (``solve``'s, as
  ``optimizer.model.precedence.allowed`` admits them: a group holding a new development
  only co-built rooms, NEWDEV-FIRST; priced exactly by
  ``optimizer.search.assemble.price``), the year of its works (or none by 2015)
  within each year's budget; first the most communities meeting the standard by 2015
  up to ceil(0.95 n), then the least annual cost; the best n by the share up to 95%,
  then the cost. This is the comparator ``solve`` uses (``plan_key``), proven per n.

Written: the CSV, and beside it a .json with the machine, the command and the commit.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `optimizer` importable
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from ortools.sat.python import cp_model  # noqa: E402

from bench.machine import machine_info  # noqa: E402
from optimizer.graph import components  # noqa: E402
from optimizer.model.options import unit_options  # noqa: E402
from optimizer.model.piece import piece_data  # noqa: E402
from optimizer.model.precedence import allowed  # noqa: E402
from optimizer.scenario.load import load_scenario  # noqa: E402
from optimizer.scenario.model import Scenario  # noqa: E402
from optimizer.search import driver, solve  # noqa: E402
from optimizer.search.assemble import price  # noqa: E402
from optimizer.search.attempt import Choice  # noqa: E402
from optimizer.search.columns import connected_groups  # noqa: E402
from optimizer.synth import generate  # noqa: E402

YEARS = (2013, 2014, 2015)


def options(s: Scenario, members: tuple[int, ...]) -> list[tuple[float, float]]:
    """(annual objective, capital) of every way to give this group its center that the
    rules allow: the options ``solve`` has (``optimizer.model.options.unit_options``),
    as far as the rooms that come first allow them (``optimizer.model.precedence.
    allowed``: NEWDEV-FIRST, a group holding a new development takes the co-built rooms;
    PIPELINE, rooms coming are its center), a swap with any owned site of the group."""
    out = []
    owned = [k for u in members for k in s.sites_by_unit.get(u, ()) if bool(s.sites.owned[k])]
    for u in members:
        for spec in allowed(s, members, unit_options(s, u)):
            for credit in (owned if spec.swap else [None]):
                try:
                    p = price(s, Choice(u, members, spec.remedy, spec.site, credit))
                except ValueError:      # the remedy cannot give this site the area
                    continue
                out.append((p.objective_yuan, p.capex_yuan))
    return out


def joint(s: Scenario, budget: list[float], carry: bool, limit_s: float) -> dict[str, Any]:
    """The joint optimum (see the module), over every possible number of communities."""
    groups: list[tuple[int, ...]] = []
    least = most = 0
    for comp in components(s):          # every piece of the case, one budget for all
        data = piece_data(s, comp.key, comp.units)
        listed = connected_groups(data)
        assert listed is not None, "too many groups to list"
        groups += [tuple(int(data.units[i]) for i in g) for g in listed[0]]
        total = int(data.households.sum())
        least += math.ceil(total / data.hi)
        most += total // data.lo
    opts = {g: options(s, g) for g in groups}
    best: dict[str, Any] | None = None
    t0 = time.perf_counter()
    proven = True
    for n in range(least, most + 1):
        m = cp_model.CpModel()
        cover: dict[int, list[cp_model.IntVar]] = {}
        ys, met, cost = [], [], []
        spend: list[list[tuple[cp_model.IntVar, int]]] = [[] for _ in YEARS]
        for g in groups:
            for k, (obj, capex) in enumerate(opts[g]):
                y = m.new_bool_var(f"y{g}_{k}")
                ys.append(y)
                cost.append((y, int(round(obj))))
                for u in g:
                    cover.setdefault(u, []).append(y)
                if capex <= 0:
                    met.append(y)
                    continue
                xs = [m.new_bool_var(f"x{g}_{k}_{t}") for t in range(len(YEARS))]
                m.add(sum(xs) <= y)
                met += xs
                for t, x in enumerate(xs):
                    spend[t].append((x, int(math.ceil(capex - 1e-6))))
        for u in range(s.n_units):
            m.add_exactly_one(cover.get(u, []))
        m.add(sum(ys) == n)
        paid = [cp_model.LinearExpr.weighted_sum([v for v, _ in spend[t]],
                                                 [c for _, c in spend[t]])
                for t in range(len(YEARS))]
        for t in range(len(YEARS)):
            if carry:
                m.add(sum(paid[: t + 1]) <= sum(int(b) for b in budget[: t + 1]))
            else:
                m.add(paid[t] <= int(budget[t]))
        target = math.ceil(0.95 * n - 1e-9)
        capped = m.new_int_var(0, target, "capped")
        m.add(capped <= sum(met))
        objective = cp_model.LinearExpr.weighted_sum([v for v, _ in cost], [c for _, c in cost])
        stages = []
        for sense, expr in (("max", capped), ("min", objective)):
            if sense == "max":
                m.maximize(expr)
            else:
                m.minimize(expr)
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            solver.parameters.max_time_in_seconds = limit_s
            code = solver.solve(m)
            if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                break
            proven &= code == cp_model.OPTIMAL
            value = int(round(solver.objective_value))
            stages.append(value)
            m.add(expr >= value if sense == "max" else expr <= value)
        if len(stages) < 2:
            continue                       # no partition into n communities
        key = (min(stages[0] / n, 0.95), -stages[1])
        if best is None or key > best["key"]:
            best = {"key": key, "n": n, "share": stages[0] / n, "objective": stages[1]}
    assert best is not None
    return {"joint_n": best["n"], "joint_share": round(min(best["share"], 0.95), 6),
            "joint_objective": best["objective"], "joint_proven": proven,
            "joint_groups": len(groups), "joint_time_s": round(time.perf_counter() - t0, 2)}


def run_case(path: Path, fraction: float, carry: bool,
             args: argparse.Namespace) -> dict[str, Any]:
    base = load_scenario(path)
    plain = driver.solve(base, time_limit_s=args.time_limit, workers=1, seed=0)
    need = float(plain.summary["total_capex_yuan"])
    amount = round(fraction * need / len(YEARS), 2)
    budgeted = base.replace(budget={"horizon": [2013, 2015], "carry_over": carry,
                                    "capital_yuan": dict.fromkeys(YEARS, amount)})
    t0 = time.perf_counter()
    seq = solve(budgeted, time_limit_s=args.time_limit, workers=1, seed=0)
    seq_s = time.perf_counter() - t0
    if seq.objective is None:      # no plan at all: say so, never a 0 in the table
        raise SystemExit(f"{path.name}: solve returned no plan ({seq.status})")
    ph = seq.summary["phasing"]
    at_cost = seq.summary["budget_search"]["candidates"][0]
    row: dict[str, Any] = {
        "case": path.name, "units": base.n_units, "fraction": fraction, "carry_over": carry,
        "budget_per_year": amount, "need_yuan": need,
        "seq_n": len(seq.communities), "seq_share": round(min(ph["facility_share"], 0.95), 6),
        "seq_objective": round(seq.objective),
        "seq_factor": seq.summary["budget_search"]["chosen_capital_factor"],
        "seq_time_s": round(seq_s, 2),
        "at_cost_share": round(min(at_cost["facility_share"], 0.95), 6),
        "at_cost_objective": round(float(at_cost["objective"]))}
    row.update(joint(budgeted, [amount] * len(YEARS), carry, args.joint_limit))
    row["share_short_pp"] = round(100 * (row["joint_share"] - row["seq_share"]), 2)
    row["cost_over_pct"] = round(100 * (row["seq_objective"] - row["joint_objective"])
                                 / row["joint_objective"], 3)
    return row


def _ints(text: str) -> list[int]:
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(x) for x in text.split(",")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="1-6")
    ap.add_argument("--sizes", default="12,16")
    ap.add_argument("--fractions", default="0.25,0.5,0.75,1.0")
    ap.add_argument("--carry", default="no,yes")
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--joint-limit", type=float, default=60.0)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "phasing_joint.csv"))
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in _ints(args.sizes):
            for seed in _ints(args.seeds):
                path = Path(tmp) / f"big-street-{size}-s{seed}"
                generate("big-street", seed, path, size=size, villages=0, seat=0)
                s = load_scenario(path)
                if bool(s.sites.pipeline.any()):
                    continue
                try:
                    for carry in (c == "yes" for c in args.carry.split(",")):
                        for f in (float(x) for x in args.fractions.split(",")):
                            row = run_case(path, f, carry, args)
                            rows.append(row)
                            print(json.dumps(row), flush=True)
                except AssertionError as exc:       # a case the joint model cannot list
                    print(f"skipped {path.name}: {exc}", file=sys.stderr)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(out, index=False)
    info = {"command": "python bench/phasing_joint.py " + " ".join(sys.argv[1:]),
            "machine": machine_info(ROOT), "load_average": list(os.getloadavg())}
    out.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
