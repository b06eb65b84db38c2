"""The layout plan's tables for one county: communities, their neighbours on each side
(四至), their units, staffing and grids."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from optimizer.report import labels
from optimizer.report.filing.context import FilingContext
from optimizer.report.filing.model import INT, MONEY, NUMBER, TEXT, Table
from optimizer.report.places import street_name
from optimizer.report.tables import layout_table, staffing_table


def _t(ctx: FilingContext, zh: str, en: str) -> str:
    return zh if ctx.lang == "zh" else en


def _rule_of(exemption: str) -> str:
    from optimizer.checker.exemptions import parse_rule

    return (parse_rule(exemption) or "") if exemption else ""


def layout(ctx: FilingContext, n: int) -> Table:
    """表n 社区布局规划表: one row per planned community, with its size bounds."""
    df = layout_table(ctx.scenario, ctx.sub).set_index("community_id")
    pol = ctx.scenario.policy
    rows = []
    for k, c in enumerate(ctx.communities, start=1):
        r = df.loc[c.community_id]
        lo, hi = pol.bounds(c.kind == "urban")
        rows.append((k, c.community_id, ctx.name(c.community_id),
                     street_name(c.street, ctx.lang), labels.kind(c.kind, ctx.lang),
                     int(r["households"]), int(r["population"]), int(r["n_units"]),
                     float(r["area_km2"]), f"{lo:,}–{hi:,}", str(r["center_unit"]),
                     _rule_of(c.exemption)))
    total = (_t(ctx, "合计", "Total"), "",
             _t(ctx, f"{len(rows)}个社区", f"{len(rows)} communities"), "", "",
             sum(r[5] for r in rows), sum(r[6] for r in rows), sum(r[7] for r in rows),
             round(sum(r[8] for r in rows), 3), "", "", "")
    return Table("layout", _t(ctx, f"表{n} 社区布局规划表", f"Table {n}. Community layout"),
                 (_t(ctx, "序号", "No."), _t(ctx, "社区编号", "Community"),
                  _t(ctx, "拟定名称", "Proposed name"), _t(ctx, "街道/镇", "Street/town"),
                  _t(ctx, "类型", "Kind"), _t(ctx, "户数", "Households"),
                  _t(ctx, "人口", "Population"), _t(ctx, "基本单元", "Units"),
                  _t(ctx, "面积(平方公里)", "Area (km²)"),
                  _t(ctx, "规模标准(户)", "Size bounds (households)"),
                  _t(ctx, "服务中心所在单元", "Center unit"), _t(ctx, "豁免", "Exemption")),
                 (INT, TEXT, TEXT, TEXT, TEXT, INT, INT, INT, NUMBER, TEXT, TEXT, TEXT),
                 tuple(rows), total, wide=True,
                 notes=(_t(ctx, f"人口按户均{pol.household_size:g}人估算(本系统假设)。",
                           f"Population at {pol.household_size:g} persons per household "
                           "(our assumption)."),))


SIDES = ("east", "south", "west", "north")


def _sides(ctx: FilingContext) -> dict[str, dict[str, list[str]]]:
    """community -> side -> neighbouring communities, by the direction of the shared
    unit pairs (rook neighbours, barriers included: a river is still a boundary)."""
    s = ctx.scenario
    com = ctx.plan.community_of()
    per_unit = [com.get(u, "") for u in s.unit_ids]
    vec: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(2))
    for arr in (s.edges, s.cut_edges):
        for a, b in np.asarray(arr, dtype=np.int64).reshape(-1, 2).tolist():
            ca, cb = per_unit[a], per_unit[b]
            if not ca or not cb or ca == cb:
                continue
            d = np.array([s.x[b] - s.x[a], s.y[b] - s.y[a]], dtype=float)
            vec[(ca, cb)] += d
            vec[(cb, ca)] -= d
    out: dict[str, dict[str, list[str]]] = {c: {k: [] for k in SIDES} for c in ctx.ids}
    for (ca, cb), v in sorted(vec.items()):
        if ca not in out or not v.any():
            continue
        angle = math.degrees(math.atan2(v[1], v[0]))
        side = ("east" if -45 <= angle < 45 else "north" if 45 <= angle < 135
                else "south" if -135 <= angle < -45 else "west")
        out[ca][side].append(cb)
    return out


def boundaries(ctx: FilingContext, n: int) -> Table:
    """表n 社区四至: the neighbouring communities on each side."""
    sides = _sides(ctx)
    none = _t(ctx, "无相邻社区", "none")

    def names(ids: list[str]) -> str:
        # a neighbour in another county is named by its id
        return "、".join(ctx.name(c) if c in ctx.ids else c for c in ids) or none

    rows = tuple((c.community_id, ctx.name(c.community_id),
                  *(names(sides[c.community_id][k]) for k in SIDES)) for c in ctx.communities)
    return Table("boundaries", _t(ctx, f"表{n} 社区四至", f"Table {n}. Neighbours on each side"),
                 (_t(ctx, "社区编号", "Community"), _t(ctx, "拟定名称", "Proposed name"),
                  _t(ctx, "东至", "East"), _t(ctx, "南至", "South"), _t(ctx, "西至", "West"),
                  _t(ctx, "北至", "North")), (TEXT,) * 6, rows, wide=True,
                 notes=(_t(ctx, "四至按相邻基本单元的方位确定;相邻社区属其他县(市、区)的,"
                                "列其社区编号。",
                           "Sides follow the direction of neighbouring units; a neighbour "
                           "in another county is given by its id."),))


def units(ctx: FilingContext, n: int) -> Table:
    """附表 社区基本单元构成表: every unit with its community, today's community, grids."""
    s = ctx.scenario
    grids_of: dict[str, list[str]] = defaultdict(list)
    if ctx.extras.grids is not None:
        for gr in ctx.extras.grids:
            grids_of[gr.unit_id].append(gr.grid_id)
    else:
        for u, g in zip(ctx.plan.unit_ids, ctx.plan.grid, strict=True):
            if g:
                grids_of[u].append(g)
    rows = []
    for c in ctx.communities:
        for i in sorted(ctx.members[c.community_id], key=lambda i: s.unit_ids[i]):
            u = s.unit_ids[i]
            cur = s.current_community[i] if s.current_community is not None else None
            rows.append((c.community_id, ctx.name(c.community_id), u,
                         labels.kind(s.kind(i), ctx.lang), int(s.households[i]), cur or "—",
                         "、".join(sorted(set(grids_of.get(u, [])))) or "—"))
    total = (_t(ctx, "合计", "Total"), "", _t(ctx, f"{len(rows)}个基本单元", f"{len(rows)} units"),
             "", sum(r[4] for r in rows), "", "")
    return Table("units", _t(ctx, f"附表{n} 社区基本单元构成表", f"Annex table {n}. Units"),
                 (_t(ctx, "社区编号", "Community"), _t(ctx, "拟定名称", "Proposed name"),
                  _t(ctx, "基本单元编号", "Unit"), _t(ctx, "类型", "Kind"),
                  _t(ctx, "户数", "Households"), _t(ctx, "现属社区", "Today's community"),
                  _t(ctx, "网格编号", "Grid")),
                 (TEXT, TEXT, TEXT, TEXT, INT, TEXT, TEXT), tuple(rows), total)


@dataclass(frozen=True)
class GridPlan:
    units: dict[str, list[tuple[str, int, bool]]]   # grid -> [(unit, households, divided?)]
    community: dict[str, str]                       # grid -> community
    source: str                                     # grids.csv | assignment.csv


def grid_plan(ctx: FilingContext) -> GridPlan:
    """The county's grids: from grids.csv when the plan has it, else whole units by
    assignment.csv's grid_id."""
    out: dict[str, list[tuple[str, int, bool]]] = defaultdict(list)
    community: dict[str, str] = {}
    if ctx.extras.grids is not None:
        rows = [gr for gr in ctx.extras.grids if gr.community_id in ctx.ids]
        spread = Counter(gr.unit_id for gr in rows)
        for gr in rows:
            out[gr.grid_id].append((gr.unit_id, gr.households, spread[gr.unit_id] > 1))
            community[gr.grid_id] = gr.community_id
        return GridPlan(dict(out), community, "grids.csv")
    index = ctx.scenario.unit_index
    for u, c, g in zip(ctx.plan.unit_ids, ctx.plan.community, ctx.plan.grid, strict=True):
        if c in ctx.ids and g and u in index:
            out[g].append((u, int(ctx.scenario.households[index[u]]), False))
            community[g] = c
    return GridPlan(dict(out), community, "assignment.csv")


def grids(ctx: FilingContext, n: int) -> Table:
    """表n 网格划分表: each grid's community, households, units (divided ones marked)."""
    gp = grid_plan(ctx)
    per_hh = ctx.scenario.policy.households_per_coordinator
    order = {c.community_id: k for k, c in enumerate(ctx.communities)}
    rows = []
    for g in sorted(gp.units, key=lambda g: (order.get(gp.community[g], 0), g)):
        items = gp.units[g]
        hh = sum(h for _, h, _ in items)
        shown = "、".join(f"{u}({_t(ctx, '部分', 'part')} {h:,})" if part else u
                         for u, h, part in items)
        cid = gp.community[g]
        rows.append((g, cid, ctx.name(cid), hh, hh - per_hh, len(items), shown))
    note = (_t(ctx, "网格来自方案的 grids.csv;一个基本单元分属多个网格的,标明各网格所含户数。",
               "Grids from the plan's grids.csv; a unit divided between grids shows each "
               "grid's households.") if gp.source == "grids.csv" else
            _t(ctx, "方案未提供 grids.csv:网格按 assignment.csv 的 grid_id 以整个基本单元"
                    "组成,户数可能偏离300户。",
               "The plan has no grids.csv: grids are whole units by assignment.csv's "
               "grid_id, and may be far from 300 households."))
    total = (_t(ctx, "合计", "Total"), "", _t(ctx, f"{len(rows)}个网格", f"{len(rows)} grids"),
             sum(r[3] for r in rows), "", "", "")
    return Table("grids", _t(ctx, f"表{n} 网格划分表", f"Table {n}. Grids"),
                 (_t(ctx, "网格编号", "Grid"), _t(ctx, "社区编号", "Community"),
                  _t(ctx, "拟定名称", "Proposed name"), _t(ctx, "户数", "Households"),
                  _t(ctx, f"与{per_hh}户之差", f"Against {per_hh}"),
                  _t(ctx, "基本单元数", "Units"), _t(ctx, "基本单元", "Units (ids)")),
                 (TEXT, TEXT, TEXT, INT, INT, INT, TEXT), tuple(rows), total, notes=(note,),
                 wide=True)


def staffing(ctx: FilingContext, n: int) -> Table:
    """表n 社区人员配备表 (COORD-300, STAFF-3-5, PAY-*)."""
    df = staffing_table(ctx.scenario, ctx.sub).set_index("community_id")
    grid_count = Counter(grid_plan(ctx).community.values())
    rows = []
    for c in ctx.communities:
        r = df.loc[c.community_id]
        rows.append((c.community_id, ctx.name(c.community_id), labels.kind(c.kind, ctx.lang),
                     int(r["households"]), int(r["committee_members"]),
                     int(r["full_time_staff"]), int(r["coordinators"]),
                     grid_count.get(c.community_id, 0), int(r["volunteers_needed"]),
                     float(r["pay_yuan"])))
    sums = [sum(float(r[k]) for r in rows) for k in range(3, 10)]
    total = (_t(ctx, "合计", "Total"), "", "", *(int(v) for v in sums[:-1]), round(sums[-1], 2))
    pol = ctx.scenario.policy
    return Table("staffing", _t(ctx, f"表{n} 社区人员配备表", f"Table {n}. Staffing"),
                 (_t(ctx, "社区编号", "Community"), _t(ctx, "拟定名称", "Proposed name"),
                  _t(ctx, "类型", "Kind"), _t(ctx, "户数", "Households"),
                  _t(ctx, "两委成员", "Two-committee members"),
                  _t(ctx, "专职工作者", "Full-time workers"),
                  _t(ctx, "网格综合协理员", "Grid coordinators"), _t(ctx, "网格数", "Grids"),
                  _t(ctx, "所需志愿者", "Volunteers needed"),
                  _t(ctx, "人员报酬(元/年)", "Pay (yuan/year)")),
                 (TEXT, TEXT, TEXT, INT, INT, INT, INT, INT, INT, MONEY), tuple(rows), total,
                 wide=True,
                 notes=(_t(ctx, f"专职工作者按每{pol.households_per_staff}户1名、在{pol.staff_min}–"
                                f"{pol.staff_max}名之间配备,工作量标准为本系统假设,非意见规定;"
                                f"网格综合协理员按每{pol.households_per_coordinator}户1名"
                                "(COORD-300)。",
                           f"Full-time workers: one per {pol.households_per_staff} households "
                           f"within {pol.staff_min}-{pol.staff_max} (the workload is our "
                           "assumption, not the opinion's); one grid coordinator per "
                           f"{pol.households_per_coordinator} households (COORD-300)."),))
