"""The text `python -m optimizer validate` prints for a loaded scenario.

Units and households by (county, street, kind), the sites (with those under
construction or planned), what is known of today's communities, the budget, the
neighbour graph, the components and every feasibility diagnosis of
:mod:`optimizer.graph.pieces`, in planner terms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from optimizer.graph.diagnosis import diagnose
from optimizer.graph.pieces import components
from optimizer.scenario.formula_names import formula_warnings
from optimizer.scenario.model import Scenario
from optimizer.scenario.today import TODAY_FIELDS


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(str(r[c])) for r in [header, *rows]) for c in range(len(header))]
    numeric = [all(str(r[c]).replace(",", "").isdigit() for r in rows) if rows else False
               for c in range(len(header))]

    def fmt(row: Sequence[str]) -> str:
        cells = [str(v).rjust(w) if num else str(v).ljust(w)
                 for v, w, num in zip(row, widths, numeric, strict=True)]
        return (indent + "  ".join(cells)).rstrip()

    return [fmt(header), *(fmt(r) for r in rows)]


def households_table(scenario: Scenario) -> list[str]:
    """Units and households per (county, street, kind), sorted."""
    units: dict[tuple[str, str, str], int] = {}
    hh: dict[tuple[str, str, str], int] = {}
    for i, h in enumerate(scenario.households.tolist()):
        key = scenario.piece_key(i)
        units[key] = units.get(key, 0) + 1
        hh[key] = hh.get(key, 0) + int(h)
    rows = [[c, s, k, f"{units[(c, s, k)]:,}", f"{hh[(c, s, k)]:,}"]
            for c, s, k in sorted(units)]
    return _table(["county", "street", "kind", "units", "households"], rows)


def scenario_summary_text(scenario: Scenario) -> str:
    """A compact multi-line summary: counts, households, sites, graph, diagnoses."""
    sc = scenario
    lines = [f"Scenario: {sc.name} (plan year {sc.year})"]
    if sc.geometry is not None:
        lines.append(f"CRS: {sc.geometry.crs}")
    n_urban = int(sc.urban.sum())
    lines.append(f"Units: {sc.n_units:,} ({n_urban:,} urban, {sc.n_units - n_urban:,} rural); "
                 f"households: {sc.total_households():,}")
    lines.append("Households by county / street / kind:")
    lines.extend(households_table(sc))

    s = sc.sites
    owned = int(s.owned.sum())
    small = int((s.area_m2 < sc.policy.area_min_m2).sum())
    lines.append(f"Sites: {len(s):,} ({owned:,} owned, {len(s) - owned:,} for sale); "
                 f"{small:,} below {sc.policy.area_min_m2:,.0f} m² (AREA-MIN)")
    n_new = int(sc.new_development.sum()) if sc.new_development is not None else 0
    n_nob = int(sc.no_build.sum()) if sc.no_build is not None else 0
    lines.extend(pipeline_lines(sc))
    lines.append(f"New developments (NEWDEV-1500): {n_new:,}; units where no center may be "
                 f"built: {n_nob:,}")
    lines.extend(today_lines(sc))
    lines.extend(budget_lines(sc))
    lines.append(f"Neighbour edges: {len(sc.edges):,}; cut by barriers: {len(sc.cut_edges):,}")

    comps = components(sc)
    by_kind = {"urban": 0, "rural": 0}
    for comp in comps:
        by_kind[comp.key[2]] = by_kind.get(comp.key[2], 0) + 1
    lines.append(f"Components (county, street, kind pieces): {len(comps):,} "
                 f"({by_kind['urban']:,} urban, {by_kind['rural']:,} rural)")

    found = diagnose(sc)
    if not found:
        lines.append("Diagnosis: no provably impossible piece")
    else:
        lines.append(f"Diagnosis: {len(found)} provably impossible piece"
                     f"{'s' if len(found) != 1 else ''}")
        for d in found:
            lines.append(f"  - [{d.rule}] {d.message}")
            if d.relaxation:
                lines.append(f"    would help: {d.relaxation}")
    for note in sc.notes:
        lines.append(f"Note: {note}")
    warn = formula_warnings(sc)
    if warn:
        lines += [f"Warning: {warn[0]}", *warn[1:]]
    lines.extend(warning_lines(sc))
    return "\n".join(lines)


def pipeline_lines(scenario: Scenario) -> list[str]:
    """Sites under construction or planned, by status and handover year (PIPELINE);
    [] when there is none."""
    s = scenario.sites
    ks = [k for k in range(len(s)) if s.is_pipeline(k)]
    if not ks:
        return []
    parts = []
    for status in ("under_construction", "planned"):
        years = Counter(s.available_year(k) for k in ks if s.status[k] == status)
        if years:
            by_year = ", ".join(f"{y}: {n:,}" for y, n in sorted(years.items()))
            parts.append(f"{sum(years.values()):,} {status.replace('_', ' ')} ({by_year})")
    return [f"Sites not there today (PIPELINE, by the year they are handed over): "
            f"{'; '.join(parts)}"]


def today_lines(scenario: Scenario) -> list[str]:
    """What communities_today.csv tells of today's communities, field by field:
    known, and not known (no row, no column or an empty cell)."""
    today = scenario.communities_today
    if today is None:
        return ["Today's communities: no communities_today.csv (targets that need it are "
                "not_assessed)"]
    cur = scenario.current_community
    names = tuple(sorted({c for c in cur if c})) if cur is not None else today.names
    no_row = sum(n not in today for n in names)
    rows_text = f"{len(today):,} row{'s' if len(today) != 1 else ''}"
    lines = [f"Today's communities ({today.file}): {rows_text} for {len(names):,} current "
             f"communit{'ies' if len(names) != 1 else 'y'} of the units ({no_row:,} without "
             "a row)"]
    rows = []
    for f in TODAY_FIELDS:
        known = today.known_count(f, names)
        rows.append([f, f"{known:,}", f"{len(names) - known:,}",
                     "" if f in today.columns else "no such column"])
    lines.extend(_table(["field", "known", "not known", ""], rows))
    return lines


def budget_lines(scenario: Scenario) -> list[str]:
    """The capital budget per county and year (FUND-POOL); a line saying there is
    none when the scenario has no [budget]."""
    b = scenario.budget
    if b is None:
        return ["Budget: none ([budget] not given: no budget limits the plan)"]
    lines = [f"Budget (FUND-POOL), {b.first_year}-{b.last_year}, capital in yuan; unspent "
             f"capital {'carries over' if b.carry_over else 'does not carry over'}:"]
    rows = []
    for county in sorted(set(scenario.county)):
        if not b.has_capital(county):   # a scenario cut or changed after loading
            rows.append([county, *("-" for _ in b.years), "-", "no capital given"])
            continue
        amounts = b.capital_by_year(county).tolist()
        rows.append([county, *(f"{a:,.0f}" for a in amounts), f"{sum(amounts):,.0f}",
                     "own table" if b.has_own(county) else ""])
    lines.extend(_table(["county", *map(str, b.years), "total", ""], rows))
    return lines


MAX_WARNINGS_SHOWN = 20


def warning_lines(scenario: Scenario, limit: int = MAX_WARNINGS_SHOWN) -> list[str]:
    """The loader's warnings, the first ``limit`` of them (all are in
    ``Scenario.warnings``)."""
    found = scenario.warnings
    lines = [f"Warning: {w}" for w in found[:limit]]
    if len(found) > limit:
        lines.append(f"... and {len(found) - limit:,} more warnings (Scenario.warnings "
                     "lists them all)")
    return lines
