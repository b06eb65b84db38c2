"""Scenario: files in, an immutable validated problem out."""

from optimizer.scenario.model import Scenario, ScenarioGeometry, Sites

__all__ = ["Scenario", "ScenarioGeometry", "Sites"]
