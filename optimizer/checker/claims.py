"""What an exemption claims: its text (communities.csv ``exemption``) read into claims
the checker can verify on its own (:mod:`optimizer.checker.proofs`).

The plan file carries an exemption as text (CONTRACT.md), so the checker reads the
text. It recognises what the engine writes (optimizer/graph/diagnosis.py's messages,
the search's "no partition ... was found" and "no plan with a center" reasons, the
workbench's short forms) and the same facts said more loosely by a planner:

- ``above-max``   "<unit> alone has N households": one unit above the maximum;
- ``too-few``     "... has/have N households; a ... community needs L-U ...";
- ``no-k``        "... no whole number of ... communities ... fits";
- ``no-split``    "no way to split ..." or "no partition of this piece ...": no
                  connected split within the bounds exists;
- ``cut-off``     "cut off by a barrier": the piece is its own connected piece because
                  a barrier cuts it from the rest of its town's area of its kind;
- ``isolated``    "with no neighbour link to the rest": its own piece, no barrier needed;
- ``whole``       "the whole <kind> area": the piece is all of its town's area of its kind;
- ``joined``      "Its community also holds <units> (N households) of the n units (T
                  households) that units above the maximum cut off ..." (graph/
                  oversized.py); ``least``: whether it claims no plan joins fewer;
- ``companions``  "Its community also holds <units> (N households): the <unit> has no
                  place for a service center of its own, and these units are the lightest
                  path ..." (graph/oversized.py): what such a unit above the maximum took;
- ``boxed``       "It also holds the <unit> (N households, above the maximum)[, joined
                  through <units> (M households)]: no place for a service center can be
                  reached from it without passing through another unit above the maximum
                  ... (ONE-STATION)." (graph/boxed.py): a boxed-in unit that joined;
- ``no-center``   "no place for a service center" or "no plan with a center in every
                  community" (ONE-STATION);
- ``cut``         "The <unit> (N households) is the only link between <parts> of the
                  piece. Were every other community ... never L-U." (graph/cut.py);
- ``named-core``  "No non-overlapping connected ... communities of L-U households hold all
                  of the <units> (...)" (graph/core_units.py; checker/core_units.py);
- ``unstated``    none of these: the checker looks for a proof of its own.

Besides the kinds, a claim keeps what the text states that can be checked: the units
it names (resolved against the scenario's unit ids, so ids with spaces or commas are
found), the households and the number of units of the piece, and whether it names a
town/street. Only the reading is here; whether it is true is for the proofs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from optimizer.checker.core_read import KIND as CORE_KIND
from optimizer.checker.core_read import read_core
from optimizer.scenario.model import Scenario

_N = r"(\d[\d,]*)"
_ALONE = re.compile(rf" alone has {_N} households")
_PIECE_HH = re.compile(rf"\b(?:has|have) {_N} households\b")
_PLAN_PIECE = re.compile(rf"no partition of this piece \({_N} units, {_N} households\)")
_N_UNITS = re.compile(rf"a piece of {_N} units|every split of these {_N} units")
_PIECE_IDS = re.compile(
    r"the (?:whole (?:urban|rural) area, )?(?:rural villages?|urban compounds?) (?P<ids>.+?),?"
    rf" (?:\((?:a single unit|a piece of {_N} units)|(?:has|have) \d)")
_CENTER_IDS = re.compile(rf"for the (?:rural villages?|urban compounds?) (?P<ids>.+?) "
                         rf"\({_N} households\)")
# the units no non-overlapping communities can hold all of (optimizer.search.core)
_CORE = re.compile(rf"no non-overlapping communities of {_N}-{_N} households"
                   r"(?P<centers>, each with a legal place for its service center "
                   r"\(ONE-STATION, PIPELINE\),)? can hold all "
                   r"of the (?:rural villages|urban compounds) (?P<ids>.+)\); the plan breaks")
_MORE = re.compile(r"^(?P<head>.*) and (?P<more>[\d,]+) more$")
_JOINED = re.compile(
    rf" Its community also holds the (?:rural villages?|urban compounds?) (?P<ids>.+?) "
    rf"\({_N} households\) of the {_N} units \({_N} households\) that units above the "
    r"maximum cut off from the rest of the .+?: those cannot form connected \S+ "
    rf"communities of {_N}-{_N} households on their own \([A-Z0-9-]+\), and (?P<how>.+)\.$",
    re.S)
_COMPANIONS = re.compile(
    rf" Its community also holds the (?:rural villages?|urban compounds?) (?P<ids>.+?) "
    rf"\({_N} households\): the (?:rural village|urban compound) (?P<unit>.+?) has no place "
    r"for a service center of its own, and these units are the lightest path \(by "
    r"households\) from it to a place for one, outside the communities of other units above "
    r"the maximum \(ONE-STATION\)\.", re.S)
_BOXED = re.compile(
    rf" It also holds the (?:rural village|urban compound) (?P<unit>.+?) \({_N} households, "
    rf"above the maximum\)(?:, joined through the (?:rural villages?|urban compounds?) "
    rf"(?P<ids>.+?) \({_N} households\))?: no place for a service center can be reached "
    r"from it without passing through another unit above the maximum or the units that "
    r"unit's community took \(ONE-STATION\)\.", re.S)
# the unit that is the only link between parts of the piece (optimizer/graph/cut.py)
_CUT = re.compile(
    r" The (?:rural village|urban compound) (?P<unit>.+?) \((?P<hh>\d[\d,]*) households\) is "
    r"the only link between (?P<sides>.+?) of the piece\. Were every other community within "
    r"the bounds, the one holding it would take of each of these parts all of it or a share "
    r"that leaves it a whole number of \S+ communities of (?P<lo>\d[\d,]*)-(?P<hi>\d[\d,]*) "
    r"households \((?P<takes>.+?)\), and with its own [\d,]+ households hold "
    r"(?P<sizes>.+?), never [\d,]+-[\d,]+\.", re.S)
_CUT_SIDE = re.compile(rf"(?:the (?:{_N} )?(?:rural villages?|urban compounds?) (?P<ids>.+?)|"
                       rf"the other (?:{_N} )?(?:rural villages?|urban compounds?)) "
                       rf"\({_N} households\)(?:, | and |$)")
LEAST = ("no plan gives fewer households to the communities of units above the maximum "
         "(every possible community there was listed)")
_PLACE = re.compile(r"\bTown(?:/street)? '")


@dataclass(frozen=True)
class CutSide:
    """One part a cut claim says its unit links: the units it names (none for "the
    other N"), how many it has and their households, and the shares of it the text
    says the unit's community can take (None: unread)."""

    units: tuple[int, ...]
    unknown: tuple[str, ...]
    n_units: int
    households: int
    named: bool
    shares: tuple[tuple[int, int], ...] | None


@dataclass(frozen=True)
class CutClaim:
    """What a cut sentence states besides its unit: the parts, the bounds, and the
    sizes it says the unit's community can come nearest to them (0: none stated)."""

    sides: tuple[CutSide, ...]
    bounds: tuple[int, int]
    under: int
    over: int


@dataclass(frozen=True)
class Claim:
    """One thing an exemption says; ``units`` are scenario unit indices."""

    kind: str
    units: tuple[int, ...] = ()         # the units it names
    unknown: tuple[str, ...] = ()       # names it gives that are no unit of the scenario
    households: int | None = None       # of the unit (above-max) or of the piece
    n_units: int | None = None          # of the piece
    # joined: the named units not shown ("and N more"), the households and bounds of the
    # part(s) they come from, and whether it claims no plan joins fewer (None: unread)
    more: int = 0
    part_households: int | None = None
    bounds: tuple[int, int] | None = None
    least: bool | None = None
    # companions: the unit above the maximum they were taken for (None: not a unit)
    of_unit: int | None = None
    # core: each community must also have a legal center (optimizer.checker.cover)
    centers: bool = False
    cut: CutClaim | None = None         # cut: the parts its unit links (checker.cut)
    holds: tuple[int, ...] = ()         # named-core: the sets holding each unit it names


@dataclass(frozen=True)
class Reading:
    """All an exemption part (one rule id's text) says."""

    rule: str
    claims: tuple[Claim, ...]
    foreign_place: bool = False          # names a town/street that is not the community's
    text: str = field(default="", repr=False)

    def kinds(self) -> set[str]:
        return {c.kind for c in self.claims}

    def named_units(self) -> set[int]:
        return {u for c in self.claims for u in c.units}


def _num(text: str) -> int:
    return int(text.replace(",", ""))


def _unit_before(s: Scenario, text: str, end: int) -> int | None:
    """The unit id that ``text[:end]`` ends with (the longest one starting the text or
    after a space), e.g. 'the rural village JH-BS-0081' -> JH-BS-0081."""
    head = text[:end]
    starts = [0] + [k + 1 for k, ch in enumerate(head) if ch == " "]
    for k in starts:
        u = s.unit_index.get(head[k:])
        if u is not None:
            return u
    return None


def _id_list(s: Scenario, text: str) -> tuple[list[int], list[str]]:
    """'a, b and c' (or 'a, ..., j and 5 more') as units, and the names not found.
    A whole-list match first, so one id holding ', ' or ' and ' is still found."""
    text = text.strip()
    more = _MORE.match(text)
    if more:
        text = more.group("head")
    if text in s.unit_index:
        return [s.unit_index[text]], []
    units, unknown = [], []
    for name in re.split(r", | and ", text):
        name = name.strip()
        if not name:
            continue
        u = s.unit_index.get(name)
        if u is None:
            unknown.append(name)
        else:
            units.append(u)
    return units, unknown


def _own_place_spans(text: str, county: str, street: str, kind: str) -> list[tuple[int, int]]:
    spans = []
    for own in (f"Town '{street}' (county '{county}')",
                f"Town/street '{street}' (county '{county}')",
                f"for {county} / {street} / {kind} (", f"its piece {street} ({kind})"):
        start = text.find(own)
        while start >= 0:
            spans.append((start, start + len(own)))
            start = text.find(own, start + 1)
    return spans


def _foreign_place(text: str, county: str, street: str, kind: str) -> bool:
    """Whether the text names a town/street other than (county, street) of this kind."""
    spans = _own_place_spans(text, county, street, kind)

    def inside(k: int) -> bool:
        return any(a <= k < b for a, b in spans)

    marks = [m.start() for m in _PLACE.finditer(text)]
    for phrase, at in (("was found for ", len("was found ")), ("its piece ", 0)):
        marks += [m.start() + at for m in re.finditer(re.escape(phrase), text)]
    return any(not inside(k) for k in marks)


def _above_max(s: Scenario, text: str) -> list[Claim]:
    out = []
    for m in _ALONE.finditer(text):
        u = _unit_before(s, text, m.start())
        stated = _num(m.group(1))
        if u is None:
            word = text[:m.start()].rsplit(" ", 1)[-1]
            out.append(Claim("above-max", unknown=(word,), households=stated))
        else:
            out.append(Claim("above-max", units=(u,), households=stated))
    return out


def _joined(s: Scenario, text: str) -> tuple[str, list[Claim]]:
    """The joined-units clause as a claim, and the text without it (so its words are
    not read as another claim's)."""
    m = _JOINED.search(text)
    if m is None:
        return text, []
    ids = m.group("ids").strip()
    more = _MORE.match(ids)
    hidden = _num(more.group("more")) if more else 0
    units, unknown = _id_list(s, ids)
    how = m.group("how")
    least = True if how == LEAST else (False if how == "this is the least the search "
                                       "found in time" else None)
    claim = Claim("joined", tuple(units), tuple(unknown), _num(m.group(2)), _num(m.group(3)),
                  hidden, _num(m.group(4)), (_num(m.group(5)), _num(m.group(6))), least)
    return text[:m.start()] + text[m.end():], [claim]


def _companions(s: Scenario, text: str) -> tuple[str, list[Claim]]:
    """The companions clause as a claim (units taken so that a unit above the maximum
    where no center can stand has a place for one), and the text without it: read
    before the joined clause, whose ids would otherwise run over it."""
    m = _COMPANIONS.search(text)
    if m is None:
        return text, []
    ids = m.group("ids").strip()
    more = _MORE.match(ids)
    units, unknown = _id_list(s, ids)
    claim = Claim("companions", tuple(units), tuple(unknown), _num(m.group(2)),
                  more=_num(more.group("more")) if more else 0,
                  of_unit=s.unit_index.get(m.group("unit")))
    return text[:m.start()] + text[m.end():], [claim]


def _boxed(s: Scenario, text: str) -> tuple[str, list[Claim]]:
    """The clauses of boxed-in units that joined the community (optimizer/graph/boxed.py)
    as claims (``of_unit`` the unit, ``units`` the units between, ``households`` the
    unit's, ``part_households`` theirs), and the text without them: read first, they
    follow the joined clause, which is read to the end of the text."""
    claims: list[Claim] = []
    for m in _BOXED.finditer(text):
        ids = (m.group("ids") or "").strip()
        more = _MORE.match(ids)
        units, unknown = _id_list(s, ids) if ids else ([], [])
        of = s.unit_index.get(m.group("unit"))
        claims.append(Claim("boxed", tuple(units),
                            tuple(unknown) + (() if of is not None else (m.group("unit"),)),
                            _num(m.group(2)), more=_num(more.group("more")) if more else 0,
                            part_households=_num(m.group(4)) if m.group(4) else 0,
                            of_unit=of))
    return _BOXED.sub("", text), claims


def _shares(text: str) -> tuple[tuple[int, int], ...] | None:
    """'all 888', '310-810 or all 1,810', '5' as whole-number spans (None: unread)."""
    out = []
    for part in text.split(" or "):
        m = re.fullmatch(rf"(?:all )?{_N}(?:-{_N})?", part.strip())
        if m is None:
            return None
        a = _num(m.group(1))
        out.append((a, _num(m.group(2)) if m.group(2) else a))
    return tuple(out)


def _cut(s: Scenario, text: str) -> tuple[str, list[Claim]]:
    """The cut-unit sentence as a claim (``units`` its unit, ``households`` the unit's,
    ``cut`` the rest), and the text without it: its ids are no piece's."""
    m = _CUT.search(text)
    if m is None:
        return text, []
    u = s.unit_index.get(m.group("unit"))
    sides = []
    takes = m.group("takes").split("; ")
    for k, g in enumerate(_CUT_SIDE.finditer(m.group("sides"))):
        ids = g.group("ids")
        units, unknown = _id_list(s, ids) if ids else ([], [])
        take = takes[k].rsplit(" of the ", 1)[0] if k < len(takes) else ""
        sides.append(CutSide(tuple(units), tuple(unknown), _num(g.group(1) or g.group(3) or "1"),
                             _num(g.group(4)), ids is not None, _shares(take) if take else None))
    sizes = m.group("sizes")
    under = re.search(rf"at most {_N}", sizes)
    over = re.search(rf"at least {_N}", sizes)
    claim = Claim("cut", (u,) if u is not None else (),
                  () if u is not None else (m.group("unit"),), _num(m.group("hh")),
                  cut=CutClaim(tuple(sides), (_num(m.group("lo")), _num(m.group("hi"))),
                               _num(under.group(1)) if under else 0,
                               _num(over.group(1)) if over else 0))
    return text[:m.start()] + text[m.end():], [claim]


def _piece(s: Scenario, text: str) -> tuple[list[int], list[str], int | None, int | None]:
    """The units, unknown names, households and unit count the text states of a piece."""
    units: list[int] = []
    unknown: list[str] = []
    for m in _PIECE_IDS.finditer(text):
        got, bad = _id_list(s, m.group("ids"))
        units += got
        unknown += bad
    hh = n = None
    plan = _PLAN_PIECE.search(text)
    if plan:
        n, hh = _num(plan.group(1)), _num(plan.group(2))
    else:
        said = _PIECE_HH.search(text)
        hh = _num(said.group(1)) if said else None
    count = _N_UNITS.search(text)
    if count:
        n = _num(count.group(1) or count.group(2))
    elif "(a single unit " in text:
        n = 1
    return units, unknown, hh, n


def read(s: Scenario, rule: str, text: str, county: str, street: str,
         kind: str) -> Reading:
    """The claims of one exemption part about a community of (county, street, kind)."""
    claims: list[Claim] = []
    if rule == "ONE-STATION":
        if "no place for a service center" in text or \
                "no plan with a center in every community" in text:
            units: list[int] = []
            unknown: list[str] = []
            for m in _CENTER_IDS.finditer(text):
                got, bad = _id_list(s, m.group("ids"))
                units += got
                unknown += bad
            claims.append(Claim("no-center", tuple(units), tuple(unknown)))
    else:
        rest, boxed = _boxed(s, text)
        rest, companions = _companions(s, rest)
        rest, joined = _joined(s, rest)
        rest, cut = _cut(s, rest)
        rest, core_read = read_core(rest, lambda ids: _id_list(s, ids))
        if core_read is not None:
            cut.append(Claim(CORE_KIND, tuple(core_read[0]), tuple(core_read[1]),
                             bounds=core_read[2], holds=core_read[3]))
        claims += _above_max(s, rest) + companions + joined + boxed + cut
        units, unknown, hh, n = _piece(s, rest)
        kinds = [k for k, said in (     # what the piece is first, then why it fails
            ("cut-off", "cut off by a barrier" in rest),
            ("isolated", "with no neighbour link to the rest" in rest),
            ("whole", re.search(r"\bthe whole (?:urban|rural) area\b", rest) is not None),
            ("too-few", "community needs" in rest and "households short" in rest),
            ("no-k", "no whole number of" in rest),
            ("no-split", "no way to split" in rest or "no partition of this piece" in rest),
        ) if said]
        claims += [Claim(k, tuple(units), tuple(unknown), hh, n) for k in kinds]
        core = _CORE.search(rest)
        if core:
            got, bad = _id_list(s, core.group("ids"))
            claims.append(Claim("core", tuple(got), tuple(bad),
                                bounds=(_num(core.group(1)), _num(core.group(2))),
                                centers=core.group("centers") is not None))
    if not claims:
        claims.append(Claim("unstated"))
    return Reading(rule, tuple(claims), _foreign_place(text, county, street, kind), text)


__all__ = ["Claim", "CutClaim", "CutSide", "Reading", "read"]
