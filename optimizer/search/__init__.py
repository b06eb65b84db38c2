"""The search: decomposition, CP-SAT per component, assembly into a Plan."""

from optimizer.search.driver import solve

__all__ = ["solve"]
