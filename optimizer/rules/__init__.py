"""The opinion's numbers and prices: Policy (rule numbers with their ids), Costs and
objective weights (our assumptions, each with its reasoning), the remedies and their
pricing, and the checks of overrides. Imports nothing of ours but errors."""

from optimizer.rules.costs import Costs, ObjectiveWeights
from optimizer.rules.policy import Policy
from optimizer.rules.solver import SolverParams

__all__ = ["Costs", "ObjectiveWeights", "Policy", "SolverParams"]
