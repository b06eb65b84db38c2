"""A piece with no split keeps the bounds as nearly as it can: the soft plan starts from
the communities missing them least (optimizer.graph.tight.least_miss), on a rural grid
shaped like wild seed 313's 钟庄街道 rest (20 villages of 888 households joined only
through one village of 305 to 20 of 1,810: 3,003 households, three communities by
arithmetic). On 5ce4d5c the plan was region growing's three communities of 888, 1,036
and 1,079 (112 households short); two communities of 1,494 and 1,509 miss by 9."""

from __future__ import annotations

from optimizer import check, solve
from optimizer.graph.pieces import components
from optimizer.graph.tight import least_miss
from optimizer.model.piece import piece_data
from optimizer.search.heuristic import grow_regions
from tests.checker.test_flow_split import necked


def _miss(sizes: list[int]) -> int:
    return sum(max(0, 1000 - x) + max(0, x - 1500) for x in sizes)


def test_the_model_misses_less_than_region_growing() -> None:
    s = necked(305)
    [c] = components(s)
    data = piece_data(s, c.key, c.units)
    grown = [int(data.households[r].sum()) for r in grow_regions(data)]
    got = least_miss(s, c.units.tolist(), 1000, 1500)
    assert got is not None
    groups, miss = got
    sizes = [int(s.households[g].sum()) for g in groups]
    assert miss == _miss(sizes) and sorted(u for g in groups for u in g) == c.units.tolist()
    assert _miss(grown) == 112 and miss < 112


def test_the_plan_misses_the_bounds_least_and_the_checker_accepts_it() -> None:
    s = necked(305)
    # 20 s: at 10 s under load 4 the diagnosis and the cored search left the soft piece
    # its model begun after the stop, ended by the grace (test_least_miss_stopped.py)
    plan = solve(s, time_limit_s=20, workers=1)
    sizes = sorted(c.households for c in plan.communities)
    assert _miss(sizes) < 112, sizes                    # 5ce4d5c: [888, 1036, 1079]
    report = check(s, plan)
    assert report.passed, report.summary_text()
    [exempt] = [c for c in plan.communities if c.exemption]
    # the exemption is the community's outside the bounds (here the right's 1,509, not
    # the one holding the link r2c4: the cut sentence proves that some community must
    # break them, "were every other community within the bounds")
    assert exempt.households == max(sizes) > 1500
    held = {u for u, c in zip(plan.unit_ids, plan.community, strict=True)
            if c == exempt.community_id}
    assert "r2c4" not in held
    assert "The rural village r2c4 (305 households) is the only link" in exempt.exemption
