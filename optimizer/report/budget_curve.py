"""The budget curve's plot and table (``python -m optimizer budget-curve``).

The plot: the total capital budget over the horizon (10,000 yuan) against the best
FACILITY-95 share it buys, with a bar up to the share's proven bound where a point is
not proven, the target line and the least budget that reaches it marked; the total
cost over the horizon on a second axis. Chinese labels with a CJK font
(:mod:`optimizer.report.fonts`). The table: curve.csv (for tools: keys, numbers as
numbers) and curve.xlsx (headers in the planner's language, text cells as text).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from optimizer.plan.folder import everything, staged_folder
from optimizer.plan.lock import output_path
from optimizer.report import labels
from optimizer.report.fonts import map_lang, map_style
from optimizer.report.labels import check_lang
from optimizer.report.xlsx import write_workbook
from optimizer.search.budget_curve import NOT_RUN, BudgetCurve

if TYPE_CHECKING:
    from matplotlib.axes import Axes

CURVE_FILES = ("curve.csv", "curve.xlsx", "curve.png", "curve.svg", "curve.json")
WAN = 10_000.0


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def plot_budget_curve(curve: BudgetCurve, ax: Axes | None = None, *, lang: str = "zh",
                      title: str | None = None) -> Axes:
    """Draw the curve on ``ax`` (a new figure if None)."""
    import matplotlib.pyplot as plt

    lang = map_lang(lang)
    df = curve.points[curve.points["status"] != NOT_RUN]
    target = float(curve.summary.get("facility_target", 0.95))
    with map_style(lang):
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 5.5))
        x = df["budget_yuan"].astype(float) / WAN
        share = 100 * df["facility_share"].astype(float)
        proven = df["status"] == "OPTIMAL"
        ax.plot(x, share, color="#2166ac", linewidth=1.6, zorder=3, drawstyle="steps-post",
                label=_t(lang, "最佳达标率", "best share"))
        ax.scatter(x[proven], share[proven], color="#2166ac", s=28, zorder=4,
                   label=_t(lang, "已证明最优", "proven optimal"))
        if (~proven).any():
            up = 100 * df["share_bound"].astype(float)[~proven] - share[~proven]
            ax.errorbar(x[~proven], share[~proven], yerr=[[0] * len(up), list(up)], fmt="o",
                        mfc="white", color="#2166ac", capsize=3, zorder=4,
                        label=_t(lang, "未证明最优(竖线至上界)", "not proven (bar to the bound)"))
        ax.axhline(100 * target, color="#d73027", linestyle="--", linewidth=1.0,
                   label=_t(lang, f"FACILITY-95 目标 {100 * target:.0f}%",
                            f"FACILITY-95 target {100 * target:.0f}%"))
        if curve.first_target_yuan is not None:
            fx = curve.first_target_yuan / WAN
            ax.axvline(fx, color="#d73027", linewidth=0.8, linestyle=":")
            right = fx > float(x.max()) / 2 if len(x) else False    # keep the words inside
            ax.annotate(_t(lang, f"首次达到目标:{fx:,.0f}万元", f"first reaches it: {fx:,.0f}"),
                        (fx, 100 * target), xytext=(-10 if right else 10, -30),
                        textcoords="offset points", ha="right" if right else "left",
                        fontsize=9, color="#d73027",
                        arrowprops={"arrowstyle": "->", "color": "#d73027"})
        family = plt.rcParams["font.family"]    # labels made before the style keep theirs
        ax.set_xlabel(_t(lang, "规划期建设资金预算总额(万元)",
                         "capital budget over the horizon (10,000 yuan)"), family=family)
        ax.set_ylabel(_t(lang, "规划期末用房达标社区比例(%)",
                         "communities meeting the rooms standard by the last year (%)"),
                      family=family)
        ax.set_ylim(0, 105)
        ax.grid(alpha=0.3)
        cost = ax.twinx()
        cost.plot(x, df["total_cost_yuan"].astype(float) / WAN, color="#7f7f7f",
                  linewidth=1.2, linestyle="-.", drawstyle="steps-post",
                  label=_t(lang, "规划期经费合计(万元)", "total cost over the horizon"))
        cost.set_ylabel(_t(lang, "规划期经费合计(万元)", "total cost over the horizon "
                                                   "(10,000 yuan)"), family=family)
        lines = ax.get_legend_handles_labels()
        more = cost.get_legend_handles_labels()
        ax.legend(lines[0] + more[0], lines[1] + more[1], loc="lower right",
                  prop={"family": family, "size": 8})
        s = curve.summary
        if title is None:
            title = _t(lang, f"建设资金预算与社区用房达标率({s.get('first_year')}—"
                             f"{s.get('last_year')}年)",
                       f"Capital budget and the rooms standard ({s.get('first_year')}-"
                       f"{s.get('last_year')})")
        ax.set_title(title, fontsize=12, family=family)
    return ax


def curve_table(curve: BudgetCurve, lang: str) -> pd.DataFrame:
    """The table of curve.xlsx: the points, headers by :mod:`optimizer.report.labels`,
    statuses and yes/no in ``lang``."""
    df = curve.points.copy()
    first = curve.first_target_yuan

    def yes(v: object) -> str:
        return labels.word("true" if v is True else "false", lang) if isinstance(v, bool) \
            else ""

    df.insert(1, "first_reaches_target", [yes(first is not None and r == first)
                                          for r in df["budget_yuan"]])
    df["status"] = [labels.solver_status(str(v), lang) if v != NOT_RUN else
                    _t(lang, "未运行", "not run") for v in df["status"]]
    for col in ("reaches_target", "refined"):
        df[col] = [yes(v) for v in df[col]]
    return df.rename(columns={"budget_yuan": "budget_total_yuan", "status": "solver_status",
                              "share_bound": "facility_share_bound"})


def write_budget_curve(curve: BudgetCurve, out_dir: str | os.PathLike[str], *,
                       lang: str = "zh", scenario_name: str = "") -> dict[str, Path]:
    """Write curve.csv, curve.xlsx, curve.png, curve.svg and curve.json into ``out_dir``
    (a new or empty folder, or one the engine wrote: :mod:`optimizer.plan.folder`)."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    check_lang(lang)
    with staged_folder(out_dir, writes=lambda rel: rel in CURVE_FILES, replaces=everything,
                       need_ours=True) as stage:
        curve.points.to_csv(stage / "curve.csv", index=False, lineterminator="\n")
        write_workbook({"budget_curve": curve_table(curve, lang)}, stage / "curve.xlsx", lang)
        with map_style(map_lang(lang)):
            fig, ax = plt.subplots(figsize=(9, 5.5))
            plot_budget_curve(curve, ax, lang=lang)
            fig.savefig(stage / "curve.png", dpi=130, bbox_inches="tight")
            buf = io.StringIO()
            with mpl.rc_context({"svg.hashsalt": "curve"}):
                fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(fig)
        (stage / "curve.svg").write_text(buf.getvalue(), encoding="utf-8")
        doc = {"scenario": scenario_name, "first_target_yuan": curve.first_target_yuan,
               "interrupted": curve.interrupted, "shares": curve.shares, **curve.summary}
        (stage / "curve.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2,
                                                     sort_keys=True) + "\n", encoding="utf-8")
    out = output_path(out_dir)
    return {name: out / name for name in CURVE_FILES}
