"""The AREA-PER-HH exemption of a unit above the maximum whose rooms coming reach too
little (optimizer.search.oversized_short), and the checker's notes on it
(optimizer.checker.shortfall, .facts, .plan_rules), in Chinese.

Kept apart from :mod:`optimizer.report.reasons_exempt` (which stays under 400 lines and
imports this module, never the other way round): the words are read back into the
record the engine wrote them from (:func:`parse_short`), the Chinese is written from
that record (:func:`short_zh`), and the checker's notes are read by pattern
(:data:`NOTES`, :func:`exempt_reason_zh`), numbers and ids carried over.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from optimizer.plan.exemption import CenterWhy, Exemption, Named
from optimizer.report.ids_zh import ids_text_zh as _ids
from optimizer.report.places import county_name, street_name
from optimizer.report.reasons_today import _REMEDY_ZH as REMEDY_ZH

Sub = Callable[[re.Match[str]], str]
_M2 = r"(\d[\d,]*(?:\.\d+)?)"
# optimizer.search.short_within.SHORT_WHY, as the engine writes it
_WHY = ("PIPELINE: its rooms are handed over to its community, not built twice; "
        "ONE-STATION: no second center beside them")
_SHORT = re.compile(
    r"^AREA-PER-HH: (?:Town|Town/street) '(?P<street>.*?)' \(county '(?P<county>.*?)'\): "
    r"the (?P<unit>urban compound|rural village) (?P<uid>\S+) above the maximum has "
    r"(?P<own>\d[\d,]*) households(?: and its community (?P<total>\d[\d,]*))?, who need "
    rf"(?P<need>{_M2[1:-1]}) m²; its (?P<status>planned|under construction) site "
    rf"(?P<sid>\S+), its community's center \({re.escape(_WHY)}\), reaches "
    rf"(?P<reach>{_M2[1:-1]}) m² at most, so the center is {_M2} m² short\.$")
# optimizer.search.short_within.within_exemption: a unit within the maximum
_WITHIN = re.compile(
    r"^AREA-PER-HH: (?:Town|Town/street) '(?P<street>.*?)' \(county '(?P<county>.*?)'\): "
    r"the (?P<unit>urban compound|rural village) (?P<uid>\S+) within the maximum has "
    r"(?P<own>\d[\d,]*) households(?: and its community (?P<total>\d[\d,]*))?, who need "
    rf"(?P<need>{_M2[1:-1]}) m²; its (?P<status>planned|under construction) site "
    rf"(?P<sid>\S+), its community's center \({re.escape(_WHY)}\), reaches "
    rf"(?P<reach>{_M2[1:-1]}) m² at most, so the center is {_M2} m² short; no community "
    r"of (?:at most |(?P<lo>\d[\d,]*)-)(?P<hi>\d[\d,]*) households holding (?P=uid) has a "
    r"pipeline site reaching "
    rf"its need \(at least {_M2} m² short in every plan\)\.$")
STATUS_ZH = {"under construction": "在建", "planned": "规划待建"}
UNIT_ZH = {"urban compound": "城市小区", "rural village": "自然村(村民小组)"}


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def m2(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def parse_short(text: str) -> Exemption | None:
    """The engine's words read back into its record (None: not these words)."""
    m = _SHORT.match(text.strip())
    within = m is None
    m = m or _WITHIN.match(text.strip())
    if m is None:
        return None
    own = int(_num(m.group("own")))
    total = int(_num(m.group("total"))) if m.group("total") else own
    area = "urban" if m.group("unit") == "urban compound" else "rural"
    uid, sid = m.group("uid"), m.group("sid")
    return Exemption("AREA-PER-HH", "short-within" if within else "short-rooms",
                     text.strip(), m.group("county"),
                     m.group("street"), area, named=Named((uid,)), households=own,
                     centers=(CenterWhy(uid, (sid,), _num(m.group("reach")),
                                        _num(m.group("need")), total),),
                     why=m.group("status"), hi=int(_num(m.group("hi"))) if within else 0,
                     lo=int(_num(m.group("lo"))) if within and m.group("lo") else 0)


def short_zh(r: Exemption) -> str:
    """The Chinese of the record (kind ``short-rooms``)."""
    c = r.centers[0]
    unit = UNIT_ZH["rural village" if r.area == "rural" else "urban compound"]
    place = f"{county_name(r.county, 'zh')}{street_name(r.street, 'zh')}"
    whose = (f"有{r.households:,}户" if c.households == r.households else
             f"有{r.households:,}户,所在社区共{c.households:,}户")
    if r.kind == "short-within":
        return (f"AREA-PER-HH:{place}的{unit}{c.unit}(未超过社区规模上限){whose},所需服务用房"
                f"{m2(c.need_m2)}平方米;其{STATUS_ZH.get(r.why, r.why)}用房{c.sites[0]}"
                f"须作为所在社区的服务中心(PIPELINE:在建、待建用房移交所在社区,不重复建设;"
                f"ONE-STATION:其旁不另设服务中心),至多可达{m2(c.max_m2)}平方米,"
                f"服务中心面积尚差{m2(c.need_m2 - c.max_m2)}平方米;任何含{c.unit}、"
                f"{f'{r.lo:,}至{r.hi:,}户' if r.lo else f'不超过{r.hi:,}户'}"
                f"的社区均无可达所需面积的在建、待建用房。")
    return (f"AREA-PER-HH:{place}的{unit}{c.unit}超过社区规模上限,{whose},所需服务用房"
            f"{m2(c.need_m2)}平方米;其{STATUS_ZH.get(r.why, r.why)}用房{c.sites[0]}"
            f"须作为所在社区的服务中心(PIPELINE:在建、待建用房移交所在社区,不重复建设;"
            f"ONE-STATION:其旁不另设服务中心),至多可达{m2(c.max_m2)}平方米,"
            f"服务中心面积尚差{m2(c.need_m2 - c.max_m2)}平方米。")


_REASON = re.compile(rf"the {_M2} households of (\S+), above the maximum, need {_M2} m², and "
                     rf"its pipeline site (\S+), its community's center \(PIPELINE, "
                     rf"ONE-STATION\), reaches {_M2} m² at most")


_JOINED = re.compile(rf"the {_M2} households of the community of (\S+), above the maximum, "
                     rf"and of the units that must join it \((.+)\) need {_M2} m², and its "
                     rf"pipeline site (\S+), its community's center \(PIPELINE, ONE-STATION\), "
                     rf"reaches {_M2} m² at most")


# optimizer.checker.short_within.within_proof's words
_WITHIN_REASON = re.compile(
    rf"no community of at most {_M2} households holding (\S+) has a pipeline site reaching "
    rf"its need: the {_M2} households of (\S+), within the maximum, alone need {_M2} m², "
    rf"and its community's center, the pipeline site (\S+) \(PIPELINE, ONE-STATION\), "
    rf"reaches {_M2} m² at most")


# its words where the proof is over the communities within the bounds (wild seed 399)
_BOUNDS_REASON = re.compile(
    rf"no community of {_M2}\.\.{_M2} households holding (\S+) has a pipeline site reaching "
    rf"its need \(the checker searched every one\), and its community's center, the pipeline "
    rf"site (\S+) \(PIPELINE, ONE-STATION\), reaches {_M2} m² at most")


def exempt_reason_zh(text: str) -> str | None:
    """The checker's justification of the exemption (optimizer.checker.shortfall): the
    unit's own households short, or its community with the units that must join it."""
    m = _BOUNDS_REASON.fullmatch(text)
    if m is not None:
        return (f"含{m.group(3)}、{m.group(1)}至{m.group(2)}户的任何社区均无可达所需面积的"
                f"在建、待建用房(经逐一检验):其所在社区服务中心{m.group(4)}"
                f"(PIPELINE、ONE-STATION)至多可达{m.group(5)}平方米")
    m = _WITHIN_REASON.fullmatch(text)
    if m is not None:
        return (f"含{m.group(2)}、不超过{m.group(1)}户的任何社区均无可达所需面积的在建、待建"
                f"用房:{m.group(2)}(未超过规模上限)的{m.group(3)}户即需服务用房"
                f"{m.group(5)}平方米,其所在社区服务中心{m.group(6)}(PIPELINE、ONE-STATION)"
                f"至多可达{m.group(7)}平方米")
    m = _REASON.fullmatch(text)
    if m is not None:
        return (f"超规模基本单元{m.group(2)}的{m.group(1)}户需服务用房{m.group(3)}平方米,"
                f"其在建、待建用房{m.group(4)}为所在社区服务中心(PIPELINE、ONE-STATION),"
                f"至多可达{m.group(5)}平方米")
    m = _JOINED.fullmatch(text)
    if m is None:
        return None
    return (f"超规模基本单元{m.group(2)}及必须并入的{_ids(m.group(3))}所在社区共"
            f"{m.group(1)}户,需服务用房{m.group(4)}平方米,其在建、待建用房{m.group(5)}为"
            f"所在社区服务中心(PIPELINE、ONE-STATION),至多可达{m.group(6)}平方米")


NOTES: tuple[tuple[re.Pattern[str], Sub], ...] = (
    (re.compile(r"exempt \(AREA-PER-HH\): ([^;]+)"),
     lambda m: "豁免(AREA-PER-HH):" + (exempt_reason_zh(m.group(1)) or "说明原文见compliance.csv")),
    (re.compile(rf"(\w+) gives site (\S+) {_M2} m² at most, short of the {_M2} m² required"),
     lambda m: f"用房{m.group(2)}经{REMEDY_ZH.get(m.group(1), m.group(1))}至多可达"
               f"{m.group(3)}平方米,"
               f"低于所需的{m.group(4)}平方米"),
    (re.compile(rf"{_M2} m² short of {_M2} m² per 100 households"),
     lambda m: f"低于每百户{m.group(2)}平方米的标准{m.group(1)}平方米"),
    (re.compile(r"below it with an exempt shortfall \(AREA-PER-HH, rooms coming\): (.+)"),
     lambda m: f"因在建、待建用房面积不足而豁免AREA-PER-HH、计为未达标:{_ids(m.group(1))}"),
    (re.compile(r"without them (\d+) of (\d+) meet it"),
     lambda m: f"不计这些社区,{m.group(2)}个社区中{m.group(1)}个达标"),
    (re.compile(r"rooms coming at their full reach, still short \(AREA-PER-HH exempt\): (.+)"),
     lambda m: f"在建、待建用房已达其最大面积,仍不足(豁免AREA-PER-HH):{_ids(m.group(1))}"),
    (re.compile(r"without a valid remedy: (.+)"),
     lambda m: f"尚无有效解决方式:{_ids(m.group(1))}"),
)
