"""The cases of the generalization bench (issue 16) and the targets they are held to.

Each case is a preset at a fixed seed and options (written with
``optimizer.synth.generate``), the first generator's presets as the baseline, or an
edited folder (the town preset with one compound raised above the maximum, as the
issue found on the demo). Classes and targets are the issue's:

=========  =====  ==========================================================
class      limit  target
=========  =====  ==========================================================
town         60   gap ≤ 0.5% (town presets, incl. a 150-compound street)
county      600   gap ≤ 2%, peak memory ≤ 4 GB
oversized   120   gap ≤ 1%; exemptions only on the oversized units'
                  communities, each naming a unit it holds; checker passes
city       3000   a checked plan, gap ≤ 1.5% (only with --city)
=========  =====  ==========================================================

Real shapes without oversized units count as town cases, with them as oversized
cases. Every case must also pass the independent checker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from optimizer.synth import generate
from optimizer.synth.edit import largest_units, raise_units
from optimizer.synth.realshapes import available


@dataclass(frozen=True)
class Target:
    limit_s: float
    quick_s: float
    gap_pct: float
    memory_mb: float | None = None
    exemptions_on_oversized_only: bool = False
    text: str = ""


TARGETS: dict[str, Target] = {
    "town": Target(60, 10, 0.5, text="gap <= 0.5% in 60 s"),
    "county": Target(600, 60, 2.0, 4096, text="gap <= 2% in 10 min, <= 4 GB"),
    "oversized": Target(120, 20, 1.0, exemptions_on_oversized_only=True,
                        text="exemptions only on oversized units; gap <= 1% in 120 s"),
    "city": Target(3000, 300, 1.5, text="checked plan, gap <= 1.5% in <= 50 min"),
}


@dataclass(frozen=True)
class Case:
    name: str
    cls: str                        # a key of TARGETS
    preset: str                     # a preset of optimizer.synth, or "edit"
    seed: int
    options: dict[str, object] = field(default_factory=dict)
    raise_to: int = 0               # edit: the town preset's largest street compound -> this
    needs_libpysal: str = ""        # the libpysal example it reads, if any

    def describe(self) -> str:
        opts = " ".join(f"{k}={v}" for k, v in sorted(self.options.items()))
        if self.preset == "edit":
            return f"town seed {self.seed}, largest street compound -> {self.raise_to:,}"
        return f"{self.preset} seed {self.seed}" + (f" {opts}" if opts else "")

    def build(self, folder: Path) -> Path:
        """Write the case's scenario folder (deterministic) and return it."""
        if self.preset == "edit":
            base = generate("town", self.seed, folder.with_name(folder.name + ".base"))
            uid = largest_units(base, "urban", 1, street_suffix="Street")[0]
            return raise_units(base, folder, {uid: self.raise_to})
        return generate(self.preset, self.seed, folder, **self.options)


def _real(name: str, cls: str, seed: int, shapes: str, kind: str, oversized: int) -> Case:
    return Case(name, cls, "real-shapes", seed,
                {"shapes": shapes, "kind": kind, "oversized": oversized}, needs_libpysal=shapes)


CASES: tuple[Case, ...] = (
    # town class: the first preset as baseline, big streets, village-dense towns, real maps
    Case("town", "town", "town", 2013),
    Case("big-street-150", "town", "big-street", 1, {"size": 150}),
    Case("big-street-150-grown", "town", "big-street", 2, {"size": 150, "geometry": "grown"}),
    Case("big-street-300", "town", "big-street", 3, {"size": 300}),
    Case("village-town-250", "town", "village-town", 1, {"size": 250}),
    Case("village-town-150-voronoi", "town", "village-town", 2,
         {"size": 150, "geometry": "voronoi"}),
    _real("real-georgia-rural", "town", 1, "georgia", "rural", 0),
    _real("real-tokyo-urban", "town", 2, "tokyo", "urban", 0),
    # oversized class: planted pieces, real maps with a few units above the maximum,
    # and the demo-sized town with one compound raised (the demo finding)
    Case("oversized-rural-split", "oversized", "oversized", 1, {"kind": "rural"}),
    Case("oversized-rural-nosplit", "oversized", "oversized", 2,
         {"kind": "rural", "rest": "nosplit"}),
    Case("oversized-urban-split", "oversized", "oversized", 3,
         {"kind": "urban", "geometry": "voronoi"}),
    Case("oversized-urban-nosplit", "oversized", "oversized", 4,
         {"kind": "urban", "rest": "nosplit"}),
    _real("real-georgia-rural-over", "oversized", 3, "georgia", "rural", 4),
    _real("real-sids2-urban-over", "oversized", 4, "sids2", "urban", 1),
    _real("real-10740-urban-over", "oversized", 5, "10740", "urban", 3),
    _real("real-virginia-rural-over", "oversized", 6, "virginia", "rural", 4),
    Case("real-grown-rural-over", "oversized", "real-shapes", 7,
         {"shapes": "grown", "oversized": 3}),
    Case("town+4000", "oversized", "edit", 2013, raise_to=4000),
    Case("town+3200", "oversized", "edit", 2013, raise_to=3200),
    # county class
    Case("county", "county", "county", 2013),
    Case("big-county", "county", "big-county", 1),
    # city (only with --city)
    Case("city", "city", "city", 2013),
)


def select(names: list[str] | None, city: bool) -> tuple[list[Case], list[str]]:
    """The cases to run and, for each case left out, why."""
    skipped: list[str] = []
    have = set(available())
    out = []
    for c in CASES:
        if names is not None and c.name not in names:
            continue
        if c.cls == "city" and not city and names is None:
            skipped.append(f"{c.name}: the city runs only with --city")
            continue
        if c.needs_libpysal and c.needs_libpysal not in have:
            skipped.append(f"{c.name}: libpysal example {c.needs_libpysal} not installed "
                           "(pip install -e '.[bench]')")
            continue
        out.append(c)
    if names is not None:
        unknown = sorted(set(names) - {c.name for c in CASES})
        if unknown:
            raise SystemExit(f"unknown case(s) {', '.join(unknown)}: "
                             f"{', '.join(c.name for c in CASES)}")
    return out, skipped
