"""The live progress line of the CLI: renders the library's ProgressEvents with rich."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from optimizer.progress import ProgressEvent

__all__ = ["ConsoleProgress"]


class ConsoleProgress:
    """A live line on stderr: components done/total, objective, bound, gap, elapsed."""

    def __init__(self, enabled: bool = True, what: str = "components") -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.what = what        # "components" for a solve, "points" for a sweep
        self._live: Any = None
        self._last: ProgressEvent | None = None

    def __enter__(self) -> ConsoleProgress:
        if self.enabled:
            from rich.console import Console
            from rich.live import Live

            self._live = Live("", console=Console(stderr=True), refresh_per_second=4,
                              transient=False)
            self._live.__enter__()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._live is not None:
            self._live.__exit__(exc_type, exc, tb)
            self._live = None

    def __call__(self, event: ProgressEvent) -> None:
        self._last = event
        line = (f"{self.what} {event.done}/{event.total}  objective {event.objective:,.0f}  "
                f"bound {event.bound:,.0f}  gap {100 * event.gap:.2f}%  "
                f"elapsed {event.elapsed_s:.1f} s  {event.current}")
        if self._live is not None:
            from rich.text import Text

            # Text, not a str: rich would read "[...]" in a street name as markup.
            self._live.update(Text(line))
