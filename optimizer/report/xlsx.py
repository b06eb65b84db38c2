"""plan.xlsx: one sheet per official table, numbers as numbers, frozen headers.

Text is data: every text cell is written as a string cell, never as a formula, so a
street or site named ``=HYPERLINK(...)`` shows as that text (openpyxl would store any
string starting with ``=`` as a formula). Text that a spreadsheet would read as a
formula when typed in (``=``, ``+``, ``-``, ``@``) also gets the quote prefix, so
editing the cell in Excel keeps it text. This is the file to open in a spreadsheet:
the plan CSVs keep values exactly for other tools (see :mod:`optimizer.plan.io`).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from optimizer.names import starts_like_formula
from optimizer.plan.exemption import Reasons
from optimizer.report import labels
from optimizer.report.tables import translate

MAX_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")


MAX_CELL_CHARS = 32_767   # Excel refuses a file with a longer cell


def _text(v: str) -> str:
    """Text an xlsx can hold: XML-illegal control characters shown as escapes (such
    as ``\\x07``), cut to Excel's cell limit."""
    v = ILLEGAL_CHARACTERS_RE.sub(lambda m: m.group().encode("unicode_escape").decode(), v)
    return v if len(v) <= MAX_CELL_CHARS else v[:MAX_CELL_CHARS - 1] + "…"


def _as_text(cell: Cell) -> None:
    """Store a string cell as a string, never a formula (module docstring)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if starts_like_formula(cell.value):
            cell.quotePrefix = True


def _cell(v: object) -> object:
    """A value openpyxl stores natively: numpy scalars to Python, NaN to empty."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else None
    return _text(str(v))


def text_width(text: str) -> int:
    """Display width: a CJK character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _format(key: str) -> str | None:
    if key.endswith("_yuan"):
        return "#,##0"
    if key.endswith("_m2"):
        return "#,##0.0"
    if key.endswith("_share"):
        return "0.0%"
    if key == "area_km2":
        return "0.000"
    return None


def write_workbook(tables: Mapping[str, pd.DataFrame], path: Path, lang: str,
                   records: Mapping[str, Reasons] | None = None) -> Path:
    """Write the tables (language-neutral keys) with the headers of ``lang`` (an
    exemption's Chinese from its records, where ``records`` has them)."""
    wb = Workbook()
    wb.remove(wb.active)
    for key, df in tables.items():
        ws = wb.create_sheet(labels.sheet(key, lang)[:31])
        shown = translate(df, lang, records)
        ws.append([_text(str(c)) for c in shown.columns])
        for row in shown.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
        for cells in ws.iter_rows():
            for cell in cells:
                _as_text(cell)
        for col, name in enumerate(df.columns, start=1):
            fmt = _format(str(name))
            letter = get_column_letter(col)
            cells = ws[letter]
            head = cells[0]
            head.font = Font(bold=True)
            head.fill = HEADER_FILL
            head.alignment = Alignment(wrap_text=True, vertical="center")
            width = text_width(str(head.value))
            for c in cells[1:]:
                if fmt and isinstance(c.value, (int, float)):
                    c.number_format = fmt
                shown_len = len(f"{c.value:,.1f}") if isinstance(c.value, float) else \
                    text_width(str(c.value or ""))
                width = max(width, shown_len)
            ws.column_dimensions[letter].width = min(MAX_WIDTH, width + 2)
        ws.freeze_panes = "B2" if key in ("layout", "rooms", "staffing", "changes") else "A2"
        ws.auto_filter.ref = ws.dimensions
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
