"""The filing's documents as plain data: blocks (headings, paragraphs, tables, figures)
that the Word writer (:mod:`.docx_write`) and the annex writer (:mod:`.annex`) render.
Building the content and rendering it stay apart, so tests can read either."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Column kinds: how a cell is printed (docx) and formatted (xlsx).
TEXT, INT, MONEY, AREA, SHARE, NUMBER = "text", "int", "money", "area", "share", "number"


@dataclass(frozen=True)
class Table:
    key: str                            # annex sheet key
    title: str                          # caption, e.g. 表1 社区布局规划表
    headers: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: tuple[Any, ...] | None = None
    notes: tuple[str, ...] = ()
    wide: bool = False                  # printed on a landscape page

    def column(self, header: str) -> list[Any]:
        k = self.headers.index(header)
        return [r[k] for r in self.rows]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "body"                 # body | quote | note


@dataclass(frozen=True)
class TableBlock:
    table: Table


@dataclass(frozen=True)
class Figure:
    path: Path
    caption: str


Block = Heading | Para | TableBlock | Figure


@dataclass(frozen=True)
class Cover:
    title: str                          # the full official title
    county: str
    issuer: str
    date: str
    lines: tuple[tuple[str, str], ...]  # (label, value) rows under the title


@dataclass
class Document:
    key: str                            # "layout" | "rooms"
    title: str
    cover: Cover
    blocks: list[Block] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if isinstance(b, TableBlock)]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]
