"""Geometry at the edge: the only place (with loading and writers) that uses shapely."""

from optimizer.geo.neighbours import neighbour_edges

__all__ = ["neighbour_edges"]
