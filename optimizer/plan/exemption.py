"""An exemption as a record: what the solver says a community cannot meet, and why, in
fields a reader can use without reading English back.

communities.csv carries an exemption as text (CONTRACT.md ``exemption``); other tools
and the independent checker read that text, and it stays exactly as it is. Where the
engine makes an exemption (optimizer/graph/diagnosis.py, optimizer/graph/oversized.py,
optimizer/search/piece_common.py, optimizer/search/driver.py) it makes an
:class:`Exemption`: the same words in ``text`` and, beside them, the rule, the kind,
the place, the unit or part named, the households, the bounds and whether it is
proved. The plan carries them to the reports (``Community.reasons``), which write
their sentences from the fields (optimizer/report/reasons_exempt.py).

A plan read from a folder has only the text: the report reads that as another tool's
file (:func:`optimizer.report.reasons_exempt.parse_exemption`, to the same record).
Every field holds what the text says, no more (ids beyond the ten shown are "N more"),
so reading an engine text back gives the record it was written from
(tests/plan/test_exemption.py).
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = " | "     # between the exemptions of one community (as plan.model's)

KINDS = (
    "unit-above-max",    # one unit holds more households than a community may
    "too-small",         # the piece holds fewer households than one community needs
    "no-integer-k",      # no whole number of communities fits the piece's households
    "no-partition",      # no connected split of the piece within the bounds exists
    "no-plan",           # the search found no split within the bounds (proved or not)
    "no-center",         # ONE-STATION: no place for a center for the units named
    "forbidden-build",   # ONE-STATION: a stand-in build where no_build forbids one
    "short-rooms",       # AREA-PER-HH: an oversized unit's rooms coming reach too little
    "short-within",      # AREA-PER-HH: every possible center of a unit within the maximum
                         # is too small (optimizer.search.short_within)
    "text",              # only the words are known (an old checkpoint)
)


@dataclass(frozen=True)
class Named:
    """The units an exemption names, as it names them."""

    ids: tuple[str, ...]         # the ids shown
    more: int = 0                # "... and N more"
    shape: str = "named"         # named | part (of the town's area) | whole (area)
    cut_off: bool = False        # a part: cut off by a barrier (else: no neighbour link)
    n_units: int = 0             # a part: how many units it has


@dataclass(frozen=True)
class CenterWhy:
    """Why no center can stand in one unit (optimizer.graph.center.describe_unit)."""

    unit: str
    sites: tuple[str, ...] = ()      # none: no site at all (and no_build)
    max_m2: float = 0.0              # the most its sites reach
    need_m2: float = 0.0             # what a community of ``households`` needs
    households: int = 0


@dataclass(frozen=True)
class Joined:
    """Units of stranded parts that joined an oversized unit's community."""

    named: Named
    households: int              # of the joined units
    part_units: int              # of the parts they come from
    part_households: int
    lo: int                      # the bounds those parts cannot be split within
    hi: int
    proven: bool                 # no plan gives fewer households (else: least found)


@dataclass(frozen=True)
class Companions:
    """Units an oversized unit where no center can stand (no site, no_build) took so
    that its community has a place for one: the lightest path of units to such a place
    (ONE-STATION), outside the communities of the piece's other units above the maximum."""

    named: Named
    households: int              # of the companions
    unit: str                    # the oversized unit


@dataclass(frozen=True)
class Boxed:
    """An oversized unit where no center can stand, boxed in: every path from it to a
    place for one passes another unit above the maximum (or the units that unit's
    community took), so it joined that unit's community, through ``path`` (ONE-STATION;
    optimizer/graph/boxed.py)."""

    unit: str                    # the boxed-in unit
    households: int              # of the unit
    path: Named | None = None    # units between it and the community it joined
    path_households: int = 0


@dataclass(frozen=True)
class Alone:
    """No-partition: units that can only be communities on their own (any neighbour
    takes them over the maximum) and a connected part of the rest they leave that fits
    no whole number of communities: the part that makes the split impossible
    (optimizer/graph/alone.py)."""

    named: Named                 # the units alone
    households: int              # of those units
    part_units: int              # the part left
    part_households: int
    whole_rest: bool             # the part is all the other units of the piece


@dataclass(frozen=True)
class Side:
    """One part a cut unit links (:class:`CutAt`)."""

    named: Named | None          # its units (None: the last, "the other N units")
    units: int
    households: int
    shares: tuple[tuple[int, int], ...]  # what the cut unit's community can take of it


@dataclass(frozen=True)
class CutAt:
    """No-partition: a unit that is the only link between parts of the piece, whose
    community can take of each only a share leaving it a whole number of communities,
    and so holds a size outside the bounds (optimizer/graph/cut.py)."""

    unit: str
    households: int              # of the unit
    sides: tuple[Side, ...]      # the parts it links, the largest last
    under: int                   # the most its community can hold below the minimum (0: none)
    over: int                    # the least above the maximum (0: none)


@dataclass(frozen=True)
class CoreAt:
    """No-partition: a few units that no non-overlapping connected communities within
    the bounds hold all of, and how many such communities hold each
    (optimizer/graph/core_units.py)."""

    named: Named                 # the core's units, all shown
    holds: tuple[int, ...]       # per unit: the connected groups within the bounds holding it


@dataclass(frozen=True)
class Exemption:
    """One exemption of one community (a rule id and why)."""

    rule: str                    # SIZE-URBAN, SIZE-RURAL, ONE-STATION or AREA-PER-HH
    kind: str                    # one of KINDS
    text: str                    # the words of communities.csv, exactly
    county: str = ""
    street: str = ""
    area: str = ""               # urban | rural
    named: Named | None = None   # the unit, units or part it names
    households: int = 0          # of the unit (unit-above-max), the units or the piece
    lo: int = 0
    hi: int = 0
    n_units: int = 0             # no-plan, no-partition: the piece's units
    proven: bool = True          # no-plan: proved impossible (else: none found in time)
    columns: int = 0             # no-plan: proved by its N possible communities listed
    why: str = ""                # no-plan, forbidden-build: the search's words
    joined: Joined | None = None             # unit-above-max
    companions: Companions | None = None     # unit-above-max: taken for a center
    boxed: tuple[Boxed, ...] = ()            # unit-above-max: boxed-in units that joined
    centers: tuple[CenterWhy, ...] = ()      # no-center
    centers_more: int = 0
    any_size: bool = False       # no-center: in no community of any size (else in bounds)
    stand_in: tuple[str, ...] = ()           # no-center: the units a build stands in
    no_host: bool = False        # no-center: none of the community's units could hold one
    held: tuple[str, ...] = ()   # no-center: the places the oversized units' communities
                                 # hold, without which none is left (optimizer/graph/held.py)
    inner: Exemption | None = None           # forbidden-build: why no plan was found
    alone: Alone | None = None               # no-partition: the part that makes it so
    cut: CutAt | None = None                 # no-partition: the unit linking its parts
    core: CoreAt | None = None               # no-partition: units held by no split

    @staticmethod
    def of_text(text: str) -> Exemption:
        """Words only (an old checkpoint): the rule id they start with, kind "text"."""
        return Exemption(text.split(":", 1)[0].strip(), "text", text)


Reasons = tuple[Exemption, ...]     # one community's exemptions, in order


def text_of(reasons: Reasons) -> str:
    """communities.csv's ``exemption`` for these reasons ("" for none)."""
    return SEPARATOR.join(r.text for r in reasons)


def of_texts(text: str) -> Reasons:
    """Reasons known only by their words (" | "-joined)."""
    return tuple(Exemption.of_text(t) for t in text.split(SEPARATOR)) if text else ()


__all__ = ["KINDS", "SEPARATOR", "Alone", "Boxed", "CenterWhy", "Companions", "CoreAt", "CutAt",
           "Exemption", "Joined", "Named", "Reasons", "Side", "of_texts", "text_of"]
