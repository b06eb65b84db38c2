"""What :func:`optimizer.districting.solve.solve_graph` is asked: the bounds, the
objective and how to search, as one frozen, validated value.

A bad value raises at once, naming every field that is wrong (not deep in the
model, as a CP-SAT error about an empty domain)."""

from __future__ import annotations

import math
from dataclasses import dataclass

OBJECTIVES = ("cut_edges", "hess")
CONTIGUITY = ("flow", "none")


@dataclass(frozen=True)
class GraphSolveParams:
    """Contiguous districts of weight in [``lo``, ``hi``]: ``k`` of them (None: any
    feasible number), objective ``"cut_edges"`` (edges between districts) or
    ``"hess"`` (weight × squared distance to the district's center node; needs
    coordinates). ``contiguity``: "flow" (exact) or "none".

    ``weight`` and ``coords``: the node attributes read from a networkx graph (a
    :class:`~optimizer.districting.graph.GraphArrays` carries its own).
    ``heuristic_s``: without a hint, fixed-k cut edges first spends this (at most a
    quarter of the limit; None: 30 s or a twentieth of the limit, whichever is more;
    0: none) on :func:`optimizer.districting.heuristic.heuristic_plan`.
    ``workers`` = 0: the default portfolio of CP-SAT for the first-solution phase,
    then the bound phase. ``fixing``: for fixed-k cut edges with contiguity, order
    the nodes and fix variables as in :mod:`optimizer.districting.fixing` (False:
    breadth-first order, no fixing; kept for comparison). ``mip``: for fixed-k cut
    edges with the fixing, also run the SCIP MIP of :mod:`optimizer.districting.mip`
    on one thread beside CP-SAT; None: when at least two threads are allowed.
    ``log``: CP-SAT's search log on stdout."""

    lo: int
    hi: int
    k: int | None = None
    objective: str = "cut_edges"
    contiguity: str = "flow"
    time_limit_s: float = 60.0
    workers: int = 0
    seed: int = 0
    weight: str = "population"
    coords: tuple[str, str] = ("x", "y")
    heuristic_s: float | None = None
    fixing: bool = True
    mip: bool | None = None
    log: bool = False

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("GraphSolveParams: " + "; ".join(problems))

    def problems(self) -> list[str]:
        """Every field that is wrong, as 'field: what is wrong (value)'."""
        out = []

        def whole(v: object) -> bool:
            return isinstance(v, int) and not isinstance(v, bool)

        def number(v: object) -> bool:
            return isinstance(v, int | float) and not isinstance(v, bool) \
                and math.isfinite(float(v))

        if not whole(self.lo) or self.lo < 0:
            out.append(f"lo: must be a whole number >= 0 (got {self.lo!r})")
        if not whole(self.hi) or self.hi < 1:
            out.append(f"hi: must be a whole number >= 1 (got {self.hi!r})")
        elif whole(self.lo) and self.lo > self.hi:
            out.append(f"hi: must be at least lo = {self.lo} (got {self.hi!r})")
        if self.k is not None and (not whole(self.k) or self.k < 1):
            out.append(f"k: must be a whole number >= 1 or None (got {self.k!r})")
        if self.objective not in OBJECTIVES:
            out.append(f"objective: must be one of {', '.join(OBJECTIVES)} "
                       f"(got {self.objective!r})")
        if self.contiguity not in CONTIGUITY:
            out.append(f"contiguity: must be one of {', '.join(CONTIGUITY)} "
                       f"(got {self.contiguity!r})")
        if not number(self.time_limit_s) or self.time_limit_s <= 0:
            out.append(f"time_limit_s: must be a finite number of seconds > 0 "
                       f"(got {self.time_limit_s!r})")
        if not whole(self.workers) or self.workers < 0:
            out.append(f"workers: must be a whole number >= 0 (got {self.workers!r})")
        if not whole(self.seed):
            out.append(f"seed: must be a whole number (got {self.seed!r})")
        if self.heuristic_s is not None and (not number(self.heuristic_s)
                                             or self.heuristic_s < 0):
            out.append(f"heuristic_s: must be a number of seconds >= 0 or None "
                       f"(got {self.heuristic_s!r})")
        if not (isinstance(self.coords, tuple) and len(self.coords) == 2):
            out.append(f"coords: must be two attribute names (got {self.coords!r})")
        return out
