"""LOCK: the planner's locks of scenario.toml (parsed by :mod:`optimizer.graph.locks`)
hold in a plan, checked from the plan's assignment and rows alone."""

from __future__ import annotations

from optimizer.graph.locks import Locks
from optimizer.plan.model import Plan
from optimizer.scenario.model import Scenario

__all__ = ["lock_violations"]


def lock_violations(scenario: Scenario, plan: Plan, locks: Locks) -> list[str]:
    """Every way ``plan`` breaks ``locks`` (empty when it respects them all)."""
    comm = dict(zip(plan.unit_ids, plan.community, strict=False))
    by_id = {c.community_id: c for c in plan.communities}
    ids = scenario.unit_ids
    out = []
    for cid, members in locks.keep:
        got = {comm.get(ids[i]) for i in members}
        if len(got) != 1:
            out.append(f"today's community {cid} is split over {len(got)} communities")
            continue
        new = got.pop()
        size = sum(1 for c in plan.community if c == new)
        if size != len(members):
            out.append(f"today's community {cid} ({len(members)} units) is in {new}, which "
                       f"has {size} units")
    for i, j in locks.pin_center:
        c = by_id.get(comm.get(ids[i], ""))
        if c is None or c.site_unit_id != ids[j]:
            out.append(f"unit {ids[i]} is not served by a center in {ids[j]}")
    used = {c.site_id for c in plan.communities if c.site_id}
    for s in locks.force_sites:
        if scenario.sites.site_ids[s] not in used:
            out.append(f"site {scenario.sites.site_ids[s]} must be a center but is not used")
    swapped = {c.swap_site_id for c in plan.communities if c.swap_site_id}
    for s in locks.forbid_sites:
        sid = scenario.sites.site_ids[s]
        if sid in used or sid in swapped:
            out.append(f"site {sid} is forbidden but used")
    for u in locks.forbid_build:
        if any(c.remedy == "build" and c.site_unit_id == ids[u] for c in plan.communities):
            out.append(f"a center is built in {ids[u]}, where building is forbidden")
    for street, want in locks.count:
        have = sum(1 for c in plan.communities if c.street == street)
        if have != want:
            out.append(f"{street} has {have} communities, the lock asks for {want}")
    return out
