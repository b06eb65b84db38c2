"""Helpers for the filing tests: read a .docx as the bureau would, and find English."""

from __future__ import annotations

import re
import shutil
import zipfile
from io import BytesIO
from pathlib import Path

import docx
from fontTools.ttLib import TTFont

from optimizer.report.filing.docx_fonts import obfuscate
from optimizer.report.places import county_name, street_name
from optimizer.scenario.model import Scenario
from tests.helpers.paths import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "filing"
DEMO = ROOT / "scenarios" / "demo"
PDF_TOOLS = ("soffice", "pdffonts", "pdftotext", "pdftoppm")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-/]*")


def missing_pdf_tools() -> list[str]:
    return [t for t in PDF_TOOLS if shutil.which(t) is None]


def headings(path: Path) -> list[str]:
    d = docx.Document(str(path))
    return [p.text for p in d.paragraphs if p.style is not None
            and p.style.name.startswith("Heading")]


def all_text(path: Path) -> list[str]:
    d = docx.Document(str(path))
    out = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            out += [c.text for c in row.cells]
    return out


def table(path: Path, first_headers: tuple[str, ...]) -> list[list[str]]:
    """The rows (header first) of the table whose header starts with these cells."""
    d = docx.Document(str(path))
    for t in d.tables:
        head = [c.text for c in t.rows[0].cells]
        if tuple(head[:len(first_headers)]) == first_headers:
            return [[c.text for c in row.cells] for row in t.rows]
    raise AssertionError(f"no table with headers {first_headers}")


def column(rows: list[list[str]], header: str) -> list[str]:
    k = rows[0].index(header)
    return [r[k] for r in rows[1:]]


def number(text: str) -> float:
    return float(text.replace(",", "")) if text.strip() else 0.0


def data_words(scenario: Scenario) -> set[str]:
    """Latin words that are data (names as the scenario spells them, rendered in
    Chinese: the pinyin stem of 'Fuwan Town' is data, 'Town' is not)."""
    names = [county_name(c, "zh") for c in scenario.county]
    names += [street_name(s, "zh") for s in scenario.street]
    names += [c or "" for c in (scenario.current_community or ())]
    return {w for n in names for w in _LATIN.findall(n)}


def english_words(texts: list[str], allowed: set[str]) -> set[str]:
    """Latin-letter words that are neither codes (ids, rule ids, file names: with a digit,
    '_', '.', '-' or all capitals) nor data."""
    out = set()
    for text in texts:
        for word in _LATIN.findall(text):
            if re.search(r"[0-9_.\-/]", word) or word.isupper() or word in allowed:
                continue
            out.add(word)
    return out


def embedded_fonts(path: Path) -> dict[str, TTFont]:
    """The fonts embedded in a .docx, de-obfuscated, by family name."""
    with zipfile.ZipFile(path) as zf:
        table_xml = zf.read("word/fontTable.xml").decode("utf-8")
        rels = zf.read("word/_rels/fontTable.xml.rels").decode("utf-8")
        out = {}
        for name, rid, key in re.findall(r'<w:font w:name="([^"]+)">.*?<w:embedRegular '
                                         r'r:id="([^"]+)" w:fontKey="([^"]+)"/>', table_xml):
            target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels)
            assert target is not None
            data = obfuscate(zf.read("word/" + target.group(1)), key)
            out[name] = TTFont(BytesIO(data))
    return out
