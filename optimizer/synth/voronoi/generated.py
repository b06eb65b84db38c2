"""What the Voronoi generator draws, handed to its writer (arrays in unit order)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.synth.voronoi.barriers import Barriers

__all__ = ["TIME_LIMIT_S", "Generated"]
TIME_LIMIT_S = {"town": 60, "county": 600, "city": 3600}   # [solver] of each preset


@dataclass
class Generated:
    """Everything the writer needs (arrays in unit order)."""

    preset: str
    seed: int
    name: str
    unit_ids: list[str]
    households: np.ndarray
    urban: np.ndarray
    county: list[str]
    street: list[str]
    current: list[str]
    new_development: np.ndarray
    no_build: np.ndarray
    geoms: np.ndarray
    sites: list[dict[str, object]]
    barriers: Barriers
