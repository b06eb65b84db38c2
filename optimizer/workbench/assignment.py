"""Assignment CSVs made in another tool (``unit_id,community_id``): read, then made a
working plan, for the whole scenario or for some of its counties.

A county planner plans his county alone: his CSV names his county's units, and the
units of the other counties keep what the working plan gives them. Every problem is
collected and named (unknown unit ids, duplicates with their line, units of another
county, units of a planned county left out, community ids another county uses) before
anything is built; nothing changes when there is one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from optimizer.scenario.model import Scenario
from optimizer.workbench.pricing import Pricer, record_for
from optimizer.workbench.records import EditError, LockState, Meta, Record
from optimizer.workbench.state import UNASSIGNED, PlanState

MAX_PROBLEMS = 20


def problems_text(problems: list[str]) -> str:
    """The first problems, and how many more there are."""
    more = len(problems) - MAX_PROBLEMS
    head = "; ".join(problems[:MAX_PROBLEMS])
    return head + (f"; and {more} more" if more > 0 else "")


def read_assignment_csv(data: bytes) -> dict[str, str]:
    """``unit_id,community_id`` rows (more columns are ignored); UTF-8, with or without
    a byte-order mark. Raises EditError naming every bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EditError(f"the assignment CSV is not UTF-8 text: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    cols = [c.strip() for c in (reader.fieldnames or [])]
    if "unit_id" not in cols or "community_id" not in cols:
        raise EditError("the assignment CSV needs the columns unit_id and community_id "
                        f"(it has {', '.join(cols) or 'none'})")
    reader.fieldnames = cols
    out: dict[str, str] = {}
    problems: list[str] = []
    for n, row in enumerate(reader, start=2):
        u = (row.get("unit_id") or "").strip()
        c = (row.get("community_id") or "").strip()
        if not u or not c:
            problems.append(f"line {n}: unit_id and community_id must not be empty")
        elif u in out:
            problems.append(f"line {n}: unit {u} appears twice")
        else:
            out[u] = c
    if problems:
        raise EditError("assignment CSV: " + problems_text(problems))
    return out


def state_from_assignment(scenario: Scenario, assignment: Mapping[str, str],
                          pricer: Pricer | None = None) -> PlanState:
    """A plan of the whole scenario made in another tool: every unit must be assigned;
    every community gets the cheapest center among its units, priced as the workbench
    prices an edit."""
    missing = [u for u in scenario.unit_ids if u not in assignment]
    unknown = [f"unit {u} is not in the scenario" for u in assignment
               if u not in scenario.unit_index]
    if missing:
        unknown.append(f"{len(missing)} units of the scenario are not assigned: "
                       f"{', '.join(missing[:5])}")
    if unknown:
        raise EditError("the assignment does not fit this scenario: " + problems_text(unknown))
    empty = PlanState(scenario, [UNASSIGNED] * scenario.n_units, {})
    return merge_assignment(empty, assignment, None, pricer)


def merge_assignment(base: PlanState, assignment: Mapping[str, str], county: str | None,
                     pricer: Pricer | None = None) -> PlanState:
    """``base`` with the counties the assignment covers planned as it says.

    ``county``: the only county the assignment may name (a county planner's), or None
    for any. Each county it touches must be assigned whole; the units of the other
    counties keep base's communities, records and locks. A community id of the
    assignment that base uses in a county it does not cover is refused (ids would
    merge two counties' communities)."""
    s = base.scenario
    index = s.unit_index
    problems: list[str] = []
    outside: list[str] = []
    for u in assignment:
        i = index.get(u)
        if i is None:
            problems.append(f"unit {u} is not in the scenario")
        elif county is not None and s.county[i] != county:
            outside.append(f"unit {u} lies in county {s.county[i]}, outside county {county} "
                           "that this workspace plans")
    problems += outside
    covered = {s.county[index[u]] for u in assignment if u in index}
    if county is not None:
        covered &= {county}
    for c in sorted(covered):
        missing = [s.unit_ids[i] for i in range(s.n_units)
                   if s.county[i] == c and s.unit_ids[i] not in assignment]
        if missing:
            problems.append(f"{len(missing)} units of county {c} are not assigned: "
                            f"{', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}")
    if not covered and not problems:
        problems.append("the assignment names no unit")
    kept = [i for i in range(s.n_units) if s.county[i] not in covered]
    kept_ids = {base.assign[i] for i in kept} - {UNASSIGNED}
    for c in sorted(set(assignment.values()) & kept_ids):
        where = sorted({s.county[i] for i in kept if base.assign[i] == c})
        problems.append(f"community {c} of the assignment is a community of county "
                        f"{', '.join(where)} in the working plan: give it another id")
    if problems:
        raise EditError("the assignment does not fit this workspace: "
                        + problems_text(problems))
    assign = list(base.assign)
    for i in range(s.n_units):
        if s.county[i] in covered:
            assign[i] = assignment[s.unit_ids[i]]
    records = {c: r for c, r in base.records.items() if c in kept_ids}
    records.update(_priced(s, assign, covered, records, pricer or Pricer(s)))
    units = frozenset(u for u in base.locks.units
                      if u in index and s.county[index[u]] not in covered)
    locks = LockState(base.locks.communities & kept_ids, units, base.locks.centers & kept_ids)
    return PlanState(s, assign, records, locks, Meta("import"))


def _priced(s: Scenario, assign: list[str], counties: set[str], kept: dict[str, Record],
            pricer: Pricer) -> dict[str, Record]:
    """A record for each community of ``counties``: the cheapest center among its
    units, never on a site a kept community uses or gives up."""
    members: dict[str, list[int]] = {}
    for i, c in enumerate(assign):
        if s.county[i] in counties:
            members.setdefault(c, []).append(i)
    used = {pricer.site_index[x] for r in kept.values() for x in (r.site, r.credit_site)
            if x in pricer.site_index}
    out: dict[str, Record] = {}
    for c in sorted(members):
        ms = members[c]
        opt = pricer.best_center(ms, used)
        urban = bool(s.urban[ms[0]])
        if opt is None:
            out[c] = Record(c, s.unit_ids[ms[0]], "", "build", "", pricer.exemption(ms, urban))
            continue
        used |= {k for k in (opt.site, opt.credit_site) if k is not None}
        out[c] = record_for(s, c, opt, pricer.exemption(ms, urban))
    return out
