"""The scenario generator of issue 16: presets for the regimes the optimizer was not
tuned for (big streets, village-dense towns, real shapes, oversized units).

    from optimizer.synth import generate
    generate("big-street", 3, "out/big-street", size=300)
    generate("real-shapes", 1, "out/ga", shapes="georgia", oversized=4)

or ``python -m optimizer generate --preset big-street --seed 3 --size 300 OUT``
(``--option KEY=VALUE`` for the other parameters: see :mod:`optimizer.synth.presets`).
The first generator's presets (town, county, city) are served unchanged by
:mod:`optimizer.synth.voronoi.generate`, byte for byte; they take no options.

The folders follow CONTRACT.md and are written by the first generator's writer
(fixed formatting, sorted records): the same preset, seed and options give
byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from optimizer.synth.finish import finish
from optimizer.synth.options import PresetError, describe, parse
from optimizer.synth.presets import PRESETS
from optimizer.synth.voronoi.generate import PRESETS as FIRST_PRESETS
from optimizer.synth.voronoi.generated import Generated

__all__ = ["ALL_PRESETS", "PRESETS", "PresetError", "build", "generate", "params_of"]

ALL_PRESETS = (*FIRST_PRESETS, *PRESETS)


def params_of(preset: str, options: dict[str, object]) -> object:
    """The preset's parameter object from ``options`` (checked)."""
    if preset not in PRESETS:
        raise PresetError(f"unknown preset {preset!r}: one of {', '.join(ALL_PRESETS)}")
    params: object = parse(PRESETS[preset].params, options, preset)
    problems = params.check()  # type: ignore[attr-defined]
    if problems:
        raise PresetError(f"preset {preset}: " + "; ".join(problems))
    return params


def build(preset: str, seed: int, **options: object) -> tuple[Generated, list[str]]:
    """The scenario in memory and the header lines of its scenario.toml."""
    params = params_of(preset, options)
    draft, notes = PRESETS[preset].build(params, seed)
    g = finish(np.random.default_rng([seed, 7]), draft)
    opts = describe(params)
    notes = [f"Options: {opts}", *notes]
    return g, notes


def generate(preset: str, seed: int, out_dir: str | Path, **options: object) -> Path:
    """Write the scenario folder of ``preset`` (any of ALL_PRESETS) and return it."""
    if preset in FIRST_PRESETS:
        if options:
            raise PresetError(f"preset {preset} takes no options (got "
                              f"{', '.join(sorted(options))})")
        from optimizer.synth.voronoi.generate import generate as first_generate

        return first_generate(preset, seed, out_dir)
    from optimizer.synth.write import write

    g, notes = build(preset, seed, **options)
    size = f" --size {options['size']}" if "size" in options else ""
    command = f"python -m optimizer generate --preset {preset} --seed {seed}{size}" + "".join(
        f" --option {k}={_text(v)}" for k, v in sorted(options.items()) if k != "size") + " OUT"
    return write(g, Path(out_dir), command, notes, PRESETS[preset].time_limit_s)


def _text(v: object) -> str:
    return ",".join(str(x) for x in v) if isinstance(v, tuple | list) else str(v)
