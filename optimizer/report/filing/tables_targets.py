"""The targets table with honest statuses, and the exemptions with their reasons.

Statuses come from the plan's compliance.csv (or the checker when the plan has none):
pass, fail, exempt, not_assessed, and "not checked" for a target with no line at all.
A reported target written ``pass`` with no value is shown not assessed
(:func:`.context.honest_checks`): never certified as met.
"""

from __future__ import annotations

from collections import Counter

from optimizer.checker.exemptions import parse_rule
from optimizer.report import reasons
from optimizer.report.filing import terms
from optimizer.report.filing.basis import LAYOUT_BASIS, ROOMS_BASIS
from optimizer.report.filing.context import FilingContext
from optimizer.report.filing.inputs import CheckRow
from optimizer.report.filing.model import TEXT, Table

CLAUSE: dict[str, str] = {}
for _c in (*LAYOUT_BASIS, *ROOMS_BASIS):
    for _r in _c.rules:
        CLAUSE.setdefault(_r, _c.clause)


def _t(ctx: FilingContext, zh: str, en: str) -> str:
    return zh if ctx.lang == "zh" else en


def _value(v: str, ctx: FilingContext) -> str:
    if not v:
        return "—"
    try:
        f = float(v)
    except ValueError:
        return str(reasons.limit_text(v, ctx.lang))
    if 0 <= f <= 1 and "." in v:
        return f"{100 * f:.1f}%"
    return f"{f:,.0f}" if f == int(f) else f"{f:,.2f}"


def target_status(ctx: FilingContext, rule: str) -> tuple[str, CheckRow | None, Counter[str]]:
    """The status shown for a target: its plan-wide line's, else the worst of the
    county's lines, else "absent"; with the plan-wide line and the county's counts."""
    lines = [r for r in ctx.county_checks() if r.rule_id == rule]
    star = next((r for r in lines if r.community_id == "*"), None)
    counts = Counter(r.status for r in lines if r.community_id != "*")
    if star is not None:
        return star.status, star, counts
    for s in ("fail", "not_assessed", "exempt", "pass"):
        if counts.get(s):
            return s, None, counts
    return "absent", None, counts


def targets(ctx: FilingContext, n: int) -> Table:
    """表n 规划目标与达标情况."""
    rows = []
    several = len(set(ctx.scenario.county)) > 1
    down = set(ctx.checks.downgraded)
    for rule in terms.TARGETS:
        status, star, counts = target_status(ctx, rule)
        notes = []
        if star is not None and star.note:
            notes.append(str(reasons.note_text(star.note, ctx.lang, ctx.checks.source)))
        if counts:
            parts = "、".join(f"{terms.status_name(s, ctx.lang)}{k}"
                             for s, k in sorted(counts.items()))
            notes.append(_t(ctx, f"本县各社区:{parts}", f"this county's communities: {parts}"))
        if rule == "FACILITY-95":
            notes.append(_t(ctx, "本系统测算的是服务设施(用房面积)部分;功能部分(服务项目)见"
                                 "SERVICES-6-8", "the engine measures the facility (area) "
                                                 "part; the function part is SERVICES-6-8"))
        if rule in down and status == "not_assessed":
            notes.append(_t(ctx, "检查结果记为通过但无数据,按未评估列示",
                            "written pass with no data: shown not assessed"))
        if status == "absent":
            notes.append(_t(ctx, "检查结果中无此项", "no line in the compliance results"))
        if several and star is not None:
            notes.append(_t(ctx, "数值为全部情景", "value for the whole scenario"))
        rows.append((rule, terms.rule_name(rule, ctx.lang), CLAUSE.get(rule, "—"),
                     terms.status_name(status, ctx.lang),
                     _value(star.value, ctx) if star else "—",
                     _value(star.limit, ctx) if star else "—",
                     ";".join(notes) if ctx.lang == "zh" else "; ".join(notes)))
    src = _t(ctx, "检查结果来自方案的 compliance.csv。",
             "Statuses from the plan's compliance.csv.") \
        if ctx.checks.source == "compliance.csv" else \
        _t(ctx, "方案未提供 compliance.csv:检查结果由本系统独立检查器重新计算。",
           "The plan has no compliance.csv: statuses recomputed by the independent checker.")
    return Table("targets", _t(ctx, f"表{n} 规划目标与达标情况", f"Table {n}. Targets"),
                 (_t(ctx, "规则编号", "Rule"), _t(ctx, "目标", "Target"),
                  _t(ctx, "条款", "Clause"), _t(ctx, "结果", "Status"), _t(ctx, "数值", "Value"),
                  _t(ctx, "标准", "Limit"), _t(ctx, "说明", "Note")),
                 (TEXT,) * 7, tuple(rows), wide=True,
                 notes=(src, _t(ctx, "“未评估”表示情景未提供该项数据(如 communities_today.csv),"
                                     "不作为达标上报。",
                                "'Not assessed': the scenario holds no data for it; it is "
                                "not reported as met.")))


def exemptions(ctx: FilingContext, n: int) -> Table:
    """表n 豁免社区及理由: the rule, the reason in words, and the checker's verdict."""
    verdict = {"exempt": _t(ctx, "豁免成立", "exemption accepted"),
               "fail": _t(ctx, "豁免不成立", "exemption rejected"),
               "pass": _t(ctx, "规则已满足", "rule met")}
    rows = []
    for c in ctx.communities:
        if not c.exemption:
            continue
        rule = parse_rule(c.exemption) or ""
        line = next((r for r in ctx.checks.rows if r.community_id == c.community_id
                     and r.rule_id == rule), None)
        rows.append((c.community_id, ctx.name(c.community_id), rule,
                     reasons.exemption_text(c.exemption, ctx.lang, reasons=c.reasons),
                     verdict.get(line.status, terms.status_name(line.status, ctx.lang))
                     if line else terms.status_name("absent", ctx.lang)))
    return Table("exemptions", _t(ctx, f"表{n} 豁免社区及理由", f"Table {n}. Exemptions"),
                 (_t(ctx, "社区编号", "Community"), _t(ctx, "拟定名称", "Proposed name"),
                  _t(ctx, "豁免规则", "Rule"), _t(ctx, "理由", "Reason"),
                  _t(ctx, "检查结论", "Checker's verdict")), (TEXT,) * 5, tuple(rows),
                 wide=True)
