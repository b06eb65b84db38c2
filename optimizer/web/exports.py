"""Downloads of a plan as zips: the plan folder (CONTRACT.md), the plan folder with the
reports, and the county filing package (PLAN-2013-03).

Everything is written into a temporary folder by the same functions the command line
uses, then zipped under one top folder; the names inside come from those functions and
the plan's own county names, never from the request. Drawing maps uses matplotlib's
pyplot, which is not thread-safe, and a filing keeps both cores busy for seconds: one
export draws at a time (the others wait their turn in the server's thread pool).
"""

from __future__ import annotations

import io
import tempfile
import threading
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from optimizer.plan.compliance import ComplianceReport
from optimizer.plan.io import write_plan
from optimizer.plan.model import Plan
from optimizer.scenario.model import Scenario
from optimizer.workbench import EditError

_DRAWING = threading.Lock()
NO_PDF = {"zh": "本机未安装 LibreOffice,报备材料未生成 PDF(Word 文档齐全)。"
                "安装后重新导出即可:apt-get install libreoffice-writer-nogui\n",
          "en": "LibreOffice is not installed on the server, so the filing has no PDFs "
                "(the Word documents are complete). Install it and export again: "
                "apt-get install libreoffice-writer-nogui\n"}


@dataclass(frozen=True)
class Export:
    data: bytes
    filename: str
    notes: tuple[str, ...] = ()      # what the planner should know (no PDFs, ...)


def _zip(folder: Path, top: str, extra: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
        for name, text in (extra or {}).items():
            zf.writestr(f"{top}/{name}", text.encode("utf-8"))
    return buf.getvalue()


def plan_zip(scenario: Scenario, plan: Plan, report: ComplianceReport, top: str, *,
             reports: bool, lang: str) -> Export:
    """The plan folder; with ``reports`` also plan.xlsx, the maps, report.html and
    plan.gpkg."""
    with tempfile.TemporaryDirectory(prefix="workbench-export-") as tmp:
        folder = write_plan(plan, Path(tmp) / "plan", scenario=scenario, report=report)
        if reports:
            from optimizer.report import write_reports

            with _DRAWING:
                write_reports(scenario, plan, folder, lang=lang, report=report)
        return Export(_zip(folder, top), f"{top}.zip")


def filing_zip(scenario: Scenario, plan: Plan, report: ComplianceReport, top: str, *,
               counties: Collection[str] | None, lang: str, pdf: bool = True) -> Export:
    """The county filing package, one folder per county (of ``counties`` only, when
    given): the two Word documents, their PDFs when LibreOffice is installed and
    ``pdf`` asks for them, the xlsx annex and the maps.

    The filing reads the plan folder the workbench exports (its compliance.csv holds
    the live check's lines, which are the checker's), so it is the filing that
    ``python -m optimizer file`` writes for the same plan folder."""
    from optimizer.report.filing import write_filing
    from optimizer.report.filing.pdf import soffice

    present = {c.county for c in plan.communities}
    if counties is not None and not present & set(counties):
        raise EditError(f"the plan has no community in county {', '.join(sorted(counties))}: "
                        "there is nothing to file")
    if not present:
        raise EditError("the plan has no community: there is nothing to file")
    make_pdf = pdf and soffice() is not None
    notes = () if make_pdf or not pdf else ("no PDFs: LibreOffice is not installed",)
    with tempfile.TemporaryDirectory(prefix="workbench-filing-") as tmp:
        folder = write_plan(plan, Path(tmp) / "plan", scenario=scenario, report=report)
        out = Path(tmp) / "filing"
        with _DRAWING:
            write_filing(scenario, plan, out, plan_dir=folder, lang=lang, pdf=make_pdf,
                         counties=counties)
        extra = {("说明.txt" if lang == "zh" else "NOTE.txt"): NO_PDF[lang]} if notes else {}
        return Export(_zip(out, top, extra), f"{top}.zip", notes)
