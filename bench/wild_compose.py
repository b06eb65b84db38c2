"""What the independent scenario writer (bench/wild.py) puts in a scenario, per seed.

Everything is drawn from ``numpy.random.default_rng(seed)`` (no global state) with
this module's own distributions, not the product generator's (``optimizer.synth`` is
not imported): 1-2 counties of 1-4 streets/towns, each street a layout of
bench/wild_shapes.py; urban, rural or mixed (an urban core in a rural town);
compounds lognormal 40-2,600 households, villages 10-400; on some seeds a few units
above the maximum placed on purpose (on the piece's edge, at a cut vertex that cuts
the piece in two, next to each other, anywhere); barriers; sites of every status;
``new_development`` and ``no_build``; ``current_community``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from bench.wild_shapes import cut_line, grid, real, rook, strips, voronoi

Rng = np.random.Generator
COUNTIES = ["建湖县", "Dongtai", "射阳县", "Fu Ning 县"]
STREETS = ["城关镇", "Jianyang St.", "近湖街道", "上冈镇", "Tinghu (east)", "庆丰镇",
           "颜单镇", "Hudu Street", "宝塔镇", "钟庄街道"]
MAXHH = {"urban": 3000, "rural": 1500}
LAYOUTS = ("grid", "voronoi", "strips", "real")


@dataclass
class Unit:
    uid: str
    geom: Polygon
    households: int
    kind: str
    county: str
    street: str
    current: str | None = None
    new_development: bool = False
    no_build: bool = False


@dataclass
class Drawn:
    """One scenario's contents, in local metres (wild.py places and writes them)."""

    seed: int
    units: list[Unit]
    sites: list[dict[str, Any]]
    barriers: list[LineString]
    notes: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


def households(rng: Rng, kind: str, n: int) -> np.ndarray:
    """Compounds: lognormal, median 300-600, clipped to 40-2,600; villages: lognormal,
    median 60-150, clipped to 10-400."""
    if kind == "urban":
        v = rng.lognormal(np.log(rng.uniform(300, 600)), rng.uniform(0.6, 1.1), n)
        return np.clip(np.round(v), 40, 2600).astype(np.int64)
    v = rng.lognormal(np.log(rng.uniform(60, 150)), rng.uniform(0.5, 0.9), n)
    return np.clip(np.round(v), 10, 400).astype(np.int64)


def _ids(rng: Rng, n: int) -> list[str]:
    style = int(rng.integers(5))
    if style == 0:
        return [f"U{i:04d}" for i in range(n)]
    if style == 1:
        return [str(1000 + 7 * i) for i in range(n)]
    if style == 2:
        return [f"{i:03d}" for i in range(n)]          # leading zeros: text, not numbers
    if style == 3:
        return [f"村-{i}" for i in range(n)]
    return [f"{int(x):08x}" for x in rng.choice(2**31, size=n, replace=False)]


def _layout(rng: Rng, name: str, n: int, cell: float) -> tuple[list[Polygon], str]:
    if name == "real":
        return real(rng, n, cell)
    return {"grid": grid, "voronoi": voronoi, "strips": strips}[name](rng, n, cell), name


def _size(rng: Rng) -> int:
    """Units of a street: log-uniform 5-250."""
    return int(np.exp(rng.uniform(np.log(5), np.log(250))))


def _oversize(rng: Rng, polys: list[Polygon], idx: list[int], hh: np.ndarray, kind: str,
              mode: str) -> list[str]:
    """Raise 1-3 units of a piece (indices ``idx`` into ``polys``) above the maximum."""
    if len(idx) < 2:
        return []
    g = rook([polys[i] for i in idx])
    n = len(idx)
    if mode == "cut":
        arts = list(nx.articulation_points(g))

        def smaller(v: int) -> int:
            h = g.copy()
            h.remove_node(v)
            return min(len(c) for c in nx.connected_components(h))
        pick = [max(arts, key=smaller)] if arts else [int(rng.integers(n))]
    elif mode == "edge":
        hull = shapely.union_all([polys[i] for i in idx]).boundary
        edge = [k for k in range(n) if polys[idx[k]].boundary.intersection(hull).length > 1]
        pick = list(rng.choice(edge or list(range(n)), size=min(2, len(edge) or 1),
                               replace=False))
    elif mode == "adjacent":
        a = int(rng.integers(n))
        nb = list(g.neighbors(a))
        pick = [a] + ([int(rng.choice(nb))] if nb else [])
        if len(nb) > 1 and rng.random() < 0.5:
            pick.append(int([v for v in nb if v not in pick][0]))
    else:
        pick = list(rng.choice(n, size=min(n, int(rng.integers(1, 4))), replace=False))
    top = MAXHH[kind]
    for k in pick:
        hh[idx[int(k)]] = int(rng.choice([top + 1, int(top * rng.uniform(1.05, 1.9))]))
    return [f"{mode}:{len(pick)}"]


def compose(seed: int) -> Drawn:
    """The scenario of ``seed`` (see the module doc)."""
    rng = np.random.default_rng([seed, 16])
    n_counties = 2 if rng.random() < 0.25 else 1
    units: list[Unit] = []
    barriers: list[LineString] = []
    notes: list[str] = []
    offset = 0.0
    over_p = 0.65 if rng.random() < 0.7 else 0.0
    for c in range(n_counties):
        county = COUNTIES[(seed + c) % len(COUNTIES)]
        for s in range(int(rng.integers(1, 4 if n_counties == 2 else 5))):
            # the same street name in two counties (NESTING is within a county)
            street = STREETS[(seed * 3 + s + (0 if c == 0 else 0)) % len(STREETS)]
            mode = str(rng.choice(["urban", "rural", "mixed"], p=[0.35, 0.4, 0.25]))
            layout = str(rng.choice(LAYOUTS))
            n = _size(rng)
            cell = rng.uniform(110, 220) if mode == "urban" else rng.uniform(500, 1100)
            polys, used = _layout(rng, layout, n, cell)
            bx0, by0, _, _ = shapely.total_bounds(polys)
            polys = [shapely.affinity.translate(p, offset - bx0, -by0) for p in polys]
            _, _, x1, _ = shapely.total_bounds(polys)
            offset = x1 + (0.0 if rng.random() < 0.3 else cell * 2)
            kinds = np.array(["urban" if mode == "urban" else "rural"] * len(polys))
            if mode == "mixed":
                cen = np.array([p.representative_point().coords[0] for p in polys])
                core = cen[int(rng.integers(len(polys)))]
                dist = np.hypot(*(cen - core).T)
                kinds[dist <= np.quantile(dist, rng.uniform(0.2, 0.6))] = "urban"
            hh = np.zeros(len(polys), dtype=np.int64)
            for k in ("urban", "rural"):
                m = kinds == k
                hh[m] = households(rng, k, int(m.sum()))
            for k in ("urban", "rural"):
                idx = np.flatnonzero(kinds == k).tolist()
                if idx and rng.random() < over_p:
                    om = str(rng.choice(["edge", "cut", "adjacent", "random"]))
                    notes += [f"{street}/{k}:" + x for x in
                              _oversize(rng, polys, idx, hh, k, om)]
                if idx and rng.random() < 0.1:
                    hh[int(rng.choice(idx))] = MAXHH[k]        # a unit exactly at the maximum
            notes.append(f"{county}/{street}: {used} {mode} n={len(polys)} hh={int(hh.sum())}")
            for p, k, h in zip(polys, kinds.tolist(), hh.tolist(), strict=True):
                units.append(Unit("", p, int(h), k, county, street))
            if rng.random() < 0.4:
                barriers += [cut_line(rng, polys) for _ in range(int(rng.integers(1, 3)))]
    for u, uid in zip(units, _ids(rng, len(units)), strict=True):
        u.uid = uid
    opts = _flags(rng, units)
    sites = _sites(rng, units)
    opts["sites"] = len(sites)
    return Drawn(seed, units, sites, barriers, notes, opts)


def _flags(rng: Rng, units: list[Unit]) -> dict[str, Any]:
    """new_development, no_build and current_community, each on some seeds."""
    opts: dict[str, Any] = {}
    n = len(units)
    if rng.random() < 0.35:
        urban = [i for i, u in enumerate(units) if u.kind == "urban"]
        for i in rng.choice(urban, size=min(len(urban), 3), replace=False).tolist():
            units[i].new_development = True
        opts["new_development"] = min(len(urban), 3)
    if rng.random() < 0.35:
        share = rng.uniform(0.05, 0.5)
        for i in np.flatnonzero(rng.random(n) < share).tolist():
            units[i].no_build = True
        opts["no_build"] = sum(u.no_build for u in units)
    if rng.random() < 0.5:
        # today's communities: runs of ~1,800 / ~1,100 households in file order
        run, k = 0, 0
        for u in units:
            run += u.households
            u.current = f"今-{k}"
            if run > (1800 if u.kind == "urban" else 1100):
                run, k = 0, k + 1
        opts["current"] = k + 1
    return opts


def _sites(rng: Rng, units: list[Unit]) -> list[dict[str, Any]]:
    """None, a few or many; owned or for sale; existing, under construction, planned."""
    mode = str(rng.choice(["none", "few", "many"], p=[0.2, 0.5, 0.3]))
    if mode == "none":
        return []
    total = sum(u.households for u in units)
    k = max(1, int(total / (1500 if mode == "few" else 600) * rng.uniform(0.3, 1.0)))
    statuses = rng.random() < 0.6
    out = []
    for j, i in enumerate(rng.choice(len(units), size=min(k, len(units)), replace=False)):
        area = float(rng.choice([0.0, round(float(rng.uniform(80, 900)), 1)]))
        top = area + float(rng.choice([0.0, round(float(rng.uniform(0, 800)))]))
        owned = bool(rng.random() < 0.7)
        row: dict[str, Any] = {"site_id": f"S{j}-{units[int(i)].uid}",
                               "unit_id": units[int(i)].uid, "area_m2": area,
                               "owned": "true" if owned else "false", "max_area_m2": top,
                               "purchase_price_yuan": "" if owned else
                               int(rng.uniform(2e5, 3e6))}
        if statuses:
            st = str(rng.choice(["existing", "", "under_construction", "planned"],
                                p=[0.4, 0.2, 0.2, 0.2]))
            row["status"] = st
            row["available_year"] = "" if st in ("existing", "") else int(
                rng.integers(2013, 2018))
        out.append(row)
    return out
