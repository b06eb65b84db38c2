"""Exemption reasons in Chinese, written from the record the engine made them as
(:class:`optimizer.plan.exemption.Exemption`, carried by ``Community.reasons``), so
numbers and ids are carried over, never retyped.

A plan read from a folder has only communities.csv's words (another tool may have
written it; the engine's own plans read back have no records either). Those words
are read by :func:`parse_exemption`, a reader of another tool's file: it returns the
same record the engine writes them from when the words are the engine's, None
otherwise (then the Chinese names the rule and refers to the file). Its patterns
follow ``optimizer.search.piece_common``, ``optimizer.graph.diagnosis``,
``optimizer.graph.oversized`` and ``optimizer.checker.proofs``. Split from
:mod:`optimizer.report.reasons` (checker notes, limits, methods), which re-exports
what it uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from optimizer.plan.exemption import CenterWhy, Companions, Exemption, Joined, Named, Reasons
from optimizer.plan.model import EXEMPTION_SEPARATOR as SEP
from optimizer.plan.model import Community
from optimizer.report.ids_zh import join_zh as _ids_zh
from optimizer.report.ids_zh import split_ids as _ids
from optimizer.report.places import county_name, street_name
from optimizer.report.reasons_alone import ALONE, alone_zh, parse_alone
from optimizer.report.reasons_boxed import boxed_zh, split_boxed
from optimizer.report.reasons_core import CORE, core_zh, parse_core
from optimizer.report.reasons_cut import CUT, cut_zh, parse_cut
from optimizer.report.reasons_short import parse_short, short_zh

_N = r"(\d[\d,]*)"            # a number as the engine prints it ("1,000")
_RULE = r"([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)"
KIND_ZH = {"urban": "城市", "rural": "农村"}
UNIT_ZH = {"rural village": "自然村(村民小组)", "rural villages": "自然村(村民小组)",
           "urban compound": "城市小区", "urban compounds": "城市小区"}
WHY_ZH = {
    "proved impossible by the exact model": "经精确模型证明不可行",
    "none found in time": "在求解时限内未找到可行划分",
}
# optimizer.search.core.core_why: a core of the communities with a legal center (without
# the listing's count: optimizer.search.host_core)
CENTERS_WORDS = "each with a legal place for its service center (ONE-STATION, PIPELINE)"
_WHY_COLUMNS = re.compile(rf"proved impossible(?:: no partition into its {_N} possible "
                          r"communities)?(?:; no non-overlapping communities of [\d,]+-[\d,]+ "
                          r"households(?P<centers>, each with a legal place for its service "
                          r"center \(ONE-STATION, PIPELINE\),)? can hold all of the "
                          r"(?:rural villages|urban compounds) "
                          r"(?P<core>.+))?")


def _num(text: str) -> int:
    return int(text.replace(",", ""))


def _fmt(n: int) -> str:
    return f"{n:,}"


# --- places and pieces (optimizer.graph.diagnosis._Words) ---------------------------------
_PLACE = re.compile(r"(?:Town|Town/street) '(?P<street>.*?)' \(county '(?P<county>.*?)'\)")


_PIECE_PART = re.compile(
    r"^the (?P<units>rural villages?|urban compounds?) (?P<ids>.+) \((?:a single unit|"
    rf"a piece of {_N} units) (?P<how>cut off by a barrier from|with no neighbour link to) "
    r"the rest of the (?:town|town/street)'s (?P<kind>urban|rural) area\)$")
_PIECE_WHOLE = re.compile(r"^the whole (?P<kind>urban|rural) area, (?P<units>rural villages?|"
                          r"urban compounds?) (?P<ids>.+),$")
_PIECE_NAMED = re.compile(r"^the (?P<units>rural villages?|urban compounds?) (?P<ids>.+)$")


# --- exemption reasons ---------------------------------------------------------------
_NO_PLAN = re.compile(
    rf"^(?P<rule>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+): (?:(?:Town|Town/street) '(?P<street>.*?)' "
    r"\(county '(?P<county>.*?)'\), (?P<area>urban|rural) area: )?"
    rf"no partition of this piece \((?P<units>{_N[1:-1]}) units, (?P<hh>{_N[1:-1]}) "
    rf"households\) into contiguous communities of (?P<lo>{_N[1:-1]})-(?P<hi>{_N[1:-1]}) "
    r"households was found \((?P<why>.*)\); the plan breaks the bounds as little as the "
    r"search could$")
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
# ... and the companions of one where no center can stand (graph.oversized.company)
_COMP = (r" Its community also holds (?P<cnamed>the .+?) \((?P<chh>\d[\d,]*) households\): "
         r"the (?:rural village|urban compound) (?P<cunit>.+?) has no place for a service "
         r"center of its own, and these units are the lightest path \(by households\) from "
         r"it to a place for one, outside the communities of other units above the maximum "
         r"\(ONE-STATION\)\.")
_ABOVE = re.compile(
    rf"^the (?P<unit>rural village|urban compound) (?P<uid>.+?) alone has {_N} households, "
    rf"{_N} over the (?P<kind>urban|rural) maximum of {_N} \({_RULE}\); a unit is never split,"
    rf" so its community cannot meet {_RULE}\.(?P<comp>{_COMP})?(?P<joined>{_JOINED})?$")
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
    rf"\({_RULE}; every split of these {_N} units was checked\)\.(?:{ALONE}|{CUT}|{CORE})?$")


_NO_CENTER = re.compile(
    r"^no place for a service center \(ONE-STATION\) (?P<scope>in any community holding it, "
    rf"of any size|in any (?P<kind>urban|rural) community of {_N}-{_N} households holding "
    r"(?:it|one of them)), for (?P<named>the .+?) \((?P<hh>\d[\d,]*) households\): "
    r"(?P<why>.+), and no unit such a community could share with (?:it|them) has a place for "
    r"one either(?:, once the communities of the units above the maximum hold the places for "
    r"a center they need \((?P<held>[^()]+)\))?\.(?: The plan prices a new center built in "
    r"its unit of (?P<names>.+) "
    r"\(which no_build forbids\)(?P<nohost>, none of its units having a place for one)?: "
    r"the cost of the fix\.)?$", re.S)
_WHY_NO_SITE = re.compile(r"^(?P<uid>.+?) has no site and no new center may be built there "
                          r"\(no_build\)$")
_WHY_SMALL = re.compile(
    rf"^(?P<uid>.+?) is no_build and its site (?P<sites>.+) allows at most {_N} m², below the "
    rf"{_N} m² a community of {_N} households needs \(AREA-PER-HH, AREA-MIN\)$")
_FORBIDDEN = re.compile(
    r"^ONE-STATION: no plan with a center in every community was found for (?P<county>.*?) / "
    r"(?P<street>.*?) / (?P<kind>urban|rural) \((?P<why>.*)\); this community's center is "
    r"priced as a new build where no_build forbids one$", re.S)


# --- reading another tool's words into the record -----------------------------------------
def _named(text: str) -> tuple[Named, str] | None:
    """A piece or units as diagnosis._Words names them, and its kind (urban/rural)."""
    m = _PIECE_PART.match(text)
    if m:
        ids, more = _ids(m.group("ids"))
        return Named(ids, more, "part", m.group("how").startswith("cut"),
                     _num(m.group(3)) if m.group(3) else 1), m.group("kind")
    m = _PIECE_WHOLE.match(text)
    if m:
        return Named(*_ids(m.group("ids")), shape="whole"), m.group("kind")
    m = _PIECE_NAMED.match(text)
    if m:
        return Named(*_ids(m.group("ids"))), m.group("units").split()[0]
    return None


def _centers(text: str) -> tuple[tuple[CenterWhy, ...], int] | None:
    """describe_unit's reasons (optimizer.graph.center), '; '-joined."""
    out, more = [], 0
    for part in text.split("; "):
        last = re.fullmatch(rf"and {_N} more", part)
        a, b = _WHY_NO_SITE.match(part), _WHY_SMALL.match(part)
        if last:
            more = _num(last.group(1))
        elif a:
            out.append(CenterWhy(a.group("uid")))
        elif b:
            out.append(CenterWhy(b.group("uid"), _ids(b.group("sites"))[0],
                                 float(_num(b.group(3))), float(_num(b.group(4))),
                                 _num(b.group(5))))
        else:
            return None
    return tuple(out), more


def _joined(a: re.Match[str], rule: str) -> Joined | None:
    got = _named(a.group("named"))
    if got is None:
        return None
    return Joined(got[0], _num(a.group("att")), _num(a.group("n")), _num(a.group("tot")),
                  _num(a.group("jlo")), _num(a.group("jhi")), a.group("how").startswith("no plan"))


def parse_exemption(text: str) -> Exemption | None:
    """communities.csv's words read back into the record (another tool's file, or the
    engine's read from a folder), or None when they are not the engine's."""
    text = text.strip()
    short = parse_short(text)
    if short is not None:
        return short
    f = _FORBIDDEN.match(text)
    if f:
        inner = parse_exemption(f.group("why"))
        if inner is None and f.group("why") not in WHY_ZH:
            return None
        return Exemption("ONE-STATION", "forbidden-build", text, f.group("county"),
                         f.group("street"), f.group("kind"), why=f.group("why"), inner=inner)
    m = _NO_PLAN.match(text)
    if m:
        why = m.group("why")
        cols = _WHY_COLUMNS.fullmatch(why)
        if why not in WHY_ZH and (cols is None or not (cols.group(1) or cols.group("core"))):
            return None
        core = cols.group("core") if cols else None
        return Exemption(m.group("rule"), "no-plan", text, m.group("county") or "",
                         m.group("street") or "", m.group("area") or "",
                         households=_num(m.group("hh")), lo=_num(m.group("lo")),
                         hi=_num(m.group("hi")), n_units=_num(m.group("units")),
                         proven=why != "none found in time",
                         columns=_num(cols.group(1) or "0") if cols else 0, why=why,
                         named=Named(*_ids(core)) if core else None)
    m = _DIAG.match(text)
    if not m:
        return None
    rule, body = m.group(1), m.group("body")
    place = _PLACE.fullmatch(m.group("place"))
    assert place is not None
    county, street = place.group("county"), place.group("street")
    c = _NO_CENTER.match(body)
    if c:
        named, why = _named(c.group("named")), _centers(c.group("why"))
        if named is None or why is None:
            return None
        any_size = c.group("kind") is None
        return Exemption(rule, "no-center", text, county, street, area=c.group("kind") or named[1],
                         named=named[0], households=_num(c.group("hh")),
                         lo=0 if any_size else _num(c.group(3)),
                         hi=0 if any_size else _num(c.group(4)), centers=why[0],
                         centers_more=why[1], any_size=any_size,
                         stand_in=tuple(c.group("names").split(", ")) if c.group("names")
                         else (), no_host=c.group("nohost") is not None,
                         held=_ids(c.group("held"))[0] if c.group("held") else ())
    body, boxed = split_boxed(body)
    a = _ABOVE.match(body)
    if a:
        joined = _joined(a, rule) if a.group("joined") else None
        if a.group("joined") and joined is None:
            return None
        got = _named(a.group("cnamed")) if a.group("comp") else None
        if a.group("comp") and got is None:
            return None
        mates = Companions(got[0], _num(a.group("chh")), a.group("cunit")) if got else None
        return Exemption(rule, "unit-above-max", text, county, street, area=a.group("kind"),
                         named=Named((a.group("uid"),)), households=_num(a.group(3)),
                         hi=_num(a.group(6)), joined=joined, companions=mates,
                         boxed=boxed)
    for kind, pattern in (("too-small", _SHORT), ("no-integer-k", _NO_K),
                          ("no-partition", _NO_SPLIT)):
        d = pattern.match(body)
        if d is None:
            continue
        nums = [_num(g) for g in d.groups()[1:] if g is not None and re.fullmatch(r"\d[\d,]*", g)]
        piece = _named(d.group("piece"))
        if piece is None:
            return None
        return Exemption(rule, kind, text, county, street, area=d.group("kind"), named=piece[0],
                         households=nums[0], lo=nums[1], hi=nums[2],
                         n_units=nums[3] if kind == "no-partition" else 0,
                         alone=parse_alone(d.groupdict().get("alone")),
                         cut=parse_cut(d.groupdict().get("cut")),
                         core=parse_core(d.groupdict().get("core")))
    return None


# --- the Chinese, from the record ----------------------------------------------------------
def _named_zh(n: Named, area: str) -> str:
    unit = "自然村(村民小组)" if area == "rural" else "城市小区"
    ids = _ids_zh(n.ids, n.more)
    if n.shape == "part":
        how = ("被河流、铁路等阻隔,与本街道(镇)其余{k}地区分开" if n.cut_off
               else "与本街道(镇)其余{k}地区无相邻关系").format(k=KIND_ZH[area])
        return f"{unit}{ids}(共{_fmt(n.n_units)}个基本单元,{how})"
    if n.shape == "whole":
        return f"全部{KIND_ZH[area]}地区({unit}{ids})"
    return f"{unit}{ids}"


def _center_why_zh(centers: tuple[CenterWhy, ...], more: int) -> str:
    out = []
    for c in centers:
        if not c.sites:
            out.append(f"{c.unit}无现有用房站点,且不得新建(no_build)")
        else:
            out.append(f"{c.unit}不得新建(no_build),其站点{_ids_zh(c.sites)}至多可达"
                       f"{c.max_m2:,.0f}平方米,低于{_fmt(c.households)}户社区所需的"
                       f"{c.need_m2:,.0f}平方米(AREA-PER-HH、AREA-MIN)")
    if more:
        out.append(f"另有{more}个基本单元同此")
    return ";".join(out)


def _place_zh(r: Exemption) -> str:
    return f"{county_name(r.county, 'zh')}{street_name(r.street, 'zh')}"


def reason_zh(r: Exemption) -> str:
    """The Chinese sentence of an exemption (its record: made by the engine or read)."""
    n = _fmt
    if r.kind in ("short-rooms", "short-within"):
        return short_zh(r)
    if r.kind == "forbidden-build":
        why = reason_zh(r.inner).rstrip("。") if r.inner is not None else WHY_ZH[r.why]
        return (f"ONE-STATION:{_place_zh(r)}({KIND_ZH[r.area]})未找到每个社区均有服务中心的"
                f"划分方案({why});本社区服务中心按在禁止新建(no_build)之处新建计价。")
    if r.kind == "no-center":
        assert r.named is not None
        scope = ("所在的任何社区(不论规模)" if r.any_size else
                 f"所在的任何规模为{n(r.lo)}–{n(r.hi)}户的{KIND_ZH[r.area]}社区")
        text = (f"{r.rule}:{_place_zh(r)}的{_named_zh(r.named, r.area)}(共{n(r.households)}户)"
                f"{scope}均无设置社区服务中心之处(ONE-STATION):"
                f"{_center_why_zh(r.centers, r.centers_more)};"
                "与其同属一个社区的基本单元也均无处可设"
                + (f"(超过上限的基本单元所在社区已占用其所需的服务中心之处{_ids_zh(r.held)})"
                   if r.held else "") + "。")
        if r.stand_in:
            text += (f"本方案按在{_ids_zh(r.stand_in)}所在基本单元新建服务中心计价"
                     "(该处原禁止新建"
                     + (";本社区各基本单元均无设置之处" if r.no_host else "")
                     + "),即整改所需成本。")
        return text
    if r.kind == "no-plan":
        why = (f"经证明不可行:其全部{n(r.columns)}种可能的社区均无法构成划分" if r.columns
               else "经证明不可行" if r.named is not None and r.why not in WHY_ZH
               else WHY_ZH[r.why])
        if r.named is not None:
            centred = ("且各有合法服务中心用房(ONE-STATION、PIPELINE)"
                       if CENTERS_WORDS in r.why else "")
            why += (f";{_ids_zh(r.named.ids, r.named.more)}无法同时归入互不重叠、规模为"
                    f"{n(r.lo)}–{n(r.hi)}户{centred}的社区")
        where = f"{_place_zh(r)}的{KIND_ZH[r.area]}" if r.street else "该"
        return (f"{r.rule}:{where}片区({r.n_units}个基本单元,{n(r.households)}户)未找到地域相连、"
                f"规模为{n(r.lo)}–{n(r.hi)}户的社区划分({why});本方案对规模标准的突破已尽量减小。")
    if r.kind == "text" or r.named is None:
        return _unread(r.text)
    place, kind = _place_zh(r), KIND_ZH[r.area]
    if r.kind == "unit-above-max":
        unit = "自然村(村民小组)" if r.area == "rural" else "城市小区"
        text = (f"{r.rule}:{place}的{unit}{r.named.ids[0]}单独即有{n(r.households)}户,"
                f"超过{kind}社区规模上限{n(r.hi)}户{n(r.households - r.hi)}户;基本单元不可拆分,"
                f"其所在社区无法达到规模标准。")
        c = r.companions
        if c is not None:
            text += (f"{r.named.ids[0]}本身无设置社区服务中心之处(ONE-STATION),其所在社区另含"
                     f"{_named_zh(c.named, r.area)}(共{n(c.households)}户):这些基本单元是"
                     "除其他超规模基本单元所在社区外,由该单元通往可设服务中心之处、户数最少的"
                     "相连路径。")
        j = r.joined
        if j is not None:
            how = ("且任何方案并入超规模基本单元所在社区的户数都不会更少(已列举全部可能社区)"
                   if j.proven else "此为求解时限内找到的最少并入户数")
            text += (f"其所在社区另含{_named_zh(j.named, r.area)}(共{n(j.households)}户),"
                     f"这些基本单元属于被超规模基本单元与本街道(镇)其余{kind}地区隔开的"
                     f"{n(j.part_units)}个基本单元(共{n(j.part_households)}户),单独无法划分为"
                     f"地域相连、规模为{n(j.lo)}–{n(j.hi)}户的{kind}社区({r.rule}),{how}。")
        return text + boxed_zh(r.boxed, r.area)
    piece = _named_zh(r.named, r.area)
    h, lo, hi = r.households, r.lo, r.hi
    if r.kind == "too-small":
        return (f"{r.rule}:{place}的{piece}共有{n(h)}户,{kind}社区规模应为"
                f"{n(lo)}–{n(hi)}户,尚差{n(lo - h)}户。")
    if r.kind == "no-integer-k":
        k = h // hi
        return (f"{r.rule}:{place}的{piece}共有{n(h)}户,无法划分为整数个规模为"
                f"{n(lo)}–{n(hi)}户的{kind}社区:{k}个社区至多容纳{n(k * hi)}户"
                f"(超出{n(h - k * hi)}户),{k + 1}个社区至少需要{n((k + 1) * lo)}户"
                f"(尚差{n((k + 1) * lo - h)}户)。")
    return (f"{r.rule}:{place}的{piece}共有{n(h)}户,经逐一检验这{r.n_units}个"
            f"基本单元的全部划分方式,不存在地域相连、规模为{n(lo)}–{n(hi)}户的{kind}社区划分。"
            + (alone_zh(r.alone, r.area, lo, hi) if r.alone else "")
            + (cut_zh(r.cut, r.area, lo, hi) if r.cut else "")
            + (core_zh(r.core, r.area, lo, hi) if r.core else ""))


def _unread(text: str, see: str = "communities.csv") -> str:
    """Words that are not the engine's: the rule they name, and where to read them."""
    rule = re.match(rf"\s*{_RULE}", text)
    head = f"{rule.group(1)}:" if rule else ""
    return f"{head}豁免理由原文见{see}"


def exemption_text(text: str, lang: str, see: str = "communities.csv",
                   reasons: Reasons = ()) -> str:
    """An exemption in ``lang``: from its records when the engine made them (``reasons``,
    ``Community.reasons``, whose words are ``text``), else read from ``text``; in
    Chinese, words that are not the engine's name their rule and file."""
    if lang != "zh" or not text.strip():
        return text
    if reasons and SEP.join(r.text for r in reasons) == text:
        return SEP.join(reason_zh(r) if r.kind != "text" else exemption_text(r.text, lang, see)
                        for r in reasons)
    if SEP in text:       # several rules exempt (e.g. SIZE-RURAL and ONE-STATION)
        return SEP.join(str(exemption_text(part, lang, see)) for part in text.split(SEP))
    r = parse_exemption(text)
    if r is not None:
        return reason_zh(r)
    return _unread(text, see)


def records_of(communities: Iterable[Community]) -> dict[str, Reasons]:
    """Exemption words -> the records the engine made them from (none for a plan read
    from a folder): for tables, whose cells hold the words only."""
    return {c.exemption: c.reasons for c in communities if c.reasons}
