"""A :class:`.model.Document` as a Word file (python-docx): A4 with the margins of an
official document (GB/T 9704), a cover page, headings by level, tables with a repeated
header row (wide ones on landscape pages), figures with captions, page numbers
("— 1 —"), East Asian font names on every style (w:eastAsia) and the fonts embedded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from optimizer.report.filing.docx_fonts import SANS, SERIF, embed_fonts
from optimizer.report.filing.model import (
    AREA,
    INT,
    MONEY,
    NUMBER,
    SHARE,
    TEXT,
    Document,
    Figure,
    Heading,
    Para,
    Table,
    TableBlock,
)

PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGINS = (Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6))      # top, bottom, left, right
HEADER_FILL = "DDE5F0"
TABLE_TEXT = "Table Text"
TEXT_WIDTH_CM = {False: 21.0 - 2.8 - 2.6, True: 29.7 - 2.5 - 2.5}  # portrait, landscape


def _fonts(style_or_run: Any, family: str, size: float | None = None,
           lang: str = "zh-CN") -> None:
    """Latin and East Asian font names, size and language on a style or run."""
    font = style_or_run.font
    font.name = family
    if size:
        font.size = Pt(size)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)        # a theme font would win over the name
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), "en-US")
    lang_el.set(qn("w:eastAsia"), lang)


def _defaults(doc: Any) -> None:
    """docDefaults: the fonts of any text no style names (no theme fonts)."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.attrib.clear()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), SERIF)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    _defaults(doc)
    styles = doc.styles
    _fonts(styles["Normal"], SERIF, 12)
    styles["Normal"].paragraph_format.line_spacing = 1.35
    cell = styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    _fonts(cell, SERIF, 9)
    cell.paragraph_format.line_spacing = 1.0
    cell.paragraph_format.space_before = cell.paragraph_format.space_after = Pt(1)
    title_ppr = styles["Title"].element.find(qn("w:pPr"))
    if title_ppr is not None and title_ppr.find(qn("w:pBdr")) is not None:
        title_ppr.remove(title_ppr.find(qn("w:pBdr")))     # the template's blue rule
    for name, size, family in (("Title", 22, SERIF), ("Heading 1", 16, SANS),
                               ("Heading 2", 13, SANS), ("Caption", 10, SANS)):
        st = styles[name]
        _fonts(st, family, size)
        st.font.bold = name == "Title"
        st.font.italic = False
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.paragraph_format.space_before = Pt(12 if name.startswith("Heading") else 4)
        st.paragraph_format.space_after = Pt(6)
        st.paragraph_format.keep_with_next = name != "Title"
    for name in ("Quote", "Table Grid"):
        _fonts(styles[name], SERIF, 10.5 if name == "Quote" else 9)
    styles["Quote"].font.italic = False


def _page_number(section: Any) -> None:
    """'— PAGE —' centred in the footer."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    p.add_run(" —")


def _orient(doc: Any, landscape: bool) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (PAGE_H, PAGE_W) if landscape else (PAGE_W, PAGE_H)
    top, bottom, left, right = MARGINS
    if landscape:
        top, bottom, left, right = Cm(2.6), Cm(2.4), Cm(2.5), Cm(2.5)
    section.top_margin, section.bottom_margin = top, bottom
    section.left_margin, section.right_margin = left, right


def cell_text(value: Any, kind: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if kind == INT:
        return f"{int(value):,}"
    if kind == MONEY:
        return f"{float(value):,.0f}"
    if kind == AREA:
        return f"{float(value):,.1f}"
    if kind == SHARE:
        return f"{100 * float(value):.1f}%"
    if kind == NUMBER:
        f = float(value)
        return f"{f:,.0f}" if f == int(f) and abs(f) >= 1000 else f"{f:g}"
    return str(value)


def _shade(cell: Any) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), HEADER_FILL)
    cell._tc.get_or_add_tcPr().append(shd)


def _widths(t: Table, texts: list[list[str]]) -> list[float]:
    """Column widths (cm): numbers never wrap; text columns share the rest of the page
    in proportion to their longest text."""
    from optimizer.report.xlsx import text_width

    unit, pad = 0.17, 0.35                  # cm per half-width character at 9 pt; padding
    need = []
    for k, head in enumerate(t.headers):
        longest = max([text_width(row[k]) for row in texts] + [min(text_width(head), 8)])
        need.append(min(max(longest, 3), 40) * unit + pad)
    total = TEXT_WIDTH_CM[t.wide]
    numeric = [k for k, kind in enumerate(t.kinds) if kind != TEXT]
    if sum(need) <= total:
        return [w * total / sum(need) for w in need]
    fixed = sum(need[k] for k in numeric)
    rest = [k for k in range(len(need)) if k not in numeric]
    free = max(total - fixed, 1.2 * len(rest))
    share = sum(need[k] for k in rest) or 1.0
    return [need[k] if k in numeric else max(1.2, free * need[k] / share)
            for k in range(len(need))]


def _table(doc: Any, t: Table) -> None:
    doc.add_paragraph(t.title, style="Caption").alignment = WD_ALIGN_PARAGRAPH.CENTER
    rows = [*t.rows, *([t.total] if t.total is not None else [])]
    texts = [[cell_text(v, k) for v, k in zip(r, t.kinds, strict=True)] for r in rows]
    widths = _widths(t, texts)
    table = doc.add_table(rows=1 + len(rows), cols=len(t.headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, w in zip(table.columns, widths, strict=True):
        col.width = Cm(w)
    header = table.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")        # the header row on every page
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, text, w in zip(header.cells, t.headers, widths, strict=True):
        _cell(cell, text, w, WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell)
    for r, (values, shown) in enumerate(zip(rows, texts, strict=True), start=1):
        cells = table.rows[r].cells
        for cell, value, text, w in zip(cells, values, shown, widths, strict=True):
            number = not isinstance(value, str) and value is not None
            _cell(cell, text, w, WD_ALIGN_PARAGRAPH.RIGHT if number else None)
    for note in t.notes:
        doc.add_paragraph(note, style="Quote")


def _cell(cell: Any, text: str, width_cm: float, align: Any,
          style: str = TABLE_TEXT) -> None:
    cell.width = Cm(width_cm)
    p = cell.paragraphs[0]
    p.style = style
    p.add_run(text)
    if align is not None:
        p.alignment = align


def _cover(doc: Any, d: Document) -> None:
    for _ in range(3):
        doc.add_paragraph()
    title = doc.add_paragraph(d.cover.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for _ in range(2):
        doc.add_paragraph()
    table = doc.add_table(rows=len(d.cover.lines), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Cm(3.2), Cm(11.0)
    for row, (label, value) in zip(table.rows, d.cover.lines, strict=True):
        _cell(row.cells[0], label, 3.2, None, "Normal")
        _cell(row.cells[1], value, 11.0, None, "Normal")
    doc.add_paragraph()
    issuer = doc.add_paragraph(d.cover.issuer)
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date = doc.add_paragraph(d.cover.date)
    date.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date.add_run().add_break(WD_BREAK.PAGE)


def write_docx(d: Document, path: Path, lang: str, date: dt.date) -> Path:
    """Write ``d`` to ``path``; the fonts are embedded (subset to the text)."""
    doc = new_docx()
    _styles(doc)
    first = doc.sections[0]
    first.page_width, first.page_height = PAGE_W, PAGE_H
    first.top_margin, first.bottom_margin, first.left_margin, first.right_margin = MARGINS
    first.different_first_page_header_footer = True      # no number on the cover
    _page_number(first)
    props = doc.core_properties
    props.title, props.author, props.language = d.title, d.cover.issuer, \
        "zh-CN" if lang == "zh" else "en"
    stamp = dt.datetime(date.year, date.month, date.day)
    props.created = props.modified = stamp
    props.last_modified_by, props.revision = d.cover.issuer, 1
    _cover(doc, d)
    doc.add_paragraph(d.title, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    landscape = False
    for block in d.blocks:
        wide = isinstance(block, TableBlock) and block.table.wide
        if wide != landscape:
            _orient(doc, wide)
            landscape = wide
        if isinstance(block, Heading):
            doc.add_paragraph(block.text, style=f"Heading {block.level}")
        elif isinstance(block, Para):
            p = doc.add_paragraph(block.text, style="Quote" if block.style != "body"
                                  else "Normal")
            if block.style == "body":
                p.paragraph_format.first_line_indent = Pt(24)
        elif isinstance(block, TableBlock):
            _table(doc, block.table)
        elif isinstance(block, Figure):
            doc.add_picture(str(block.path), width=Cm(14.5))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cap = doc.add_paragraph(block.caption, style="Caption")
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    embed_fonts(path)
    return path
