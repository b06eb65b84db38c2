"""The checker's own proofs that a community cannot meet its size rule (SIZE-URBAN /
SIZE-RURAL), and that an exemption's claims are true of the community carrying it.

Nothing here comes from the solver: no diagnosis (optimizer/graph/diagnosis.py), no
pieces (optimizer/graph/pieces.py). The checker finds the pieces itself (a piece: the
units of one county, street and kind connected in the scenario's neighbour arrays,
by breadth-first search), and proves:

- one unit above the maximum: arithmetic on the unit, which must be in the community;
- too few households: the piece holding the community has fewer than the minimum;
- no whole number of communities fits: no k ≥ 1 with k·L ≤ H ≤ k·U for the piece;
- no connected split exists: :func:`optimizer.checker.split.find_split`, complete and
  bounded; beyond its bound the exemption is not proved (a fail saying so). Where a
  split by households exists, none may exist once every community needs a place for
  its center (a no_build unit whose only neighbours with a place make its community
  too large for the rest): searched again with :func:`center.can_hold_center`;
- cut off by a barrier: the piece is a whole connected piece (the units the claim
  names, its household and unit counts are the piece's, not part of a larger one), and
  a neighbour link across a barrier (``scenario.cut_edges``) joins it to another piece
  of its town and kind;
- with no neighbour link / the whole area: the piece is a whole piece with other pieces
  of its town and kind beside it / the only one.

Each claim names what it is about (units, households, a town); a claim about another
community's unit or another piece fails, even when this community could be exempt on
other grounds: an exemption says why *this* community cannot meet the rule.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import cached_property

from optimizer.checker.center import can_hold_center
from optimizer.checker.claims import Claim, Reading
from optimizer.checker.core_units import KIND as CORE_KIND
from optimizer.checker.core_units import core_verdict
from optimizer.checker.cover import Verdict, cover_exists, cover_refuted
from optimizer.checker.cut import linked_verdict
from optimizer.checker.flow_split import flow_split
from optimizer.checker.pipeline import rooms_of
from optimizer.checker.split import (
    MAX_UNITS,
    QUICK_STEPS,
    SplitAnswer,
    SplitSearch,
    find_split,
    steps_for,
    whole_number_fits,
)
from optimizer.scenario.model import Scenario


def _names(s: Scenario, units: list[int] | set[int], n: int = 5) -> str:
    ids = [s.unit_ids[u] for u in sorted(units)]
    return ", ".join(ids[:n]) + (f" and {len(ids) - n} more" if len(ids) > n else "")


@dataclass
class Pieces:
    """The scenario's pieces, found by the checker (computed once per scenario)."""

    scenario: Scenario
    _splits: dict[int, SplitAnswer] = field(default_factory=dict)
    _center_splits: dict[int, SplitAnswer] = field(default_factory=dict)

    @cached_property
    def piece_of(self) -> list[int]:
        """Per unit, its piece number: breadth-first search over the neighbour arrays,
        never crossing county, street or kind."""
        s = self.scenario
        out = [-1] * s.n_units
        n = 0
        for start in range(s.n_units):
            if out[start] >= 0:
                continue
            key = s.piece_key(start)
            out[start] = n
            todo = deque([start])
            while todo:
                u = todo.popleft()
                for v in s.neighbours[u].tolist():
                    if out[v] < 0 and s.piece_key(v) == key:
                        out[v] = n
                        todo.append(v)
            n += 1
        return out

    @cached_property
    def units(self) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in range(max(self.piece_of, default=-1) + 1)]
        for u, p in enumerate(self.piece_of):
            out[p].append(u)
        return out

    @cached_property
    def same_key(self) -> dict[tuple[str, str, str], list[int]]:
        """(county, street, kind) -> its pieces."""
        out: dict[tuple[str, str, str], list[int]] = {}
        for p, us in enumerate(self.units):
            out.setdefault(self.scenario.piece_key(us[0]), []).append(p)
        return out

    @cached_property
    def barrier_links(self) -> dict[int, set[int]]:
        """Piece -> the other pieces of its town and kind a barrier cuts it from."""
        s, of = self.scenario, self.piece_of
        out: dict[int, set[int]] = {}
        for a, b in s.cut_edges.reshape(-1, 2).tolist():
            pa, pb = of[a], of[b]
            if pa != pb and s.piece_key(a) == s.piece_key(b):
                out.setdefault(pa, set()).add(pb)
                out.setdefault(pb, set()).add(pa)
        return out

    def households(self, p: int) -> int:
        return int(self.scenario.households[self.units[p]].sum())

    def split(self, p: int) -> SplitAnswer:
        if p not in self._splits:
            s = self.scenario
            lo, hi = s.policy.bounds(bool(s.urban[self.units[p][0]]))
            args = (self.units[p], s.households.tolist(), s.neighbours, lo, hi)
            search = SplitSearch(*args)
            got = search.run(QUICK_STEPS)
            if got.exists is None and steps_for(len(self.units[p])) > QUICK_STEPS:
                # out of steps: the assignment model for a few communities (a piece
                # just above k x minimum, wild seed 313: flow_split.py), then the
                # search's full steps, going on where the quick run stopped
                got = flow_split(*args)
                got = got if got.exists is not None else search.run(steps_for(len(self.units[p])))
            self._splits[p] = got
        return self._splits[p]

    def split_with_centers(self, p: int) -> SplitAnswer:
        """:meth:`split` where each community also needs a place for its center
        (:func:`optimizer.checker.center.can_hold_center`), on PIPELINE's imposed rooms
        where it holds them (``rooms_of``), as the checker's PIPELINE line reads a plan
        (wild seeds 636, 1126, 1393: splits that line fails were offered as proof)."""
        if p not in self._center_splits:
            s = self.scenario
            lo, hi = s.policy.bounds(bool(s.urban[self.units[p][0]]))
            memo: dict[tuple[int, int], bool] = {}

            def can_host(u: int, h: int) -> bool:
                if (u, h) not in memo:
                    memo[u, h] = can_hold_center(s, u, h)
                return memo[u, h]

            self._center_splits[p] = find_split(self.units[p], s.households.tolist(),
                                                s.neighbours, lo, hi, can_host=can_host,
                                                max_steps=steps_for(len(self.units[p])),
                                                rooms=rooms_of(s, tuple(self.units[p])))
        return self._center_splits[p]

    def describe(self, p: int) -> str:
        s = self.scenario
        u = self.units[p][0]
        return f"its piece {s.street[u]} ({s.kind(u)}) has {self.households(p)} households"


# --- the proofs, one per kind of claim ---------------------------------------------------
def above_max(s: Scenario, members: set[int], claim: Claim) -> Verdict:
    """One unit above the maximum: named, in this community, and above the bound."""
    if claim.unknown:
        return False, f"it names {claim.unknown[0]!r}, which is not a unit of the scenario"
    [u] = claim.units
    hi = s.policy.bounds(bool(s.urban[u]))[1]
    h = int(s.households[u])
    uid = s.unit_ids[u]
    if u not in members:
        big = sorted(i for i in members if int(s.households[i]) > s.policy.bounds(
            bool(s.urban[i]))[1])
        own = (f"; its own unit above the maximum is {_names(s, big)}, which the exemption "
               "does not name") if big else ""
        return False, f"it names unit {uid}, which is not one of its units{own}"
    if claim.households is not None and claim.households != h:
        return False, f"it says unit {uid} has {claim.households} households; it has {h}"
    if h <= hi:
        return False, f"unit {uid} has {h} households, not above the maximum of {hi}"
    return True, f"unit {uid} alone has {h} households, above {hi}"


def _same_piece(s: Scenario, pieces: Pieces, p: int, claim: Claim) -> str | None:
    """What the claim states of its piece that is not true of piece ``p`` (None: all
    it states is true). A claim smaller than the piece means the piece goes on."""
    units = set(pieces.units[p])
    h = pieces.households(p)
    outside = [u for u in claim.units if u not in units]
    if claim.unknown:
        return f"it names {claim.unknown[0]!r}, which is not a unit of the scenario"
    if outside:
        return f"it names {_names(s, outside)}, not in the piece of its units"
    if claim.households is not None and claim.households != h:
        return (f"it says its piece has {claim.households} households; the units of "
                f"{s.street[pieces.units[p][0]]} ({s.kind(pieces.units[p][0])}) connected "
                f"to its own hold {h}")
    if claim.n_units is not None and claim.n_units != len(units):
        return f"it says its piece has {claim.n_units} units; it has {len(units)}"
    return None


SHAPES = ("cut-off", "isolated", "whole")     # what the piece is, not why it fails


def piece_claim(s: Scenario, pieces: Pieces, p: int, claim: Claim,
                core: Claim | None = None, linked: Verdict | None = None) -> Verdict:
    """A claim about the piece ``p`` holding the community. A claim of its shape
    (:data:`SHAPES`) proves nothing about the size rule: its reason is empty. ``core``:
    the units the text says no non-overlapping communities can hold all of, a proof
    of "no split" local to them (:mod:`optimizer.checker.cover`); ``linked``: the
    verdict on a cut claim of this piece (:mod:`optimizer.checker.cut`), which, proved,
    proves "no split" too."""
    lo, hi = s.policy.bounds(bool(s.urban[pieces.units[p][0]]))
    h = pieces.households(p)
    arithmetic = f"{pieces.describe(p)}: no whole number of communities of {lo}..{hi} fits"
    wrong = _same_piece(s, pieces, p, claim)
    if wrong is not None:
        if claim.kind in ("cut-off", "isolated", "whole") and len(claim.units) < len(
                pieces.units[p]) and claim.units:
            rest = sorted(set(pieces.units[p]) - set(claim.units))
            return False, (f"not cut off: the units it names connect to {_names(s, rest)} "
                           f"of the same {s.kind(pieces.units[p][0])} area ({wrong})")
        return False, wrong
    key = s.piece_key(pieces.units[p][0])
    others = [q for q in pieces.same_key[key] if q != p]
    if claim.kind == "too-few":
        return (h < lo, arithmetic if h < lo
                else f"{pieces.describe(p)}, not fewer than the minimum {lo}")
    if claim.kind == "no-k":
        if whole_number_fits(h, lo, hi):
            k = -(-h // hi)
            return False, f"{pieces.describe(p)}: {k} communities of {lo}..{hi} fit"
        return True, arithmetic
    if claim.kind == "cut-off":
        if not pieces.barrier_links.get(p):
            return False, ("no barrier cuts it off: no neighbour link across a barrier "
                           f"joins its piece to the rest of {key[1]} ({key[2]})")
        return True, ""
    if claim.kind == "isolated":
        return (bool(others), "" if others
                else f"its piece is the whole {key[2]} area of {key[1]}, not a part of it")
    if claim.kind == "whole":
        return (not others, "" if not others
                else f"{key[1]} ({key[2]}) has {len(others)} other pieces beside its own")
    if claim.kind == "no-split" and linked is not None and linked[0]:
        return linked
    if claim.kind == "no-split" and core is not None:
        return core_split(s, pieces, p, core)
    return no_split(s, pieces, p)


def core_split(s: Scenario, pieces: Pieces, p: int, core: Claim) -> Verdict:
    """No split of piece ``p`` within the bounds, because the units ``core`` names
    (all of the piece) cannot all be held by non-overlapping communities within them."""
    lo, hi = s.policy.bounds(bool(s.urban[pieces.units[p][0]]))
    piece = set(pieces.units[p])
    if core.unknown or not core.units:
        return False, f"it names units that are not the scenario's: {', '.join(core.unknown)}"
    if not set(core.units) <= piece:
        return False, (f"it names {_names(s, set(core.units) - piece)}, not of its piece "
                       f"{pieces.describe(p)}")
    if core.bounds != (lo, hi):
        return False, f"it states the bounds {core.bounds}; the piece's are {lo}..{hi}"
    got = cover_exists(s, piece, list(core.units), lo, hi, centers=core.centers)
    names = _names(s, set(core.units))
    each = " each with a legal center" if core.centers else ""
    wrong = cover_refuted(got, names, lo, hi, each)
    if wrong is not None:
        return wrong
    return True, (f"{pieces.describe(p)}: no non-overlapping connected communities of "
                  f"{lo}..{hi}{each} hold all of {names} (the checker searched every one "
                  "holding each), so no split within the bounds"
                  f"{' whose communities all have a legal center' if core.centers else ''} "
                  "exists")


def no_split(s: Scenario, pieces: Pieces, p: int) -> Verdict:
    """No connected split of the piece within the bounds (arithmetic first)."""
    lo, hi = s.policy.bounds(bool(s.urban[pieces.units[p][0]]))
    h, n = pieces.households(p), len(pieces.units[p])
    if not whole_number_fits(h, lo, hi):
        return True, f"{pieces.describe(p)}: no whole number of communities of {lo}..{hi} fits"
    got = pieces.split(p)
    if got.exists is None:
        bound = (f"it has more than the {MAX_UNITS} units the checker's exhaustive split "
                 "search takes" if n > MAX_UNITS else
                 f"the checker's exhaustive split search stopped after {steps_for(n):,} steps")
        return False, (f"{pieces.describe(p)} in {n} units: {bound}, so it cannot prove "
                       f"that no split into communities of {lo}..{hi} exists")
    if got.exists and pieces.split_with_centers(p).exists is False:
        return True, (f"{pieces.describe(p)} in {n} units: no split into connected "
                      f"communities of {lo}..{hi} that each have a place for a service "
                      "center (ONE-STATION, PIPELINE) exists (the checker searched every "
                      "split)")
    if got.exists:
        shown = " | ".join(_names(s, set(g), 3) for g in got.groups[:4])
        more = f" | ... ({len(got.groups)} communities)" if len(got.groups) > 4 else ""
        return False, (f"{pieces.describe(p)} in {n} units and splits into connected "
                       f"communities of {lo}..{hi}: {shown}{more}")
    how = ("the checker's assignment model proved it for every possible number of "
           "communities" if got.by_model else "the checker searched every split")
    return True, (f"{pieces.describe(p)} in {n} units: no split into connected communities "
                  f"of {lo}..{hi} exists ({how})")


def above_max_units(s: Scenario, pieces: Pieces, p: int) -> list[int]:
    """The units of piece ``p`` above its maximum."""
    hi = s.policy.bounds(bool(s.urban[pieces.units[p][0]]))[1]
    return [u for u in pieces.units[p] if int(s.households[u]) > hi]


def not_the_big_ones(s: Scenario, pieces: Pieces, members: set[int] | list[int] |
                     tuple[int, ...]) -> str | None:
    """Why a proof about the pieces holding ``members`` says nothing of this community
    (None when it may): one of those pieces holds units above the maximum and the
    community none of them. Such a piece has no split within the bounds because of
    those units alone: each is a community that breaks the rule whatever the plan, and
    every other unit of the piece reaches one of them through units that do not (the
    piece is connected), so a plan exists in which every community without such a
    unit keeps the bounds (the rest joining theirs). Only their communities are exempt
    on that ground (issue 16: an oversized unit's exemption copied onto neighbours)."""
    own = set(members)
    for p in sorted({pieces.piece_of[u] for u in own}):
        big = above_max_units(s, pieces, p)
        if big and not own & set(big):
            return (f"its piece holds the units above the maximum {_names(s, big)}, which "
                    "it does not hold: only their communities are exempt on that ground "
                    "(the rest of the piece can join them)")
    return None


def size_reading(s: Scenario, pieces: Pieces, members: set[int], reading: Reading
                 ) -> Verdict:
    """Every claim of a size exemption, proved for this community (all must hold).
    A claim about its piece (too few, no whole number, no split) is no proof for a
    community that holds none of the piece's units above the maximum
    (:func:`not_the_big_ones`)."""
    if not members:
        return False, "the community has no units"
    if reading.foreign_place:
        u = min(members)
        return False, (f"it names another town/street than its own, {s.street[u]} "
                       f"(county {s.county[u]})")
    mine = sorted({pieces.piece_of[u] for u in members})
    proved: list[str] = []
    foreign = not_the_big_ones(s, pieces, members)
    if foreign is not None and not reading.kinds() <= {"above-max", *SHAPES}:
        return False, foreign
    core = next((c for c in reading.claims if c.kind == "core"), None)
    if core is not None and core.units and not members & set(core.units):
        # SIZE-URBAN / SIZE-RURAL: the core proves that some community holding one of
        # its units breaks the bounds, not that this one must (issue 16: a soft plan's
        # six communities far from the village it named, exempt on its ground).
        return False, (f"it names {_names(s, set(core.units))} as units no communities "
                       "within the bounds can hold together, and holds none of them: only "
                       "a community holding one is exempt on that ground")
    named = next((c for c in reading.claims if c.kind == CORE_KIND and c.units), None)
    if named is not None and not members & set(named.units):
        # A named core (graph/core_units.py) proves that a community holding one of its
        # units breaks the bounds: no ground for one holding none. (A link, graph/cut.py,
        # proves only that the community holding it breaks them were every other within
        # them: the one outside may be another, tests/search/test_least_miss.py.)
        return False, (f"it names {_names(s, set(named.units))} as what makes the split "
                       "impossible, and holds none of them: only a community holding one is "
                       "exempt on that ground")
    at, linked = linked_verdict(s, {p: pieces.units[p] for p in mine}, reading)
    if linked is None:      # a core of the piece (optimizer.checker.core_units)
        at, linked = core_verdict(s, {p: pieces.units[p] for p in mine}, reading)
    if linked is not None and not linked[0]:
        return linked
    for claim in reading.claims:
        if claim.kind in ("core", "cut", CORE_KIND):
            continue            # proved with the "no split" claim it grounds
        if claim.kind == "above-max":
            ok, why = above_max(s, members, claim)
            if not ok:
                return False, why
            proved.append(why)
            continue
        whys = []
        for p in mine:
            ok, why = piece_claim(s, pieces, p, claim, core, linked if p == at else None)
            if not ok:
                return False, why
            whys.append(why)
        if claim.kind not in SHAPES:
            proved.append("; ".join(whys))
    if not proved:          # only what the piece is: why it fails is the checker's to find
        if foreign is not None:
            return False, foreign
        for p in mine:
            ok, why = no_split(s, pieces, p)
            if not ok:
                return False, why
            proved.append(why)
        return True, "; ".join(proved)
    return True, proved[0]


__all__ = ["SHAPES", "Pieces", "Verdict", "above_max", "above_max_units", "core_split", "no_split",
           "not_the_big_ones", "piece_claim", "size_reading"]
