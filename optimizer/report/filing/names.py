"""A proposed name for every planned community (issue 17, item 7).

In order: the ``name`` column of communities.csv (the planner's edit); else the name
of the current community whose households it mostly keeps (units' ``current_community``),
given to the planned community that keeps the most of them, so that no two communities
share it; else its street/town and an ordinal, 第N社区 (a number not yet used there).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from optimizer.plan.model import Plan
from optimizer.report.places import street_name
from optimizer.scenario.model import Scenario

FROM_PLAN, FROM_CURRENT, FROM_ORDINAL = "communities.csv", "current_community", "ordinal"


@dataclass(frozen=True)
class ProposedName:
    name: str
    source: str                 # FROM_PLAN | FROM_CURRENT | FROM_ORDINAL
    current: str = ""           # the current community it mostly keeps, if any
    kept: int = 0               # households of it that it keeps


def _kept(scenario: Scenario, plan: Plan) -> dict[str, Counter[str]]:
    """Per planned community: households by current community."""
    out: dict[str, Counter[str]] = {}
    if scenario.current_community is None:
        return out
    index = scenario.unit_index
    for u, c in zip(plan.unit_ids, plan.community, strict=True):
        i = index.get(u)
        if i is None:
            continue
        cur = scenario.current_community[i]
        if cur:
            out.setdefault(c, Counter())[cur] += int(scenario.households[i])
    return out


def ordinal_name(street: str, n: int, lang: str) -> str:
    place = street_name(street, lang)
    return f"{place}第{n}社区" if lang == "zh" else f"{place} Community No. {n}"


def proposed_names(scenario: Scenario, plan: Plan, explicit: Mapping[str, str],
                   lang: str) -> dict[str, ProposedName]:
    """community_id -> its proposed name, for every community of the plan."""
    kept = _kept(scenario, plan)
    out: dict[str, ProposedName] = {}
    used = {v for v in explicit.values() if v}
    main: dict[str, tuple[str, int]] = {}
    for c in plan.communities:
        counts = kept.get(c.community_id)
        if counts:
            cur, hh = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            main[c.community_id] = (cur, hh)
    # Each current name goes to the community keeping most of its households.
    claim: dict[str, tuple[int, str]] = {}
    for cid, (cur, hh) in main.items():
        if cid in explicit or cur in used:
            continue
        best = claim.get(cur)
        if best is None or (hh, _neg(cid)) > (best[0], _neg(best[1])):
            claim[cur] = (hh, cid)
    winners = {cid: cur for cur, (_, cid) in claim.items()}
    for c in plan.communities:
        cid = c.community_id
        cur, hh = main.get(cid, ("", 0))
        if explicit.get(cid):
            out[cid] = ProposedName(explicit[cid], FROM_PLAN, cur, hh)
        elif cid in winners:
            out[cid] = ProposedName(winners[cid], FROM_CURRENT, cur, hh)
            used.add(winners[cid])
    per_street: Counter[tuple[str, str]] = Counter()
    for c in sorted(plan.communities, key=lambda c: (c.county, c.street, c.community_id)):
        if c.community_id in out:
            continue
        key = (c.county, c.street)
        while True:
            per_street[key] += 1
            name = ordinal_name(c.street, per_street[key], lang)
            if name not in used:
                break
        used.add(name)
        cur, hh = main.get(c.community_id, ("", 0))
        out[c.community_id] = ProposedName(name, FROM_ORDINAL, cur, hh)
    return out


def _neg(cid: str) -> tuple[int, ...]:
    """Ties go to the smaller id: a key that orders ids in reverse."""
    return tuple(-ord(ch) for ch in cid)
