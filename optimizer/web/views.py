"""JSON views of a working plan for the page: the plan, one community, a change, a
comparison. Numbers come from the live check (the checker's own lines)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from optimizer.plan.compliance import ComplianceRow
from optimizer.plan.model import Community, Plan
from optimizer.report.compare import diff
from optimizer.workbench import Change, Workbench


def _row(r: ComplianceRow) -> dict[str, Any]:
    def plain(v: Any) -> Any:
        return v if v is None or isinstance(v, (int, float, str, bool)) else str(v)

    return {"rule": r.rule_id, "community": r.community_id, "status": r.status,
            "value": plain(r.value), "limit": plain(r.limit), "note": r.note}


def community_view(wb: Workbench, cid: str) -> dict[str, Any]:
    live, st = wb.live, wb.state
    com: Community = live.com[cid]
    rows = live.rows.get(cid, [])
    statuses = {r.status for r in rows}
    lo, hi = wb.scenario.policy.bounds(com.kind == "urban")
    return {
        "id": cid, "county": com.county, "street": com.street, "kind": com.kind,
        "households": com.households, "min_households": lo, "max_households": hi,
        "n_units": com.n_units, "site_id": com.site_id, "center": com.site_unit_id,
        "remedy": com.remedy, "swap_site_id": com.swap_site_id,
        "area_before_m2": com.area_before_m2, "area_after_m2": com.area_after_m2,
        "area_required_m2": com.area_required_m2, "coordinators": com.coordinators,
        "grids": com.grids, "full_time_staff": com.full_time_staff,
        "capex_yuan": com.capex_yuan, "annual_cost_yuan": com.annual_cost_yuan,
        "exemption": com.exemption,
        "status": "fail" if "fail" in statuses else ("exempt" if "exempt" in statuses
                                                     else "pass"),
        "fails": sorted({r.rule_id for r in rows if r.status == "fail"}),
        "parts": len(wb.pricer.parts(sorted(st.members.get(cid, ())))),
        "locked": cid in st.locks.communities, "center_locked": cid in st.locks.centers,
    }


def totals_view(wb: Workbench) -> dict[str, Any]:
    report = wb.live.report()
    counts = {"pass": 0, "fail": 0, "exempt": 0}
    for r in report.rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    failing = {r.community_id for r in report.rows if r.status == "fail"}
    return {"summary": wb.live.summary(report), "counts": counts, "passed": report.passed,
            "failing_communities": len(failing - {"*"}),
            "plan_rows": [_row(r) for r in report.rows if r.community_id == "*"]}


def plan_view(wb: Workbench) -> dict[str, Any]:
    st = wb.state
    return {"has_plan": st.has_plan, "assign": list(st.assign),
            "grid": list(wb.live.unit_grid),
            "communities": [community_view(wb, c) for c in sorted(wb.live.com)],
            "locks": st.locks.to_json(), "meta": st.meta.to_json(),
            "can_undo": bool(wb.done), "can_redo": bool(wb.undone),
            **totals_view(wb)}


def change_view(wb: Workbench, change: Change) -> dict[str, Any]:
    """What the page must redraw after a change: moved units, touched communities."""
    gone = sorted(c for c in change.touched if c not in wb.live.com)
    again = sorted(c for c in change.rechecked if c in wb.live.com)
    ids = wb.scenario.unit_ids
    grids = {ids[i]: wb.live.unit_grid[i] for c in again for i in wb.state.members.get(c, ())}
    return {"kind": change.kind,
            "units": {u: after for u, _, after in change.delta.units}, "grids": grids,
            "communities": [community_view(wb, c) for c in again], "removed": gone,
            "locks": wb.state.locks.to_json(), "meta": wb.state.meta.to_json(),
            "can_undo": bool(wb.done), "can_redo": bool(wb.undone), **totals_view(wb)}


def detail_view(wb: Workbench, cid: str) -> dict[str, Any]:
    """One community: its numbers, compliance lines, parts, neighbours and the center
    options of its units (for "move the center")."""
    s, st = wb.scenario, wb.state
    ms = sorted(st.members.get(cid, ()))
    parts = wb.pricer.parts(ms)
    nbs = sorted({st.assign[int(v)] for i in ms for v in s.neighbours[i]} - {cid, ""})
    used = {wb.pricer.site_index[x] for c, r in st.records.items() if c != cid
            for x in (r.site, r.credit_site) if x}
    options = []
    for u in ms:
        for o in wb.pricer.options(ms, u, used)[:4]:
            options.append({"unit": s.unit_ids[u],
                            "site": s.sites.site_ids[o.site] if o.site is not None else "",
                            "remedy": o.remedy, "area_after_m2": round(o.area_after_m2, 2),
                            "capex_yuan": round(o.capex_yuan, 2),
                            "facility_yuan": round(o.facility_yuan, 2)})
    options.sort(key=lambda o: (o["facility_yuan"], o["unit"]))
    return {**community_view(wb, cid),
            "rows": [_row(r) for r in wb.live.rows.get(cid, [])],
            "units": [s.unit_ids[i] for i in ms],
            "part_units": [[s.unit_ids[i] for i in p] for p in parts],
            "neighbours": nbs, "options": options[:30],
            "population": wb.live.com[cid].population,
            "volunteers_needed": wb.live.com[cid].volunteers_needed}


def compare_view(wb: Workbench, a: Plan, b: Plan, names: tuple[str, str]) -> dict[str, Any]:
    d = diff(wb.scenario, a, b, names=names)
    return {"a": names[0], "b": names[1], "units_moved": d.units_moved,
            "households_reassigned": d.households_reassigned,
            "reassigned": [u for u, m in zip(d.unit_ids, d.reassigned.tolist(), strict=True)
                           if m],
            "totals": {k: (round(v, 2) if isinstance(v, float) else v)
                       for k, v in d.totals.items()},
            "changes": [asdict(c) for c in d.changes if c.change != "unchanged"],
            "unchanged": sum(1 for c in d.changes if c.change == "unchanged")}
