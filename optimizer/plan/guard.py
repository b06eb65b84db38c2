"""The last gate before a plan is written: households in = households out.

A plan that loses or double-counts a household must never reach disk, whatever
produced it (a solver bug, two communities sharing one id, a plan read from another
tool). :func:`ensure_conserved` recomputes, from the plan's assignment and the
scenario's own unit table (nothing of the solver's), that every unit is assigned
exactly once, every assigned community exists and every listed community has
units, and that each community holds exactly the households of its units; it raises
one :class:`PlanNotWrittenError` naming every difference. The checker judges the
plan rule by rule afterwards; this gate only guards conservation, so it stays small
and cannot be talked out of it by a compliance report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from optimizer.errors import PlanError, Problem

if TYPE_CHECKING:
    from optimizer.plan.model import Plan
    from optimizer.scenario.model import Scenario

SHOWN = 10   # ids named per problem; the count says how many more


class PlanNotWrittenError(PlanError):
    """The plan does not conserve households or units; nothing was written."""

    kind = "plan, so it was not written (households in must equal households out)"


def _some(ids: Sequence[str]) -> str:
    shown = ", ".join(repr(i) for i in ids[:SHOWN])
    return shown + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")


def conservation_problems(plan: Plan, scenario: Scenario | None = None) -> list[Problem]:
    """Every way ``plan`` fails to hold each unit and household exactly once.

    Without a scenario only the plan's own consistency is checked (units once,
    communities known, no empty community); with one, also that the units are the
    scenario's and each community's households are its units' households.
    """
    out: list[Problem] = []
    a, c = "assignment.csv", "communities.csv"
    if not len(plan.unit_ids) == len(plan.community) == len(plan.grid):
        out.append(Problem(a, f"{len(plan.unit_ids)} unit ids, {len(plan.community)} "
                              f"community ids and {len(plan.grid)} grid ids: one of each "
                              "per unit"))
    counts = Counter(plan.unit_ids)
    twice = sorted(u for u, n in counts.items() if n > 1)
    if twice:
        out.append(Problem(a, f"{len(twice)} units assigned more than once: {_some(twice)}"))
    ids = Counter(com.community_id for com in plan.communities)
    dup = sorted(i for i, n in ids.items() if n > 1)
    if dup:
        out.append(Problem(c, f"{len(dup)} community ids listed more than once (their "
                              f"units would be counted twice): {_some(dup)}"))
    assigned = set(plan.community)
    orphan = sorted(assigned - set(ids))
    if orphan:
        out.append(Problem(a, f"units assigned to {len(orphan)} communities absent from "
                              f"communities.csv: {_some(orphan)}"))
    empty = sorted(set(ids) - assigned)
    if empty:
        out.append(Problem(c, f"{len(empty)} communities hold no unit: {_some(empty)}"))
    if scenario is None:
        return out
    index = scenario.unit_index
    unknown = sorted(u for u in counts if u not in index)
    if unknown:
        out.append(Problem(a, f"{len(unknown)} unit ids not in the scenario: {_some(unknown)}"))
    missing = [u for u in scenario.unit_ids if u not in counts]
    if missing:
        out.append(Problem(a, f"{len(missing)} units of the scenario not assigned: "
                              f"{_some(missing)}"))
    hh = scenario.households.tolist()
    held: dict[str, int] = {}
    for u, com in zip(plan.unit_ids, plan.community, strict=False):
        if u in index:
            held[com] = held.get(com, 0) + int(hh[index[u]])
    wrong = [f"{com.community_id!r} claims {int(com.households):,}, its units hold "
             f"{held.get(com.community_id, 0):,}" for com in plan.communities
             if int(com.households) != held.get(com.community_id, 0)]
    if wrong:
        out.append(Problem(c, f"{len(wrong)} communities' households differ from their "
                              f"units': {'; '.join(wrong[:SHOWN])}"
                              + (f" and {len(wrong) - SHOWN} more" if len(wrong) > SHOWN
                                 else "")))
    total_in = scenario.total_households()
    total_out = sum(int(com.households) for com in plan.communities)
    if total_in != total_out or out:
        out.insert(0, Problem(c, f"households in {total_in:,} (the scenario's units), "
                                 f"households out {total_out:,} (the communities' sum)"))
    return out


def ensure_conserved(plan: Plan, scenario: Scenario | None = None) -> None:
    """Raise :class:`PlanNotWrittenError` when :func:`conservation_problems` finds any."""
    problems = conservation_problems(plan, scenario)
    if problems:
        raise PlanNotWrittenError(problems)
