"""A few named units that no non-overlapping communities within the bounds can hold
all of: a proof, local to those units, that their piece has no split within the
bounds (any split would hold each of them in one of its communities).

The search names such units where it listed every possible community of a piece and
none partitions it (optimizer.search.core). The exhaustive split search
(:mod:`optimizer.checker.split`) stops at 100 units; this proof looks only around the
named units, so it holds for a piece of any size: a 200-compound street whose two
dead-end compounds each reach the minimum only through the same small ones.

The checker's own code: the connected sets of units within the piece holding each
named unit and no more households than the maximum, grown one neighbour at a time
(every such set is reached from the unit by adding one neighbour at a time, so none
is missed), then a search for sets, one per named unit not yet held, that do not
overlap. Either is capped; a proof that passes a cap is undecided, not a pass.

With ``centers`` (the text says "each with a legal place for its service center
(ONE-STATION, PIPELINE)"), a set counts only where it can have a legal center
(:func:`group_can_host`): a 12-compound street whose one compound holds pipeline rooms
of 409 m² (bench/wild.py seed 100) splits by households alone, but every community
holding that compound must take those rooms as its center, and none of 2,000-3,000
households fits in them. Such a core proves that a community holding one of its
units breaks the size rule or ONE-STATION / PIPELINE; either may be exempt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from optimizer.checker.center import can_hold_center
from optimizer.checker.pipeline import imposed, rooms_hold
from optimizer.scenario.model import Scenario

Host = Callable[[frozenset[int], int], bool]
Verdict = tuple[bool, str]      # (proved, why: the reason, or what is false)

MAX_SETS = 200_000      # connected sets around one named unit, at most
MAX_STEPS = 1_000_000   # steps of the search for non-overlapping sets, at most


def group_can_host(s: Scenario, group: frozenset[int], households: int) -> bool:
    """Whether a community of ``group`` (``households`` households) can have a legal
    center, as RULES.md reads (the checker's own reading, optimizer.checker.pipeline):
    holding a unit with imposed pipeline rooms (PIPELINE), only on a pipeline site of
    the group that reaches the area it needs; else anywhere a co-build, a new build
    or a site that reaches that area may stand (ONE-STATION, NEWDEV-FIRST's co-built
    rooms counted as always enough)."""
    if any(imposed(s, u) for u in group):
        return any(rooms_hold(s, u, households) for u in group)
    return any(can_hold_center(s, u, households) for u in group)


def sets_holding(s: Scenario, piece: set[int], unit: int, lo: int, hi: int,
                 can_host: Host | None = None, first: Host | None = None
                 ) -> list[frozenset[int]] | None:
    """Every connected set of units of ``piece`` holding ``unit`` with lo..hi
    households (and a legal center, with ``can_host``; None past MAX_SETS sets
    visited); with ``first``, only the first such set it accepts where there is one
    (a search for a counterexample ends there: optimizer.checker.short_within)."""
    h = s.households
    start = frozenset((unit,))
    if int(h[unit]) > hi:
        return []
    seen = {start}
    todo = [(start, int(h[unit]))]
    while todo:
        group, weight = todo.pop()
        if first is not None and weight >= lo and first(group, weight):
            return [group]
        for u in group:
            for v in s.neighbours[u].tolist():
                if v in group or v not in piece or weight + int(h[v]) > hi:
                    continue
                grown = group | {v}
                if grown not in seen:
                    seen.add(grown)
                    if len(seen) > MAX_SETS:
                        return None
                    todo.append((grown, weight + int(h[v])))
    out = []
    for g in seen:
        w = sum(int(h[u]) for u in g)
        if w >= lo and (can_host is None or can_host(g, w)):
            out.append(g)
    return out


def cover_exists(s: Scenario, piece: set[int], named: list[int], lo: int, hi: int,
                 centers: bool = False) -> bool | None:
    """Whether non-overlapping connected sets of lo..hi households in ``piece`` (each
    able to have a legal center, with ``centers``) can hold every unit of ``named``
    (None: a cap was passed, undecided)."""
    options: dict[int, list[frozenset[int]]] = {}
    memo: dict[frozenset[int], bool] = {}

    def host(g: frozenset[int], w: int) -> bool:
        if g not in memo:
            memo[g] = group_can_host(s, g, w)
        return memo[g]

    for u in named:
        got = sets_holding(s, piece, u, lo, hi, host if centers else None)
        if got is None:
            return None
        options[u] = got
    steps = 0

    def search(held: frozenset[int]) -> bool | None:
        nonlocal steps
        left = [u for u in named if u not in held]
        if not left:
            return True
        u = min(left, key=lambda v: (len(options[v]), v))
        for g in options[u]:
            steps += 1
            if steps > MAX_STEPS:
                return None
            if g & held:
                continue
            got = search(held | g)
            if got is not False:
                return got
        return False

    return search(frozenset())


def cover_refuted(found: bool | None, names: str, lo: int, hi: int, each: str = "",
                  why: str = "") -> Verdict | None:
    """The failed verdict on a claim that no non-overlapping communities of lo..hi hold
    all of the units ``names`` lists, from :func:`cover_exists`'s answer ``found``
    (None: its caps passed, undecided; True: such communities exist), or None where
    the claim stands. ``each`` qualifies the communities (" each with a legal
    center"), ``why`` says what the refutation means for the claim."""
    if found is None:
        return False, (f"the checker's search around {names} passed its caps, so it cannot "
                       f"prove that no non-overlapping communities of {lo}..{hi} hold them")
    if found:
        return False, (f"non-overlapping connected communities of {lo}..{hi}{each} can "
                       f"hold all of {names}{why}")
    return None


def piece_opening(s: Scenario, unit: int, piece: Sequence[int]) -> str:
    """"its piece <street> (<kind>) has <households> households in <n> units": how a
    proof about the piece of ``unit`` (its units ``piece``) begins."""
    return (f"its piece {s.street[unit]} ({s.kind(unit)}) has "
            f"{int(s.households[list(piece)].sum())} households in {len(piece)} units")


__all__ = ["MAX_SETS", "MAX_STEPS", "Verdict", "cover_exists", "cover_refuted", "group_can_host",
           "piece_opening", "sets_holding"]
