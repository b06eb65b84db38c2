"""The search: decomposition, CP-SAT per component, assembly into a Plan; under a
``[budget]``, boundaries priced against it and phased (:mod:`optimizer.search.budgeted`)."""

from optimizer.search.budgeted import solve

__all__ = ["solve"]
