"""A core (optimizer.search.core) of two or three units, found by trying every small
set of units whose groups meet, exhaustively and without a solver.

Writer seed 373's Jianyang St.: its 101-compound rest (194,893 groups within the
bounds) has no partition because of three compounds: two dead ends (828 and 664
households) and one of 1,676 whose every group holds the unit the first dead end
needs unless that one takes the unit the second needs. No two of them are a forced
pair (:func:`forced_pair`), and the searches by CP-SAT with assumption literals
never reached them: the neighbourhood search takes the units held by the fewest
groups first, here two 2,600-household compounds held by one group each whose
neighbourhoods hold 17,871-193,409 groups, and CP-SAT with assumptions (which switch
its presolve off) reported 22 deterministic seconds for 0.5 asked on the 22,559
groups around the core, and found none in 25 s of wall over the whole listing. The
same three are refuted here in 832 steps (7 ms).

A set of units is a core when no non-overlapping groups hold all of them (each unit
outside the set at most once): searched by backtracking on the unit with the fewest
groups, each group as a bit mask. Only units held by at most HOLDS_MAX groups are
tried, and only sets connected by meeting groups (a unit whose groups meet none of
the others' is never needed: without it the rest would be a smaller core). Counted
in steps, so the same piece gives the same core on any machine.
"""

from __future__ import annotations

HOLDS_MAX = 100         # units held by more groups than this are not tried
STEPS_MAX = 100_000     # backtracking steps in all, at most
STEP_S = 5e-6           # deterministic seconds per step (a set tried or a search node)


def small_core(n: int, groups: list[tuple[int, ...]], holds: list[list[int]],
               free: set[int] | frozenset[int] = frozenset(),
               spent: list[float] | None = None) -> tuple[int, ...]:
    """Two or three local units that no non-overlapping ``groups`` hold all of, the
    fewest first, units held by the fewest groups first; () when none is found within
    STEPS_MAX steps. ``free``: units never named (cores found before). ``spent``: the
    steps' deterministic time is added."""
    cand = sorted((u for u in range(n) if u not in free and 0 < len(holds[u]) <= HOLDS_MAX),
                  key=lambda u: (len(holds[u]), u))
    masks: dict[int, int] = {}

    def mask(k: int) -> int:
        m = masks.get(k)
        if m is None:
            m = 0
            for v in groups[k]:
                m |= 1 << v
            masks[k] = m
        return m

    reach = {}
    for u in cand:
        r = 0
        for k in holds[u]:
            r |= mask(k)
        reach[u] = r
    meets = {u: [v for v in cand if v != u and reach[u] & reach[v]] for u in cand}
    steps = [0]

    def held(need: list[int], used: int) -> bool:
        steps[0] += 1
        if steps[0] > STEPS_MAX:
            raise _Spent
        if not need:
            return True
        u = min(need, key=lambda v: (len(holds[v]), v))
        for k in holds[u]:
            m = mask(k)
            if m & used:
                continue
            if held([v for v in need if not m >> v & 1], used | m):
                return True
        return False

    found: tuple[int, ...] = ()
    try:
        for u in cand:
            for v in meets[u]:
                if v > u and not held([u, v], 0):
                    found = (u, v)
                    break
            if found:
                break
        # Each connected triple once: by a unit meeting both others (its centre), the
        # lowest-ranked such centre where all three meet each other.
        rank = {u: k for k, u in enumerate(cand)}
        for c in cand if not found else ():
            near = sorted(meets[c], key=rank.__getitem__)
            for i, a in enumerate(near):
                for b in near[i + 1:]:
                    steps[0] += 1
                    if steps[0] > STEPS_MAX:
                        raise _Spent
                    if reach[a] & reach[b] and (rank[a] < rank[c] or rank[b] < rank[c]):
                        continue        # a triangle, counted at its lowest-ranked unit
                    if not held(sorted((a, b, c)), 0):
                        found = tuple(sorted((a, b, c)))
                        break
                if found:
                    break
            if found:
                break
    except _Spent:
        found = ()
    if spent is not None:
        spent[0] += STEP_S * steps[0]
    return found


class _Spent(Exception):
    """STEPS_MAX reached."""


__all__ = ["HOLDS_MAX", "STEPS_MAX", "small_core"]


def forced_pair(n: int, groups: list[tuple[int, ...]], holds: list[list[int]],
                 free: set[int] | frozenset[int] = frozenset()) -> tuple[int, ...]:
    """Units u, v such that every group of v meets the units all of u's groups hold
    (so every community holding v overlaps every community holding u) while no group
    holds both: two dead ends that reach the lower bound only through the same units."""
    masks = [sum(1 << u for u in g) for g in groups]
    for u in sorted(range(n), key=lambda u: (len(holds[u]), u)):
        if u in free:
            continue
        forced = -1
        for k in holds[u]:
            forced &= masks[k]
        forced &= ~(1 << u)
        if not forced:
            continue
        together = 0
        for k in holds[u]:
            together |= masks[k]
        near: set[int] = set()
        f = forced
        while f:
            w = (f & -f).bit_length() - 1
            f &= f - 1
            near.update(v for k in holds[w] for v in groups[k])
        for v in sorted(near):
            if v != u and v not in free and not together >> v & 1 and \
                    all(masks[k] & forced for k in holds[v]):
                return (min(u, v), max(u, v))
    return ()
