"""Scenario: files in, an immutable validated problem out."""

from optimizer.scenario.budget import Budget
from optimizer.scenario.model import Scenario, ScenarioGeometry, Sites
from optimizer.scenario.today import TodayCommunities, TodayCommunity

__all__ = ["Budget", "Scenario", "ScenarioGeometry", "Sites", "TodayCommunities",
           "TodayCommunity"]
