"""``write_filing``: the county's filing package (PLAN-2013-03), one folder per county.

Each folder holds the community layout plan and the special plan for community
management and service rooms as Word documents (and PDFs, when LibreOffice is
installed), the xlsx annex of their tables, and the maps. A folder is written into a
hidden sibling first and renamed into place, so a failure never leaves half a filing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from optimizer.plan.model import Plan
from optimizer.report.filing import terms
from optimizer.report.filing.annex import write_annex
from optimizer.report.filing.context import (
    CheckSource,
    FilingContext,
    checks_from_checker,
    honest_checks,
    plan_fingerprint,
)
from optimizer.report.filing.documents import layout_plan, rooms_plan
from optimizer.report.filing.docx_write import write_docx
from optimizer.report.filing.figures import write_figures
from optimizer.report.filing.inputs import PlanExtras, read_extras
from optimizer.report.filing.model import Document, Table
from optimizer.report.filing.pdf import soffice, to_pdf
from optimizer.report.labels import check_lang
from optimizer.report.maps import slug
from optimizer.report.places import county_name
from optimizer.scenario.model import Scenario

FILES = {"zh": ("1-社区布局规划.docx", "2-社区管理和服务用房建设专项规划.docx", "3-附表.xlsx",
                "图"),
         "en": ("1-layout-plan.docx", "2-rooms-plan.docx", "3-annex.xlsx", "maps")}


@dataclass(frozen=True)
class CountyFiling:
    """What was written for one county."""

    county: str
    folder: Path
    layout: Path
    rooms: Path
    annex: Path
    pdfs: tuple[Path, ...]
    maps: tuple[Path, ...]
    documents: tuple[Document, Document]


def _checks(scenario: Scenario, plan: Plan, extras: PlanExtras) -> CheckSource:
    if extras.compliance is not None:
        return honest_checks(extras.compliance, "compliance.csv")
    return checks_from_checker(scenario, plan)


def _annex_tables(docs: tuple[Document, Document]) -> list[Table]:
    out: list[Table] = []
    seen: set[str] = set()
    for d in docs:
        for t in d.tables():
            if t.key not in seen:
                seen.add(t.key)
                out.append(t)
    return out


def _replace_dir(tmp: Path, target: Path) -> None:
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    if target.exists():
        os.rename(target, old)
    try:
        os.rename(tmp, target)
    except BaseException:
        if old.exists():
            os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_filing(scenario: Scenario, plan: Plan, out_dir: str | os.PathLike[str], *,
                 plan_dir: str | os.PathLike[str] | None = None, lang: str = "zh",
                 date: dt.date | None = None, version: str = "1",
                 pdf: bool | None = None,
                 counties: Collection[str] | None = None) -> list[CountyFiling]:
    """Write one filing folder per county of the plan into ``out_dir`` (of ``counties``
    only, when given: a county's planner files his county; its documents are those of
    the whole plan's filing).

    ``plan_dir`` (the plan folder) supplies the optional parts: names and services in
    communities.csv, grids.csv, phasing.csv, compliance.csv; without it they are absent
    and the documents say so (compliance from the checker). ``pdf``: True requires
    LibreOffice, False skips it, None (default) makes PDFs when LibreOffice is found.
    """
    check_lang(lang)
    extras = read_extras(plan_dir) if plan_dir is not None else PlanExtras()
    checks = _checks(scenario, plan, extras)
    day = date or dt.date.today()
    make_pdf = pdf if pdf is not None else soffice() is not None
    if pdf is None and not make_pdf:
        warnings.warn("LibreOffice (soffice) not found: the filing has no PDFs (Debian: "
                      "apt-get install libreoffice-writer-nogui)", stacklevel=2)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = FILES[lang]
    done: list[CountyFiling] = []
    used: set[str] = set()
    fingerprint = plan_fingerprint(plan)
    wanted = {c.county for c in plan.communities}
    if counties is not None:
        wanted &= set(counties)
    for county in sorted(wanted):
        ctx = FilingContext(scenario, plan, county, extras, checks, lang, day, fingerprint)
        name = slug(county_name(county, lang))
        while name in used:
            name += "_"
        used.add(name)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=out))
        try:
            maps = write_figures(ctx, tmp / names[3])
            docs = (layout_plan(ctx, maps, version), rooms_plan(ctx, maps, version))
            layout = write_docx(docs[0], tmp / names[0], lang, day)
            rooms = write_docx(docs[1], tmp / names[1], lang, day)
            annex = write_annex(_annex_tables(docs), tmp / names[2],
                                ctx.title(terms.ANNEX_TITLE), day)
            pdfs = tuple(to_pdf([layout, rooms], tmp)) if make_pdf else ()
            os.chmod(tmp, 0o755)
            target = out / name
            _replace_dir(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        moved = {p: target / p.relative_to(tmp) for p in (layout, rooms, annex, *pdfs)}
        moved_docs = tuple(_relocate(d, tmp, target) for d in docs)
        done.append(CountyFiling(county, target, moved[layout], moved[rooms], moved[annex],
                                 tuple(moved[p] for p in pdfs),
                                 tuple(target / p.relative_to(tmp) for p, _, _ in maps),
                                 (moved_docs[0], moved_docs[1])))
    return done


def _relocate(d: Document, old: Path, new: Path) -> Document:
    """The document with its figure paths pointing into the final folder."""
    from optimizer.report.filing.model import Figure

    blocks = [Figure(new / b.path.relative_to(old), b.caption) if isinstance(b, Figure) else b
              for b in d.blocks]
    return Document(d.key, d.title, d.cover, blocks)
