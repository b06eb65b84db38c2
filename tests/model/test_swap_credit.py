"""A swap gives up an owned site of the community; an owned site of 0 m² has nothing
to give up, and REMEDY prices no swap for it. The CP-SAT model offered it anyway, so a
piece solved by the model (here: one unit outside the size bounds, the soft model)
ended in "ValueError: model chose an impossible option swap" and a traceback from
`solve` (found by bench/reliability_fuzz.py: random sites of 0 m²).

Fixture: one unit, no new build allowed, an owned site of 0 m² (s0) and a site for
sale (s1) in it; 500 urban or 2,500 rural households (both outside their bounds).
"""

from __future__ import annotations

import pytest

import optimizer
from optimizer.scenario.build import grid_scenario


@pytest.mark.parametrize("households,kind", [(500, "urban"), (2500, "rural")])
def test_an_empty_owned_site_is_never_swapped(households: int, kind: str) -> None:
    s = grid_scenario([[households]], kind=kind, no_build=["r0c0"], sites=[
        dict(site_id="s0", unit_id="r0c0", area_m2=0.0, owned=True, max_area_m2=0.0),
        dict(site_id="s1", unit_id="r0c0", area_m2=300.0, owned=False, max_area_m2=1300.0,
             purchase_price_yuan=100_000.0)])
    plan = optimizer.solve(s, time_limit_s=5, workers=1)
    [com] = plan.communities
    assert com.remedy == "purchase" and com.site_id == "s1"
    assert optimizer.check(s, plan).passed
