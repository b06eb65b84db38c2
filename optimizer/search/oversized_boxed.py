"""Oversized units boxed in (optimizer/graph/boxed.py): where no center can stand in an
oversized unit and every path from it to a legal place passes through another unit above
the maximum (or the companions that unit's community took), it joins that unit's
community, through the lightest such path; the community's exemption says so.

Kept apart from optimizer/search/oversized.py, which calls :func:`join_boxed` after the
companions are chosen and :func:`rebox` on each block it builds.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Sequence

from optimizer.graph.boxed import boxed_clause, boxed_record
from optimizer.graph.center import capacity_m2
from optimizer.graph.diagnosis import shown
from optimizer.graph.oversized import companions_clause
from optimizer.plan.exemption import Companions, Exemption, Named
from optimizer.scenario.model import Scenario
from optimizer.search.oversized_attach import Block

# An oversized unit -> the boxed-in units that joined its community, each with the units
# between (its path).
Joins = dict[int, list[tuple[int, list[int]]]]


def _join(scenario: Scenario, unit: int, free: set[int], groups: dict[int, list[int]],
          not_hosts: frozenset[int]) -> tuple[int, list[int]] | None:
    """The oversized unit whose community (``groups``) the lightest path of ``free``
    units from ``unit`` reaches with a legal place for the center of all they make, and
    the path; None when there is none. A path enters one such community at most."""
    need = scenario.policy.required_area_m2
    h = scenario.households
    owner = {u: q for q, g in groups.items() for u in g}
    weight = {q: int(h[sorted(g)].sum()) for q, g in groups.items()}
    # (households, kind 0 unit / 1 community, unit or owner, path)
    heap: list[tuple[int, int, int, tuple[int, ...]]] = [(int(h[unit]), 0, unit, ())]
    seen: set[tuple[int, int]] = set()
    while heap:
        w, kind, u, path = heapq.heappop(heap)
        if (kind, u) in seen:
            continue
        seen.add((kind, u))
        if kind == 1:
            if any(x not in not_hosts and capacity_m2(scenario, x) >= need(w)
                   for x in groups[u]):
                return u, list(path)
            continue
        for v in scenario.neighbours[u].tolist():
            if v in free and (0, v) not in seen:
                heapq.heappush(heap, (w + int(h[v]), 0, int(v), (*path, int(v))))
            elif v in owner and (1, owner[v]) not in seen:
                heapq.heappush(heap, (w + weight[owner[v]], 1, owner[v], path))
    return None


def join_boxed(scenario: Scenario, units: list[int], over: Sequence[int],
               cores: dict[int, list[int]], claimed: dict[int, bool],
               stand_ins: frozenset[int]) -> tuple[dict[int, list[int]], Joins]:
    """Each oversized unit whose companions reach no legal place (``claimed`` False),
    in order, joins the community of the oversized unit its lightest path to a legal
    place goes through, when there is one: a legal center beats a stand-in (the
    checker rejects a stand-in where a community holding its units can have a center).
    Returns the cores (without the units that joined another's) and the joins."""
    cores = {o: list(cores.get(o, [o])) for o in over}
    joins: Joins = {}
    left = sorted(o for o in cores if not claimed.get(o, True))
    while left:         # again while one joins: a unit boxed in by one that joined
        still = []      # another's community reaches that community next time
        for o in left:
            others = {q: g for q, g in cores.items() if q != o}
            taken = {u for g in others.values() for u in g}
            free = set(units) - taken - set(over)
            got = _join(scenario, o, free, others, stand_ins)
            if got is None:
                still.append(o)
                continue
            q, path = got
            cores[q] = [*cores[q], o, *path]
            del cores[o]
            joins.setdefault(q, []).append((o, sorted(path)))
        if len(still) == len(left):
            break
        left = still
    return cores, _needed(scenario, cores, joins)


def _needed(scenario: Scenario, cores: dict[int, list[int]], joins: Joins) -> Joins:
    """The joins without units between that a later join made needless (the community
    stays connected without them: a unit boxed in by one that joined the same
    community later is its neighbour there). The clause says each unit between is
    needed, and the checker holds it to that (optimizer/checker/boxed.py)."""
    out: Joins = {}
    for q, got in joins.items():
        kept = []
        for o, path in got:
            for c in list(path):
                rest = set(cores[q]) - {c}
                if _connected(scenario, rest):
                    cores[q].remove(c)
                    path = [u for u in path if u != c]
            kept.append((o, path))
        out[q] = kept
    return out


def _connected(scenario: Scenario, units: set[int]) -> bool:
    start = min(units)
    seen, todo = {start}, [start]
    while todo:
        for v in scenario.neighbours[todo.pop()].tolist():
            if v in units and v not in seen:
                seen.add(v)
                todo.append(v)
    return seen == units


def rebox(scenario: Scenario, key: tuple[str, str, str], block: Block, q: int,
          core: list[int], joins: list[tuple[int, list[int]]]) -> Block:
    """The block of oversized ``q``'s community with the boxed-in units that joined it
    said apart: its companions clause (which the block wrote for all of ``core``) names
    only its own companions, and a clause per boxed-in unit says why it is there."""
    if not joins:
        return block
    extra = {u for o, path in joins for u in (o, *path)}
    own = sorted(set(core) - extra - {q})
    uid = scenario.unit_ids[q]
    clauses = "".join(boxed_clause(scenario, key, o, path) for o, path in joins)
    records = tuple(boxed_record(scenario, o, path) for o, path in joins)

    def fix(ex: Exemption) -> Exemption:
        if ex.kind != "unit-above-max" or ex.named is None or uid not in ex.named.ids:
            return ex
        text, comp = ex.text, ex.companions
        if comp is not None and comp.unit == uid:
            said = companions_clause(scenario, key, q, sorted(set(core) - {q}))
            text = text.replace(said, companions_clause(scenario, key, q, own) if own else "")
            ids = [scenario.unit_ids[u] for u in own]
            comp = (Companions(Named(*shown(ids)), int(scenario.households[own].sum()), uid)
                    if own else None)
        return dataclasses.replace(ex, text=text + clauses, companions=comp, boxed=records)

    return dataclasses.replace(block, exemptions=tuple(tuple(fix(ex) for ex in exs)
                                                       for exs in block.exemptions))


__all__ = ["Joins", "join_boxed", "rebox"]


def settled(scenario: Scenario, key: tuple[str, str, str], block: Block, group_over: list[int],
             cores: dict[int, list[int]], claimed: dict[int, bool], joins: Joins) -> Block:
    """A group's block with its oversized units' clauses as they stand (_unclaim, rebox)."""
    block = _unclaim(scenario, key, block,
                     {o: cores[o][1:] for o in group_over if not claimed.get(o, True)})
    for o in group_over:
        block = rebox(scenario, key, block, o, cores[o], joins.get(o, []))
    return block


def _unclaim(scenario: Scenario, key: tuple[str, str, str], block: Block,
             unclaimed: dict[int, list[int]]) -> Block:
    """The block without the companions clause of the oversized units whose companions
    lead only to a stand-in (no place for a center in the real scenario: the clause
    would be false; the ONE-STATION stand-in exemption says why there is none)."""
    if not unclaimed:
        return block
    words = {scenario.unit_ids[o]: companions_clause(scenario, key, o, path)
             for o, path in unclaimed.items()}

    def strip(ex: Exemption) -> Exemption:
        if ex.companions is None or ex.companions.unit not in words:
            return ex
        return dataclasses.replace(ex, text=ex.text.replace(words[ex.companions.unit], ""),
                                   companions=None)

    return dataclasses.replace(block, exemptions=tuple(tuple(strip(ex) for ex in exs)
                                                       for exs in block.exemptions))
