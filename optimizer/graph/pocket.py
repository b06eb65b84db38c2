"""Pockets: a few units linked to the rest of their piece through one unit alone, that
no plan can split within the household bounds (issue 16: "any other provably
impossible sub-part: exempt as little as can be proven").

A pocket ``P`` with its gate ``g`` (the one unit of the piece outside ``P`` that
borders it) is covered, in every plan, by communities lying inside ``P`` and by the
community of ``g``, which takes a share ``S`` of ``P`` (each unit of ``S`` reaching
``g`` through ``S``). If ``g``'s community keeps the bounds it holds at most
``U - h(g)`` households of ``P``. So when no share ``S`` of at most that many
households leaves ``P - S`` splittable into connected communities of L..U households,
some community meeting ``P`` or ``g`` breaks the bounds in every plan: one such
community is exempt (naming the pocket), no more.

Found on a 189-compound street cut off by units above the maximum (real-10740): the
compounds of 1,684, 221 and 1,275 households whose only way out is one of 715 (at
most 3,000 per community): 3,180 together, and every way of splitting them leaves
one below 2,000. Pure graph work, exhaustive within a step budget (undecided: no
pocket).
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.graph.diagnosis import _Words, list_ids, shown
from optimizer.plan.exemption import Exemption, Named
from optimizer.scenario.model import Scenario

POCKET_UNITS = 12       # pockets up to this many units are examined
POCKET_STEPS = 50_000   # ... within this many search steps each (else undecided)
PLANS = 200             # least-breaking plans of one pocket handed on, at most


@dataclass(frozen=True)
class Pocket:
    units: tuple[int, ...]      # global unit indices, sorted
    gate: int                   # the one unit outside that borders them and can take
                                # some of them (-1: none)
    households: int
    share: int                  # the most households of them the gate's community can take
    walls: tuple[int, ...] = ()  # the other units bordering them: each can share a
                                 # community within the bounds with none of its neighbours


class _OutOfSteps(Exception):
    pass


def pockets(scenario: Scenario, units: list[int], lo: int, hi: int,
            allowed: set[int] | None = None) -> list[Pocket]:
    """The impossible pockets of the connected piece ``units`` (global indices), each
    within ``allowed`` (default: all) with its gate in ``allowed`` too, none above
    ``hi``; the smallest first, none overlapping another.

    A "wall" (a unit that with any neighbour exceeds ``hi``: in a plan within the
    bounds a community of its own) takes nothing from a pocket, so the pockets are
    those of the piece without its walls: cut off by one unit, or by none (virginia:
    three villages of 751 households behind one of 1,500 and one of 215). A wall
    below ``lo`` is a pocket of its own."""
    inside = set(units)
    ok = inside if allowed is None else allowed & inside
    nb = {u: [int(v) for v in scenario.neighbours[u].tolist() if int(v) in inside]
          for u in units}
    h = {u: int(scenario.households[u]) for u in units}
    walls = {u for u in units if h[u] <= hi and all(h[u] + h[v] > hi for v in nb[u])}
    open_ = inside - walls
    found: list[Pocket] = []
    tried: set[tuple[tuple[int, ...], int]] = set()

    def consider(comp: set[int], g: int) -> None:
        key = tuple(sorted(comp))
        if len(key) > POCKET_UNITS or (key, g) in tried or not set(key) <= ok \
                or any(h[u] > hi for u in key):
            return
        tried.add((key, g))
        share = hi - h[g] if g >= 0 else 0
        if _impossible(nb, h, set(key), g, lo, hi, share):
            near = sorted({v for u in key for v in nb[u] if v in walls})
            found.append(Pocket(key, g, sum(h[u] for u in key), share, tuple(near)))

    for w in sorted(walls & ok):
        if h[w] < lo:
            found.append(Pocket((w,), -1, h[w], 0, ()))
    seen: set[int] = set()
    for u in sorted(open_):
        if u not in seen:
            comp = _small(nb, open_, u, -1)
            seen |= comp or {u}
            if comp:
                consider(comp, -1)
    for g in sorted(ok & open_):
        if h[g] > hi:
            continue
        done: set[int] = set()
        for v in nb[g]:
            if v in open_ and v not in done:
                comp = _small(nb, open_, v, g)
                done |= comp or {v}
                if comp:
                    consider(comp, g)
    found.sort(key=lambda p: (len(p.units), p.units))
    out: list[Pocket] = []
    taken: set[int] = set()
    for p in found:
        if taken & {*p.units, p.gate}:
            continue
        out.append(p)
        taken |= {*p.units, p.gate} - {-1}
    return sorted(out, key=lambda p: p.units)


def least_breaking(scenario: Scenario, pocket: Pocket, lo: int, hi: int
                   ) -> tuple[list[list[tuple[int, ...]]], bool]:
    """The splits of the pocket into connected groups that break the bounds least
    (fewest groups outside them, then fewest households outside), at most
    :data:`PLANS` of them, and whether they are all such splits. The groups lie in
    the pocket, or in the pocket and its gate when that breaks the bounds strictly
    less (a village of 220 households behind one of 1,500: 1,720 together, 220 over,
    where alone it is 780 short); the pocket whole when the search runs out of steps."""
    inner = _least(scenario, set(pocket.units), lo, hi)
    if inner is None:
        return [[tuple(pocket.units)]], False
    outer = _least(scenario, {*pocket.units, pocket.gate}, lo, hi) if pocket.gate >= 0 \
        else None
    got = outer if outer is not None and outer[0] < inner[0] else inner
    return got[1], len(got[1]) < PLANS


def _least(scenario: Scenario, units: set[int], lo: int, hi: int
           ) -> tuple[tuple[int, int], list[list[tuple[int, ...]]]] | None:
    """The best score and the splits of ``units`` reaching it (None: out of steps)."""
    nb = {u: [int(v) for v in scenario.neighbours[u].tolist() if int(v) in units]
          for u in units}
    h = {u: int(scenario.households[u]) for u in units}

    def miss(g: frozenset[int]) -> int:
        w = sum(h[u] for u in g)
        return max(0, lo - w) + max(0, w - hi)

    best: list[tuple[tuple[int, int], list[tuple[int, ...]]]] = []
    steps = [0]

    def walk(rest: frozenset[int], chosen: list[frozenset[int]], bad: int, out: int) -> None:
        steps[0] += 1
        if steps[0] > POCKET_STEPS:
            raise _OutOfSteps
        if best and (bad, out) > best[0][0]:
            return
        if not rest:
            score = (bad, out)
            if not best or score < best[0][0]:
                best.clear()
            if len(best) < PLANS:
                best.append((score, [tuple(sorted(g)) for g in chosen]))
            return
        u = min(rest)
        for g in _connected_sets(nb, u, rest, None):
            m = miss(g)
            walk(rest - g, [*chosen, g], bad + (m > 0), out + m)

    try:
        walk(frozenset(units), [], 0, 0)
    except _OutOfSteps:
        return None
    return best[0][0], [plan for _score, plan in best]


def _impossible(nb: dict[int, list[int]], h: dict[int, int], pocket: set[int], gate: int,
                lo: int, hi: int, share: int) -> bool:
    """Whether no share of ``pocket`` of at most ``share`` households joining
    ``gate``'s community leaves the rest splittable within lo..hi (False when
    undecided within the steps)."""
    steps = [0]
    nb_in = {u: [v for v in nb[u] if v in pocket] for u in pocket}

    def tick() -> None:
        steps[0] += 1
        if steps[0] > POCKET_STEPS:
            raise _OutOfSteps

    def splits(rest: frozenset[int]) -> bool:
        tick()
        if not rest:
            return True
        u = min(rest)
        for g in _connected_sets(nb_in, u, rest, hi, h):
            tick()
            w = sum(h[v] for v in g)
            if lo <= w and splits(rest - g):
                return True
        return False

    if gate < 0:
        try:
            return not splits(frozenset(pocket))
        except _OutOfSteps:
            return False
    # The gate's shares: connected with it through themselves, at most ``share``.
    graph = {**nb_in, gate: [v for v in nb[gate] if v in pocket]}
    hg = {**h, gate: 0}
    try:
        for s in _connected_sets(graph, gate, frozenset(pocket | {gate}), share, hg):
            if splits(frozenset(pocket - s)):
                return False
    except _OutOfSteps:
        return False
    return True


def _connected_sets(nb: dict[int, list[int]], root: int, within: frozenset[int],
                    cap: int | None, h: dict[int, int] | None = None) -> list[frozenset[int]]:
    """Every connected set of ``within`` holding ``root`` (of at most ``cap``
    households by ``h`` when given), each once."""
    w0 = 0 if h is None else h[root]
    out: list[frozenset[int]] = []
    seen: set[frozenset[int]] = set()
    stack = [(frozenset([root]), w0)]
    while stack:
        g, w = stack.pop()
        if g in seen:
            continue
        seen.add(g)
        out.append(g)
        for x in g:
            for v in nb[x]:
                if v in within and v not in g:
                    wv = w + (0 if h is None else h[v])
                    if cap is None or wv <= cap:
                        stack.append((g | {v}, wv))
    return out


def _small(nb: dict[int, list[int]], units: set[int], start: int, gate: int) -> set[int]:
    """The connected group of ``units`` without ``gate`` holding ``start``, when it has
    at most POCKET_UNITS units (else empty: the search stops past that many, so
    finding pockets costs a bounded search per unit, not one of the whole piece)."""
    comp = {start}
    todo = [start]
    while todo:
        u = todo.pop()
        for v in nb[u]:
            if v in units and v != gate and v not in comp:
                comp.add(v)
                if len(comp) > POCKET_UNITS:
                    return set()
                todo.append(v)
    return comp


def pocket_exemption(scenario: Scenario, key: tuple[str, str, str], pocket: Pocket,
                     lo: int, hi: int) -> Exemption:
    """The exemption of the one community of ``pocket`` that breaks the bounds: the
    pocket's units named, its gate and walls, and why no split of them keeps the
    bounds."""
    w = _Words(key)
    urban = key[2] == "urban"
    rule = scenario.policy.size_rule(urban)
    ids = [scenario.unit_ids[u] for u in pocket.units]
    named = f"the {w.unit} {ids[0]}" if len(ids) == 1 else f"the {w.units} {list_ids(ids)}"
    walls = [scenario.unit_ids[u] for u in pocket.walls]
    wall = (f"{'the ' + w.unit if len(walls) == 1 else 'the ' + w.units} {list_ids(walls)}, "
            f"too large to share a community of at most {hi:,} households with any "
            "neighbour" if walls else "")
    one = len(ids) == 1
    size = (f"({pocket.households:,} households)" if one
            else f"({len(ids):,} units, {pocket.households:,} households)")
    they, them, border = ("it", "it", "borders") if one else ("they", "them", "border")
    wall_alone = one and pocket.gate < 0 and not pocket.walls
    if wall_alone:
        text = (f"{rule}: in {w.place}, {named} {size} can share no community of at most "
                f"{hi:,} households with any of its neighbours (each has more than "
                f"{hi - pocket.households:,}), and alone it is below the minimum of {lo:,}, "
                "so its community breaks the bounds in every plan; this is the only one here "
                "that does.")
    elif pocket.gate >= 0:
        gate = scenario.unit_ids[pocket.gate]
        text = (f"{rule}: in {w.place}, {named} {size} {border} the rest of the {w.town}'s "
                f"{w.area} only through the {w.unit} {gate}" + (f" and {wall}" if wall else "")
                + f": {'alone' if one else 'split among themselves'}, or with at most "
                f"{pocket.share:,} of {'its' if one else 'their'} households in the "
                f"community of {gate}, {they} cannot form connected "
                f"{w.kind} communities of {lo:,}-{hi:,} households, so in every plan a "
                f"community holding some of {them} or {gate}" + (" or those" if wall else "")
                + " breaks the bounds; this is the only one here that does.")
    else:
        text = (f"{rule}: in {w.place}, {named} {size} {border} no other unit but {wall}: "
                f"{they} cannot form connected {w.kind} communities of {lo:,}-{hi:,} "
                f"households {'alone' if one else 'among themselves'}, so in every plan "
                f"a community holding some of {them} or those breaks the bounds; this is "
                "the only one here that does.")
    return Exemption(rule, "no-partition", text, key[0], key[1], key[2],
                     named=Named(*shown(ids)),
                     households=pocket.households, lo=lo, hi=hi, n_units=len(ids),
                     why=f"linked through {scenario.unit_ids[pocket.gate]} alone"
                     if pocket.gate >= 0 else "linked only to units that cannot share")


__all__ = ["Pocket", "least_breaking", "pocket_exemption", "pockets"]
