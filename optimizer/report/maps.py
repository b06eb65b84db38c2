"""Static maps of a plan (matplotlib): communities coloured so that neighbours differ,
centers marked by remedy, barriers, street/town borders, a legend and a scale bar.

``plot_plan`` draws on an Axes (notebooks); ``write_maps`` writes a county overview and
one map per street/town as PNG and SVG (text as paths, so the SVG needs no font).
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from optimizer.names import safe_stem, unique_names
from optimizer.plan.model import Plan
from optimizer.report import labels
from optimizer.report.fonts import map_lang, map_style
from optimizer.report.geo import barriers_frame, centers_frame, streets_frame, units_frame
from optimizer.report.places import county_name, street_name
from optimizer.scenario.model import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PALETTE = ("#8dd3c7", "#ffffb3", "#bebada", "#fdb462", "#b3de69", "#fccde5", "#80b1d3",
           "#d9d9d9", "#ccebc5", "#ffed6f")
REMEDY_STYLE: dict[str, tuple[str, str]] = {   # remedy -> (marker, colour)
    "keep": ("o", "#1a9850"), "renovate": ("s", "#4575b4"), "extend": ("D", "#74add1"),
    "swap": ("P", "#984ea3"), "purchase": ("^", "#d73027"), "build": ("*", "#000000"),
    "codevelop": ("h", "#f46d43"),
}
BARRIER_COLOUR = "#1f78b4"


def community_colours(scenario: Scenario, plan: Plan) -> dict[str, str]:
    """A colour per community, different from each neighbour's (greedy colouring)."""
    com = plan.community_of()
    per_unit = [com.get(u, "") for u in scenario.unit_ids]
    g = nx.Graph()
    g.add_nodes_from(sorted(c.community_id for c in plan.communities))
    pairs = [scenario.edges, scenario.cut_edges]
    for arr in pairs:
        for a, b in np.asarray(arr).reshape(-1, 2).tolist():
            ca, cb = per_unit[a], per_unit[b]
            if ca and cb and ca != cb:
                g.add_edge(ca, cb)
    colouring = nx.greedy_color(g, strategy="largest_first")
    return {c: PALETTE[k % len(PALETTE)] for c, k in sorted(colouring.items())}


def _nice_length(span_m: float) -> float:
    target = span_m / 5.0
    if target <= 0:
        return 1.0
    p = 10 ** math.floor(math.log10(target))
    return max(m * p for m in (1, 2, 5) if m * p <= target) if target >= p else p


def add_scale_bar(ax: Axes, lang: str) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    x = x0 + 0.04 * (x1 - x0)
    y = y0 + 0.04 * (y1 - y0)
    h = 0.008 * (y1 - y0)
    ax.add_patch(_rect(x, y, length / 2, h, "black"))
    ax.add_patch(_rect(x + length / 2, y, length / 2, h, "white"))
    text = (f"{length / 1000:g} {labels.word('km', lang)}" if length >= 1000
            else f"{length:g} {labels.word('m', lang)}")
    ax.text(x + length / 2, y + 2.5 * h, text, ha="center", va="bottom", fontsize=8)


def _rect(x: float, y: float, w: float, h: float, colour: str):  # type: ignore[no-untyped-def]
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=colour, edgecolor="black", linewidth=0.8)


def plot_plan(scenario: Scenario, plan: Plan, ax: Axes | None = None, *,
              county: str | None = None, street: str | None = None, lang: str = "en",
              label_communities: bool = True, title: str | None = None) -> Axes:
    """Draw the plan (or one county / street of it) on ``ax`` (a new figure if None)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    lang = map_lang(lang)
    with map_style(lang):
        if ax is None:
            _, ax = plt.subplots(figsize=(10, 10))
        units = units_frame(scenario, plan)
        keep = np.ones(len(units), dtype=bool)
        if county is not None:
            keep &= (units["county"] == county).to_numpy()
        if street is not None:
            keep &= (units["street"] == street).to_numpy()
        units = units[keep]
        colours = community_colours(scenario, plan)
        units.plot(ax=ax, color=[colours.get(c, "#ffffff") for c in units["community_id"]],
                   edgecolor="#ffffff", linewidth=0.2)
        shapes = units.dissolve(by="community_id") if len(units) else units
        shapes.boundary.plot(ax=ax, color="#555555", linewidth=0.7)
        streets = streets_frame(scenario)
        if county is not None:
            streets = streets[streets["county"] == county]
        if street is not None:
            streets = streets[streets["street"] == street]
        streets.boundary.plot(ax=ax, color="black", linewidth=1.8)
        grids = None
        if street is not None and len(units):
            # COORD-300: the grids of the street's communities (divided units split)
            from optimizer.report.grid_shapes import grid_polygons

            grids = grid_polygons(scenario, plan)
            grids = grids[grids["community_id"].isin(set(units["community_id"]))
                          & grids.geometry.notna()]
            if len(grids):
                grids.boundary.plot(ax=ax, color="#333333", linewidth=0.6, linestyle=":")
        xmin, ymin, xmax, ymax = units.total_bounds
        pad = 0.03 * max(xmax - xmin, ymax - ymin, 1.0)
        barriers = barriers_frame(scenario)
        if len(barriers):
            barriers.plot(ax=ax, color=BARRIER_COLOUR, linewidth=1.6, linestyle="--")
        centers = centers_frame(scenario, plan)
        centers = centers[centers["community_id"].isin(set(units["community_id"]))]
        handles = []
        for remedy, (marker, colour) in REMEDY_STYLE.items():
            pts = centers[centers["remedy"] == remedy]
            if len(pts):
                ax.scatter(pts.geometry.x, pts.geometry.y, marker=marker, c=colour, s=70,
                           edgecolors="white", linewidths=0.8, zorder=5)
                handles.append(Line2D([], [], marker=marker, color=colour, linestyle="",
                                      markersize=8, label=f"{labels.word('center', lang)}: "
                                      f"{labels.remedy(remedy, lang)}"))
        if label_communities and len(shapes):
            for cid, geom in zip(shapes.index, shapes.geometry, strict=True):
                p = geom.representative_point()
                ax.annotate(str(cid).rsplit("-", 1)[-1], (p.x, p.y), fontsize=7, ha="center",
                            va="top", xytext=(0, -6), textcoords="offset points", zorder=6,
                            parse_math=False)
        handles.append(Line2D([], [], color="black", linewidth=1.8,
                              label=labels.word("street_border", lang)))
        if grids is not None and len(grids):
            handles.append(Line2D([], [], color="#333333", linewidth=0.6, linestyle=":",
                                  label=labels.word("grid_border", lang)))
        if len(barriers):
            handles.append(Line2D([], [], color=BARRIER_COLOUR, linewidth=1.6, linestyle="--",
                                  label=labels.word("barrier", lang)))
        ax.set_xlim(xmin - pad, xmax + pad)
        ax.set_ylim(ymin - pad, ymax + pad)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)
        add_scale_bar(ax, lang)
        if title is None:
            place = (street_name(street, lang) if street else county_name(county, lang)
                     if county else " / ".join(county_name(c, lang)
                                               for c in sorted(set(scenario.county))))
            title = f"{place}: {labels.word('street_map' if street else 'overview', lang)}"
        # Names are text: a "$" must not start mathtext (parse_math=False).
        ax.set_title(title, fontsize=12, family=plt.rcParams["font.family"], parse_math=False)
    return ax


def slug(text: str) -> str:
    """A file-name-safe form of a name (:func:`optimizer.names.safe_stem`)."""
    return safe_stem(text)


def map_stems(scenario: Scenario) -> dict[tuple[str, str, str], str]:
    """The file stem of every map, keyed ("overview", county, "") and ("street",
    county, street): unique even ignoring case, so "a/b" and "a_b", or "Fuwan Town" and
    "fuwan town", get a map each on any file system (:func:`optimizer.names.unique_names`).
    """
    keys = [("overview", county, "") for county in sorted(set(scenario.county))]
    keys += [("street", county, street) for county, street
             in sorted(set(zip(scenario.county, scenario.street, strict=True)))]

    def natural(key: tuple[str, str, str]) -> str:
        what, county, street = key
        stem = f"{what}-{slug(county)}" + (f"-{slug(street)}" if what == "street" else "")
        return safe_stem(stem)   # the whole stem within MAX_STEM_BYTES

    return unique_names(keys, natural)


def map_figures(scenario: Scenario, plan: Plan, lang: str) -> dict[str, Figure]:
    """One overview per county, then one map per street/town, by file stem."""
    import matplotlib.pyplot as plt

    lang = map_lang(lang)
    figs: dict[str, Figure] = {}
    for (what, county, street), stem in map_stems(scenario).items():
        if what == "overview":
            fig, ax = plt.subplots(figsize=(10, 10))
            plot_plan(scenario, plan, ax, county=county, lang=lang,
                      label_communities=len(plan.communities) <= 80)
        else:
            fig, ax = plt.subplots(figsize=(9, 9))
            plot_plan(scenario, plan, ax, county=county, street=street, lang=lang)
        figs[stem] = fig
    return figs


def write_maps(scenario: Scenario, plan: Plan, out_dir: str | os.PathLike[str],
               lang: str = "zh") -> dict[str, str]:
    """Write maps/<stem>.png and .svg; return {stem: svg text} for report.html."""
    import matplotlib.pyplot as plt

    lang = map_lang(lang)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    svgs: dict[str, str] = {}
    for stem, fig in map_figures(scenario, plan, lang).items():
        with map_style(lang):
            fig.savefig(folder / f"{stem}.png", dpi=130, bbox_inches="tight")
            buf = io.StringIO()
            import matplotlib as mpl

            with mpl.rc_context({"svg.hashsalt": stem}):
                fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
        text = buf.getvalue()
        (folder / f"{stem}.svg").write_text(text, encoding="utf-8")
        svgs[stem] = text
        plt.close(fig)
    return svgs
