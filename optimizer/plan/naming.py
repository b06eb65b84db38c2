"""A proposed name for every planned community (issue 17, item 7).

In order:

1. the planner's name for its id (``[names.community]`` of scenario.toml);
2. the name of its predecessor, today's community that gives it most of its households
   (:mod:`optimizer.plan.succession`), when it is the planned community keeping most of
   that community's households among those whose predecessor it is (so no two share a
   name; ties: the smaller id), or the planner's name for that today's community
   (``[names.current]``);
3. else its street/town and an ordinal not yet used there: 上冈镇第1社区.

Pure: same scenario and assignment, same names.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from optimizer.names import place_zh
from optimizer.plan.model import Community
from optimizer.plan.succession import Shared, plan_services, predecessors, shared_households
from optimizer.scenario.model import Scenario
from optimizer.scenario.names import PlanNames

FROM_SCENARIO, FROM_PLAN, FROM_CURRENT, FROM_ORDINAL = ("scenario.toml", "communities.csv",
                                                        "current_community", "ordinal")


@dataclass(frozen=True)
class ProposedName:
    name: str
    source: str                 # FROM_SCENARIO | FROM_PLAN | FROM_CURRENT | FROM_ORDINAL
    current: str = ""           # the today's community it mostly keeps, if any
    kept: int = 0               # households of it that it keeps


def ordinal_zh(street: str, n: int) -> str:
    return f"{place_zh(street)}第{n}社区"


def proposed_names(communities: Sequence[tuple[str, str, str]], shared: Shared,
                   names: PlanNames | None = None,
                   explicit: dict[str, str] | None = None,
                   ordinal: Callable[[str, int], str] = ordinal_zh) -> dict[str, ProposedName]:
    """community_id -> its proposed name. ``communities``: (id, county, street) of every
    planned community; ``explicit``: names already given by id (a plan's ``name``
    column), taken as they are (source FROM_PLAN)."""
    names = names or PlanNames()
    explicit = {k: v for k, v in (explicit or {}).items() if v}
    fixed = {cid: (names.community[cid], FROM_SCENARIO) for cid, _, _ in communities
             if cid in names.community}
    fixed.update({cid: (v, FROM_PLAN) for cid, v in explicit.items() if cid not in fixed})
    used = {v for v, _ in fixed.values()}
    main = predecessors(shared)
    claim: dict[str, tuple[int, str]] = {}
    for cid, _, _ in sorted(communities):
        if cid in fixed or cid not in main:
            continue
        cur, hh = main[cid]
        best = claim.get(cur)
        if best is None or hh > best[0]:
            claim[cur] = (hh, cid)
    out: dict[str, ProposedName] = {}
    for cid, _, _ in communities:
        cur, hh = main.get(cid, ("", 0))
        if cid in fixed:
            out[cid] = ProposedName(fixed[cid][0], fixed[cid][1], cur, hh)
        elif cur and claim.get(cur, (0, ""))[1] == cid:
            given = names.current.get(cur)
            name = given or cur
            if name not in used:
                out[cid] = ProposedName(name, FROM_SCENARIO if given else FROM_CURRENT, cur, hh)
                used.add(name)
    per_street: Counter[tuple[str, str]] = Counter()
    for cid, county, street in sorted(communities, key=lambda c: (c[1], c[2], c[0])):
        if cid in out:
            continue
        while True:
            per_street[(county, street)] += 1
            name = ordinal(street, per_street[(county, street)])
            if name not in used:
                break
        used.add(name)
        cur, hh = main.get(cid, ("", 0))
        out[cid] = ProposedName(name, FROM_ORDINAL, cur, hh)
    return out


def unused_names(communities: Sequence[tuple[str, str, str]], names: PlanNames,
                 given: dict[str, ProposedName]) -> list[str]:
    """The planner's names that named nothing: an id not in the plan, a today's
    community no planned community is named after (a note for summary.json)."""
    ids = {cid for cid, _, _ in communities}
    out = [f"[names.community] {k}: no community of the plan has this id"
           for k in sorted(names.community) if k not in ids]
    taken = {p.name for p in given.values()}
    out += [f"[names.current] {k}: no planned community is named after it (none keeps most "
            "of its households, or another keeps more)"
            for k in sorted(names.current) if names.current[k] not in taken]
    return out


def with_names_and_services(scenario: Scenario, communities: Sequence[Community],
                            community: Sequence[str]) -> tuple[list[Community], list[str]]:
    """The communities with their proposed ``name`` and their ``services`` list
    (SERVICES-6-8: the basic services of the kind and the X services carried to them),
    and notes on the planner's names that named nothing. ``community`` holds the
    community of each unit of the scenario, in its order."""
    shared = shared_households(scenario, scenario.unit_ids, community)
    keys = [(c.community_id, c.county, c.street) for c in communities]
    names = proposed_names(keys, shared, scenario.names)
    services = plan_services(scenario, {c.community_id: c.kind == "urban" for c in communities},
                             shared)
    out = [dataclasses.replace(c, name=names[c.community_id].name,
                               services=services[c.community_id]) for c in communities]
    return out, unused_names(keys, scenario.names, names)
