"""The ``oversized`` preset: one piece in which a few units each exceed a community.

The piece is a chain of lobes joined by necks: ``L0 - N1 - L1 - N2 - P`` for two
necks. Each neck is a single unit above the community maximum (urban > 3,000, rural
> 1,500 households) and the only link between the lobes on its two sides, so removing
it disconnects the rest; the remaining oversized units (``oversized - necks``) lie
inside the big lobes where removing them disconnects nothing. ``P`` is a small
dead-end pocket (12-20 villages, or 4-8 compounds) behind the last neck.

Households of the big lobes are planted (:mod:`optimizer.synth.plant`): each lobe
provably splits into connected communities within the bounds. The pocket decides the
variant:

- ``rest=split``: the pocket's total fits one community: the rest of the piece has a
  legal split, and the right plan exempts exactly the oversized units' communities;
- ``rest=nosplit``: the pocket's total fits no whole number of communities (below the
  minimum, or between one maximum and two minimums: rural 1,501-1,999, urban
  3,001-3,999), proven by arithmetic. A legal plan must give some pocket units to the
  neck's community (exempt for its oversized unit) and split the remainder.

Every oversized unit's community may be exempt, naming that unit; any other exemption
is wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import networkx as nx
import numpy as np
import shapely

from optimizer.synth import barriers as bar
from optimizer.synth.county import COMPOUND_M2, VILLAGE_M2
from optimizer.synth.finish import Draft
from optimizer.synth.people import (
    COMPOUND,
    VILLAGE,
    UnitRange,
    draw_units,
    infeasible_total,
    oversized_households,
    scale_to_total,
)
from optimizer.synth.plant import neighbours, plant
from optimizer.synth.tessellate import Zone, tessellate
from optimizer.synth.voronoi.names import COUNTIES, NamePool

ATTEMPTS = 20


@dataclass(frozen=True)
class OversizedParams:
    size: int = 150              # units in the piece
    kind: str = "rural"          # rural | urban
    oversized: int = 3           # units above the community maximum
    necks: int = 2               # of those, the ones whose removal disconnects the rest
    rest: str = "split"          # split | nosplit (see the module doc)
    geometry: str = "grown"      # grown | voronoi
    family: str = "any"          # household distribution family (people.FAMILIES) or any

    def check(self) -> list[str]:
        out = []
        if self.kind not in ("rural", "urban"):
            out.append(f"kind must be rural or urban, not {self.kind!r}")
        if self.rest not in ("split", "nosplit"):
            out.append(f"rest must be split or nosplit, not {self.rest!r}")
        if not 0 <= self.necks <= self.oversized:
            out.append("necks must be between 0 and oversized")
        if self.rest == "nosplit" and self.necks < 1:
            out.append("rest=nosplit needs at least one neck (the pocket hangs on it)")
        if self.size < 40 + self.oversized:
            out.append("size must be at least 40 + oversized")
        return out


def _chain(rng: np.random.Generator, p: OversizedParams, unit_m2: float,
           pocket: int) -> tuple[list[Zone], shapely.Geometry, list[int]]:
    """Lobe and neck zones along a west-east chain; the outline; zone index of each
    neck (their single unit is oversized)."""
    cx, cy = COUNTIES[6][2], COUNTIES[6][3]
    d = math.sqrt(unit_m2)                      # a unit's diameter, roughly
    big = p.size - p.necks - (pocket if p.necks else 0)
    n_big = max(1, p.necks)
    shares = rng.dirichlet(np.full(n_big, 6.0))
    counts = np.maximum(15, np.round(shares * big)).astype(int)
    counts[0] += big - counts.sum()
    lobes = [*counts.tolist(), *([pocket] if p.necks else [])]
    zones: list[Zone] = []
    necks: list[int] = []
    x = cx
    regions = []
    for k, n in enumerate(lobes):
        r = math.sqrt(n * unit_m2 / math.pi)
        lobe = shapely.Point(x + r, cy + rng.uniform(-0.15, 0.15) * r).buffer(r, 48)
        regions.append(lobe)
        x += 2 * r + 2.0 * d
        if k < len(lobes) - 1:
            corridor = shapely.box(x - 2.6 * d, cy - 0.35 * d, x + 0.6 * d, cy + 0.35 * d)
            regions.append(corridor)
    outline = shapely.union_all(regions)
    for k in range(len(lobes)):
        lobe = regions[2 * k]
        if k < len(lobes) - 1:
            neck = regions[2 * k + 1].difference(lobe).difference(regions[2 * k + 2])
            cap_a = shapely.Point(neck.bounds[0], cy).buffer(0.5 * d).intersection(lobe)
            cap_b = shapely.Point(neck.bounds[2], cy).buffer(0.5 * d).intersection(
                regions[2 * k + 2])
            regions[2 * k + 1] = shapely.union_all([neck, cap_a, cap_b])
    for k, n in enumerate(lobes):
        lobe = regions[2 * k]
        for j in (2 * k - 1, 2 * k + 1):
            if 0 <= j < len(regions):
                lobe = lobe.difference(regions[j])
        zones.append(Zone(lobe, n, 0, p.kind == "urban"))
        if k < len(lobes) - 1:
            necks.append(len(zones))
            zones.append(Zone(regions[2 * k + 1], 1, 0, p.kind == "urban"))
    return zones, outline, necks


def _shape_ok(n: int, necks: list[int], n_zones: int, edges: np.ndarray) -> bool:
    """The piece is connected, and without its necks it falls into exactly its lobes."""
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges.tolist())
    if not nx.is_connected(g):
        return False
    g.remove_nodes_from(necks)
    return nx.number_connected_components(g) == n_zones - len(necks)


def build_oversized(p: OversizedParams, seed: int) -> Draft:
    urban = p.kind == "urban"
    unit_range = COMPOUND if urban else VILLAGE
    unit_m2 = COMPOUND_M2 if urban else VILLAGE_M2
    name, code = COUNTIES[6][0], COUNTIES[6][1]
    for attempt in range(ATTEMPTS):
        rng = np.random.default_rng([seed, attempt])
        pocket = int(rng.integers(4, 9) if urban else rng.integers(12, 21))
        zones, outline, neck_zones = _chain(rng, p, unit_m2, pocket)
        tiles = tessellate(rng, zones, outline, p.geometry, holes=0.015)
        n = len(tiles.geoms)
        area = np.zeros(n, dtype=np.int64)
        kind = np.full(n, urban)
        necks = [int(np.flatnonzero(tiles.zone == z)[0]) for z in neck_zones
                 if (tiles.zone == z).sum() == 1]
        pairs = bar.rook_pairs(tiles.geoms)
        if len(necks) != len(neck_zones) or not _shape_ok(n, necks, len(zones), pairs):
            continue
        barriers, edges = bar.draw(rng, outline, tiles.geoms, 1, [],
                                   partial(_shape_ok, n, necks, len(zones)))
        hh = _households(rng, p, tiles.zone, neck_zones, necks, edges, unit_range)
        if hh is None:
            continue
        names = NamePool(rng)
        nm, cd = names.take()
        area_name = f"{nm} {'Street' if urban else 'Town'}"
        return Draft("oversized", seed, f"{name} (oversized preset, {p.kind}, rest={p.rest}, "
                     f"seed {seed})", name, code, [area_name], [cd], tiles.geoms, area, kind,
                     hh, barriers, edges)
    raise RuntimeError(f"could not lay out oversized for seed {seed}")  # pragma: no cover


def _households(rng: np.random.Generator, p: OversizedParams, zone: np.ndarray,
                neck_zones: list[int], necks: list[int], edges: np.ndarray,
                unit_range: UnitRange) -> np.ndarray | None:
    """Planted lobes, the pocket's variant total, the oversized units; None when the
    inner oversized units cannot be placed off the lobes' cut vertices."""
    urban = p.kind == "urban"
    n = len(zone)
    nbrs = neighbours(n, edges)
    raw = draw_units(rng, n, unit_range, p.family).astype(float)
    hh = np.zeros(n, dtype=np.int64)
    lobe_zones = sorted(set(zone.tolist()) - set(neck_zones))
    pocket_zone = lobe_zones[-1] if p.necks else None
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges.tolist())
    big_lobes = [u for u in range(n) if zone[u] in lobe_zones and zone[u] != pocket_zone]
    inner = _off_cut(rng, g, big_lobes, p.oversized - p.necks)
    if inner is None:
        return None
    hh[[*necks, *inner]] = oversized_households(rng, len(necks) + len(inner), urban)
    for z in lobe_zones:
        units = [u for u in np.flatnonzero(zone == z).tolist() if u not in inner]
        if z == pocket_zone and p.rest == "nosplit":
            vals = scale_to_total(rng, raw[units], infeasible_total(rng, urban),
                                  unit_range.lo, unit_range.hi)
            if vals is None:
                return None
            hh[units] = vals
            continue
        for part in nx.connected_components(g.subgraph(units)):
            part_units = sorted(part)
            hh[part_units] = plant(rng, part_units, nbrs, raw, urban, unit_range)
    return hh


def _off_cut(rng: np.random.Generator, g: nx.Graph, units: list[int],
             want: int) -> list[int] | None:
    """``want`` units whose removal (all together) leaves as many connected parts of
    ``units`` as before: none of them disconnects anything."""
    sub = g.subgraph(units).copy()
    parts = nx.number_connected_components(sub)
    chosen: list[int] = []
    for u in rng.permutation(units).tolist():
        if len(chosen) == want:
            break
        trial = sub.copy()
        trial.remove_node(u)
        if nx.number_connected_components(trial) == parts:
            sub = trial
            chosen.append(u)
    return chosen if len(chosen) == want else None
