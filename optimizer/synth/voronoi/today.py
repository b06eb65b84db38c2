"""The situation today in a generated scenario: flags, communities and service rooms.

- new_development (NEWDEV-1500): a few recent large compounds at the edge of the urban
  core, obliged to co-build rooms;
- no_build: parks (no households), the dense old town at the county seat, and
  protected wetland among the villages;
- current_community: contiguous groups of units that break SIZE-URBAN/SIZE-RURAL;
- sites: one existing service room in most of today's communities, mostly owned and
  below AREA-MIN's 400 m² (some cannot even be extended to 400 m²), and vacant
  buildings for sale at 3,000-6,000 yuan/m².
"""

from __future__ import annotations

import numpy as np

from optimizer.synth.voronoi.layout import CountyLayout
from optimizer.synth.voronoi.people import grow_communities
from optimizer.synth.voronoi.repair import components


def flag_units(rng: np.random.Generator, lays: list[CountyLayout],
               offsets: list[tuple[int, int]], rep: np.ndarray, area: np.ndarray,
               urban: np.ndarray, area_is_town: np.ndarray,
               households: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(new_development, no_build) per unit; parks get 0 households, new developments
    1,200-2,500 (both in place in ``households``)."""
    n = len(area)
    new_dev = np.zeros(n, dtype=bool)
    no_build = np.zeros(n, dtype=bool)
    for lay, (off, first) in zip(lays, offsets, strict=True):
        idx = np.arange(off, off + len(lay.points))
        street_c = idx[urban[idx] & ~area_is_town[area[idx]]]
        centre = lay.town_seeds[: lay.plan.n_streets].mean(axis=0)
        dist = np.hypot(*(rep[street_c] - centre).T)
        by_dist = street_c[np.argsort(dist, kind="stable")]
        k_new = max(1, round(0.03 * len(street_c)))
        outer = by_dist[len(by_dist) * 2 // 3:]
        chosen = rng.choice(outer, size=min(k_new, len(outer)), replace=False)
        new_dev[chosen] = True
        households[chosen] = rng.integers(1200, 2500, size=len(chosen))
        old_town = by_dist[: max(1, len(by_dist) // 12)]
        no_build[old_town] = True
        for s in range(lay.plan.n_streets):     # one park per street
            mine = street_c[(area[street_c] == first + s) & ~new_dev[street_c]
                            & ~no_build[street_c]]
            if len(mine) > 3:
                park = int(rng.choice(mine))
                no_build[park] = True
                households[park] = 0
        rural = idx[~urban[idx]]
        if len(rural):                          # protected wetland around one group
            c = rep[int(rng.choice(rural))]
            near = rural[np.hypot(*(rep[rural] - c).T) < 1.6 * lay.group_spacing]
            no_build[near] = True
    return new_dev, no_build


def today_and_sites(rng: np.random.Generator, unit_ids: list[str], order: np.ndarray,
                    county: np.ndarray, area: np.ndarray, urban: np.ndarray,
                    households: np.ndarray, edges: np.ndarray,
                    rep: np.ndarray) -> tuple[list[str], list[dict[str, object]]]:
    """current_community per unit and the sites.csv records."""
    key = (area.astype(np.int64) * 2 + urban) * 1000 + county
    comp = components(key, edges)
    label = grow_communities(rng, order, comp, urban, households, edges)
    # readable ids: <county>-<street/town>-C01 (urban) / -V01 (villages), by unit order
    names: dict[int, str] = {}
    counter: dict[tuple[str, str], int] = {}
    for i in order.tolist():
        lab = int(label[i])
        if lab in names:
            continue
        prefix = unit_ids[i].rsplit("-", 1)[0]
        letter = "C" if urban[i] else "V"
        counter[(prefix, letter)] = counter.get((prefix, letter), 0) + 1
        names[lab] = f"{prefix}-{letter}{counter[(prefix, letter)]:02d}"
    current = [names[int(lab)] for lab in label.tolist()]

    sites: list[dict[str, object]] = []
    for lab in sorted(names, key=lambda k: names[k]):
        members = np.flatnonzero(label == lab)
        if rng.random() < 0.1:                  # rooms missing altogether
            continue
        mid = rep[members].mean(axis=0)
        u = int(members[np.argmin(np.hypot(*(rep[members] - mid).T))])
        area_m2 = float(np.clip(np.round(rng.lognormal(np.log(200.0), 0.45) / 5) * 5, 80, 450))
        if rng.random() < 0.3:                  # cramped: little or no room to extend
            max_m2 = float(np.round(area_m2 * rng.uniform(1.0, 1.25) / 5) * 5)
        else:
            max_m2 = float(np.round(area_m2 * rng.uniform(1.6, 3.5) / 10) * 10)
        sites.append({"site_id": f"{names[lab]}-ROOM", "unit_id": unit_ids[u],
                      "area_m2": area_m2, "owned": True, "max_area_m2": max(max_m2, area_m2),
                      "purchase_price_yuan": None})
    lived = np.flatnonzero(households > 0)
    weights = np.where(urban[lived], 3.0, 1.0)
    k_sale = max(1, round(0.25 * len(names)))
    for u in rng.choice(lived, size=min(k_sale, len(lived)), replace=False,
                        p=weights / weights.sum()).tolist():
        area_m2 = float(np.round(rng.uniform(200, 1200) / 10) * 10)
        max_m2 = float(np.round(area_m2 * rng.uniform(1.0, 1.6) / 10) * 10)
        price = float(np.round(area_m2 * rng.uniform(3000, 6000) / 10_000) * 10_000)
        sites.append({"site_id": f"{unit_ids[u]}-SALE", "unit_id": unit_ids[u],
                      "area_m2": area_m2, "owned": False, "max_area_m2": max(max_m2, area_m2),
                      "purchase_price_yuan": price})
    sites.sort(key=lambda s: str(s["site_id"]))
    return current, sites
