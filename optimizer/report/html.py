"""report.html: one self-contained page (inline SVG maps, inline CSS, no scripts, no
network references) with the KPIs, the solver's status and gap, the maps, the
official tables, the compliance report and the assumptions."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from optimizer.plan.exemption import Reasons
from optimizer.plan.model import Plan
from optimizer.report import labels, reasons
from optimizer.report.phasing import phasing_lines
from optimizer.report.reasons_exempt import records_of
from optimizer.report.tables import translate
from optimizer.scenario.model import Scenario

if TYPE_CHECKING:
    from optimizer.plan.compliance import ComplianceReport

CSS = """
body{font-family:"ReportCJK","Noto Sans SC","Noto Sans CJK SC","Microsoft YaHei",
"PingFang SC",sans-serif;margin:2em;color:#222;max-width:1400px}
h1{font-size:1.6em}h2{border-bottom:2px solid #4575b4;padding-bottom:.2em;margin-top:2em}
.kpis{display:flex;flex-wrap:wrap;gap:1em}
.kpi{background:#eef3fa;border-radius:6px;padding:.6em 1em;min-width:11em}
.kpi b{display:block;font-size:1.4em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.25em .5em}th{background:#dde5f0}
td.num{text-align:right}.pass{color:#1a9850}.fail{color:#d73027;font-weight:bold}
.exempt{color:#e08214}figure{margin:1em 0}figure svg{max-width:100%;height:auto}
figure{max-width:900px}
"""
_SVG_HEAD = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)


def inline_svg(svg: str) -> str:
    """An SVG document as an inline element: no XML prolog, DOCTYPE or metadata."""
    return _METADATA.sub("", _SVG_HEAD.sub("", svg, count=1))


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 1000 else f"{v:,.0f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return "" if v is None else str(v)


def table_html(df: pd.DataFrame, lang: str,
               records: Mapping[str, Reasons] | None = None) -> str:
    shown = translate(df, lang, records)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False, name=None):
        cells = []
        for v in row:
            v = None if isinstance(v, float) and v != v else v
            cls = ' class="num"' if isinstance(v, (int, float)) and not isinstance(v, bool) \
                else ""
            cells.append(f"<td{cls}>{html.escape(_fmt(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _kpis(scenario: Scenario, plan: Plan, report: ComplianceReport,
          lang: str) -> list[tuple[str, str]]:
    s = plan.summary
    w = labels.word
    facility = next((r.value for r in report.rows if r.rule_id == "FACILITY-95"), None)
    gap = plan.gap
    out = [(w("communities", lang), _fmt(len(plan.communities))),
           (w("units", lang), _fmt(len(plan.unit_ids))),
           (w("households", lang), _fmt(sum(int(c.households) for c in plan.communities))),
           (w("capex", lang), _fmt(float(sum(c.capex_yuan for c in plan.communities)))),
           (w("annual", lang), _fmt(float(sum(c.annual_cost_yuan for c in plan.communities)))),
           (w("facility", lang), f"{100 * float(facility):.1f}%" if facility is not None
            else "-"),
           (w("status", lang), labels.solver_status(plan.status.value, lang)),
           (w("objective_value", lang), _fmt(plan.objective)),
           (w("bound", lang), _fmt(plan.bound)),
           (w("gap", lang), f"{100 * float(gap):.2f}%" if gap is not None else "-"),
           (w("time", lang), _fmt(s.get("solve_time_s")))]
    if s.get("households_moved") is not None:
        out.insert(5, (w("moved", lang), _fmt(int(s["households_moved"]))))
    return out


def render_html(scenario: Scenario, plan: Plan, report: ComplianceReport,
                tables: Mapping[str, pd.DataFrame], svgs: Mapping[str, str],
                lang: str) -> str:
    """The whole page as a string."""
    w = labels.word
    esc = html.escape
    records = records_of(plan.communities)
    parts = [f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
             '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
             f"<title>{esc(w('report_title', lang))}: {esc(scenario.name)}</title>"
             f"<style>{CSS}</style></head><body>",
             f"<h1>{esc(w('report_title', lang))}</h1><p>{esc(scenario.name)}</p>",
             f"<h2>{esc(w('kpis', lang))}</h2><div class=\"kpis\">"]
    parts += [f'<div class="kpi">{esc(k)}<b>{esc(v)}</b></div>'
              for k, v in _kpis(scenario, plan, report, lang)]
    verdict = w("passed", lang) if report.passed else w("failed", lang)
    parts.append(f'</div><p class="{"pass" if report.passed else "fail"}">{esc(verdict)}</p>')
    lines = phasing_lines(plan, lang)
    if lines:
        parts.append(f'<h3 id="phasing">{esc(w("phasing_title", lang))}</h3>'
                     + "".join(f"<p>{esc(x)}</p>" for x in lines))
    notes = [c for c in plan.communities if c.exemption]
    if notes:
        parts.append(f"<h3>{esc(w('exemptions', lang))}</h3><ul>"
                     + "".join(f"<li>{esc(c.community_id)}: " + esc(
                         reasons.exemption_text(c.exemption, lang, reasons=c.reasons)) + "</li>"
                               for c in notes) + "</ul>")
    fails = report.failures()
    if fails:
        parts.append(f"<h3 class=\"fail\">{esc(w('failures', lang))}</h3><ul>"
                     + "".join(f"<li>{esc(r.rule_id)} {esc(r.community_id)}: "
                               f"{esc(str(reasons.note_text(r.note, lang)))}</li>"
                               for r in fails) + "</ul>")
    parts.append(f"<h2>{esc(w('maps', lang))}</h2>")
    parts += [f'<figure id="map-{esc(stem)}">{inline_svg(svg)}</figure>'
              for stem, svg in svgs.items()]
    parts.append(f"<h2>{esc(w('tables', lang))}</h2>")
    for key, df in tables.items():
        if key in ("compliance_detail", "assumptions"):
            continue
        parts.append(f"<h3>{esc(labels.sheet(key, lang))}</h3>{table_html(df, lang, records)}")
    parts.append(f"<h2>{esc(w('solver', lang))}</h2>{_solver_table(plan, lang)}")
    parts.append(f"<h2>{esc(labels.sheet('compliance_detail', lang))}</h2>"
                 + table_html(tables["compliance_detail"], lang, records))
    parts.append(f"<h2>{esc(w('assumptions', lang))}</h2>"
                 + table_html(tables["assumptions"], lang))
    if plan.summary.get("assumptions"):
        parts.append(f"<p>{esc(str(reasons.assumptions_text(plan.summary['assumptions'], lang)))}"
                     "</p>")
    parts.append("</body></html>")
    page = "\n".join(parts)
    text = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    return page.replace("<style>", f"<style>{font_face_css(html.unescape(text))}", 1)


def _solver_table(plan: Plan, lang: str) -> str:
    keys = ("status", "objective", "bound", "gap", "solve_time_s", "time_limit_s", "workers",
            "seed", "interrupted", "version")
    summary = plan.summary_dict()     # as summary.json holds it
    rows = [(labels.summary_key(k, lang), labels.solver_status(str(v), lang) if k == "status"
             else labels.word(str(v).lower(), lang) if isinstance(v, bool) else v)
            for k, v in ((k, summary.get(k)) for k in keys if summary.get(k) is not None)]
    comps = [p.to_json() for p in plan.pieces]
    head = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(_fmt(v))}</td></tr>"
                   for k, v in rows)
    out = f"<table>{head}</table>"
    if comps:
        frame = pd.DataFrame(list(comps))
        for col, fn in (("status", labels.solver_status), ("method", reasons.method_text),
                        ("key", reasons.piece_key_text)):
            if col in frame:
                frame[col] = [fn(v, lang) if isinstance(v, str) else v for v in frame[col]]
        for col in frame.columns:       # yes/no columns (clock_stopped) in words
            if frame[col].map(lambda v: isinstance(v, bool)).all():
                frame[col] = [labels.word(str(v).lower(), lang) for v in frame[col]]
        frame.columns = [labels.summary_key(str(c), lang) for c in frame.columns]
        out += table_html(frame, lang)
    return out


def font_face_css(text: str) -> str:
    """An @font-face rule with the CJK font subset to the characters of ``text``,
    inlined as a data: URL, so the page shows Chinese on machines without a CJK font."""
    import base64
    import io

    from optimizer.report.fonts import cjk_family

    family = cjk_family()
    if family is None:
        return ""
    from fontTools import subset
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=family),
                                 fallback_to_default=False)
    if not path.lower().endswith((".otf", ".ttf")):
        return ""
    options = subset.Options()
    options.notdef_outline = True
    try:
        with open(path, "rb") as fh:
            font = subset.load_font(io.BytesIO(fh.read()), options)
        sub = subset.Subsetter(options)
        sub.populate(text="".join(sorted(set(text))))
        sub.subset(font)
        buf = io.BytesIO()
        subset.save_font(font, buf, options)
    except Exception:  # a font we cannot subset: the page falls back to system fonts
        return ""
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    fmt = "opentype" if path.lower().endswith(".otf") else "truetype"
    return (f'@font-face{{font-family:"ReportCJK";src:url(data:font/{fmt};base64,{data}) '
            f'format("{fmt}")}}')
