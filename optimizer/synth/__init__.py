"""Synthetic scenario folders for tests, benchmarks and demos (never read by the
engine itself): the Voronoi presets (:mod:`.voronoi`)."""

from optimizer.synth.voronoi import PRESETS, generate

__all__ = ["PRESETS", "generate"]
