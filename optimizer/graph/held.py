"""ONE-STATION once the units above the maximum hold their places: the units of a piece
that no community can give a center when the communities of the units above the
maximum keep the places for a center they need, and the exemption of a community
centred on a stand-in build there.

The diagnosis (:mod:`optimizer.graph.center`) judges each unit on the whole piece: a
village that reaches a site within the bounds is not centerless, even when the only
such site is the one an oversized unit's community must take for its own center (its
companions, optimizer.graph.oversized.company). The held-out sweep's
vt40-nobuild-over3 (no_build on a whole town, one usable site, 780 m² at most) had two
parts of 19 and 14 villages cut off by three units above the maximum: the diagnosis
found no stand-in, the parts joined the community holding the site, and its 5,873
households needed 1,175 m²: no plan at all. Judged on the piece without the units
those communities hold, no place for a center is left to the parts, so a build stands
in (ONE-STATION's last resort, priced as the fix) and each community centred there is
exempt, naming its units and the places held. The checker proves it on its own
(optimizer/checker/held.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from optimizer.graph.center import capacity_m2, center_why_text, centerless, why_unit
from optimizer.graph.diagnosis import _Words, list_ids, shown
from optimizer.plan.exemption import Exemption, Named
from optimizer.scenario.model import Scenario

HELD = (", once the communities of the units above the maximum hold the places for a "
        "center they need ({places})")


def held_units(cores: dict[int, list[int]], claimed: dict[int, bool]) -> set[int]:
    """The units the oversized units' communities hold for their centers: each one's
    core (the unit, its companions to a legal place, the boxed-in units that joined),
    except where its companions reach no legal place (``claimed`` False: it needs a
    stand-in itself)."""
    return {u for o, core in cores.items() if claimed.get(o, True) for u in core}


def left_centerless(scenario: Scenario, units: Iterable[int], held: set[int], lo: int,
                    hi: int) -> tuple[set[int], set[int]]:
    """The units of ``units`` outside ``held`` that no community of the rest can give
    a center: (within the bounds L..U, of any size). A unit above the maximum is only
    judged at any size (its community breaks the bounds anyway)."""
    rest = sorted(set(units) - held)
    found = centerless(scenario, rest, lo, hi)
    return set(found.within_bounds), set(found.at_any_size)


def held_reason(scenario: Scenario, key: tuple[str, str, str], members: list[int],
                named: list[int], any_size: bool, places: list[int]) -> Exemption:
    """The ONE-STATION exemption (the diagnosis' no-center words, per community) of a
    community of ``members`` with no place for a center once the oversized units'
    communities hold ``places``: ``named`` its units that no such community can give
    one (of any size when ``any_size``, else within the bounds)."""
    w = _Words(key)
    lo, hi = scenario.policy.bounds(key[2] == "urban")
    ids = tuple(scenario.unit_ids[u] for u in sorted(named))
    hh = int(scenario.households[sorted(named)].sum())
    whys = tuple(why_unit(scenario, u, lo) for u in sorted(named)[:3])
    why = "; ".join(center_why_text(x) for x in whys) \
        + (f"; and {len(ids) - 3} more" if len(ids) > 3 else "")
    one = len(ids) == 1
    who = f"the {w.unit} {ids[0]}" if one else f"the {w.units} {list_ids(ids)}"
    scope = ("in any community holding it, of any size" if any_size
             else f"in any {w.kind} community of {lo:,}-{hi:,} households holding "
                  f"{'it' if one else 'one of them'}")
    held = tuple(scenario.unit_ids[u] for u in sorted(places))
    message = (f"{w.place}: no place for a service center (ONE-STATION) {scope}, for {who} "
               f"({hh:,} households): {why}, and no unit such a community could share "
               f"with {'it' if one else 'them'} has a place for one either"
               f"{HELD.format(places=list_ids(held))}.")
    return Exemption("ONE-STATION", "no-center", f"ONE-STATION: {message}", *key,
                     named=Named(*shown(ids)), households=hh, lo=0 if any_size else lo,
                     hi=0 if any_size else hi, centers=whys,
                     centers_more=max(0, len(ids) - 3), any_size=any_size,
                     held=shown(held)[0])


def places_held(scenario: Scenario, held: set[int]) -> list[int]:
    """The units held that can give the center of some community (a site reaching
    AREA-MIN, a build or co-built rooms): the places the exemption names as kept."""
    least = scenario.policy.required_area_m2(0)
    return sorted(u for u in held if capacity_m2(scenario, u) >= least)
