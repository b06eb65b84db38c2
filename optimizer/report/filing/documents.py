"""The two plans of PLAN-2013-03 for one county, as :class:`.model.Document` blocks:
the community layout plan 社区布局规划 and the special plan for community management and
service rooms 社区管理和服务用房建设专项规划."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from optimizer.report.filing import prose, tables_layout, tables_rooms, tables_targets, terms
from optimizer.report.filing.basis import LAYOUT_BASIS, ROOMS_BASIS, Clause
from optimizer.report.filing.context import FilingContext
from optimizer.report.filing.model import (
    Block,
    Cover,
    Document,
    Figure,
    Heading,
    Para,
    Table,
    TableBlock,
)
from optimizer.version import __version__

Maps = Sequence[tuple[Path, str, str]]      # (png, title, kind) from figures.write_figures


def _t(ctx: FilingContext, zh: str, en: str) -> str:
    return zh if ctx.lang == "zh" else en


class _Builder:
    """Numbers chapters, sections, tables and figures as a document is written."""

    def __init__(self, ctx: FilingContext) -> None:
        self.ctx = ctx
        self.blocks: list[Block] = []
        self.chapters = 0
        self.sections = 0
        self.n_tables = 0
        self.n_figures = 0

    def chapter(self, zh: str, en: str) -> None:
        self.chapters += 1
        self.sections = 0
        self.blocks.append(Heading(terms.chapter(self.chapters, self.ctx.lang)
                                   + _t(self.ctx, zh, en), 1))

    def section(self, text: str) -> None:
        self.sections += 1
        self.blocks.append(Heading(terms.section(self.sections, self.ctx.lang) + text, 2))

    def para(self, text: str, style: str = "body") -> None:
        if text:
            self.blocks.append(Para(text, style))

    def table(self, make: Callable[[FilingContext, int], Table]) -> Table:
        self.n_tables += 1
        table = make(self.ctx, self.n_tables)
        self.blocks.append(TableBlock(table))
        return table

    def figure(self, path: Path, title: str) -> None:
        self.n_figures += 1
        self.blocks.append(Figure(path, _t(self.ctx, f"图{self.n_figures} {title}",
                                           f"Figure {self.n_figures}. {title}")))


def cover(ctx: FilingContext, title: str, version: str) -> Cover:
    issuer = _t(ctx, f"{ctx.county_zh}民政局", f"{ctx.county} Civil Affairs Bureau")
    date = (f"{ctx.date.year}年{ctx.date.month}月{ctx.date.day}日" if ctx.lang == "zh"
            else ctx.date.isoformat())
    lines = ((_t(ctx, "县(市、区)", "County"), ctx.county_zh),
             (_t(ctx, "编制单位", "Prepared by"), issuer),
             (_t(ctx, "报送备案", "Filed with"),
              _t(ctx, f"{terms.CITY_BUREAU[0]}、{ctx.county_zh}人民政府",
                 f"{terms.CITY_BUREAU[1]}; the county government")),
             (_t(ctx, "编制日期", "Date"), date),
             (_t(ctx, "版本", "Version"),
              _t(ctx, f"第{version}版(方案指纹 {ctx.fingerprint},引擎版本 {__version__})",
                 f"{version} (plan fingerprint {ctx.fingerprint}, engine {__version__})")),
             (_t(ctx, "依据", "Basis"), terms.pick(terms.OPINION, ctx.lang)))
    return Cover(title, ctx.county_zh, issuer, date, lines)


def _basis(b: _Builder, clauses: Sequence[Clause]) -> None:
    ctx = b.ctx
    b.chapter("规划依据", "Basis")
    b.para(_t(ctx, f"根据{terms.OPINION[0]},结合{ctx.county_zh}实际,编制本规划。意见有关条款及"
                   "本规划的执行情况如下:",
              f"This plan applies the {terms.OPINION[1]}, clause by clause:"))
    for c in clauses:
        rules = "、".join(c.rules) if ctx.lang == "zh" else ", ".join(c.rules)
        b.section(_t(ctx, f"意见第{c.clause}条({rules})", f"Clause {c.clause} ({rules})"))
        b.para(_t(ctx, f"“{c.quote}”", f"{c.en} (“{c.quote}”)"), "quote")
        b.para(prose.application(ctx, c.rules))


def _principles(b: _Builder, items: Sequence[tuple[str, str, str]]) -> None:
    b.chapter("规划原则", "Principles")
    for zh, en, rule in items:
        b.section(_t(b.ctx, zh, en))
        b.para(prose.principle_detail(b.ctx, rule))


def _targets(b: _Builder) -> None:
    b.chapter("规划目标与达标情况", "Targets")
    b.table(tables_targets.targets)


def _exemptions(b: _Builder) -> None:
    b.chapter("豁免说明", "Exemptions")
    if any(c.exemption for c in b.ctx.communities):
        b.para(_t(b.ctx, "以下社区因客观条件无法满足所列规则,经独立检查器核验:",
                  "These communities cannot meet the rule named, as the checker verified:"))
        b.table(tables_targets.exemptions)
    else:
        b.para(_t(b.ctx, "本规划无豁免社区。", "No community is exempt."))


def _maps(b: _Builder, maps: Maps, kinds: tuple[str, ...]) -> None:
    for path, title, kind in maps:
        if kind in kinds:
            b.figure(path, title)
    if not maps:
        b.para(_t(b.ctx, "情景未提供基本单元的地理边界,本规划不附图。",
                  "The scenario has no unit geometry: no maps."))


def layout_plan(ctx: FilingContext, maps: Maps, version: str) -> Document:
    b = _Builder(ctx)
    _basis(b, LAYOUT_BASIS)
    _principles(b, prose.LAYOUT_PRINCIPLES)
    b.chapter("现状与规划概况", "Overview")
    for text in prose.overview(ctx):
        b.para(text)
    b.chapter("社区布局", "Community layout")
    b.para(_t(ctx, "各规划社区的范围、规模和服务中心位置见下表;四至见其后一表,所含基本单元见附表。",
              "Each community's extent, size and center; its neighbours; its units (annex)."))
    b.table(tables_layout.layout)
    b.table(tables_layout.boundaries)
    b.chapter("规划图", "Maps")
    _maps(b, maps, ("overview", "street"))
    b.chapter("人员配备", "Staffing")
    b.table(tables_layout.staffing)
    b.chapter("网格划分", "Grids")
    b.table(tables_layout.grids)
    _targets(b)
    _exemptions(b)
    b.chapter("附表", "Annex")
    b.n_tables = 0
    b.table(tables_layout.units)
    title = ctx.title(terms.LAYOUT_TITLE)
    return Document("layout", title, cover(ctx, title, version), b.blocks)


def rooms_plan(ctx: FilingContext, maps: Maps, version: str) -> Document:
    b = _Builder(ctx)
    _basis(b, ROOMS_BASIS)
    _principles(b, prose.ROOMS_PRINCIPLES)
    b.chapter("用房现状", "Rooms today")
    coms = ctx.communities
    ok = [c for c in coms if c.area_before_m2 >= c.area_required_m2]
    b.para(_t(ctx, f"{len(coms)}个规划社区中,现有用房达到标准的{len(ok)}个,未达到标准或没有用房的"
                   f"{len(coms) - len(ok)}个;现有用房合计"
                   f"{sum(c.area_before_m2 for c in coms):,.0f}平方米。",
              f"Of {len(coms)} communities, {len(ok)} meet the standard today; rooms today "
              f"{sum(c.area_before_m2 for c in coms):,.0f} m²."))
    b.chapter("用房建设规划", "Rooms plan")
    b.para(_t(ctx, "逐个社区的现有用房、解决方式、面积、投资和时限如下表。",
              "Per community: rooms today, remedy, area, capital and dates."))
    b.table(tables_rooms.rooms)
    _maps(b, maps, ("overview", "phasing"))
    b.chapter("服务项目", "Services")
    b.table(tables_rooms.services)
    b.chapter("投资与经费预算", "Budget")
    b.para(_t(ctx, "建设投资与社区工作经费单独列示,专款专用(BUDGET-OWN)。",
              "Capital and running costs apart (BUDGET-OWN)."))
    b.table(tables_rooms.capital)
    b.table(tables_rooms.running)
    _targets(b)
    _exemptions(b)
    b.chapter("附表", "Annex")
    b.n_tables = 0
    b.table(tables_rooms.parameters)
    title = ctx.title(terms.ROOMS_TITLE)
    return Document("rooms", title, cover(ctx, title, version), b.blocks)
