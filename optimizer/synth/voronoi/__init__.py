"""The original generator (presets town, county, city): Voronoi cells around points
laid out at Yancheng's real county seats; see :mod:`.generate`."""

from optimizer.synth.voronoi.generate import PRESETS, build, generate

__all__ = ["PRESETS", "build", "generate"]
