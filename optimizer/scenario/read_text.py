"""Text files as Chinese offices save them: UTF-8 with or without a BOM, GBK, CRLF.

Every text file of a scenario (scenario.toml, sites.csv, a units .csv, GeoJSON) is
decoded here, never by ``open()`` with a guessed encoding:

1. a UTF-8 byte-order mark (Excel's "CSV UTF-8", Windows Notepad) is dropped; a
   UTF-16 mark (Excel's "Unicode 文本") decodes as UTF-16;
2. the bytes are decoded strictly as UTF-8;
3. when that fails because of a few bad bytes among much good UTF-8 (a damaged file,
   or one partly saved in another encoding), the file is refused with the first bad
   byte's place: GB18030 would read it without an error, garbling its Chinese text;
4. otherwise strictly as GB18030, the national standard that contains GBK
   and GB2312 (what Excel and WPS write on a Chinese Windows by default). A file is
   accepted as GB18030 only when every byte decodes, and a note names the file and
   shows a sample of its Chinese text, so a planner can see if it was read right;
5. when nothing decodes, the problem names the file, the line and the byte where
   UTF-8 decoding stopped, and says how to save the file as UTF-8.

Line ends CRLF (Windows) and a lone CR (old Mac) become LF.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import pandas as pd

from optimizer.errors import ProblemCollector

SAVE_CSV_AS_UTF8 = ("save it as UTF-8: in Excel 文件 → 另存为 → 保存类型 'CSV UTF-8（逗号分隔）"
                    "(*.csv)'; in WPS 另存为 → CSV, 编码 UTF-8")
SAVE_AS_UTF8 = ("save it as UTF-8: in Notepad 另存为 → 编码 UTF-8; in other editors "
                "'Save with Encoding'")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _where(data: bytes, start: int) -> str:
    """'line L, byte B (0x..)' of a byte offset, 1-based, for a message."""
    line = data.count(b"\n", 0, start) + 1
    col = start - (data.rfind(b"\n", 0, start) + 1) + 1
    bad = " ".join(f"0x{b:02x}" for b in data[start:start + 4])
    return f"line {line}, byte {col} of that line (byte {start + 1} of the file: {bad})"


def decode(data: bytes, file: str, collector: ProblemCollector) -> str | None:
    """The text of ``data`` (see the module doc); None with a problem when it is not
    text in any encoding we accept."""
    how = SAVE_CSV_AS_UTF8 if file.lower().endswith(".csv") else SAVE_AS_UTF8
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            collector.add(file, f"starts like UTF-16 text but is not: {_where(data, exc.start)}",
                          hint=how)
            return None
        collector.note(f"{file} is UTF-16 ('Unicode text'); read as UTF-16")
        return _lines(text)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        damaged = _damaged_utf8(data)
        if damaged:
            verb = "is" if damaged == "1 byte" else "are"
            collector.add(file, f"is UTF-8 text with {damaged} that {verb} not UTF-8, first "
                          f"at {_where(data, exc.start)}: the "
                          "file was damaged or partly saved in another encoding; reading it "
                          "as GBK would garble its Chinese text", hint=how)
            return None
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            collector.add(file, f"is not UTF-8 text (nor GBK/GB18030): decoding stops at "
                          f"{_where(data, exc.start)}", hint=how)
            return None
        sample = _NON_ASCII.search(text)
        shown = f", e.g. '{sample.group(0)[:12]}'" if sample else ""
        collector.note(f"{file} is not UTF-8; read as GB18030 (GBK/GB2312){shown}: check "
                       "its Chinese text, or save the file as UTF-8")
    if "\x00" in text:
        where = _where(data, data.index(0))
        collector.add(file, f"holds NUL bytes at {where}: not a text file, or UTF-16 "
                      "without its byte-order mark", hint=how)
        return None
    return _lines(text)


def _damaged_utf8(data: bytes) -> str:
    """'N bytes' when ``data`` is UTF-8 text with a few bad bytes (a damaged file), not
    text in another encoding; '' otherwise. GBK/GB18030 text decoded as UTF-8 gives far
    more bad bytes than good non-ASCII characters (its byte pairs are rarely valid
    UTF-8), UTF-8 text with one stray or lost byte gives few of them among many good
    characters; GB18030 would read the latter without an error, as other characters."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    if bad and good >= 3 * bad:
        return f"{bad} byte{'s' if bad > 1 else ''}"
    return ""


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, file: str, collector: ProblemCollector) -> str | None:
    """Read and decode a whole text file; None with a problem when it cannot be."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        collector.add(file, f"cannot be read: {exc.strerror or exc}", hint=str(path))
        return None
    return decode(data, file, collector)


def read_csv_text(path: Path, file: str, collector: ProblemCollector, *,
                  empty_rule: str = "is empty") -> pd.DataFrame | None:
    """A CSV file as a frame of strings, nothing coerced (empty cells stay '').

    A header with tabs and no commas (Excel's "Unicode 文本" export) is read as
    tab-separated, with a note.
    """
    text = read_text(path, file, collector)
    if text is None:
        return None
    header = text.split("\n", 1)[0]
    sep = ","
    if "\t" in header and "," not in header:
        sep = "\t"
        collector.note(f"{file} is tab-separated (no comma in its header); read as such")
    if not _fields_fit(text, sep, file, collector):
        return None
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep,
                           index_col=False)
    except pd.errors.EmptyDataError:
        collector.add(file, empty_rule)
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        collector.add(file, f"cannot be read as CSV: {str(exc).strip()}")
    return None


def _fields_fit(text: str, sep: str, file: str, collector: ProblemCollector) -> bool:
    """Every row has at most as many fields as the header. pandas would otherwise
    take the surplus first columns as an index and shift every value one column (a
    comma inside an unquoted value, e.g. '1,200'); rows with fewer fields are fine
    (their last cells are empty)."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        header = next(reader, [])
        bad = [(reader.line_num, len(row)) for row in reader if len(row) > len(header)]
    except csv.Error as exc:
        collector.add(file, f"cannot be read as CSV: {exc} (line {reader.line_num})")
        return False
    for line, n in bad[:20]:
        collector.add(file, f"has {n} fields but the header has {len(header)}; a value "
                      "holding a comma must be in double quotes", record=f"line {line}")
    if len(bad) > 20:
        collector.add(file, f"... and {len(bad) - 20} more lines with too many fields")
    return not bad
