"""The search: decomposition, CP-SAT per component, assembly into a Plan."""

from optimizer.search.solve import solve

__all__ = ["solve"]
