"""The scenario as a graph: its independent pieces (the connected components of one
county, street and kind), what makes a piece provably impossible (the diagnosis), the
planner's locks resolved to units, and the scenario summary that names them."""

from optimizer.graph.diagnosis import Diagnosis, diagnose
from optimizer.graph.pieces import (
    Component,
    component_of,
    components,
    decompose,
    feasible_community_counts,
    is_connected,
    root_labels,
    unit_keys,
)

__all__ = ["Component", "Diagnosis", "component_of", "components", "decompose", "diagnose",
           "feasible_community_counts", "is_connected", "root_labels", "unit_keys"]
