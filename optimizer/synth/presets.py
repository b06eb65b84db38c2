"""The presets of issue 16 and their parameters (``--size``, ``--option KEY=VALUE``).

==============  =====================================================  ========  =====
preset          what (defaults)                                        units     limit
==============  =====================================================  ========  =====
big-street      one street of ``size`` compounds (150; 100-350 in the  ~280      60 s
                issue), 40-2,600 households each, beside one town of
                120 natural villages and its 6-compound seat
village-town    ``towns`` towns (1) of ``size`` natural villages (200;  ~205      60 s
                100-300 in the issue), 10-400 households each, about
                10-20 villages per community, and a 5-compound seat
big-county      streets of 300, 200 and 120 compounds, towns of 250,   ~1,650    600 s
                200, 160, 120 and 100 villages, each with a seat
oversized       one piece of ``size`` units (150) of which a few are   150       120 s
                above the community maximum (see synth.oversized)
real-shapes     one town of real (libpysal) or grown irregular units    32-262    120 s
                (see synth.shapes_preset)
==============  =====================================================  ========  =====

Every preset is deterministic in its seed and options; the household distribution
family and its parameters are drawn from the seed (``family=any``) unless fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizer.synth.county import CountySpec, build_county
from optimizer.synth.finish import Draft
from optimizer.synth.oversized import OversizedParams, build_oversized
from optimizer.synth.people import FAMILIES
from optimizer.synth.shapes_preset import RealShapesParams, build_real_shapes
from optimizer.synth.tessellate import GEOMETRIES


def _common(geometry: str, family: str) -> list[str]:
    out = []
    if geometry not in GEOMETRIES:
        out.append(f"geometry must be one of {', '.join(GEOMETRIES)}, not {geometry!r}")
    if family != "any" and family not in FAMILIES:
        out.append(f"family must be any or one of {', '.join(FAMILIES)}, not {family!r}")
    return out


@dataclass(frozen=True)
class BigStreetParams:
    size: int = 150              # compounds per street
    streets: int = 1             # streets of ``size`` compounds each
    villages: int = 120          # natural villages of the town beside the street
    seat: int = 6                # compounds of that town's seat (0: none)
    geometry: str = "voronoi"    # voronoi | grown
    family: str = "any"          # household distribution family or any

    def check(self) -> list[str]:
        out = _common(self.geometry, self.family)
        if self.size < 2 or self.streets < 1 or self.villages < 0 or self.seat < 0:
            out.append("size ≥ 2, streets ≥ 1, villages ≥ 0 and seat ≥ 0")
        return out


@dataclass(frozen=True)
class VillageTownParams:
    size: int = 200              # natural villages per town
    towns: int = 1
    seat: int = 5                # compounds of each town's seat (0: none)
    geometry: str = "grown"
    family: str = "any"

    def check(self) -> list[str]:
        out = _common(self.geometry, self.family)
        if self.size < 2 or self.towns < 1 or self.seat < 0:
            out.append("size ≥ 2, towns ≥ 1 and seat ≥ 0")
        return out


@dataclass(frozen=True)
class BigCountyParams:
    streets: tuple[int, ...] = (300, 200, 120)
    towns: tuple[int, ...] = (250, 200, 160, 120, 100)
    geometry: str = "voronoi"
    family: str = "any"

    def check(self) -> list[str]:
        out = _common(self.geometry, self.family)
        if any(s < 2 for s in self.streets) or any(t < 2 for t in self.towns) \
                or not (self.streets or self.towns):
            out.append("every street and town needs at least 2 units")
        return out


def big_street(p: BigStreetParams, seed: int) -> tuple[Draft, list[str]]:
    towns = (p.villages,) if p.villages else ()
    spec = CountySpec("big-street", seed, (p.size,) * p.streets, towns,
                      (p.seat,) * len(towns), p.geometry, p.family)
    return build_county(spec), []


def village_town(p: VillageTownParams, seed: int) -> tuple[Draft, list[str]]:
    spec = CountySpec("village-town", seed, (), (p.size,) * p.towns, (p.seat,) * p.towns,
                      p.geometry, p.family)
    return build_county(spec), []


def big_county(p: BigCountyParams, seed: int) -> tuple[Draft, list[str]]:
    seats = tuple(int(s) for s in np.random.default_rng([seed, 99]).integers(4, 11,
                                                                             len(p.towns)))
    spec = CountySpec("big-county", seed, p.streets, p.towns, seats, p.geometry, p.family)
    return build_county(spec), []


def oversized(p: OversizedParams, seed: int) -> tuple[Draft, list[str]]:
    return build_oversized(p, seed), []


def real_shapes(p: RealShapesParams, seed: int) -> tuple[Draft, list[str]]:
    return build_real_shapes(p, seed)


@dataclass(frozen=True)
class Preset:
    params: type
    build: Callable[..., tuple[Draft, list[str]]]
    time_limit_s: int
    target: str                  # the class: town, county, oversized


PRESETS: dict[str, Preset] = {
    "big-street": Preset(BigStreetParams, big_street, 60, "town"),
    "village-town": Preset(VillageTownParams, village_town, 60, "town"),
    "big-county": Preset(BigCountyParams, big_county, 600, "county"),
    "oversized": Preset(OversizedParams, oversized, 120, "oversized"),
    "real-shapes": Preset(RealShapesParams, real_shapes, 120, "oversized"),
}
