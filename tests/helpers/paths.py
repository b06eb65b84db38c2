"""Where things are, for tests in any folder of tests/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]          # the repository
DEMO = ROOT / "scenarios" / "demo"
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"                     # ../shared, when the checkout has it
