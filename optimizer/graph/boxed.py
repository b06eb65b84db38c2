"""An oversized unit "boxed in": no place for a service center of its own, and none it
can reach without passing through another unit above the maximum (or the units such a
unit's community took for its own center). Its community cannot be one of its own with
a legal center (ONE-STATION), so it joins the community of the unit above the maximum
its lightest path to a legal place goes through, with the units between
(optimizer/search/oversized_boxed.py chooses it).

That community's exemption says so in a clause of its own, naming the boxed-in unit
and the units between, and why (:func:`boxed_clause`, record
:class:`optimizer.plan.exemption.Boxed`). The checker proves it with its own search
(optimizer/checker/boxed.py); the clause claims no more than it proves (not that the
path is the lightest).

Found on random small grids (tests/search/test_stand_in_last.py): r0c0 (1,800
households, no_build, no site) beside r0c1 (1,800, above the maximum) and r1c0 (1,800,
no_build, above the maximum): ``solve`` raised "no place for a center", or centred the
community on a stand-in the checker rightly rejected (a legal community exists).
"""

from __future__ import annotations

from optimizer.graph.diagnosis import _Words, list_ids, shown
from optimizer.plan.exemption import Boxed, Named
from optimizer.scenario.model import Scenario

BOXED = ("no place for a service center can be reached from it without passing through "
         "another unit above the maximum or the units that unit's community took "
         "(ONE-STATION)")


def boxed_clause(scenario: Scenario, key: tuple[str, str, str], unit: int,
                 path: list[int]) -> str:
    """The words added to the exemption of the community ``unit`` joined."""
    w = _Words(key)
    via = ""
    if path:
        ids = [scenario.unit_ids[u] for u in sorted(path)]
        hh = int(scenario.households[sorted(path)].sum())
        named = f"the {w.unit} {ids[0]}" if len(ids) == 1 else f"the {w.units} {list_ids(ids)}"
        via = f", joined through {named} ({hh:,} households)"
    return (f" It also holds the {w.unit} {scenario.unit_ids[unit]} "
            f"({int(scenario.households[unit]):,} households, above the maximum){via}: "
            f"{BOXED}.")


def boxed_record(scenario: Scenario, unit: int, path: list[int]) -> Boxed:
    """What :func:`boxed_clause` says, as a record."""
    ids = [scenario.unit_ids[u] for u in sorted(path)]
    return Boxed(scenario.unit_ids[unit], int(scenario.households[unit]),
                 Named(*shown(ids)) if ids else None,
                 int(scenario.households[sorted(path)].sum()) if path else 0)


__all__ = ["BOXED", "boxed_clause", "boxed_record"]
