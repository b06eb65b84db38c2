"""A stranded part whose fewest joining households, counted by households alone, leave
a community with no place for a center (bench/wild.py seeds 82 and 96): the attach
step's set partitioning had no plan, the fallback joined the part whole, and that
community's rooms coming could not hold them all: ``solve`` ended with "no place for a
center". Now more households join (optimizer.search.oversized_wider) and the plan
passes the checker."""

from __future__ import annotations

from optimizer.checker import check
from optimizer.scenario.build import grid_scenario
from optimizer.search.driver import solve
from tests.helpers.plans import community_of

# r0c0 above the urban maximum (a build may stand there); the part r0c1..r0c4 holds
# 3,300 households (one community of 2,000-3,000 and some join r0c0). By households
# alone r0c1 (300) is the fewest, but r0c2..r0c4 (3,000) would need 600 m² and r0c4's
# planned rooms (imposed: PIPELINE) reach 500: r0c1 and r0c2 join, r0c3+r0c4 (2,000,
# 400 m²) keep their rooms. Joined whole, r0c0's community holds r0c4's rooms, too
# small for 7,866 households.
ROW = [[4566, 300, 1000, 800, 1200]]
ROOMS = [{"site_id": "P", "unit_id": "r0c4", "area_m2": 300, "owned": True,
          "max_area_m2": 500, "status": "planned", "available_year": 2014}]


def test_more_join_where_the_fewest_by_households_leave_no_center() -> None:
    sc = grid_scenario(ROW, sites=ROOMS)
    plan = solve(sc, time_limit_s=10, workers=1, seed=0)
    big = community_of(plan, "r0c0")
    assert (big.n_units, big.households) == (3, 5866)
    rest = community_of(plan, "r0c4")
    assert (rest.households, rest.site_id, rest.exemption) == (2000, "P", "")
    assert "r0c0" in big.exemption and "r0c1" in big.exemption
    fails = [r for r in check(sc, plan).rows if r.status == "fail"]
    assert not fails, fails


def test_the_checkers_fewest_keeps_pipeline_rooms_as_the_center() -> None:
    # The checker's own search (optimizer.checker.least) found "a plan gives fewer
    # households": r0c1 alone joining and r0c2..r0c4 one community, whose 3,000
    # households need 600 m² where r0c4's imposed rooms reach 500.
    from optimizer.checker.least import fewer_joined
    from optimizer.checker.stranded import rooms_of

    sc = grid_scenario(ROW, sites=ROOMS)
    part = tuple(sc.unit_ids.index(f"r0c{k}") for k in range(1, 5))
    hh = sc.households.tolist()
    borders = {sc.unit_ids.index("r0c1")}

    def host(u: int, h: int) -> bool:
        return True     # a build may stand anywhere here

    args = (part, hh, sc.neighbours, borders, 2000, 3000, 1300)
    assert fewer_joined(*args, can_host=host).fewer is True
    assert fewer_joined(*args, can_host=host, rooms=rooms_of(sc, part)).fewer is False
