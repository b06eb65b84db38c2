"""Exemptions: a community may skip a rule only where the rule is provably impossible.

The exemption text of communities.csv starts with the rule id. The checker accepts
it (status "exempt") only when it can prove the need itself:

- SIZE-URBAN / SIZE-RURAL: the community holds a unit that alone has more households
  than the upper bound, or every one of its units lies in a component (same county,
  street and kind, connected in the neighbour graph: :func:`optimizer.graph.pieces.components`)
  that cannot be split into communities within the bounds: no integer k with
  k·L ≤ H ≤ k·U (recomputed here), or :func:`optimizer.graph.pieces.diagnose` reports it.

- SIZE-URBAN / SIZE-RURAL also: one of its units cannot be in any community within
  the bounds that has a place for a center (:mod:`optimizer.checker.center`, the
  checker's own proof), while this community has one; or its piece (small enough to
  search completely) has no split into communities within the bounds that each have
  a place for a center (:mod:`optimizer.checker.split`, its own search);
- ONE-STATION ("no place for a center"): one of its units cannot be in any community
  that has a place for a center, or cannot be in one within the bounds and this
  community is within them. The exemption covers the center's placement: the
  stand-in center (a build where no_build forbids one) fails ONE-STATION's place
  and REMEDY's no_build test, and both rows become "exempt".

A community may carry several exemptions, " | " between them (a piece too small
whose only unit has no place for a center: "SIZE-RURAL: ... | ONE-STATION: ...");
each is judged on its own. Any other exemption, or one it cannot prove, is itself a
fail ("exemption not justified") and the rule is checked normally.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from optimizer.checker.rules import ComplianceRow, Context, Facts
from optimizer.plan.model import Community

RULE_IDS = (
    "SIZE-URBAN", "SIZE-RURAL", "AREA-PER-HH", "AREA-MIN", "NEWDEV-1500", "REMEDY",
    "ONE-STATION", "NESTING", "COORD-300", "STAFF-3-5", "FUND-URBAN", "FUND-RURAL",
    "PAY-URBAN", "PAY-RURAL", "PAY-OTHER", "PLAN-2013-03", "FIX-2013-03", "FACILITY-95",
    "HARMONY-90-80", "MGMT-2013", "ORGS-5", "VOLUNTEER-15-10", "SERVICES-6-8", "PRO-80-50",
    "CONTIGUITY", "KIND",
)
_ID = re.compile(r"\s*([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)")
# diagnose() reasons that make a whole component infeasible (a unit above the bound
# concerns that unit's community only, handled directly).
_WHOLE_COMPONENT = ("too-small", "no-integer-k", "cut-off", "no-partition")


@dataclass(frozen=True)
class Exemption:
    rule: str           # the rule id named, or "EXEMPTION" when none is recognised
    justified: bool
    reason: str


def parse_rule(text: str) -> str | None:
    m = _ID.match(text)
    if not m:
        return None
    rid = m.group(1).upper()
    return rid if rid in RULE_IDS else None


def _components(ctx: Context) -> tuple[dict[int, int], dict[int, str]]:
    """unit -> component number, and component number -> why it is infeasible."""
    if "components" in ctx.cache:
        return ctx.cache["components"]  # type: ignore[no-any-return]
    from optimizer.graph import components, diagnose

    s = ctx.scenario
    comps = components(s)
    ctx.cache["component_units"] = [comp.units.tolist() for comp in comps]
    comp_of: dict[int, int] = {}
    ids_of: dict[str, int] = {}
    why: dict[int, str] = {}
    for n, comp in enumerate(comps):
        for i in comp.units.tolist():
            comp_of[int(i)] = n
            ids_of[s.unit_ids[int(i)]] = n
        lo, hi = s.policy.bounds(comp.key[2] == "urban")
        h = int(s.households[comp.units].sum())
        k_min, k_max = math.ceil(h / hi), h // lo
        if h == 0 or k_min > k_max or k_max < 1:
            why[n] = (f"its piece {comp.key[1]} ({comp.key[2]}) has {h} households: no whole "
                      f"number of communities of {lo}..{hi} fits")
    for d in diagnose(s):
        if d.reason not in _WHOLE_COMPONENT:
            continue
        for n in {ids_of[u] for u in d.units if u in ids_of}:
            why.setdefault(n, d.message or d.reason)
    ctx.cache["components"] = (comp_of, why)
    return comp_of, why


def _centerless(ctx: Context, f: Facts, within_bounds: bool) -> int | None:
    """A unit of the community no community (within the bounds, or of any size)
    holding it can give a center; None when there is none."""
    from optimizer.checker.center import no_center_at_all, no_center_within_bounds

    test = no_center_within_bounds if within_bounds else no_center_at_all
    cache = ctx.cache.setdefault("centerless", {})
    for u in f.units:
        if (u, within_bounds) not in cache:
            cache[u, within_bounds] = test(ctx.scenario, u)
        if cache[u, within_bounds]:
            return u
    return None


def _justify_center(ctx: Context, f: Facts) -> tuple[bool, str]:
    from optimizer.checker.center import why

    s = ctx.scenario
    u = _centerless(ctx, f, within_bounds=False)
    if u is not None:
        return True, f"no community holding it can have a service center: {why(s, u)}"
    lo, hi = s.policy.bounds(f.urban)
    if lo <= f.households <= hi:
        u = _centerless(ctx, f, within_bounds=True)
        if u is not None:
            return True, (f"no community of {lo}..{hi} households holding it can have a "
                          f"service center: {why(s, u)}")
    return False, "a community holding its units can have a service center"


def _justify_size(ctx: Context, rule: str, f: Facts) -> tuple[bool, str]:
    s = ctx.scenario
    own = s.policy.size_rule(f.urban)
    if rule != own:
        return False, f"the community is {'urban' if f.urban else 'rural'}: its rule is {own}"
    hi = s.policy.bounds(f.urban)[1]
    big = [i for i in f.units if int(s.households[i]) > hi]
    if big:
        i = big[0]
        return True, f"unit {s.unit_ids[i]} alone has {int(s.households[i])} households, " \
                     f"above {hi}"
    if not f.units:
        return False, "the community has no units"
    comp_of, why = _components(ctx)
    comps = {comp_of.get(i, -1) for i in f.units}
    if all(c in why for c in comps):
        return True, "; ".join(why[c] for c in sorted(comps))
    u = _centerless(ctx, f, within_bounds=True)
    if u is not None:
        from optimizer.checker.center import why as center_why

        lo, hi = s.policy.bounds(f.urban)
        return True, (f"no community of {lo}..{hi} households holding unit "
                      f"{s.unit_ids[u]} can have a service center: {center_why(s, u)}")
    if all(c >= 0 and _no_split_with_centers(ctx, c, f.urban) for c in comps):
        lo, hi = s.policy.bounds(f.urban)
        n = sum(len(ctx.cache["component_units"][c]) for c in comps)
        return True, (f"no split of its piece ({n} units) into connected communities of "
                      f"{lo}..{hi} households that each have a place for a service center "
                      "exists (every split checked)")
    return False, "its units lie in a piece that can be split within the bounds"


def _no_split_with_centers(ctx: Context, comp: int, urban: bool) -> bool:
    """The checker's own complete search (checker/split.py) proves component ``comp``
    cannot be split once centers are counted; False when it can or is undecided."""
    from optimizer.checker.split import splittable_with_centers

    cache = ctx.cache.setdefault("center_split", {})
    if comp not in cache:
        lo, hi = ctx.scenario.policy.bounds(urban)
        units = ctx.cache["component_units"][comp]
        cache[comp] = splittable_with_centers(ctx.scenario, units, lo, hi) is False
    return bool(cache[comp])


SEPARATOR = " | "     # between several exemptions of one community


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
            out.append(Exemption(rule, *_justify_size(ctx, rule, f)))
        elif rule == "ONE-STATION":
            out.append(Exemption(rule, *_justify_center(ctx, f)))
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
    for r in rows:
        if stand_in and r.rule_id == "REMEDY" and r.community_id == cid \
                and r.status == "fail":
            out.append(ComplianceRow(r.rule_id, cid, "exempt", r.value, r.limit,
                                     f"exempt (ONE-STATION): {ex.reason}; {r.note}"))
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
    return out
