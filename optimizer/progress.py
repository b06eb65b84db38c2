"""Progress reporting: the library calls a callback with ProgressEvents; the CLI renders
them (:mod:`optimizer.cli.progress`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ProgressEvent:
    done: int               # components finished
    total: int              # components in all
    objective: float        # sum over finished components (yuan/year)
    bound: float            # sum of their proven bounds
    elapsed_s: float
    current: str = ""       # what is being solved now

    @property
    def gap(self) -> float:
        return (self.objective - self.bound) / self.objective if self.objective > 0 else 0.0


class Progress(Protocol):
    def __call__(self, event: ProgressEvent) -> None: ...
