"""What a plan of the generalization bench is made of: its pieces and its exemptions.

Read from the plan folder the CLI wrote (summary.json's per-piece figures, the
assignment, communities.csv's exemption column) and the scenario, never from the
solver's memory, so the bench sees what a user sees.

Exemption audit (issue 16: "every exemption names the unit or the part that makes it
impossible"): for each community with an exemption, the unit ids its text names are
found (any token equal to a unit id of the scenario). It is

- ``on_oversized`` when the community holds a unit above its kind's maximum;
- ``misplaced`` when the text names units and the community holds none of them (the
  issue's failure: an oversized unit's exemption copied onto another community);
- ``unnamed`` when the text names no unit at all;
- ``other`` when it is none of these but lies in a piece that holds an oversized unit
  (the issue's target: in such a piece, exemptions only on the oversized units);
- ``elsewhere`` when it lies in a piece without oversized units (e.g. the island
  village, a piece below the minimum: the checker judges those).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

import numpy as np

from optimizer.graph import components
from optimizer.plan import Plan
from optimizer.scenario.model import Scenario

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+\-]*[A-Za-z0-9]|[A-Za-z0-9]")


def oversized_units(scenario: Scenario) -> np.ndarray:
    """Bool per unit: more households than its kind's community maximum."""
    hi = np.array([scenario.policy.bounds(bool(u))[1] for u in scenario.urban.tolist()])
    return np.asarray(scenario.households) > hi


def named_units(text: str, ids: set[str]) -> set[str]:
    """Unit ids that appear as whole tokens in ``text``."""
    return {t for t in _TOKEN.findall(text) if t in ids}


def piece_of_units(scenario: Scenario) -> np.ndarray:
    """Piece index per unit, in the solver's piece order (graph.components)."""
    out = np.full(scenario.n_units, -1, dtype=np.int64)
    for k, c in enumerate(components(scenario)):
        out[c.units] = k
    return out


def audit_exemptions(scenario: Scenario, plan: Plan) -> dict[str, Any]:
    """Counts of the exemption audit (module doc) and up to 10 example lines."""
    ids = set(scenario.unit_ids)
    index = scenario.unit_index
    big = oversized_units(scenario)
    piece = piece_of_units(scenario)
    big_piece = set(piece[big].tolist())
    members: dict[str, list[int]] = defaultdict(list)
    for uid, cid in zip(plan.unit_ids, plan.community, strict=True):
        if uid in index:
            members[cid].append(index[uid])
    counts: Counter[str] = Counter()
    examples: list[str] = []
    for com in plan.communities:
        text = com.exemption.strip()
        if not text:
            continue
        counts["exempt"] += 1
        units = members.get(com.community_id, [])
        holds = {scenario.unit_ids[i] for i in units}
        named = named_units(text, ids)
        on_big = any(big[i] for i in units)
        counts["on_oversized"] += on_big
        if named and not (named & holds):
            counts["misplaced"] += 1
            examples.append(f"{com.community_id} ({com.households:,} households) names "
                            f"{', '.join(sorted(named)[:3])}, holds none of them")
        elif not named:
            counts["unnamed"] += 1
            examples.append(f"{com.community_id}: names no unit: {text[:80]}")
        elif not on_big:
            if any(piece[i] in big_piece for i in units):
                counts["other"] += 1
                examples.append(f"{com.community_id} ({com.households:,} households): "
                                "exempt in a piece with oversized units, holds none")
            else:
                counts["elsewhere"] += 1
    return {"exempt": counts["exempt"], "exempt_on_oversized": counts["on_oversized"],
            "exempt_misplaced": counts["misplaced"], "exempt_unnamed": counts["unnamed"],
            "exempt_other": counts["other"], "exempt_elsewhere": counts["elsewhere"],
            "oversized_units": int(big.sum()), "exemption_examples": examples[:10]}


def piece_rows(case: str, scenario: Scenario, plan: Plan) -> list[dict[str, Any]]:
    """One row per piece: the solver's figures (summary.json) beside the piece's shape
    (units, households, units per community, oversized units, communities made)."""
    pieces = [p.to_json() for p in plan.pieces]
    comps = components(scenario)
    same = len(comps) == len(pieces) and all(
        " / ".join(c.key) == p.get("key") for c, p in zip(comps, pieces, strict=False))
    index = scenario.unit_index
    comm_of = {index[u]: c for u, c in zip(plan.unit_ids, plan.community, strict=True)
               if u in index}
    exempt = {c.community_id for c in plan.communities if c.exemption.strip()}
    big = oversized_units(scenario)
    hh = np.asarray(scenario.households)
    rows = []
    for k, p in enumerate(pieces):
        obj, bound = float(p.get("objective") or 0.0), float(p.get("bound") or 0.0)
        key = str(p.get("key", ""))
        row: dict[str, Any] = {
            "case": case, "piece": k, "key": key, "kind": key.rsplit(" / ", 1)[-1],
            "units": p.get("units"), "households": p.get("households"),
            "method": p.get("method"), "status": p.get("status"),
            "objective": obj, "bound": bound,
            "gap_pct": round(100 * (obj - bound) / obj, 3) if obj > 0 else 0.0,
            "gap_yuan": round(obj - bound, 2), "time_s": p.get("time_s")}
        if same:
            units = comps[k].units
            comms = {comm_of[int(i)] for i in units.tolist() if int(i) in comm_of}
            row.update(communities=len(comms), exempt=len(comms & exempt),
                       oversized_units=int(big[units].sum()),
                       units_per_community=round(len(units) / max(len(comms), 1), 1),
                       unit_hh_median=int(np.median(hh[units])),
                       unit_hh_max=int(hh[units].max()))
        rows.append(row)
    return rows
