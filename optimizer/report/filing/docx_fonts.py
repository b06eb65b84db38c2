"""Chinese fonts inside the .docx, so it shows Chinese on a machine without CJK fonts.

The shipped Noto Serif SC / Noto Sans SC (PyPI ``pylopdf-fonts-zh-cn``, OFL, installable
embedding) are subset to the characters the document uses, converted from CFF to
TrueType outlines (Word embeds TrueType), obfuscated as ECMA-376 Part 1 §17.8.1 asks
(the first 32 bytes XORed with the font key GUID) and stored as word/fonts/*.odttf,
named in fontTable.xml with ``w:embedRegular``. Word and LibreOffice use them when the
font is not installed.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from functools import lru_cache
from pathlib import Path

# The embedded subsets carry a family name of their own: LibreOffice mixes glyphs up when
# an embedded subset and an installed font share a name (boxes where the two differ).
SERIF, SANS = "Noto Serif SC Embedded", "Noto Sans SC Embedded"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# Characters every document may need besides its own text (digits, punctuation).
BASE_TEXT = "".join(chr(c) for c in range(0x20, 0x7F)) + "—–“”‘’、,。:;()〔〕《》·…%㎡²×"


@lru_cache(maxsize=1)
def font_files() -> dict[str, Path]:
    """Family -> the shipped OpenType file (empty when the package is missing)."""
    try:
        import pylopdf_fonts_zh_cn as pkg
    except ImportError:
        return {}
    out = {SERIF: Path(pkg.serif_path()), SANS: Path(pkg.sans_path())}
    return {k: v for k, v in out.items() if v.is_file()}


def _quadratic(font):  # type: ignore[no-untyped-def]
    """CFF outlines -> TrueType glyf (fontTools' otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    quad = {}
    for name in glyphs.keys():
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        quad[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = quad
    for g in quad.values():
        g.recalcBounds(glyf)
    for tag in ("CFF ", "VORG", "DSIG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, g in glyf.glyphs.items():
        if hasattr(g, "xMin"):
            hmtx[name] = (hmtx[name][0], g.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones",):
        setattr(maxp, field, 1)
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.numGlyphs = len(order)
    maxp.recalc(font)
    post = font["post"]
    post.formatType = 3.0           # no glyph names: smaller, and CID fonts have none
    font.sfntVersion = "\x00\x01\x00\x00"
    return font


def _rename(font, family: str) -> None:  # type: ignore[no-untyped-def]
    ps = family.replace(" ", "") + "-Regular"
    for rec in font["name"].names:
        if rec.nameID in (1, 16):
            rec.string = family
        elif rec.nameID == 4:
            rec.string = family
        elif rec.nameID in (3, 6):
            rec.string = ps


def subset_truetype(path: Path, text: str, family: str | None = None) -> bytes:
    """The font at ``path`` cut to the characters of ``text`` (and BASE_TEXT), as TrueType,
    named ``family`` when given."""
    from fontTools import subset

    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = ["*"]
    font = subset.load_font(str(path), options)
    sub = subset.Subsetter(options)
    sub.populate(text="".join(sorted(set(text + BASE_TEXT))))
    sub.subset(font)
    if "CFF " in font:
        font = _quadratic(font)
    if family:
        _rename(font, family)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def font_key(family: str) -> str:
    """A fixed GUID per family, so the same document gives the same bytes."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"community-optimizer/{family}")).upper() \
        + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 §17.8.1: XOR the first 32 bytes with the key's 16 bytes, read from the
    GUID string's end (the same operation de-obfuscates)."""
    raw = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ raw[k % 16] for k, b in enumerate(data[:32]))
    return head + data[32:]


def _text_of(zf: zipfile.ZipFile) -> str:
    parts = []
    for name in zf.namelist():
        if name.startswith("word/") and name.endswith(".xml"):
            xml = zf.read(name).decode("utf-8")
            parts += re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml)
    import html

    return html.unescape("".join(parts))


def embed_fonts(docx: Path, families: tuple[str, ...] = (SERIF, SANS)) -> list[str]:
    """Embed the families (subset to the document's text) into ``docx`` in place.
    Returns the families embedded (none when the font package is missing)."""
    files = font_files()
    families = tuple(f for f in families if f in files)
    if not families:
        return []
    with zipfile.ZipFile(docx) as zf:
        items = {name: zf.read(name) for name in zf.namelist()}
        text = _text_of(zf)
    rels_name = "word/_rels/fontTable.xml.rels"
    rels = []
    entries = []
    for k, family in enumerate(families, start=1):
        key = font_key(family)
        items[f"word/fonts/font{k}.odttf"] = obfuscate(subset_truetype(files[family], text,
                                                                        family), key)
        rels.append(f'<Relationship Id="rIdFont{k}" Type="{FONT_REL}" '
                    f'Target="fonts/font{k}.odttf"/>')
        entries.append(f'<w:font w:name="{family}"><w:charset w:val="86"/>'
                       f'<w:family w:val="{"roman" if family == SERIF else "swiss"}"/>'
                       f'<w:pitch w:val="variable"/>'
                       f'<w:embedRegular r:id="rIdFont{k}" w:fontKey="{key}"/></w:font>')
    items[rels_name] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                        f'relationships">{"".join(rels)}</Relationships>').encode()
    table = items["word/fontTable.xml"].decode("utf-8")
    for family in families:     # drop the template's own entry of the family, if any
        table = re.sub(rf'<w:font w:name="{re.escape(family)}">.*?</w:font>', "", table,
                       flags=re.S)
    if "xmlns:r=" not in table.split(">", 2)[1]:
        table = table.replace("<w:fonts ", f'<w:fonts xmlns:r="{R}" ', 1)
    table = table.replace("</w:fonts>", "".join(entries) + "</w:fonts>")
    items["word/fontTable.xml"] = table.encode("utf-8")
    settings = items["word/settings.xml"].decode("utf-8")
    if "<w:embedTrueTypeFonts" not in settings:
        settings = re.sub(r"(<w:settings[^>]*>)", r"\1<w:embedTrueTypeFonts/>"
                          r"<w:saveSubsetFonts/>", settings, count=1)
    items["word/settings.xml"] = settings.encode("utf-8")
    types = items["[Content_Types].xml"].decode("utf-8")
    if 'Extension="odttf"' not in types:
        types = types.replace("<Default ", f'<Default Extension="odttf" ContentType="{ODTTF}"/>'
                                           "<Default ", 1)
    items["[Content_Types].xml"] = types.encode("utf-8")
    tmp = docx.with_name(docx.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items.items():
            info = zipfile.ZipInfo(name, date_time=(2013, 1, 16, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    tmp.replace(docx)
    return list(families)
