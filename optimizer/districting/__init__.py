"""The general districting layer: contiguous districts of weight in [lo, hi] on any
node-weighted graph, k fixed or free, fewest cut edges or the Hess moment of inertia.

It knows weights, not households: the community planner (:mod:`optimizer.model`)
builds on its partition model (:mod:`~optimizer.districting.partition`) with a
:class:`Region` whose weights are households. Every plan can be re-checked with
:func:`check_districting`, which shares no code with the solvers.
"""

from optimizer.districting.check import DistrictingCheck, check_districting, infeasibility_reason
from optimizer.districting.graph import GraphArrays, adjacency_cuts, graph_arrays, make_arrays
from optimizer.districting.params import GraphSolveParams
from optimizer.districting.partition import Partition, add_partition
from optimizer.districting.region import Region, geodesic, reach
from optimizer.districting.result import DistrictingResult
from optimizer.districting.solve import add_cut_edges, solve_graph

__all__ = ["DistrictingCheck", "DistrictingResult", "GraphArrays", "GraphSolveParams",
           "Partition", "Region",
           "add_cut_edges", "add_partition", "adjacency_cuts", "check_districting", "geodesic",
           "graph_arrays", "infeasibility_reason", "make_arrays", "reach", "solve_graph"]
