"""The phasing map: communities coloured by the year their rooms reach the standard
(one shade per year of the horizon), those that meet it today in grey and those the
budget does not reach by the horizon in red, with the centers marked."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from optimizer.plan.model import Plan
from optimizer.report.fonts import map_lang, map_style
from optimizer.report.geo import barriers_frame, units_frame
from optimizer.report.maps import BARRIER_COLOUR, add_scale_bar
from optimizer.report.places import county_name
from optimizer.scenario.model import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

TODAY_COLOUR = "#d9d9d9"
SHORT_COLOUR = "#ef3b2c"
STEM = "phasing"
LABEL_MAX = 80


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def plot_phasing(scenario: Scenario, plan: Plan, ax: Axes | None = None, *,
                 lang: str = "zh", title: str | None = None) -> Axes:
    """Draw the plan's phasing on ``ax`` (a new figure if None); a plan without one
    raises ValueError."""
    import matplotlib.pyplot as plt
    from matplotlib import patheffects
    from matplotlib.colors import to_hex
    from matplotlib.patches import Patch

    if plan.phasing is None:
        raise ValueError("the plan has no phasing (solve it with a [budget])")
    lang = map_lang(lang)
    year = plan.phasing.year_of()
    first = int(plan.phasing.summary.get("first_year", min(
        [y for y in year.values() if y] or [scenario.year])))
    last = int(plan.phasing.summary.get("last_year", max(
        [y for y in year.values() if y] or [scenario.year])))
    years = list(range(first, last + 1))
    cmap = plt.get_cmap("YlGnBu")
    step = 0.45 / max(1, len(years) - 1)
    shade = {y: to_hex(cmap(0.25 + step * k)) for k, y in enumerate(years)}

    def colour(cid: str) -> str:
        if cid not in year:
            return TODAY_COLOUR
        y = year[cid]
        return SHORT_COLOUR if y is None else shade.get(y, SHORT_COLOUR)

    with map_style(lang):
        if ax is None:
            _, ax = plt.subplots(figsize=(10, 10))
        units = units_frame(scenario, plan)
        units.plot(ax=ax, color=[colour(c) for c in units["community_id"]],
                   edgecolor="#ffffff", linewidth=0.2)
        shapes = units.dissolve(by="community_id") if len(units) else units
        shapes.boundary.plot(ax=ax, color="#444444", linewidth=0.8)
        barriers = barriers_frame(scenario)
        if len(barriers):
            barriers.plot(ax=ax, color=BARRIER_COLOUR, linewidth=1.4, linestyle="--")
        labelled = len(shapes) <= LABEL_MAX     # beyond, the labels hide the map
        for cid, geom in zip(shapes.index if labelled else [], shapes.geometry
                             if labelled else [], strict=True):
            p = geom.representative_point()
            y = year.get(str(cid), 0)
            label = str(cid).rsplit("-", 1)[-1] + (f"\n{y}" if y else "")
            ax.annotate(label, (p.x, p.y), fontsize=7, ha="center", va="center",
                        zorder=6, parse_math=False,
                        path_effects=[patheffects.withStroke(linewidth=2, foreground="white")])
        handles = [Patch(color=shade[y], label=_t(lang, f"{y}年达标", f"meets it in {y}"))
                   for y in years]
        handles += [Patch(color=TODAY_COLOUR, label=_t(lang, "现已达标,无需建设",
                                                       "meets it today, no works")),
                    Patch(color=SHORT_COLOUR, label=_t(lang, f"{last}年前预算未能安排",
                                                       f"not by {last}: the budget falls "
                                                       "short"))]
        ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)
        ax.set_aspect("equal")
        ax.set_axis_off()
        add_scale_bar(ax, lang)
        if title is None:
            place = " / ".join(county_name(c, lang) for c in sorted(set(scenario.county)))
            title = _t(lang, f"{place}社区用房分年度达标图({first}—{last}年)",
                       f"{place}: year the rooms reach the standard ({first}-{last})")
        ax.set_title(title, fontsize=12, family=plt.rcParams["font.family"], parse_math=False)
    return ax


def write_phasing_map(scenario: Scenario, plan: Plan, out_dir: str | os.PathLike[str],
                      lang: str = "zh") -> dict[str, str]:
    """maps/phasing.png and .svg when the plan has a phasing; {stem: svg} for the page."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    if plan.phasing is None or scenario.geometry is None:
        return {}
    lang = map_lang(lang)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(10, 10))
    plot_phasing(scenario, plan, ax, lang=lang)
    with map_style(lang):
        fig.savefig(folder / f"{STEM}.png", dpi=130, bbox_inches="tight")
        buf = io.StringIO()
        with mpl.rc_context({"svg.hashsalt": STEM}):
            fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    (folder / f"{STEM}.svg").write_text(text, encoding="utf-8")
    return {STEM: text}
