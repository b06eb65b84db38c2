"""The checker's proof of an oversized unit's "joined units" claim: units of a part that
units above the maximum cut off from the rest of the piece joined that unit's community
(optimizer/graph/oversized.py writes it; :mod:`optimizer.checker.claims` reads it).

The size exemption itself is proved by the oversized unit alone
(:func:`optimizer.checker.proofs.above_max`). The text says more, and each of it is
checked here with the checker's own code, never the solver's (no take_apart, no
listing, no set partitioning):

1. **what joined**: the units it names (and "N more") are exactly the community's units
   besides its one unit above the maximum, holding the households it states;
2. **cut off**: the parts of the piece without its units above the maximum (the
   checker's own breadth-first search over the neighbour arrays) that hold those units
   have the units and households it states: a part with more has units that connect
   to the rest without passing a unit above the maximum;
3. **stranded**: each such part has no split into connected communities within the
   bounds it states (the policy's), each with a place for its center: arithmetic, else
   the exhaustive split search of :mod:`optimizer.checker.split`;
4. **the fewest** (only when the text claims "no plan gives fewer households"): no plan
   of each part gives fewer households to the communities of units above the maximum
   than this plan does (:mod:`optimizer.checker.least`, exact). The plan's count is
   read from every community holding a unit above the maximum, so this community's
   verdict depends on theirs too (the workbench re-checks them: :func:`depends_on_plan`
   in :mod:`optimizer.checker.exemptions`).

A claim shown false is a fail ("exemption not justified", with what is false). A claim
the checker cannot decide within its bounds (a part of more than ``MAX_UNITS`` units,
a search past its steps: split.MAX_STEPS, least.LEAST_STEPS) is **undecided** (None):
it is never reported as proved. The searches' bound is their steps; the unit bound
(400, above split.py's 100 for whole pieces) only spares a search a part it could not
end: the stranded parts of the oversized bench cases have 127-189 units, and the
split search decides Georgia's 154 in 56 steps and grown's 145 in 1 (bench/JOURNAL.md,
"Joined units proved by the checker"). Each part's verdicts are memoized in the
context's cache (pure functions of the scenario, and for the fewest of the oversized
units' communities and the companions they claim, which the key holds), so the
communities sharing a part search it once, and the workbench, whose context (and its
cache, shared by the workbenches of one scenario) outlives an edit, searches it again
only when an edit changes that key (on the real-10740 bench case, with the 189-unit
part's claim: an edit elsewhere 4-7 ms CPU, a second workbench of the scenario 0.01 s
where it took 4.5 s with a memo of its own). The
exemption of the size rule stays exempt, since the oversized unit alone proves it,
and the undecided claim gets a ``not_assessed`` line of its own (exemptions.apply).
Why not a fail: the solver proves stranded parts by listing their possible communities
(Georgia's 154 units: 1,138 of them, bench/JOURNAL.md "Oversized units on real rural
maps"), and some are past the checker's steps (10740's 189 units on the oversized
bench), so a fail there would say the plan breaks a rule it does not break;
not_assessed says exactly what is known.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import product

from optimizer.checker.center import can_hold_center
from optimizer.checker.claims import Claim
from optimizer.checker.least import fewer_joined
from optimizer.checker.pipeline import rooms_of
from optimizer.checker.pocket import part_pocket
from optimizer.checker.proofs import Pieces, _names, above_max_units
from optimizer.checker.split import OutOfSteps, find_split, whole_number_fits
from optimizer.scenario.model import Scenario

Proof = tuple[bool | None, str]      # proved, disproved or undecided (None), and why
MAX_ASSIGNMENTS = 256    # ways to give a plan's joined groups to oversized units, tried
MAX_UNITS = 400          # a part's units, at most, for either search (their bound: steps)
KEPT_FEWEST = 64         # "fewest" verdicts a long-lived cache keeps (the newest)


def cut_off_parts(s: Scenario, pieces: Pieces, p: int,
                  also: frozenset[int] = frozenset()) -> list[tuple[int, ...]]:
    """The connected parts of piece ``p`` without its units above the maximum (and
    ``also``: the companions a unit above the maximum took for a center)."""
    over = set(above_max_units(s, pieces, p)) | also
    rest = [u for u in pieces.units[p] if u not in over]
    inside = set(rest)
    seen: set[int] = set()
    out = []
    for start in rest:
        if start in seen:
            continue
        seen.add(start)
        comp, todo = [start], deque([start])
        while todo:
            for v in s.neighbours[todo.popleft()].tolist():
                if v in inside and v not in seen:
                    seen.add(v)
                    comp.append(v)
                    todo.append(v)
        out.append(tuple(sorted(comp)))
    return out


class _Host:
    """can_hold_center, memoized (a pure function of the scenario)."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.memo: dict[tuple[int, int], bool] = {}

    def __call__(self, u: int, h: int) -> bool:
        if (u, h) not in self.memo:
            self.memo[u, h] = can_hold_center(self.s, u, h)
        return self.memo[u, h]

    def any(self, units: set[int] | list[int], h: int) -> bool:
        return any(self(u, h) for u in units)


def _what_joined(s: Scenario, joined: list[int], claim: Claim) -> str | None:
    """What the claim says of the joined units that is false (None: all true)."""
    if claim.unknown:
        return f"it names {claim.unknown[0]!r}, which is not a unit of the scenario"
    others = [u for u in claim.units if u not in joined]
    if others:
        return f"it names {_names(s, others)} as joined, which are not of its units"
    shown = set(claim.units)
    if len(shown) + claim.more != len(joined) or (not claim.more and shown != set(joined)):
        said = len(shown) + claim.more
        return (f"it says {said} units joined; besides its unit above the maximum it holds "
                f"{len(joined)}: {_names(s, joined)}")
    hh = int(s.households[joined].sum())
    if claim.households is not None and claim.households != hh:
        return f"it says the joined units hold {claim.households} households; they hold {hh}"
    return None


def _stranded(s: Scenario, part: tuple[int, ...], lo: int, hi: int, host: _Host) -> Proof:
    """Whether ``part`` has no split into connected communities of lo..hi households,
    each with a place for its center."""
    h = int(s.households[list(part)].sum())
    if not whole_number_fits(h, lo, hi):
        return True, ""
    pocket = part_pocket(s, part, lo, hi)
    if pocket is not None:      # a pocket no split keeps within the bounds
        return True, ""
    if len(part) > MAX_UNITS:
        return None, (f"a part of {len(part)} units, more than the {MAX_UNITS} the checker's "
                      "exhaustive split search takes")
    hh = s.households.tolist()
    got = find_split(part, hh, s.neighbours, lo, hi, max_units=MAX_UNITS)
    if got.exists:       # by households; none may be left once every center needs a place
        with_centers = find_split(part, hh, s.neighbours, lo, hi, max_units=MAX_UNITS,
                                  can_host=host, rooms=rooms_of(s, part)).exists
        if with_centers is False:
            return True, ""
        if with_centers is None:
            return None, (f"the checker's split search with the centers of a {len(part)}-unit "
                          "part stopped at its step bound")
    if got.exists is None:
        return None, (f"the checker's exhaustive split search of a {len(part)}-unit part "
                      "stopped at its step bound")
    if got.exists:
        shown = " | ".join(_names(s, set(g), 3) for g in got.groups[:4])
        more = f" | ... ({len(got.groups)} communities)" if len(got.groups) > 4 else ""
        return False, (f"the part of {len(part)} units ({h} households) holding "
                       f"{_names(s, [u for u in part], 3)} splits into connected communities "
                       f"of {lo}..{hi} on its own: {shown}{more}")
    return True, ""


def assignment_exists(groups: Sequence[Iterable[int]], options: Sequence[Sequence[int]],
                      base: Mapping[int, set[int]], ok: Callable[[set[int]], bool],
                      max_ways: int) -> bool | None:
    """Whether some way to give each of ``groups`` to one of its ``options`` (units above
    the maximum, whose communities outside the part are ``base``) leaves every community
    it touches ``ok``; None past ``max_ways`` ways (undecided). Shared by the fewest
    search here and the forced proof (optimizer.checker.forced)."""
    ways = 1
    for opt in options:
        ways *= len(opt)
    if ways > max_ways:
        return None
    for pick in product(*options):
        com = {o: set(base[o]) for o in set(pick)}
        for o, g in zip(pick, groups, strict=True):
            com[o] |= set(g)
        if all(ok(c) for c in com.values()):
            return True
    return False


def _fewest(s: Scenario, pieces: Pieces, p: int, part: tuple[int, ...], lo: int, hi: int,
            host: _Host, community_of: Mapping[int, str],
            members_of: Mapping[str, set[int]], mates: Mapping[int, int] | None = None
            ) -> Proof:
    """Whether no plan of ``part`` joins fewer households to the oversized units than
    this plan (every community holding a unit above the maximum counted)."""
    over = set(above_max_units(s, pieces, p))
    home = {o: members_of.get(community_of.get(o, ""), {o}) for o in over}
    given = [u for u in part if any(u in home[o] for o in over)]
    below = int(s.households[given].sum())
    if len(part) > MAX_UNITS:
        return None, (f"a part of {len(part)} units, more than the {MAX_UNITS} the checker's "
                      "search of the fewest joined households takes")
    inside = set(part)
    # a companion borders for its unit above the maximum (it is of that community)
    owner = {o: o for o in over} | dict(mates or {})
    near = {u: {owner[int(v)] for v in s.neighbours[u].tolist() if int(v) in owner}
            for u in part}
    base = {o: home[o] - inside for o in over}

    def valid(groups: list[tuple[int, ...]]) -> bool:
        """Some way to give each joined group to an oversized unit it borders leaves
        every oversized community with a place for its center."""
        options = [sorted({o for u in g for o in near[u]}) for g in groups]
        got = assignment_exists(groups, options, base, lambda c: host.any(
            c, int(s.households[sorted(c)].sum())), MAX_ASSIGNMENTS)
        if got is None:
            raise OutOfSteps
        return got

    borders = {u for u in part if near[u]}
    got = fewer_joined(part, s.households.tolist(), s.neighbours, borders, lo, hi, below,
                       can_host=host, valid=valid, rooms=rooms_of(s, part))
    if got.fewer is None:
        return None, (f"the checker's search of the fewest joined households of a "
                      f"{len(part)}-unit part stopped after {got.steps:,} steps")
    if got.fewer:
        h = int(s.households[list(got.joined)].sum())
        return False, (f"a plan gives fewer households to the communities of units above the "
                       f"maximum: {h} of the part holding {_names(s, list(part), 3)} can join "
                       f"({_names(s, list(got.joined))}) and the rest split into "
                       f"{len(got.groups)} communities of {lo}..{hi}; this plan joins {below}")
    return True, ""


def _keep(memo: dict[tuple[object, ...], Proof], key: tuple[object, ...], proof: Proof
          ) -> None:
    """``memo[key] = proof``, the oldest "fewest" verdicts dropped past KEPT_FEWEST (a
    cache that lives as long as a workbench would otherwise grow with every edit of an
    oversized community)."""
    fewest = [k for k in memo if k[0] == "fewest"]
    for old in fewest[:max(0, len(fewest) + 1 - KEPT_FEWEST)]:
        del memo[old]
    memo[key] = proof


def joined_proof(s: Scenario, pieces: Pieces, members: set[int], claim: Claim,
                 community_of: Mapping[int, str], members_of: Mapping[str, set[int]],
                 cache: dict[tuple[object, ...], Proof] | None = None,
                 companions: Mapping[int, int] | None = None) -> Proof:
    """Every statement of a ``joined`` claim about the community of ``members``
    (``cache``: the parts' verdicts already found, kept by the caller; ``companions``:
    the units the piece's oversized communities claim as companions, each to its unit
    above the maximum, proved apart by :mod:`optimizer.checker.companions`: not joined
    units, and they cut parts off with the units above the maximum)."""
    owners = dict(companions or {})
    mates = frozenset(owners)
    memo: dict[tuple[object, ...], Proof] = {} if cache is None else cache
    pieces_of = sorted({pieces.piece_of[u] for u in members})
    big = [u for q in pieces_of for u in above_max_units(s, pieces, q) if u in members]
    if len(big) != 1:
        return False, (f"it holds {len(big)} units above the maximum; units join the "
                       "community of one")
    p = pieces.piece_of[big[0]]
    lo, hi = s.policy.bounds(bool(s.urban[big[0]]))
    joined = sorted(u for u in members if u != big[0] and u not in mates)
    wrong = _what_joined(s, joined, claim)
    if wrong is not None:
        return False, wrong
    if claim.bounds is not None and claim.bounds != (lo, hi):
        return False, f"it says {claim.bounds[0]}-{claim.bounds[1]}; the bounds are {lo}-{hi}"
    parts = cut_off_parts(s, pieces, p, mates)
    held = [part for part in parts if set(part) & set(joined)]
    n = sum(len(part) for part in held)
    t = int(sum(int(s.households[list(part)].sum()) for part in held))
    stray = [u for u in joined if pieces.piece_of[u] != p]
    if stray:
        return False, f"it names {_names(s, stray)}, outside the piece of its unit above max"
    if (claim.n_units is not None and claim.n_units != n) or \
            (claim.part_households is not None and claim.part_households != t):
        rest = sorted({u for part in held for u in part} - set(joined))
        return False, (f"not cut off as it says ({claim.n_units} units, "
                       f"{claim.part_households} households): the parts its joined units lie "
                       f"in without the units above the maximum have {n} units ({t} "
                       f"households)" + (f"; they connect to {_names(s, rest)}" if rest else ""))
    host = _Host(s)
    undecided = []
    for part in held:
        if ("stranded", part) not in memo:
            memo["stranded", part] = _stranded(s, part, lo, hi, host)
        ok, why = memo["stranded", part]
        if ok is False:
            return False, why
        if ok is None:
            undecided.append(f"that they cannot form communities on their own: {why}")
    if claim.least:
        # All the search reads of the plan: the oversized units' communities and the
        # companions they claim (the rest is the scenario's), so the verdict is kept
        # under that key and outlives one check: an edit elsewhere reuses it.
        theirs = tuple(sorted(tuple(sorted(members_of.get(community_of.get(o, ""), {o})))
                              for o in above_max_units(s, pieces, p)))
        claimed = tuple(sorted(owners.items()))
        for part in held:
            key = ("fewest", part, theirs, claimed)
            if key not in memo:
                _keep(memo, key, _fewest(s, pieces, p, part, lo, hi, host, community_of,
                                         members_of, owners))
            ok, why = memo[key]
            if ok is False:
                return False, why
            if ok is None:
                undecided.append(f"that no plan gives fewer households: {why}")
    if undecided:
        return None, "; ".join(undecided)
    least = (", and no plan joins fewer households of them (the checker searched every "
             "plan)" if claim.least else "; the fewest joined households is not claimed")
    return True, (f"the {len(joined)} units it also holds come from {len(held)} part(s) of "
                  f"{n} units ({t} households) that units above the maximum cut off, which "
                  f"cannot form communities of {lo}..{hi} on their own (the checker searched "
                  f"every split){least}")


__all__ = ["KEPT_FEWEST", "MAX_ASSIGNMENTS", "Proof", "assignment_exists", "cut_off_parts",
           "joined_proof"]
