"""The xlsx annex: every table of the two plans, one sheet each, numbers as numbers and
every text cell stored as text (a name starting with "=" never becomes a formula)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from optimizer.report.filing.model import AREA, INT, MONEY, NUMBER, SHARE, Table
from optimizer.report.xlsx import text_width

FORMATS = {INT: "#,##0", MONEY: "#,##0", AREA: "#,##0.0", SHARE: "0.0%", NUMBER: "General"}
FILL = PatternFill("solid", fgColor="DDE5F0")
MAX_WIDTH = 60
_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    """The caption without its number, made a legal, unique sheet name (≤ 31 chars)."""
    name = _BAD.sub("", re.sub(r"^(附表|表|Annex table|Table)\s*\d+[.\s]*", "", title)).strip()
    name = name[:31] or "sheet"
    base, k = name, 2
    while name in used:
        name = f"{base[:28]}({k})"
        k += 1
    used.add(name)
    return name


def _put(ws: Any, row: int, col: int, value: Any, kind: str) -> Any:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, bool) or value is None or value == "":
        cell.value = None if value in (None, "") else str(value)
    elif isinstance(value, (int, float)):
        cell.value = value
        cell.number_format = FORMATS.get(kind, "General")
    else:
        cell.value = str(value)
        cell.data_type = "s"            # text, even when it starts with "="
    return cell


def write_annex(tables: Iterable[Table], path: Path, title: str, date: dt.date) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for t in tables:
        ws = wb.create_sheet(_sheet_name(t.title, used))
        ws.cell(row=1, column=1, value=t.title).font = Font(bold=True)
        ws.cell(row=1, column=1).data_type = "s"
        widths = [text_width(h) for h in t.headers]
        for c, h in enumerate(t.headers, start=1):
            cell = _put(ws, 2, c, h, "text")
            cell.font, cell.fill = Font(bold=True), FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        rows = [*t.rows, *([t.total] if t.total is not None else [])]
        for r, values in enumerate(rows, start=3):
            for c, (v, kind) in enumerate(zip(values, t.kinds, strict=True), start=1):
                _put(ws, r, c, v, kind)
                shown = f"{v:,.1f}" if isinstance(v, float) else str(v if v is not None else "")
                widths[c - 1] = max(widths[c - 1], text_width(shown))
        if t.total is not None:
            for c in range(1, len(t.headers) + 1):
                ws.cell(row=2 + len(rows), column=c).font = Font(bold=True)
        for k, note in enumerate(t.notes, start=len(rows) + 4):
            _put(ws, k, 1, note, "text")
        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, w + 2)
        ws.freeze_panes = "A3"
    props = wb.properties
    props.title, props.creator = title, "community-optimizer"
    props.created = props.modified = dt.datetime(date.year, date.month, date.day)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
