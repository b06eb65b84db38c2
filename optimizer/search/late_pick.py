"""How optimizer.search.late_first weighs a FACILITY-95-marked piece's two results
(its marked and its unmarked search) and the two whole plans they make: the household
bounds first, as a rule (SIZE-URBAN / SIZE-RURAL), then FACILITY-95's misses not
forced, a target, then the cost. Each marked plan is only a means to that target."""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.scenario.model import Scenario
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceResult


@dataclass(frozen=True)
class Weighed:
    """A whole plan as :func:`mixed_first` weighs it."""

    outside: tuple[int, int]    # :func:`outside_of` its marked pieces
    misses: int                 # FACILITY-95's misses not forced (late_rooms.target_misses)
    objective: float | None


def outside(scenario: Scenario, res: PieceResult) -> tuple[int, int]:
    """How far ``res``'s communities break the household bounds: the households
    outside [lower, upper] summed over its communities, then how many are exempt."""
    h = scenario.households
    out = 0
    for ch in res.choices:
        lo, hi = scenario.policy.bounds(bool(scenario.urban[ch.center]))
        w = int(sum(int(h[u]) for u in ch.members))
        out += max(0, w - hi) + max(0, lo - w)
    return out, sum(1 for e in res.exemptions if e)


def outside_of(scenario: Scenario, results: dict[int, PieceResult], pieces: set[int]
               ) -> tuple[int, int]:
    """:func:`outside` summed over the ``pieces`` of ``results``."""
    got = [outside(scenario, r) for k, r in results.items() if k in pieces]
    return sum(g[0] for g in got), sum(g[1] for g in got)


def unmarked_kept(scenario: Scenario, marked: PieceResult, unmarked: PieceResult,
                  lost: bool) -> bool:
    """Whether a marked piece takes its unmarked search's result: where its marked
    one breaks the household bounds more, or as much while marks were lost in it
    (late_fallback.dropped) and it is no cheaper: two plans without those marks, the
    marked search's only split (piece._unmarked_split) or searched unmarked after
    all (piece_large: wild seed 603, 12 s of search against the unmarked 1.4 s)."""
    a, b = outside(scenario, marked), outside(scenario, unmarked)
    return a > b or (lost and a == b and plan_cost(scenario, unmarked.choices)
                     <= plan_cost(scenario, marked.choices))


def mixed_first(mixed: Weighed, plain: Weighed) -> bool:
    """Whether the plan of the pieces picked (``mixed``) stands over the unmarked
    search's (``plain``): it breaks the household bounds less, or as much with fewer
    misses, or as many and no dearer. Wild seed 279 (one worker, 30 s) on c2c56a2 kept
    the unmarked plan, 10 communities outside the bounds, for its fewer misses over
    the mixed one within them, and failed its check."""
    if mixed.outside != plain.outside:
        return mixed.outside < plain.outside
    if mixed.misses != plain.misses:
        return mixed.misses < plain.misses
    return (mixed.objective or 0.0) <= (plain.objective or 0.0)
