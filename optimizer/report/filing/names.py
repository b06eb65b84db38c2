"""A proposed name for every planned community (issue 17, item 7), in the filing's
language: :func:`optimizer.plan.naming.proposed_names` (the planner's ``[names]``, a
name the plan already gives in communities.csv ``name``, today's community it mostly
keeps, else street/town and an ordinal) with the ordinal in ``lang``."""

from __future__ import annotations

from collections.abc import Mapping

from optimizer.plan.model import Plan
from optimizer.plan.naming import (
    FROM_CURRENT,
    FROM_ORDINAL,
    FROM_PLAN,
    FROM_SCENARIO,
    ProposedName,
)
from optimizer.plan.naming import proposed_names as plan_names
from optimizer.plan.succession import shared_households
from optimizer.report.places import street_name
from optimizer.scenario.model import Scenario

__all__ = ["FROM_CURRENT", "FROM_ORDINAL", "FROM_PLAN", "FROM_SCENARIO", "ProposedName",
           "ordinal_name", "proposed_names"]


def ordinal_name(street: str, n: int, lang: str) -> str:
    place = street_name(street, lang)
    return f"{place}第{n}社区" if lang == "zh" else f"{place} Community No. {n}"


def proposed_names(scenario: Scenario, plan: Plan, explicit: Mapping[str, str],
                   lang: str) -> dict[str, ProposedName]:
    """community_id -> its proposed name, for every community of the plan; ``explicit``
    (communities.csv ``name``) is taken as it is."""
    shared = shared_households(scenario, plan.unit_ids, plan.community)
    keys = [(c.community_id, c.county, c.street) for c in plan.communities]
    return plan_names(keys, shared, scenario.names, dict(explicit),
                      lambda street, n: ordinal_name(street, n, lang))
