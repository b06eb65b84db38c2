"""Exemptions: a community may skip a rule only where the checker proves, with its own
code, that the rule is impossible for it.

The exemption text of communities.csv starts with the rule id; several exemptions of
one community are joined by " | " (a piece too small whose only unit has no place for
a center: "SIZE-RURAL: ... | ONE-STATION: ..."), each judged on its own. What the text
claims is read by :mod:`optimizer.checker.claims` and proved by
:mod:`optimizer.checker.proofs` and :mod:`optimizer.checker.center`, never by the
solver's diagnosis:

- SIZE-URBAN / SIZE-RURAL: every claim the text makes must be true of this community
  (the unit it names above the maximum is one of its units; the piece it describes is
  the piece holding its units, too small, fitting no whole number of communities, with
  no connected split, cut off by a barrier, ...). A text the checker cannot read as any
  of these ("unstated") is accepted only when the checker finds a proof itself: one of
  its units above the maximum, the pieces holding it impossible, one of its units
  unable to be in any community within the bounds that has a place for a center while
  it is in one (it breaks the size rule or ONE-STATION, and either may be exempt), or
  a pocket it meets (:mod:`optimizer.checker.pocket`: units behind one unit that no
  split keeps within the bounds) where it is the only community breaking them. The
  search's "no partition of this piece ... was found" is accepted on the same last
  ground as on a proof that no split exists (which counts a split whose communities
  cannot all have a place for a center as none: :func:`proofs.no_split`).
- ONE-STATION ("no place for a service center"): one of its units (one the text names,
  when it names some) can be in no community that has a place for a center, or in no
  such community within the bounds while this one is within them; or, where the text
  says so ("once the communities of the units above the maximum hold the places ..."),
  in no such community outside the communities of the piece's other units above the
  maximum (:mod:`optimizer.checker.held`). The exemption covers
  the center's placement: the stand-in center (a build where no_build forbids one)
  fails ONE-STATION's place and REMEDY's no_build test, and both rows become "exempt".

An oversized unit's text may add that units of a part cut off by units above the
maximum joined its community, that the part cannot form communities on its own and
that no plan gives fewer households to those communities: each is proved by
:mod:`optimizer.checker.stranded`; and that, no center standing in it, it took the
lightest path of units to a place for one (its "companions", which also cut parts
off): proved by :mod:`optimizer.checker.companions`; and that a unit above the maximum
boxed in by others joined it ("It also holds ..."): proved by
:mod:`optimizer.checker.boxed`, the rest on the community without it. One shown false
fails the exemption; one the checker cannot decide within its bounds leaves the size
exemption exempt (the oversized unit proves it) and adds a ``not_assessed`` line, rule
id ``EXEMPTION``, saying which claim was not assessed and why (compliance.csv has one
line per rule id and community, so it cannot be a second size line).

Any other rule, or a claim it cannot prove, is itself a fail ("exemption not
justified", with the reason) and the rule is checked normally.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from optimizer.checker import center as checker_center
from optimizer.checker.boxed import boxed_proof
from optimizer.checker.claims import Reading, read
from optimizer.checker.companions import companions_proof
from optimizer.checker.core_beside import CORE_MARK, core_beside
from optimizer.checker.facts import Context, Facts
from optimizer.checker.forced import forced_proof
from optimizer.checker.held import MARK, held_proof
from optimizer.checker.pocket import pocket_proof
from optimizer.checker.proofs import (
    Pieces,
    Verdict,
    above_max_units,
    no_split,
    not_the_big_ones,
    size_reading,
)
from optimizer.checker.shortfall import short_proof
from optimizer.checker.stranded import joined_proof
from optimizer.plan.compliance import ComplianceRow
from optimizer.plan.model import Community

RULE_IDS = (
    "SIZE-URBAN", "SIZE-RURAL", "AREA-PER-HH", "AREA-MIN", "NEWDEV-1500", "REMEDY",
    "ONE-STATION", "NESTING", "COORD-300", "STAFF-3-5", "FUND-URBAN", "FUND-RURAL",
    "PAY-URBAN", "PAY-RURAL", "PAY-OTHER", "PLAN-2013-03", "FIX-2013-03", "FACILITY-95",
    "HARMONY-90-80", "MGMT-2013", "ORGS-5", "VOLUNTEER-15-10", "SERVICES-6-8", "PRO-80-50",
    "CONTIGUITY", "KIND",
)
_ID = re.compile(r"\s*([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)")
SEPARATOR = " | "     # between several exemptions of one community


@dataclass(frozen=True)
class Exemption:
    rule: str           # the rule id named, or "EXEMPTION" when none is recognised
    justified: bool
    reason: str
    unassessed: str = ""    # a claim of the text the checker could not decide, and why


def parse_rule(text: str) -> str | None:
    m = _ID.match(text)
    if not m:
        return None
    rid = m.group(1).upper()
    return rid if rid in RULE_IDS else None


def pieces_of(ctx: Context) -> Pieces:
    """The checker's pieces of ``ctx.scenario``, found once (a memo of the scenario)."""
    got = ctx.cache.get("pieces")
    if not isinstance(got, Pieces) or got.scenario is not ctx.scenario:
        got = Pieces(ctx.scenario)
        ctx.cache["pieces"] = got
    return got


def _companions_of_piece(ctx: Context, units: set[int]) -> dict[int, int]:
    """Companion -> its unit above the maximum, as the texts of the communities holding
    the units above the maximum of ``units``' pieces claim them (only units those
    communities hold): with those units they cut parts off, as the solver's did."""
    s, pieces = ctx.scenario, pieces_of(ctx)
    texts = {c.community_id: c for c in ctx.plan.communities}
    out: dict[int, int] = {}
    for p in sorted({pieces.piece_of[u] for u in units}):
        for q in above_max_units(s, pieces, p):
            com = texts.get(ctx.unit_community.get(q, ""))
            if com is None or ("Its community also holds" not in com.exemption
                               and " It also holds" not in com.exemption):
                continue
            kind = "urban" if bool(s.urban[q]) else "rural"
            for part in com.exemption.split(SEPARATOR):
                rule = parse_rule(part.strip())
                if rule not in ("SIZE-URBAN", "SIZE-RURAL"):
                    continue
                for c in read(s, str(rule), part.strip(), com.county, com.street, kind).claims:
                    held = ctx.members.get(com.community_id, set())
                    if c.kind == "companions" and c.of_unit == q:
                        out.update({u: q for u in c.units if u in held and u != q})
                    elif c.kind == "boxed" and c.of_unit is not None and c.of_unit in held:
                        # the units between a boxed-in unit and the community it joined
                        out.update({u: c.of_unit for u in c.units if u in held})
    return out


def _centerless(ctx: Context, units: list[int] | tuple[int, ...],
                within_bounds: bool) -> int | None:
    """A unit of ``units`` no community (within the bounds, or of any size) holding it
    can give a center; None when there is none."""
    test = (checker_center.no_center_within_bounds if within_bounds
            else checker_center.no_center_at_all)
    cache = ctx.cache.setdefault("centerless", {})
    for u in units:
        if (u, within_bounds) not in cache:
            cache[u, within_bounds] = test(ctx.scenario, u)
        if cache[u, within_bounds]:
            return u
    return None


def _center_within_bounds(ctx: Context, f: Facts) -> Verdict | None:
    """The size rule's last ground: one of its units can be in no community within the
    bounds that has a center (so it breaks one of the two rules)."""
    u = _centerless(ctx, f.units, within_bounds=True)
    if u is None:
        return None
    s = ctx.scenario
    lo, hi = s.policy.bounds(f.urban)
    return True, (f"no community of {lo}..{hi} households holding unit {s.unit_ids[u]} can "
                  f"have a service center: {checker_center.why(s, u)}")


def _justify_center(ctx: Context, f: Facts, reading: Reading) -> Verdict:
    s = ctx.scenario
    if reading.foreign_place:
        return False, "it names another town/street than the community's own"
    named = reading.named_units()
    units = [u for u in f.units if u in named] if named else list(f.units)
    if named and not units:
        ids = ", ".join(sorted(s.unit_ids[u] for u in named))
        return False, f"it names {ids}, none of which is one of its units"
    u = _centerless(ctx, units, within_bounds=False)
    if u is not None:
        return True, ("no community holding it can have a service center: "
                      f"{checker_center.why(s, u)}")
    lo, hi = s.policy.bounds(f.urban)
    if lo <= f.households <= hi:
        u = _centerless(ctx, units, within_bounds=True)
        if u is not None:
            return True, (f"no community of {lo}..{hi} households holding it can have a "
                          f"service center: {checker_center.why(s, u)}")
    if MARK in reading.text:    # the places held by the oversized units' communities
        held = held_proof(s, pieces_of(ctx), set(f.units), units, f.households,
                          ctx.unit_community, ctx.members)
        if held is not None:
            return held
        return False, ("a community holding its units can have a service center, even "
                       "outside the communities of the units above the maximum")
    return False, "a community holding its units can have a service center"


def _named_big(ctx: Context, f: Facts, text: str) -> Verdict | None:
    """A text the checker cannot read that still names a unit above the maximum of
    the community's pieces: a fail unless one it names is the community's own (an
    oversized unit's exemption copied onto another community, issue 16)."""
    s = ctx.scenario
    pieces = pieces_of(ctx)
    big = [u for p in sorted({pieces.piece_of[u] for u in f.units})
           for u in above_max_units(s, pieces, p)]
    named = [u for u in big if re.search(rf"(?<![\w-]){re.escape(s.unit_ids[u])}(?![\w-])",
                                         text)]
    if not named or set(named) & set(f.units):
        return None
    ids = ", ".join(s.unit_ids[u] for u in named)
    return False, f"it names {ids}, above the maximum, which is not one of its units"


def _justify_unstated(ctx: Context, f: Facts, text: str) -> Verdict:
    """No claim the checker can read: any proof of its own, but not one about a unit
    above the maximum it names and does not hold, nor its piece's impossibility when
    that comes from such units alone (:func:`proofs.not_the_big_ones`)."""
    s = ctx.scenario
    wrong = _named_big(ctx, f, text)
    if wrong is not None:
        return wrong
    hi = s.policy.bounds(f.urban)[1]
    big = [i for i in f.units if int(s.households[i]) > hi]
    if big:
        i = big[0]
        return True, f"unit {s.unit_ids[i]} alone has {int(s.households[i])} households, above {hi}"
    pieces = pieces_of(ctx)
    pocket = pocket_proof(s, pieces, set(f.units), ctx.unit_community, ctx.members)
    if pocket is not None:
        return True, pocket
    foreign = not_the_big_ones(s, pieces, f.units)
    if foreign is not None:
        return _center_within_bounds(ctx, f) or (False, foreign)
    whys = [no_split(s, pieces, p) for p in sorted({pieces.piece_of[u] for u in f.units})]
    if whys and all(ok for ok, _ in whys):
        return True, "; ".join(why for _, why in whys)
    return _center_within_bounds(ctx, f) or (
        False, "its units lie in a piece that can be split within the bounds")


def _justify_size(ctx: Context, com: Community, rule: str, f: Facts, text: str) -> Exemption:
    s = ctx.scenario
    own = s.policy.size_rule(f.urban)
    if rule != own:
        return Exemption(rule, False,
                         f"the community is {'urban' if f.urban else 'rural'}: its rule is {own}")
    if not f.units:
        return Exemption(rule, False, "the community has no units")
    reading = read(s, rule, text, com.county, com.street, "urban" if f.urban else "rural")
    if reading.kinds() == {"unstated"}:
        return Exemption(rule, *_justify_unstated(ctx, f, text))
    joined = [c for c in reading.claims if c.kind == "joined"]
    company = [c for c in reading.claims if c.kind == "companions"]
    boxed = [c for c in reading.claims if c.kind == "boxed"]
    rest = dataclasses.replace(reading, claims=tuple(
        c for c in reading.claims if c.kind not in ("joined", "companions", "boxed")))
    # Boxed-in units (and those between) are proved apart: the rest is about their community.
    apart = {u for c in boxed for u in (*c.units, *(() if c.of_unit is None else (c.of_unit,)))}
    inner = set(f.units) - apart
    beside = core_beside(s, pieces_of(ctx), inner, rest.claims, lambda: _companions_of_piece(
        ctx, set(f.units)), ctx.cache.setdefault("core_beside", {}))
    if beside is not None and beside[0]:    # a core beside units above the maximum
        return Exemption(rule, *beside)
    ok, why = size_reading(s, pieces_of(ctx), inner, rest)
    why = why if ok or beside is None else f"{why}; {beside[1]}"
    if not ok and "no partition of this piece" in text and not reading.foreign_place:
        # The search found no plan: also true where a center is impossible in range.
        return Exemption(rule, *(_center_within_bounds(ctx, f) or (ok, why)))
    if not ok or not (joined or company or boxed):
        return Exemption(rule, ok, why)
    said_all, undecided = [why], list[str]()
    for claim in boxed:
        proved, said = boxed_proof(s, pieces_of(ctx), set(f.units), claim, apart,
                                   ctx.unit_community, ctx.members,
                                   frozenset(u for c in joined for u in c.units))
        if proved is False:
            return Exemption(rule, False, said)
        (said_all if proved else undecided).append(said)
    for claim in company[:1]:
        proved, said = companions_proof(s, pieces_of(ctx), inner, claim,
                                        ctx.unit_community, ctx.members, exact=not joined,
                                        apart=frozenset(apart))
        if proved is False:
            return Exemption(rule, False, said)
        (said_all if proved else undecided).append(said)
    for claim in joined[:1]:
        # the companions are not of the cut-off parts: they cut them off with the unit
        proved, said = joined_proof(s, pieces_of(ctx), inner, claim,
                                    ctx.unit_community, ctx.members,
                                    ctx.cache.setdefault("joined", {}),
                                    companions=_companions_of_piece(ctx, set(f.units)))
        if proved is False:
            return Exemption(rule, False, said)
        (said_all if proved else undecided).append(said)
    if undecided:
        return Exemption(rule, True, why, unassessed="; ".join(undecided))
    return Exemption(rule, True, "; ".join(said_all))


def depends_on_plan(ctx: Context, com: Community) -> bool:
    """Whether the community's exemption verdict reads other communities (a claim that
    no plan joins fewer households to the oversized units' communities counts those of
    every oversized unit of the piece; a boxed-in unit's clause, the units they took):
    an incremental checker re-checks it on any edit of its piece."""
    if MARK in com.exemption or CORE_MARK in com.exemption and not_the_big_ones(
            ctx.scenario, pieces_of(ctx), ctx.members.get(com.community_id, set())):
        return True     # held places; a core beside units above the maximum (companions)
    if "Its community also holds" not in com.exemption and \
            " It also holds" not in com.exemption:     # cheap test first
        return False
    kind = "urban" if com.kind == "urban" else "rural"
    # a boxed-in unit's clause reads the communities of the piece's other units above
    # the maximum (optimizer.checker.boxed)
    return any((c.kind == "joined" and c.least) or c.kind == "boxed"
               for part in com.exemption.split(SEPARATOR)
               if (rule := parse_rule(part.strip())) in ("SIZE-URBAN", "SIZE-RURAL")
               for c in read(ctx.scenario, str(rule), part.strip(), com.county, com.street,
                             kind).claims)


def judge(ctx: Context, com: Community, f: Facts) -> list[Exemption]:
    """The checker's verdict on each of the community's exemptions (none: empty)."""
    out = []
    for part in com.exemption.split(SEPARATOR):
        text = part.strip()
        if not text:
            continue
        rule = parse_rule(text)
        if rule is None:
            out.append(Exemption("EXEMPTION", False, f"{text!r} names no rule id of RULES.md"))
        elif rule in ("SIZE-URBAN", "SIZE-RURAL"):
            out.append(_justify_size(ctx, com, rule, f, text))
        elif rule == "ONE-STATION":
            kind = "urban" if f.urban else "rural"
            reading = read(ctx.scenario, rule, text, com.county, com.street, kind)
            out.append(Exemption(rule, *_justify_center(ctx, f, reading)))
        elif rule == "AREA-PER-HH":
            out.append(Exemption(rule, *short_proof(
                ctx, com, f, text, lambda u: forced_proof(
                    ctx.scenario, pieces_of(ctx), set(f.units), u,
                    _companions_of_piece(ctx, set(f.units)), ctx.unit_community,
                    ctx.members))))
        else:
            out.append(Exemption(rule, False, f"the checker cannot prove {rule} impossible "
                                              "here"))
    return out


def apply(rows: list[ComplianceRow], ex: Exemption, cid: str,
          f: Facts | None = None) -> list[ComplianceRow]:
    """Rewrite the named rule's row of one community by the exemption verdict (and,
    for a justified ONE-STATION, the REMEDY row when its only fault is the stand-in
    center's place: a build where no_build forbids one)."""
    out = []
    hit = False
    # A stand-in center: where no center may stand (REMEDY's only fault), so the
    # community has no legal center (ONE-STATION), as the exemption says it must.
    stand_in = ex.justified and ex.rule == "ONE-STATION" and f is not None \
        and f.placement_only
    # Rooms coming extended to their full reach, short (optimizer.checker.shortfall):
    # REMEDY's only fault is that shortfall, which the AREA-PER-HH exemption covers.
    short = ex.justified and ex.rule == "AREA-PER-HH" and f is not None \
        and f.center.short_only
    for r in rows:
        if (stand_in or short) and r.rule_id == "REMEDY" and r.community_id == cid \
                and r.status == "fail":
            out.append(ComplianceRow(r.rule_id, cid, "exempt", r.value, r.limit,
                                     f"exempt ({ex.rule}): {ex.reason}; {r.note}"))
            continue
        if r.rule_id != ex.rule or r.community_id != cid:
            out.append(r)
            continue
        hit = True
        if not ex.justified:
            note = "; ".join(x for x in (f"exemption not justified: {ex.reason}", r.note) if x)
            out.append(ComplianceRow(r.rule_id, cid, "fail", r.value, r.limit, note))
        elif r.status == "fail" or stand_in:
            note = "; ".join(x for x in (f"exempt: {ex.reason}", r.note) if x)
            out.append(ComplianceRow(r.rule_id, cid, "exempt", r.value, r.limit, note))
        else:
            out.append(ComplianceRow(r.rule_id, cid, r.status, r.value, r.limit,
                                     "exemption claimed but the rule is met"))
    if not hit:
        status = "fail" if not ex.justified else "exempt"
        prefix = "exemption not justified" if not ex.justified else "exempt"
        out.append(ComplianceRow(ex.rule, cid, status, None, None, f"{prefix}: {ex.reason}"))
    if ex.unassessed:
        note = f"{ex.rule} exemption's claim not assessed: {ex.unassessed}"
        at = next((k for k, r in enumerate(out)
                   if r.rule_id == "EXEMPTION" and r.community_id == cid), None)
        if at is None:
            out.append(ComplianceRow("EXEMPTION", cid, "not_assessed", None, None, note))
        else:           # one line per rule id and community: a fail there stays a fail
            r = out[at]
            out[at] = dataclasses.replace(r, note=f"{r.note}; {note}")
    return out


__all__ = ["RULE_IDS", "SEPARATOR", "Exemption", "apply", "depends_on_plan", "judge",
           "parse_rule", "pieces_of"]
