"""Today's communities drawn on the fixture of tests/helpers/check_fixture.py, for the
tests of the reported targets and the service lists (no tests in here)::

    today's T1 = r0c0 r0c1 r1c0 r1c1  (4,300 h: A1 2,200 + A2 2,100)
    today's T2 = r0c2 r0c3 r1c2 r1c3  (3,000 h: B1)
    today's V1 = r2c0 r2c1 r3c0 r3c1 r3c2  (1,100 h: RA)
    today's V2 = r2c2 r2c3            (1,300 h: RB)
"""

from __future__ import annotations

import dataclasses
from typing import Any

from optimizer.scenario.model import Scenario
from optimizer.scenario.today import TODAY_FIELDS, TodayCommunities, TodayCommunity
from tests.helpers.check_fixture import scenario, valid_spec

TODAY = {"r0c0": "T1", "r0c1": "T1", "r1c0": "T1", "r1c1": "T1",
         "r0c2": "T2", "r0c3": "T2", "r1c2": "T2", "r1c3": "T2",
         "r2c0": "V1", "r2c1": "V1", "r3c0": "V1", "r3c1": "V1", "r3c2": "V1",
         "r2c2": "V2", "r2c3": "V2"}


def with_today(rows: dict[str, dict[str, Any]], columns: tuple[str, ...] = TODAY_FIELDS
               ) -> Scenario:
    s = scenario()
    cur = tuple(TODAY[u] for u in s.unit_ids)
    recs = tuple(TodayCommunity(name, **vals) for name, vals in rows.items())
    return dataclasses.replace(s, current_community=cur,
                               communities_today=TodayCommunities(recs, columns))


FULL = {
    "T1": dict(social_orgs=10, volunteers=3000, workers=10, qualified_workers=9,
               mgmt_system=True, harmony_standard=True, selfgov_standard=True,
               services_x=("助餐",)),
    "T2": dict(social_orgs=7, volunteers=1000, workers=5, qualified_workers=2,
               mgmt_system=True, harmony_standard=False, selfgov_standard=True,
               services_x=("法律咨询", "托幼")),
    "V1": dict(social_orgs=5, volunteers=400, workers=4, qualified_workers=2,
               mgmt_system=True, harmony_standard=True, selfgov_standard=True,
               services_x=("农技",)),
    "V2": dict(social_orgs=6, volunteers=500, workers=3, qualified_workers=2,
               mgmt_system=False, harmony_standard=True, selfgov_standard=True,
               services_x=("电商",)),
}
X = {"A1": ("助餐",), "A2": (), "B1": ("法律咨询", "托幼"), "RA": ("农技",), "RB": ("电商",)}


def spec_with_x() -> dict[str, dict[str, Any]]:
    spec = valid_spec()
    s = scenario()
    for cid, sp in spec.items():
        urban = cid[0] != "R"
        sp["services"] = (*s.policy.basic_services(urban), *X[cid])
    return spec
