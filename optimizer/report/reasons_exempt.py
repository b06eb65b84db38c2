"""Exemption reasons (communities.csv ``exemption``, written by the solver's diagnosis
and by the checker's proofs) parsed into a rule id and parameters (:class:`Reason`) and
rendered from Chinese templates, so numbers and ids are carried over, never retyped.
Split from :mod:`optimizer.report.reasons` (checker notes, limits, methods), which
re-exports what it uses. The patterns follow ``optimizer.search.piece_common``,
``optimizer.graph.diagnosis`` and ``optimizer.checker.proofs``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from optimizer.plan.model import EXEMPTION_SEPARATOR as SEP
from optimizer.report.places import county_name, street_name

_N = r"(\d[\d,]*)"            # a number as the engine prints it ("1,000")
_RULE = r"([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)"
KIND_ZH = {"urban": "城市", "rural": "农村"}
UNIT_ZH = {"rural village": "自然村(村民小组)", "rural villages": "自然村(村民小组)",
           "urban compound": "城市小区", "urban compounds": "城市小区"}
WHY_ZH = {
    "proved impossible by the exact model": "经精确模型证明不可行",
    "none found in time": "在求解时限内未找到可行划分",
}
_WHY_COLUMNS = re.compile(rf"proved impossible: no partition into its {_N} possible "
                          r"communities")


@dataclass(frozen=True)
class Reason:
    """A reason string parsed into its rule id, its pattern and its parameters."""

    rule: str
    kind: str                       # unit-above-max | too-small | no-integer-k | ...
    params: dict[str, str] = field(default_factory=dict)


def _num(text: str) -> int:
    return int(text.replace(",", ""))


def _fmt(n: int) -> str:
    return f"{n:,}"


# --- places and pieces (optimizer.graph.diagnosis._Words) ---------------------------------
_PLACE = re.compile(r"(?:Town|Town/street) '(?P<street>.*?)' \(county '(?P<county>.*?)'\)")
_IDS_MORE = re.compile(rf"^(?P<head>.*) and {_N} more$")


def _ids_zh(text: str) -> str:
    """'a, b and c' -> 'a、b、c'; 'a, ..., j and 5 more' -> 'a、…、j等15个'."""
    more = _IDS_MORE.match(text)
    if more:
        head = [x.strip() for x in more.group("head").split(",")]
        return "、".join(head) + f"等{_fmt(len(head) + _num(more.group(2)))}个"
    parts = re.split(r",\s*|\s+and\s+", text)
    return "、".join(p.strip() for p in parts if p.strip())


_PIECE_PART = re.compile(
    r"^the (?P<units>rural villages?|urban compounds?) (?P<ids>.+) \((?:a single unit|"
    rf"a piece of {_N} units) (?P<how>cut off by a barrier from|with no neighbour link to) "
    r"the rest of the (?:town|town/street)'s (?P<kind>urban|rural) area\)$")
_PIECE_WHOLE = re.compile(r"^the whole (?P<kind>urban|rural) area, (?P<units>rural villages?|"
                          r"urban compounds?) (?P<ids>.+),$")
_PIECE_NAMED = re.compile(r"^the (?P<units>rural villages?|urban compounds?) (?P<ids>.+)$")


def _piece_zh(text: str) -> str | None:
    m = _PIECE_PART.match(text)
    if m:
        n = _num(m.group(3)) if m.group(3) else 1
        how = ("被河流、铁路等阻隔,与本街道(镇)其余{k}地区分开" if m.group("how").startswith("cut")
               else "与本街道(镇)其余{k}地区无相邻关系").format(k=KIND_ZH[m.group("kind")])
        return f"{UNIT_ZH[m.group('units')]}{_ids_zh(m.group('ids'))}(共{_fmt(n)}个基本单元,{how})"
    m = _PIECE_WHOLE.match(text)
    if m:
        return (f"全部{KIND_ZH[m.group('kind')]}地区({UNIT_ZH[m.group('units')]}"
                f"{_ids_zh(m.group('ids'))})")
    m = _PIECE_NAMED.match(text)
    if m:
        return f"{UNIT_ZH[m.group('units')]}{_ids_zh(m.group('ids'))}"
    return None


# --- exemption reasons ---------------------------------------------------------------
_NO_PLAN = re.compile(
    rf"^{_RULE}: no partition of this piece \({_N} units, {_N} households\) into contiguous "
    rf"communities of {_N}-{_N} households was found \((?P<why>.*)\); the plan breaks the "
    r"bounds as little as the search could$")
_DIAG = re.compile(rf"^{_RULE}: (?P<place>(?:Town|Town/street) '.*?' \(county '.*?'\)): "
                   r"(?P<body>.*)$", re.S)
# optimizer.graph.oversized.oversized_reason: units of a stranded part that had to join
_JOINED = (r" Its community also holds (?P<named>the .+?) \((?P<att>\d[\d,]*) households\) of "
           r"the (?P<n>\d[\d,]*) units \((?P<tot>\d[\d,]*) households\) that units above the "
           r"maximum cut off from the rest of the (?:town|town/street)'s (?:urban|rural) area: "
           r"those cannot form connected (?:urban|rural) communities of "
           r"(?P<jlo>\d[\d,]*)-(?P<jhi>\d[\d,]*) households on their own \([A-Z][A-Z0-9-]*\), "
           r"and (?P<how>no plan gives fewer households to the communities of units above the "
           r"maximum \(every possible community there was listed\)|this is the least the "
           r"search found in time)\.")
_ABOVE = re.compile(
    rf"^the (?P<unit>rural village|urban compound) (?P<uid>.+?) alone has {_N} households, "
    rf"{_N} over the (?P<kind>urban|rural) maximum of {_N} \({_RULE}\); a unit is never split,"
    rf" so its community cannot meet {_RULE}\.(?P<joined>{_JOINED})?$")
_SHORT = re.compile(
    rf"^(?P<piece>.+) (?:has|have) {_N} households; an? (?P<kind>urban|rural) community needs "
    rf"{_N}-{_N} \({_RULE}\): {_N} households short\.$")
_NO_K = re.compile(
    rf"^(?P<piece>.+) (?:has|have) {_N} households, and no whole number of "
    rf"(?P<kind>urban|rural) communities of {_N}-{_N} households fits \({_RULE}\): "
    rf"(?P<k>\d+) communit(?:y|ies) could hold at most {_N} \({_N} over\) and "
    rf"(?P<k1>\d+) need at least {_N} \({_N} short\)\.$")
_NO_SPLIT = re.compile(
    rf"^(?P<piece>.+) (?:has|have) {_N} households, but no way to split (?:them|it) into "
    rf"connected (?P<kind>urban|rural) communities of {_N}-{_N} households exists "
    rf"\({_RULE}; every split of these {_N} units was checked\)\.$")


_NO_CENTER = re.compile(
    r"^no place for a service center \(ONE-STATION\) (?P<scope>in any community holding it, "
    rf"of any size|in any (?P<kind>urban|rural) community of {_N}-{_N} households holding "
    r"(?:it|one of them)), for (?P<named>the .+?) \((?P<hh>\d[\d,]*) households\): "
    r"(?P<why>.+), and no unit such a community could share with (?:it|them) has a place for "
    r"one either\.(?: The plan prices a new center built in its unit of (?P<names>.+) "
    r"\(which no_build forbids\): the cost of the fix\.)?$", re.S)
_WHY_NO_SITE = re.compile(r"^(?P<uid>.+?) has no site and no new center may be built there "
                          r"\(no_build\)$")
_WHY_SMALL = re.compile(
    rf"^(?P<uid>.+?) is no_build and its site (?P<sites>.+) allows at most {_N} m², below the "
    rf"{_N} m² a community of {_N} households needs \(AREA-PER-HH, AREA-MIN\)$")
_FORBIDDEN = re.compile(
    r"^ONE-STATION: no plan with a center in every community was found for (?P<county>.*?) / "
    r"(?P<street>.*?) / (?P<kind>urban|rural) \((?P<why>.*)\); this community's center is "
    r"priced as a new build where no_build forbids one$", re.S)


def _center_why_zh(text: str) -> str | None:
    """describe_unit's reasons (optimizer.graph.center), '; '-joined, in Chinese."""
    out = []
    for part in text.split("; "):
        more = re.fullmatch(rf"and {_N} more", part)
        a, b = _WHY_NO_SITE.match(part), _WHY_SMALL.match(part)
        if more:
            out.append(f"另有{more.group(1)}个基本单元同此")
        elif a:
            out.append(f"{a.group('uid')}无现有用房站点,且不得新建(no_build)")
        elif b:
            out.append(f"{b.group('uid')}不得新建(no_build),其站点{_ids_zh(b.group('sites'))}"
                       f"至多可达{b.group(3)}平方米,低于{b.group(5)}户社区所需的{b.group(4)}平方米"
                       "(AREA-PER-HH、AREA-MIN)")
        else:
            return None
    return ";".join(out)


def parse_exemption(text: str) -> Reason | None:
    """The exemption text of communities.csv as a :class:`Reason`, or None."""
    text = text.strip()
    f = _FORBIDDEN.match(text)
    if f:
        inner = parse_exemption(f.group("why"))
        if inner is None and f.group("why") not in WHY_ZH:
            return None
        return Reason("ONE-STATION", "forbidden-build", {
            "county": f.group("county"), "street": f.group("street"), "kind": f.group("kind"),
            "why": f.group("why")})
    m = _NO_PLAN.match(text)
    if m:
        why = m.group("why")
        cols = _WHY_COLUMNS.fullmatch(why)
        if why not in WHY_ZH and cols is None:
            return None
        return Reason(m.group(1), "no-plan", {
            "units": m.group(2), "households": m.group(3), "lo": m.group(4), "hi": m.group(5),
            "why": why, "columns": cols.group(1) if cols else ""})
    m = _DIAG.match(text)
    if not m:
        return None
    rule, body = m.group(1), m.group("body")
    place = _PLACE.fullmatch(m.group("place"))
    assert place is not None
    base = {"county": place.group("county"), "street": place.group("street")}
    c = _NO_CENTER.match(body)
    if c:
        if _piece_zh(c.group("named")) is None or _center_why_zh(c.group("why")) is None:
            return None
        return Reason(rule, "no-center", {**base, **{k: v or "" for k, v in c.groupdict().items()},
                                          "lo": c.group(3) or "", "hi": c.group(4) or ""})
    a = _ABOVE.match(body)
    if a:
        if a.group("joined") and _piece_zh(a.group("named")) is None:
            return None
        return Reason(rule, "unit-above-max", {**base, "unit": a.group("unit"),
                                               "uid": a.group("uid"), "households": a.group(3),
                                               "over": a.group(4), "kind": a.group("kind"),
                                               "hi": a.group(6),
                                               **{k: a.group(k) or "" for k in (
                                                   "joined", "named", "att", "n", "tot",
                                                   "jlo", "jhi", "how")}})
    for kind, pattern in (("too-small", _SHORT), ("no-integer-k", _NO_K),
                          ("no-partition", _NO_SPLIT)):
        d = pattern.match(body)
        if d is None:
            continue
        groups = [g for g in d.groups()]
        params = {**base, "piece": d.group("piece"), "kind": d.group("kind")}
        nums = [g for g in groups[1:] if g is not None and re.fullmatch(r"\d[\d,]*", g)]
        params["households"], params["lo"], params["hi"] = nums[0], nums[1], nums[2]
        if kind == "too-small":
            params["short"] = nums[3]
        elif kind == "no-integer-k":
            params.update(k=d.group("k"), k1=d.group("k1"), most=nums[4], over=nums[5],
                          least=nums[7], short=nums[8])
        else:
            params["units"] = nums[3]
        if _piece_zh(params["piece"]) is None:
            return None
        return Reason(rule, kind, params)
    return None


def _place_zh(p: dict[str, str]) -> str:
    return f"{county_name(p['county'], 'zh')}{street_name(p['street'], 'zh')}"


def reason_zh(r: Reason) -> str:
    """The Chinese sentence of a parsed reason."""
    p = r.params
    if r.kind == "forbidden-build":
        inner = parse_exemption(p["why"])
        why = reason_zh(inner).rstrip("。") if inner is not None else WHY_ZH[p["why"]]
        return (f"ONE-STATION:{_place_zh(p)}({KIND_ZH[p['kind']]})未找到每个社区均有服务中心的"
                f"划分方案({why});本社区服务中心按在禁止新建(no_build)之处新建计价。")
    if r.kind == "no-center":
        scope = (f"所在的任何规模为{p['lo']}–{p['hi']}户的{KIND_ZH[p['kind']]}社区"
                 if p["kind"] else "所在的任何社区(不论规模)")
        text = (f"{r.rule}:{_place_zh(p)}的{_piece_zh(p['named'])}(共{p['hh']}户){scope}"
                f"均无设置社区服务中心之处(ONE-STATION):{_center_why_zh(p['why'])};"
                "与其同属一个社区的基本单元也均无处可设。")
        if p["names"]:
            text += (f"本方案按在{_ids_zh(p['names'])}所在基本单元新建服务中心计价"
                     "(该处原禁止新建),即整改所需成本。")
        return text
    if r.kind == "no-plan":
        why = (f"经证明不可行:其全部{p['columns']}种可能的社区均无法构成划分" if p["columns"]
               else WHY_ZH[p["why"]])
        return (f"{r.rule}:该片区({p['units']}个基本单元,{p['households']}户)未找到地域相连、"
                f"规模为{p['lo']}–{p['hi']}户的社区划分({why});本方案对规模标准的突破已尽量减小。")
    place, kind = _place_zh(p), KIND_ZH[p["kind"]]
    if r.kind == "unit-above-max":
        text = (f"{r.rule}:{place}的{UNIT_ZH[p['unit']]}{p['uid']}单独即有{p['households']}户,"
                f"超过{kind}社区规模上限{p['hi']}户{p['over']}户;基本单元不可拆分,"
                f"其所在社区无法达到规模标准。")
        if p.get("joined"):
            how = ("且任何方案并入超规模基本单元所在社区的户数都不会更少(已列举全部可能社区)"
                   if p["how"].startswith("no plan") else "此为求解时限内找到的最少并入户数")
            text += (f"其所在社区另含{_piece_zh(p['named'])}(共{p['att']}户),这些基本单元属于被"
                     f"超规模基本单元与本街道(镇)其余{kind}地区隔开的{p['n']}个基本单元"
                     f"(共{p['tot']}户),单独无法划分为地域相连、规模为{p['jlo']}–{p['jhi']}户的"
                     f"{kind}社区({r.rule}),{how}。")
        return text
    piece = _piece_zh(p["piece"])
    if r.kind == "too-small":
        return (f"{r.rule}:{place}的{piece}共有{p['households']}户,{kind}社区规模应为"
                f"{p['lo']}–{p['hi']}户,尚差{p['short']}户。")
    if r.kind == "no-integer-k":
        return (f"{r.rule}:{place}的{piece}共有{p['households']}户,无法划分为整数个规模为"
                f"{p['lo']}–{p['hi']}户的{kind}社区:{p['k']}个社区至多容纳{p['most']}户"
                f"(超出{p['over']}户),{p['k1']}个社区至少需要{p['least']}户"
                f"(尚差{p['short']}户)。")
    return (f"{r.rule}:{place}的{piece}共有{p['households']}户,经逐一检验这{p['units']}个"
            f"基本单元的全部划分方式,不存在地域相连、规模为{p['lo']}–{p['hi']}户的{kind}社区划分。")


def exemption_text(text: str, lang: str, see: str = "communities.csv") -> str:
    """An exemption in ``lang``; in Chinese, an unknown pattern names its rule and file."""
    if lang != "zh" or not text.strip():
        return text
    if SEP in text:       # several rules exempt (e.g. SIZE-RURAL and ONE-STATION)
        return SEP.join(str(exemption_text(part, lang, see)) for part in text.split(SEP))
    r = parse_exemption(text)
    if r is not None:
        return reason_zh(r)
    rule = re.match(rf"\s*{_RULE}", text)
    head = f"{rule.group(1)}:" if rule else ""
    return f"{head}豁免理由原文见{see}"


# --- checker notes and limits ------------------------------------------------------
_Sub = Callable[[re.Match[str]], str]


def _exempt_reason(text: str) -> str | None:
    """checker_exempt's justifications (and a diagnosis message)."""
    m = re.fullmatch(rf"unit (.+) alone has {_N} households, above {_N}", text)
    if m:
        return f"基本单元{m.group(1)}单独即有{m.group(2)}户,超过上限{m.group(3)}户"
    m = re.fullmatch(rf"its piece (.+) \((urban|rural)\) has {_N} households: no whole number "
                     rf"of communities of {_N}\.\.{_N} fits", text)
    if m:
        return (f"所在片区{street_name(m.group(1), 'zh')}({KIND_ZH[m.group(2)]})共{m.group(3)}户,"
                f"无法划分为整数个{m.group(4)}–{m.group(5)}户的社区")
    m = re.fullmatch(rf"its piece (.+) \((urban|rural)\) has {_N} households in {_N} units: no "
                     rf"split into connected communities of {_N}\.\.{_N} exists \(the checker "
                     r"searched every split\)", text)
    if m:
        return (f"所在片区{street_name(m.group(1), 'zh')}({KIND_ZH[m.group(2)]})共{m.group(3)}户、"
                f"{m.group(4)}个基本单元,经逐一检验全部划分方式,不存在地域相连、规模为"
                f"{m.group(5)}–{m.group(6)}户的社区划分")
    parts = [_exempt_reason(x) for x in text.split("; ")] if "; " in text else []
    if parts and all(parts):
        return ";".join(p for p in parts if p)
    r = parse_exemption(f"SIZE-X: {text}")
    if r is not None:
        return reason_zh(r).split(":", 1)[1].rstrip("。")
    return None
