"""Fixtures shared by every test folder; support code lives in tests/helpers/."""

from __future__ import annotations

import pytest

from optimizer.scenario.load import load_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.paths import DEMO


@pytest.fixture(scope="session")
def demo() -> Scenario:
    """The shipped demo scenario, loaded once (a Scenario is immutable)."""
    return load_scenario(DEMO)
