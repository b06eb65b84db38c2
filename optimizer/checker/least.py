"""The checker's own exact search for the fewest households a stranded part must give
to the communities of units above the maximum.

An oversized unit's exemption may say that units of a part cut off by units above the
maximum joined its community, and that "no plan gives fewer households to the
communities of units above the maximum". The checker proves or refutes that with this
search, written apart from the solver's listing and set partitioning
(optimizer/search/oversized_least.py):

a plan of the part is a set J of units that join (each connected part of J borders a
unit above the maximum, so it can join that unit's community) and a split of the rest
into connected communities of lo..hi households (each with a place for its center,
with ``can_host``). The search looks for such a plan with fewer than ``below``
households in J: the lowest unit not yet placed either joins or lies in a group of
lo..hi households holding it (every such group listed once, :class:`split.Bits`), and
a branch stops once its joined households plus what the arithmetic says the rest must
give (:func:`least_to_give` per connected part) reach ``below``. Every plan is reached,
so "none found" is a proof; beyond ``max_steps`` groups grown the answer is undecided.

``valid(joined)`` (optional) rejects a J whose oversized communities could have no
center (the checker's test of where they join, :mod:`optimizer.checker.stranded`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from optimizer.checker.split import Bits, OutOfSteps, Rooms

LEAST_STEPS = 200_000


def least_to_give(households: int, lo: int, hi: int) -> int:
    """The fewest households a connected part of ``households`` must give away so that
    what stays is 0 or k·lo..k·hi for a whole k (arithmetic: a lower bound)."""
    best = households
    k = 1
    while k * lo <= households:
        best = min(best, max(0, households - k * hi))
        k += 1
    return best


@dataclass(frozen=True)
class LeastAnswer:
    """``fewer``: True (``joined`` and ``groups`` are a plan giving fewer than
    ``below``), False (no plan does) or None (beyond the step bound: undecided)."""

    fewer: bool | None
    joined: tuple[int, ...] = ()
    groups: tuple[tuple[int, ...], ...] = ()
    steps: int = 0


def fewer_joined(units: Sequence[int], households: Sequence[int],
                 neighbours: Sequence[Iterable[int]], borders: set[int], lo: int, hi: int,
                 below: int, can_host: Callable[[int, int], bool] | None = None,
                 valid: Callable[[list[tuple[int, ...]]], bool] | None = None,
                 max_steps: int = LEAST_STEPS, rooms: Rooms | None = None) -> LeastAnswer:
    """A plan of ``units`` (one connected part) joining fewer than ``below`` households
    to the units above the maximum; ``borders``: the units of the part next to one."""
    bits = Bits(units, households, neighbours, lo, hi, max_steps, can_host, rooms)
    touch = sum(1 << k for k, u in enumerate(bits.units) if u in borders)

    # The same rest is reached through many orders of its groups: its arithmetic is
    # kept (a 50-unit part's 200,000 steps took 2.5 s without, 1.0 s with; 90% hits).
    owed: dict[int, int] = {}

    def must_give(mask: int) -> int:
        got = owed.get(mask)
        if got is None:
            got = owed[mask] = sum(least_to_give(h, lo, hi) for _, h in bits.parts(mask))
        return got

    def joinable(joined: int) -> bool:
        comps = [m for m, _ in bits.parts(joined)]
        if any(not m & touch for m in comps):
            return False
        return valid is None or valid([bits.ids(m) for m in comps])

    def search(mask: int, joined: int, given: int, groups: list[int]
               ) -> tuple[int, list[int]] | None:
        if given + must_give(mask) >= below:
            return None
        if not mask:
            return (joined, groups) if joinable(joined) else None
        low = mask & -mask
        for g in bits.groups(mask):
            got = search(mask & ~g, joined, given, [*groups, g])
            if got is not None:
                return got
        bits.steps += 1
        if bits.steps > max_steps:
            raise OutOfSteps
        return search(mask & ~low, joined | low, given + bits.w[low.bit_length() - 1], groups)

    try:
        got = search((1 << bits.n) - 1, 0, 0, [])
    except (OutOfSteps, RecursionError):
        return LeastAnswer(None, steps=bits.steps)
    if got is None:
        return LeastAnswer(False, steps=bits.steps)
    joined, groups = got
    return LeastAnswer(True, bits.ids(joined), tuple(bits.ids(g) for g in groups), bits.steps)


__all__ = ["LEAST_STEPS", "LeastAnswer", "fewer_joined", "least_to_give"]
