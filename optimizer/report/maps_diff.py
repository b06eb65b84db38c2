"""The map of a plan comparison: reassigned units shaded, plan B borders solid, plan A
borders dashed, street/town borders, barriers, legend and scale bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np

from optimizer.report import labels
from optimizer.report.fonts import map_lang, map_style
from optimizer.report.geo import barriers_frame, streets_frame
from optimizer.report.maps import BARRIER_COLOUR, add_scale_bar
from optimizer.scenario.model import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from optimizer.report.compare import PlanDiff

WORDS = {"moved": ("调整单元", "Reassigned unit"), "kept": ("未调整单元", "Unchanged unit"),
         "a": ("方案A边界", "Plan A border"), "b": ("方案B边界", "Plan B border")}


def plot_diff(scenario: Scenario, d: PlanDiff, ax: Axes | None = None, *,
              lang: str = "en") -> Axes:
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if scenario.geometry is None:
        raise ValueError("the scenario has no geometry to draw")
    lang = map_lang(lang)
    pick = 0 if lang == "zh" else 1
    with map_style(lang):
        if ax is None:
            _, ax = plt.subplots(figsize=(10, 10))
        units = gpd.GeoDataFrame({"a": list(d.community_a), "b": list(d.community_b),
                                  "moved": np.asarray(d.reassigned, bool)},
                                 geometry=list(scenario.geometry.units),
                                 crs=scenario.geometry.crs)
        units.plot(ax=ax, color=np.where(units["moved"], "#fdae61", "#f0f0f0").tolist(),
                   edgecolor="white", linewidth=0.2)
        units.dissolve(by="a").boundary.plot(ax=ax, color="#d73027", linewidth=1.2,
                                             linestyle=(0, (4, 3)))
        units.dissolve(by="b").boundary.plot(ax=ax, color="#333333", linewidth=1.0)
        streets_frame(scenario).boundary.plot(ax=ax, color="black", linewidth=1.8)
        barriers = barriers_frame(scenario)
        if len(barriers):
            barriers.plot(ax=ax, color=BARRIER_COLOUR, linewidth=1.4, linestyle="--")
        xmin, ymin, xmax, ymax = units.total_bounds
        pad = 0.03 * max(xmax - xmin, ymax - ymin, 1.0)
        ax.set_xlim(xmin - pad, xmax + pad)
        ax.set_ylim(ymin - pad, ymax + pad)
        ax.set_aspect("equal")
        ax.set_axis_off()
        handles = [Patch(color="#fdae61", label=WORDS["moved"][pick]),
                   Patch(color="#f0f0f0", label=WORDS["kept"][pick]),
                   Line2D([], [], color="#d73027", linestyle="--", label=WORDS["a"][pick]),
                   Line2D([], [], color="#333333", label=WORDS["b"][pick]),
                   Line2D([], [], color="black", linewidth=1.8,
                          label=labels.word("street_border", lang))]
        ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)
        add_scale_bar(ax, lang)
        ax.set_title(f"{d.name_a} → {d.name_b}: {d.units_moved} / {len(d.unit_ids)}, "
                     f"{d.households_reassigned:,} {labels.word('households', lang)}",
                     fontsize=11, family=plt.rcParams["font.family"], parse_math=False)
    return ax
