"""The engine's English reason and note strings, in Chinese for ``--lang zh``.

The solver makes an exemption as a record (:class:`optimizer.plan.exemption.Exemption`)
whose Chinese :mod:`optimizer.report.reasons_exempt` writes from its fields; a plan
read from a folder has only its words, read there as another tool's file. The
checker writes its notes and limits as text (compliance.csv), a file other tools
read and write too: those are read here by pattern, then rendered from a Chinese
template, so numbers and ids are carried over, never retyped. Every reason the engine
can produce has a template (tests/report/test_reasons.py builds each one); text that
matches none is not shown in English in a Chinese document but referred to its file
(``see``). The patterns follow ``optimizer.checker`` (its rules, plan_rules and
proofs).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from optimizer.report import reasons_short, reasons_today
from optimizer.report.ids_zh import ids_text_zh as _ids_zh
from optimizer.report.places import county_name, street_name
from optimizer.report.reasons_exempt import (
    _N,
    KIND_ZH,
    exemption_text,
    parse_exemption,
    reason_zh,
)
from optimizer.report.reasons_phasing import PHASING_LIMITS, PHASING_NOTES

__all__ = ["KIND_ZH", "assumptions_text", "exemption_text", "limit_text",
           "method_text", "note_text", "parse_exemption", "piece_key_text", "reason_zh"]


# --- checker notes and limits (moved from reasons_exempt, which stays under 400 lines) ---
_Sub = Callable[[re.Match[str]], str]


def _exempt_reason(text: str) -> str | None:
    """checker_exempt's justifications (and a diagnosis message)."""
    short = reasons_short.exempt_reason_zh(text)
    if short is not None:
        return short
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
    m = re.fullmatch(rf"its piece (.+) \((urban|rural)\) has {_N} households in {_N} units: "
                     rf"without unit (.+) it falls into parts of ([\d, ]+) households, whose "
                     rf"shares leave the community holding it (.+) households, never "
                     rf"{_N}\.\.{_N}: no split into connected communities of {_N}\.\.{_N} "
                     r"exists \(the checker's own parts and arithmetic\)", text)
    if m:       # optimizer/checker/cut.py
        sizes = m.group(7).replace("at most ", "至多").replace(" or at least ", "或至少") \
            .replace("at least ", "至少")
        return (f"所在片区{street_name(m.group(1), 'zh')}({KIND_ZH[m.group(2)]})共{m.group(3)}户、"
                f"{m.group(4)}个基本单元;去掉基本单元{m.group(5)}后分为各有"
                f"{m.group(6).replace(', ', '、')}户的几部分,若其他社区均符合规模要求,包含它的"
                f"社区有{sizes}户,无法达到{m.group(8)}–{m.group(9)}户,因此不存在地域相连、规模为"
                f"{m.group(10)}–{m.group(11)}户的社区划分(检查器自行划分并计算)")
    parts = [_exempt_reason(x) for x in text.split("; ")] if "; " in text else []
    if parts and all(parts):
        return ";".join(p for p in parts if p)
    r = parse_exemption(f"SIZE-X: {text}")
    if r is not None:
        return reason_zh(r).split(":", 1)[1].rstrip("。")
    return None

def _counties_zh(text: str) -> str:
    return "、".join(county_name(c, "zh") for c in _ids_zh(text).split("、"))


_NOTES: tuple[tuple[re.Pattern[str], _Sub], ...] = (
    (re.compile(r"reported, not optimized"), lambda m: "仅报告,不参与优化"),
    (re.compile(rf"{_N} of {_N} communities meet the area standard"),
     lambda m: f"{m.group(2)}个社区中{m.group(1)}个达到用房面积标准"),
    (re.compile(rf"{_N} urban and {_N} rural volunteers needed \(([\d.]+) persons per "
                r"household\)"),
     lambda m: f"需注册城市志愿者{m.group(1)}名、农村志愿者{m.group(2)}名(按每户{m.group(3)}人计)"),
    (re.compile(r"layout plan per county due (\S+); complete: (.*)"),
     lambda m: f"各县(市、区)社区布局规划应于{m.group(1)}前完成;已完成:"
               f"{'无' if m.group(2) == 'none' else _counties_zh(m.group(2))}"),
    (re.compile(rf"{_N} communities below standard today(?:; without a valid remedy: (.*))?"),
     lambda m: f"{m.group(1)}个社区现有用房未达标" + (
         f";尚无有效解决方式:{_ids_zh(m.group(2))}" if m.group(2) else "")),
    (re.compile(rf"{_N} households short"), lambda m: f"尚差{m.group(1)}户"),
    (re.compile(rf"{_N} households over"), lambda m: f"超出{m.group(1)}户"),
    (re.compile(r"exemption claimed but the rule is met"), lambda m: "申请豁免,但该规则已满足"),
    *reasons_today.NOTES,
    *reasons_short.NOTES,
) + PHASING_NOTES


def note_text(note: object, lang: str, see: str = "compliance.csv") -> object:
    """A checker note in ``lang``; in Chinese, an unknown pattern refers to ``see``."""
    if note == "no_current":
        from optimizer.report.labels import word

        return word("no_current", lang)
    if lang != "zh" or not isinstance(note, str) or not note.strip():
        return note
    for pattern, sub in _NOTES:
        m = pattern.fullmatch(note)
        if m:
            return sub(m)
    return ";".join(_note_part(part, see) for part in _split_notes(note))


def _split_notes(note: str) -> list[str]:
    for prefix in ("exempt: ", "exemption not justified: "):
        if note.startswith(prefix):
            return [note]
    return note.split("; ")


def _note_part(part: str, see: str) -> str:
    for prefix, zh in (("exempt: ", "豁免:"), ("exemption not justified: ", "豁免不成立:")):
        if part.startswith(prefix):
            body = part[len(prefix):]
            reason = _exempt_reason(body)
            if reason is None and "; " in body:
                head, _, rest = body.partition("; ")
                reason = _exempt_reason(head)
                if reason is not None:
                    return zh + reason + ";" + str(note_text(rest, "zh", see))
            return zh + (reason if reason is not None else f"说明原文见{see}")
    for pattern, sub in _NOTES:
        m = pattern.fullmatch(part)
        if m:
            return sub(m)
    return f"说明原文见{see}"


_LIMITS: tuple[tuple[re.Pattern[str], _Sub], ...] = (
    (re.compile(rf"{_N}\.\.{_N}"), lambda m: f"{m.group(1)}–{m.group(2)}"),
    (re.compile(r"one center inside"), lambda m: "社区内设一处服务中心"),
    (re.compile(r"allowed for the site"), lambda m: "该用房可采用的方式"),
    (re.compile(r"(\d+)% urban / (\d+)% rural residents"),
     lambda m: f"城市居民{m.group(1)}%、农村居民{m.group(2)}%"),
    (re.compile(r"a remedy each by (\S+)"), lambda m: f"{m.group(1)}前逐个提出解决方案"),
    (re.compile(r"(\d+)% urban / (\d+)% rural by (\d{4})"),
     lambda m: f"{m.group(3)}年城市{m.group(1)}%、农村{m.group(2)}%"),
    (re.compile(r"(\d+)% urban by (\d{4}) / (\d+)% rural in (\d{4})"),
     lambda m: f"{m.group(2)}年底城市{m.group(1)}%、{m.group(4)}年农村{m.group(3)}%"),
    (re.compile(r">= (\d+) social organizations per community"),
     lambda m: f"每个社区登记社会组织{m.group(1)}个以上"),
    (re.compile(r"(\d+)% urban / (\d+)% rural qualified by (\d{4})"),
     lambda m: f"{m.group(3)}年城市{m.group(1)}%、农村{m.group(2)}%"),
    (re.compile(r"(\d+)\+X urban / (\d+)\+X rural services"),
     lambda m: f"城市“{m.group(1)}+X”、农村“{m.group(2)}+X”项服务"),
    (re.compile(r"(urban|rural)(?:/(urban|rural))?"),
     lambda m: "/".join(KIND_ZH[g] for g in m.groups() if g)),
    *reasons_today.LIMITS,
) + PHASING_LIMITS


def limit_text(value: object, lang: str) -> object:
    """A checker value or limit in ``lang`` (numbers and ids unchanged)."""
    if lang != "zh" or not isinstance(value, str):
        return value
    for pattern, sub in _LIMITS:
        m = pattern.fullmatch(value.strip())
        if m:
            return sub(m)
    from optimizer.report.labels import REMEDY

    if value in REMEDY:
        return REMEDY[value][0]
    return value


# --- solver words (summary.json) -----------------------------------------------------
_STEPS: tuple[tuple[re.Pattern[str], _Sub], ...] = (
    (re.compile(r"fewer\(-(\d+) in (\d+)\)"),
     lambda m: f"减少社区{m.group(1)}个(尝试{m.group(2)}次)"),
    (re.compile(r"anneal\(-(\d+) in (\d+)\)"),
     lambda m: f"逐村调整减少社区{m.group(1)}个(尝试{m.group(2)}次)"),
    (re.compile(r"moves\((\d+)\)"), lambda m: f"边界调整{m.group(1)}次"),
    (re.compile(r"windows\((\d+) of (\d+)\)"),
     lambda m: f"相邻社区精确重划(改进{m.group(1)}处/共{m.group(2)}处)"),
    (re.compile(r"lns\((\d+) rounds\)(, unrepaired)?"),
     lambda m: f"大邻域搜索({m.group(1)}轮)" + (",规模未能修复" if m.group(2) else "")),
)


def search_text(search: str) -> str:
    """The neighbourhood search's steps (optimizer.search.piece_large: 'fewer(-1 in
    3)+moves(28)+lns(38 rounds)') in Chinese; a step it does not know points to
    summary.json, so no English reaches a Chinese report."""
    return "、".join(_translated(_STEPS, step) for step in search.split("+"))


def _translated(table: tuple[tuple[re.Pattern[str], _Sub], ...], part: str) -> str:
    """``part`` by the first pattern of ``table`` matching all of it; else a pointer to
    summary.json (never the English)."""
    for pattern, sub in table:
        m = pattern.fullmatch(part)
        if m:
            return str(sub(m))
    return "见summary.json"


_METHODS: tuple[tuple[re.Pattern[str], _Sub], ...] = (
    # 'exact(k=7,8,9)', then where a count's model ran out of time the search from the
    # best plan in hand (', then <steps>'), or region growing's plan kept (', the start').
    (re.compile(r"exact\(([^)]*)\)(?:, then (.+)|(, the start))?"),
     lambda m: f"精确模型(社区数{m.group(1).replace('k=', '')})"
     + (f",随后{search_text(m.group(2))}" if m.group(2) else "")
     + (",沿用区域生长初始方案" if m.group(3) else "")),
    (re.compile(r"(?:(?:fewer|anneal|moves|windows)\([^)]*\)\+)+lns\(.*"),
     lambda m: search_text(m.group(0))),
    (re.compile(r"columns\((.*)\)"), lambda m: f"列举全部可能社区({m.group(1)}个)"),
    (re.compile(r"soft"), lambda m: "放宽规模约束"),
    (re.compile(r"lns\((\d+) rounds\)(, unrepaired)?"),
     lambda m: f"大邻域搜索({m.group(1)}轮)" + (",规模未能修复" if m.group(2) else "")),
    (re.compile(r"attach\((\d+)(, stopped)?\)"),
     lambda m: f"超规模基本单元周边片区(列举{m.group(1)}种可能社区"
     + (";计时截止,取首个可行划分,未证明最少并入)" if m.group(2) else ")")),
    (re.compile(r"attach\(whole parts\)"), lambda m: "超规模基本单元周边片区整体并入"),
)
_OVERSIZED = re.compile(r"oversized\((\d+)\)(?:: (.*))?", re.S)


def method_text(method: object, lang: str) -> object:
    """A component's solve method (summary.json) in ``lang``."""
    if lang != "zh" or not isinstance(method, str):
        return method
    over = _OVERSIZED.fullmatch(method)
    if over:
        head = f"{over.group(1)}个超规模基本单元各自成社区"
        return head + (f";其余:{method_text(over.group(2), lang)}" if over.group(2) else "")
    return ";".join(_translated(_METHODS, part) for part in method.split("; "))


def piece_key_text(key: object, lang: str) -> object:
    """'Jianhu / Fuwan Town / rural' in ``lang``."""
    if lang != "zh" or not isinstance(key, str):
        return key
    parts = key.split(" / ")
    if len(parts) != 3:
        return key
    county, street, kind = parts
    return f"{county_name(county, 'zh')}/{street_name(street, 'zh')}/{KIND_ZH.get(kind, kind)}"


_STAFF = re.compile(r"full-time staff by workload: min\((\d+), max\((\d+), ceil\(households / "
                    r"(\d+)\)\)\) \(our assumption, not the opinion's\)")


def assumptions_text(text: object, lang: str) -> object:
    """summary.json's ``assumptions`` line in ``lang``."""
    if lang != "zh" or not isinstance(text, str):
        return text
    out = []
    for part in text.split("; "):
        m = _STAFF.fullmatch(part)
        if m:
            out.append(f"专职工作者按工作量配置,每{m.group(3)}户1名,不少于{m.group(2)}名、"
                       f"不多于{m.group(1)}名(本系统假设,非意见规定)")
        elif (si := re.fullmatch(r"employer social insurance (\d+)% of pay \(SOCIAL-INS, "
                                 r"our assumption\)", part)):
            out.append(f"单位缴纳社会保险费按工资的{si.group(1)}%计(SOCIAL-INS,本系统假设)")
        elif part == "costs per optimizer/rules/costs.py unless overridden":
            out.append("费用参数除情景另有规定外采用系统默认值(见参数假设表)")
        else:
            out.append("其余说明原文见summary.json")
    return ";".join(out)
