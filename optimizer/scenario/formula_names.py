"""Names and ids a spreadsheet would run as a formula: a warning for ``validate``.

The plan CSVs keep every id and name exactly as the scenario spells it (other tools
and checkers read them: CONTRACT.md), so a street called ``=HYPERLINK(...)`` or a unit
id ``-5+1`` is written as it is, and Excel, opening such a CSV, may run it as a
formula. That is not an error in the data, so ``validate`` warns and names each one;
plan.xlsx, where every text cell is text, is the file to open in a spreadsheet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from optimizer.names import starts_like_formula
from optimizer.scenario.model import Scenario

SHOWN = 20   # values named per field; the count says how many more

_WHAT = "\"=\", \"+\", \"-\", \"@\", a tab or a line break"


def _field(label: str, values: Iterable[str | None], many: str = "units") -> str | None:
    counts = Counter(v for v in values if v is not None and starts_like_formula(v))
    if not counts:
        return None
    shown = [f"{v!r}" + (f" ({n} {many})" if n > 1 else "")
             for v, n in sorted(counts.items())[:SHOWN]]
    more = f" and {len(counts) - SHOWN} more" if len(counts) > SHOWN else ""
    return f"{label}: {', '.join(shown)}{more}"


def formula_warnings(scenario: Scenario) -> list[str]:
    """One line per field whose values start like a formula; [] when none does."""
    s = scenario
    found = [_field("scenario name", [s.name]),
             _field("units: unit_id", s.unit_ids), _field("units: county", s.county),
             _field("units: street", s.street),
             _field("units: current_community", s.current_community or ()),
             _field("sites.csv: site_id", s.sites.site_ids)]
    if s.communities_today is not None:
        found.append(_field(f"{s.communities_today.file}: services_x",
                            [x for r in s.communities_today for x in r.services_x or ()],
                            "communities"))
    lines = [f for f in found if f is not None]
    if not lines:
        return []
    return [f"names starting with {_WHAT}, which a spreadsheet may run as a formula when "
            "it opens a plan CSV (the CSVs keep them exactly, for other tools; open "
            "plan.xlsx, where they are plain text, or import the CSV with every column "
            "as Text):", *(f"  {line}" for line in lines)]
