"""Build a Scenario in memory: from arrays (any tool) or from a drawn grid (tests,
notebooks). The grid builder draws square units of ``cell_m`` metres, so the
rook neighbours are known without any geometry work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import shapely

from optimizer.rules.costs import Costs, ObjectiveWeights, SolverParams
from optimizer.rules.policy import Policy
from optimizer.scenario.model import Scenario, ScenarioGeometry, Sites, frozen_array


def make_sites(records: Iterable[Mapping[str, Any]], unit_index: Mapping[str, int]) -> Sites:
    """Sites from dicts with the columns of sites.csv (already validated); ``status``
    and ``available_year`` are optional (existing, no year)."""
    recs = list(records)
    price = [float(r["purchase_price_yuan"]) if r.get("purchase_price_yuan") not in (None, "")
             else np.nan for r in recs]
    year = [int(r["available_year"]) if r.get("available_year") not in (None, "") else 0
            for r in recs]
    return Sites(
        site_ids=tuple(str(r["site_id"]) for r in recs),
        unit=frozen_array([unit_index[str(r["unit_id"])] for r in recs], np.int64),
        area_m2=frozen_array([float(r["area_m2"]) for r in recs], float),
        owned=frozen_array([bool(r["owned"]) for r in recs], bool),
        max_area_m2=frozen_array([float(r["max_area_m2"]) for r in recs], float),
        price_yuan=frozen_array(price, float),
        status=tuple(str(r.get("status") or "existing") for r in recs),
        handover_year=frozen_array(year, np.int64),
    )


def grid_scenario(households: Sequence[Sequence[int | None]], *,
                  kind: str | Sequence[Sequence[str]] = "urban",
                  street: str | Sequence[Sequence[str]] = "S1", county: str = "C1",
                  sites: Iterable[Mapping[str, Any]] = (),
                  new_development: Iterable[str] = (), no_build: Iterable[str] = (),
                  current: Sequence[Sequence[str]] | None = None,
                  cut: Iterable[tuple[str, str]] = (), cell_m: float = 500.0,
                  policy: Policy | None = None, costs: Costs | None = None,
                  objective: ObjectiveWeights | None = None,
                  solver: SolverParams | None = None, name: str = "grid",
                  year: int = 2013) -> Scenario:
    """A scenario of square units drawn as a matrix of households.

    Unit ids are ``r{row}c{col}``; ``None`` leaves a hole. ``kind``/``street`` are
    one value or a matrix like ``households``. ``cut`` lists neighbour pairs a
    barrier separates.
    """
    ids: list[str] = []
    hh: list[int] = []
    kinds: list[str] = []
    streets: list[str] = []
    curr: list[str | None] = []
    xs: list[float] = []
    ys: list[float] = []
    pos: dict[tuple[int, int], int] = {}
    for r, row in enumerate(households):
        for c, h in enumerate(row):
            if h is None:
                continue
            pos[(r, c)] = len(ids)
            ids.append(f"r{r}c{c}")
            hh.append(int(h))
            kinds.append(kind if isinstance(kind, str) else kind[r][c])
            streets.append(street if isinstance(street, str) else street[r][c])
            curr.append(current[r][c] if current is not None else None)
            xs.append((c + 0.5) * cell_m)
            ys.append(-(r + 0.5) * cell_m)
    cut_set = {frozenset(p) for p in cut}
    edges: list[tuple[int, int]] = []
    cut_edges: list[tuple[int, int]] = []
    for (r, c), i in pos.items():
        for dr, dc in ((0, 1), (1, 0)):
            j = pos.get((r + dr, c + dc))
            if j is not None:
                kept = frozenset((ids[i], ids[j])) not in cut_set
                (edges if kept else cut_edges).append((min(i, j), max(i, j)))
    edges.sort()
    cut_edges.sort()
    index = {u: i for i, u in enumerate(ids)}
    geoms = np.array([shapely.box(x - cell_m / 2, y - cell_m / 2, x + cell_m / 2, y + cell_m / 2)
                      for x, y in zip(xs, ys, strict=True)], dtype=object)
    new_dev = set(new_development)
    nob = set(no_build)
    return Scenario(
        name=name, year=year, unit_ids=tuple(ids),
        households=frozen_array(hh, np.int64),
        urban=frozen_array([k == "urban" for k in kinds], bool),
        county=tuple(county for _ in ids), street=tuple(streets),
        x=frozen_array(xs, float), y=frozen_array(ys, float),
        area_m2=frozen_array([cell_m * cell_m] * len(ids), float),
        edges=frozen_array(np.array(edges, dtype=np.int64).reshape(-1, 2), np.int64),
        cut_edges=frozen_array(np.array(cut_edges, dtype=np.int64).reshape(-1, 2), np.int64),
        sites=make_sites(sites, index),
        current_community=tuple(curr) if current is not None else None,
        new_development=frozen_array([u in new_dev for u in ids], bool),
        no_build=frozen_array([u in nob for u in ids], bool),
        policy=policy or Policy(), costs=costs or Costs(),
        objective=objective or ObjectiveWeights(), solver=solver or SolverParams(),
        geometry=ScenarioGeometry(units=geoms, barriers=np.array([], dtype=object),
                                  crs="EPSG:32651"),
    )
