"""Why a piece with units above the maximum has no legal plan, in planner terms:
errors raised where the search has no plan to offer, naming the units, the households,
the area they need and what the planner can change (ONE-STATION, PIPELINE)."""

from __future__ import annotations

from optimizer.errors import SolveError
from optimizer.graph.center import site_reach_m2
from optimizer.model.precedence import imposed_sites
from optimizer.scenario.model import Scenario


class NoPlaceError(SolveError):
    """No place for a center in some community of an oversized piece (ONE-STATION):
    :func:`optimizer.search.oversized.solve_oversized` tries stand-ins once the
    oversized units hold their places before it gives up (``spent``: the budget used
    before the error, in the task's units; ``attached``: each group of stranded parts,
    by its units, whose attach raised, with its error)."""

    spent: float = 0.0
    attached: dict[tuple[int, ...], NoPlaceError]

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.attached = {}


def _word(key: tuple[str, str, str]) -> str:
    return "rural village" if key[2] == "rural" else "urban compound"


def joined_no_place_error(scenario: Scenario, key: tuple[str, str, str], members: list[int],
                          unit: int | None) -> NoPlaceError:
    """Why the units ``members`` (a stranded part joined to the community of ``unit``,
    above the maximum) have no place for a center in planner terms: no site of theirs
    reaches the area their households need and no build is allowed there (no_build).
    Found by the held-out sweep (vt40-nobuild-over3: no_build on a whole town, villages
    with no site that only an oversized village's community could take, its one site
    780 m² at most against 5,873 households), where it ended in an assertion."""
    h = scenario.households
    word = _word(key)
    total = int(h[members].sum())
    need = scenario.policy.required_area_m2(total)
    inside = set(members)
    s = scenario.sites
    reach = [(site_reach_m2(scenario, k), s.site_ids[k])
             for k in range(len(s.site_ids)) if int(s.unit[k]) in inside]
    sites = (f"its largest site, {max(reach)[1]}, reaches {max(reach)[0]:,.0f} m²"
             if reach else "it holds no site")
    others = [scenario.unit_ids[u] for u in members if u != unit]
    shown_ids = ", ".join(others[:8]) + (f" and {len(others) - 8} more" if len(others) > 8
                                           else "")
    whose = (f"the community of the {word} {scenario.unit_ids[unit]} above the maximum "
             "that they touch" if unit is not None else "one community")
    nb = scenario.no_build
    if nb is not None and all(bool(nb[u]) for u in members):
        why = "no build is allowed on any of its units (no_build)"
        fix = "allow a build (no_build) on one of them, or add a site that can reach that area"
    else:
        why = "no way to a center fits it under the center rules"
        fix = "add a site that can reach that area, or allow a build where one is forbidden"
    return NoPlaceError(
        f"no place for a center in {' / '.join(key)} (ONE-STATION): the units "
        f"{shown_ids} form no communities within the bounds on their own and join "
        f"{whose}; its {total:,} households need {need:,.0f} m², {sites}, and {why}; "
        f"{fix}")


def no_place_error(scenario: Scenario, key: tuple[str, str, str], unit: int,
                   units: list[int]) -> NoPlaceError:
    """Why no plan holds ``unit`` (above the maximum, no center of its own) in a
    community with a place for a center, in planner terms, naming the units above the
    maximum that box it in: no stand-in was possible either (Scenario.stand_in)."""
    h = scenario.households
    hi = scenario.policy.bounds(key[2] == "urban")[1]
    inside = set(units)
    seen, todo, around = {unit}, [unit], set()
    while todo:
        for v in scenario.neighbours[todo.pop()].tolist():
            if v not in inside or v in seen:
                continue
            if int(h[v]) > hi:
                around.add(v)
            else:
                seen.add(v)
                todo.append(v)
    word = _word(key)
    rooms = imposed_sites(scenario, unit)
    if rooms:
        # Its own rooms coming bind every community holding it (PIPELINE: no build
        # beside them), so "allow a build" would be wrong advice (held-out sweep,
        # ov-u60-newdev-pipeline: a 4,566-household compound with planned rooms of
        # 900 m² at most, no_build false).
        s = scenario.sites
        listed = ", ".join(
            f"{s.site_ids[k]} ({str(s.status[k]).replace('_', ' ')}, "
            f"{site_reach_m2(scenario, k):,.0f} m² at most)" for k in rooms)
        need = scenario.policy.required_area_m2(int(h[unit]))
        return NoPlaceError(
            f"no place for a center for the {word} {scenario.unit_ids[unit]} above the "
            f"maximum in {' / '.join(key)} (ONE-STATION, PIPELINE): its {int(h[unit]):,} "
            f"households need {need:,.0f} m², and its rooms coming {listed} must be the "
            "center of any community holding it (PIPELINE: nothing is built beside them) "
            "but cannot reach that area; raise the site's max_area_m2 if the rooms can "
            "grow, or give its status as existing")
    ids = ", ".join(scenario.unit_ids[u] for u in sorted(around)) or "none"
    return NoPlaceError(
        f"no place for a center for the {word} {scenario.unit_ids[unit]} above the maximum "
        f"in {' / '.join(key)} (ONE-STATION): it has none of its own, none of the units "
        "it reaches without passing another unit above the maximum has one, and joining "
        f"the community of those units above the maximum ({ids}) gives none either; "
        "allow a build (no_build) or add a site there")
