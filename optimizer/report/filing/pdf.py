"""PDFs of the filing's Word documents by LibreOffice headless, with the shipped Chinese
fonts available even on a machine without CJK fonts.

LibreOffice finds fonts through fontconfig: the soffice call gets a fonts.conf of its
own (FONTCONFIG_FILE) that adds the folder of the shipped Noto fonts to the system's,
and a user profile of its own (-env:UserInstallation), so parallel conversions and a
planner's open LibreOffice never interfere. The PDF embeds the fonts it uses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from optimizer.errors import OptimizerError
from optimizer.report.filing.docx_fonts import font_files

SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_S = 300


class PdfError(OptimizerError):
    """LibreOffice is missing or failed to convert."""


def soffice() -> str | None:
    """The LibreOffice binary, or None (Debian: apt-get install libreoffice-writer-nogui)."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _fonts_conf(folder: Path) -> Path:
    dirs = sorted({str(p.parent) for p in font_files().values()})
    include = "/etc/fonts/fonts.conf"
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">', "<fontconfig>"]
    if Path(include).is_file():
        lines.append(f'  <include ignore_missing="yes">{include}</include>')
    lines += [f"  <dir>{d}</dir>" for d in dirs]
    lines += [f"  <cachedir>{folder / 'fc-cache'}</cachedir>", "</fontconfig>"]
    path = folder / "fonts.conf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def to_pdf(docs: Sequence[Path], out_dir: Path) -> list[Path]:
    """Convert the .docx files into PDFs in ``out_dir`` (one soffice start for all)."""
    binary = soffice()
    if binary is None:
        raise PdfError("LibreOffice (soffice) not found: install it (Debian: apt-get install "
                       "libreoffice-writer-nogui) or run without --pdf")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="filing-soffice-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, FONTCONFIG_FILE=str(_fonts_conf(work)), HOME=str(work),
                   SAL_USE_VCLPLUGIN="svp")
        cmd = [binary, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export",
               "--outdir", str(work / "out"), *(str(d) for d in docs)]
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                                  timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice took longer than {TIMEOUT_S} s") from exc
        made = []
        for d in docs:
            pdf = work / "out" / (d.stem + ".pdf")
            if not pdf.is_file():
                raise PdfError(f"LibreOffice did not convert {d.name} (exit {proc.returncode}):"
                               f" {(proc.stderr or proc.stdout)[-800:]}")
            target = out_dir / pdf.name
            shutil.move(str(pdf), target)
            made.append(target)
    return made
