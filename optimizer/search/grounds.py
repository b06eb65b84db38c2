"""Which communities of a plan outside the household bounds have a ground for it: a
core's unit they hold (optimizer.search.core), or a proof among their exemptions.
Where none, the checker rejects the break (SIZE-URBAN / SIZE-RURAL: "only a community
holding one is exempt on that ground"), so the search looks again (wild seed 850)."""

from __future__ import annotations

from collections.abc import Sequence

from optimizer.model.piece import PieceData
from optimizer.plan.exemption import Exemption, Reasons
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice


def _outside(scenario: Scenario, data: PieceData, ch: Choice) -> bool:
    return not data.lo <= int(scenario.households[list(ch.members)].sum()) <= data.hi


def away(scenario: Scenario, data: PieceData, choices: tuple[Choice, ...],
         breakers: frozenset[int]) -> bool:
    """Whether a community of ``choices`` outside the bounds holds none of ``breakers``
    (local units; never where there are none)."""
    if not breakers:
        return False
    held = {int(data.units[u]) for u in breakers}
    return any(_outside(scenario, data, ch) and not held & set(ch.members) for ch in choices)


def ground(data: PieceData, cores: tuple[tuple[tuple[int, ...], Exemption], ...],
           members: tuple[int, ...], reason: Exemption) -> Exemption:
    """The record grounding a community of ``members`` (scenario indices) outside the
    bounds: that of the first core (local units) it holds a unit of, else ``reason``."""
    held = set(members)
    return next((record for units, record in cores
                 if any(int(data.units[u]) in held for u in units)), reason)


def unproven(scenario: Scenario, data: PieceData, choices: Sequence[Choice],
             exemptions: Sequence[Reasons]) -> bool:
    """Whether a community of ``choices`` outside the bounds has no proof for it: no
    exemption, or only ones the search says are not proven ("none found in time")."""
    return any(_outside(scenario, data, ch) and not any(ex.proven for ex in exs)
               for ch, exs in zip(choices, exemptions, strict=True))


__all__ = ["away", "ground", "unproven"]
