"""How today's communities carry on into the planned ones (issue 17): by the households
they share.

- The *successor* of today's community T is the planned community that takes most of
  T's households (ties: the smaller community id). What belongs to T as a whole and
  must not be lost goes there: the X services its residents asked for (SERVICES-6-8,
  ``services_x`` of communities_today.csv).
- The *predecessor* of a planned community P is today's community that gives P most
  of its households (ties: the smaller name). P is named after it (:mod:`optimizer.
  plan.naming`).

Units without a ``current_community`` belong to no today's community and count for
neither. Pure functions of the scenario and the assignment; the checker recomputes the
same rules on its own (:mod:`optimizer.checker.targets`, :mod:`optimizer.checker.services`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from optimizer.rules.policy import Policy
from optimizer.scenario.model import Scenario

Shared = Mapping[str, Counter[str]]     # planned community -> today's community -> households


def shared_households(scenario: Scenario, unit_ids: Sequence[str],
                      community: Sequence[str]) -> dict[str, Counter[str]]:
    """Per planned community: its households by today's community (a unit of no
    community, id "", counts for none)."""
    out: dict[str, Counter[str]] = {}
    cur = scenario.current_community
    if cur is None:
        return out
    index = scenario.unit_index
    for u, c in zip(unit_ids, community, strict=True):
        i = index.get(u)
        if i is None or not cur[i] or not c:
            continue
        out.setdefault(c, Counter())[str(cur[i])] += int(scenario.households[i])
    return out


def successors(shared: Shared) -> dict[str, str]:
    """today's community -> the planned community that takes most of its households."""
    best: dict[str, tuple[int, str]] = {}
    for cid in sorted(shared):
        for today, hh in shared[cid].items():
            got = best.get(today)
            if got is None or hh > got[0]:
                best[today] = (hh, cid)
    return {t: cid for t, (_, cid) in best.items()}


def predecessors(shared: Shared) -> dict[str, tuple[str, int]]:
    """planned community -> (today's community giving it most households, how many)."""
    out: dict[str, tuple[str, int]] = {}
    for cid, counts in shared.items():
        if counts:
            today, hh = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            out[cid] = (today, hh)
    return out


def service_list(policy: Policy, urban: bool, extra: Iterable[str]) -> tuple[str, ...]:
    """SERVICES-6-8: the basic services of the kind, then each X service once."""
    base = policy.basic_services(urban)
    return base + tuple(dict.fromkeys(x for x in extra if x and x not in base))


def carried_services(scenario: Scenario, shared: Shared) -> dict[str, tuple[str, ...]]:
    """planned community -> the X services carried to it: those of every today's
    community it succeeds, in the order of communities_today.csv."""
    today = scenario.communities_today
    if today is None:
        return {}
    succ = successors(shared)
    out: dict[str, list[str]] = {}
    for rec in today:
        cid = succ.get(rec.current_community)
        if cid is not None and rec.services_x:
            out.setdefault(cid, []).extend(rec.services_x)
    return {cid: tuple(dict.fromkeys(xs)) for cid, xs in out.items()}


def plan_services(scenario: Scenario, kinds: Mapping[str, bool], shared: Shared
                  ) -> dict[str, str]:
    """community -> its service list for communities.csv (``;``-separated); ``kinds``
    maps each community to urban (True) or rural."""
    extra = carried_services(scenario, shared)
    return {cid: ";".join(service_list(scenario.policy, urban, extra.get(cid, ())))
            for cid, urban in kinds.items()}
