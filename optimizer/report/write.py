"""``write_reports``: every planner deliverable of a plan, into its plan folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from optimizer.plan.folder import is_report_file, is_report_name, staged_folder
from optimizer.plan.lock import output_path
from optimizer.plan.model import Plan
from optimizer.report.fonts import map_lang
from optimizer.report.geo import write_gpkg
from optimizer.report.html import render_html
from optimizer.report.labels import check_lang
from optimizer.report.maps import write_maps
from optimizer.report.phasing_map import write_phasing_map
from optimizer.report.reasons_exempt import records_of
from optimizer.report.tables import official_tables
from optimizer.report.xlsx import write_workbook
from optimizer.scenario.model import Scenario

if TYPE_CHECKING:
    from optimizer.plan.compliance import ComplianceReport


def write_reports(scenario: Scenario, plan: Plan, out_dir: str | os.PathLike[str], *,
                  lang: str = "zh", report: ComplianceReport | None = None) -> dict[str, Path]:
    """Write plan.xlsx, maps/*.png and *.svg, report.html and plan.gpkg into ``out_dir``.

    Tables and the page use ``lang`` ("zh", the planners' language, or "en"); the maps
    fall back to English labels, with a warning, when no CJK font can be found.
    The whole set is written into a hidden copy of the folder and swapped in, so a kill
    leaves the old reports or the new ones, never a truncated file; the folder's other
    files stay, and its manifest lists the new reports (:mod:`optimizer.plan.folder`).
    Returns the written paths by name ("xlsx", "html", "gpkg", "map:<stem>").
    """
    check_lang(lang)
    if report is None:
        from optimizer.checker.checker import check

        report = check(scenario, plan)
    tables = official_tables(scenario, plan, report)
    with staged_folder(out_dir, writes=is_report_name, replaces=is_report_file,
                       need_ours=False) as stage:
        written = _write_into(stage, scenario, plan, report, tables, lang)
    out = output_path(out_dir)
    return {name: out / path.relative_to(stage) for name, path in written.items()}


def _write_into(out: Path, scenario: Scenario, plan: Plan, report: ComplianceReport,
                tables: dict[str, pd.DataFrame], lang: str) -> dict[str, Path]:
    paths: dict[str, Path] = {"xlsx": write_workbook(tables, out / "plan.xlsx", lang,
                                                     records_of(plan.communities))}
    svgs: dict[str, str] = {}
    if scenario.geometry is not None:
        svgs = write_maps(scenario, plan, out / "maps", map_lang(lang))
        svgs.update(write_phasing_map(scenario, plan, out / "maps", map_lang(lang)))
        paths.update({f"map:{stem}": out / "maps" / f"{stem}.png" for stem in svgs})
        paths["gpkg"] = write_gpkg(scenario, plan, out / "plan.gpkg")
    page = render_html(scenario, plan, report, tables, svgs, lang)
    html_path = out / "report.html"
    html_path.write_text(page, encoding="utf-8")
    paths["html"] = html_path
    return paths
