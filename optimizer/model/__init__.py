"""The community planner's OR-Tools models on one piece: the CP-SAT model (partition,
centers and remedies, staffing, costs), set partitioning over listed communities,
and the bounds (arithmetic, relaxations, Lagrangian)."""
