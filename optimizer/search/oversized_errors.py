"""Why an oversized unit's block has no legal plan, in planner terms (issue 16's held-out
sweep): errors raised where the search has no plan to offer, naming the units, the
households, the area they need and what the planner can change."""

from __future__ import annotations

from optimizer.errors import SolveError
from optimizer.scenario.model import Scenario


def joined_no_place_error(scenario: Scenario, key: tuple[str, str, str], members: list[int],
                          unit: int | None) -> SolveError:
    """Why the units ``members`` (a stranded part joined to the community of ``unit``,
    above the maximum) have no place for a center in planner terms: no site of theirs
    reaches the area their households need and no build is allowed there (no_build).
    Found by the held-out sweep (vt40-nobuild-over3: no_build on a whole town, villages
    with no site that only an oversized village's community could take, its one site
    780 m² at most against 5,873 households), where it ended in an assertion."""
    h = scenario.households
    word = "rural village" if key[2] == "rural" else "urban compound"
    total = int(h[members].sum())
    need = scenario.policy.required_area_m2(total)
    inside = set(members)
    s = scenario.sites
    reach = [(max(float(s.area_m2[k]), float(s.max_area_m2[k])), s.site_ids[k])
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
    return SolveError(
        f"no place for a center in {' / '.join(key)} (ONE-STATION): the units "
        f"{shown_ids} form no communities within the bounds on their own and join "
        f"{whose}; its {total:,} households need {need:,.0f} m², {sites}, and {why}; "
        f"{fix}")
