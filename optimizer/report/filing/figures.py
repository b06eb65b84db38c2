"""The filing's maps as PNGs: the county overview and one map per street/town (drawn by
:func:`optimizer.report.maps.plot_plan`), and, with a phasing, the year each community's
rooms reach the standard."""

from __future__ import annotations

from pathlib import Path

from optimizer.report import labels
from optimizer.report.filing.context import FilingContext
from optimizer.report.fonts import map_lang, map_style
from optimizer.report.maps import plot_plan, slug
from optimizer.report.places import street_name

DPI = 150


def _t(ctx: FilingContext, zh: str, en: str) -> str:
    return zh if ctx.lang == "zh" else en


def write_figures(ctx: FilingContext, folder: Path) -> list[tuple[Path, str, str]]:
    """Write the maps into ``folder``; return (path, title, kind) with kind "overview",
    "street" or "phasing"."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if ctx.scenario.geometry is None:
        return []
    lang = map_lang(ctx.lang)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[tuple[Path, str, str]] = []
    title = _t(ctx, f"{ctx.county_zh}社区布局总图", f"{ctx.county}: community layout")
    fig, ax = plt.subplots(figsize=(10, 10))
    plot_plan(ctx.scenario, ctx.plan, ax, county=ctx.county, lang=lang, title=title,
              label_communities=len(ctx.communities) <= 80)
    out.append((_save(fig, folder / "overview.png", lang), title, "overview"))
    streets = sorted({c.street for c in ctx.communities})
    for k, street in enumerate(streets, start=1):
        title = _t(ctx, f"{street_name(street, 'zh')}社区布局图", f"{street}: community layout")
        fig, ax = plt.subplots(figsize=(9, 9))
        plot_plan(ctx.scenario, ctx.plan, ax, county=ctx.county, street=street, lang=lang,
                  title=title)
        out.append((_save(fig, folder / f"street-{k:02d}-{slug(street)}.png", lang), title,
                    "street"))
    if ctx.extras.phasing is not None:
        path = _phasing(ctx, folder / "phasing.png", lang)
        out.append((path, _t(ctx, f"{ctx.county_zh}社区用房分年度达标图",
                             f"{ctx.county}: year the rooms reach the standard"), "phasing"))
    return out


def _save(fig, path: Path, lang: str) -> Path:  # type: ignore[no-untyped-def]
    import matplotlib.pyplot as plt

    with map_style(lang):
        fig.savefig(path, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path


def _phasing(ctx: FilingContext, path: Path, lang: str) -> Path:
    """Communities coloured by the year of phasing.csv (grey: meets the standard today
    or no year by the horizon)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex
    from matplotlib.patches import Patch

    from optimizer.report.geo import plan_to_geodataframe

    assert ctx.extras.phasing is not None
    year = {p.community_id: p.year for p in ctx.extras.phasing if p.community_id in ctx.ids}
    gdf = plan_to_geodataframe(ctx.scenario, ctx.sub)
    years = sorted({y for y in year.values() if y})
    cmap = plt.get_cmap("YlGnBu", max(len(years), 1) + 1)
    colour = {y: to_hex(cmap(k + 1)) for k, y in enumerate(years)}
    with map_style(lang):
        fig, ax = plt.subplots(figsize=(10, 10))
        gdf.plot(ax=ax, color=[colour.get(year.get(c) or 0, "#d9d9d9")
                               for c in gdf["community_id"]],
                 edgecolor="#555555", linewidth=0.7)
        ax.set_axis_off()
        handles = [Patch(color=colour[y], label=_t(ctx, f"{y}年达标", f"{y}")) for y in years]
        handles.append(Patch(color="#d9d9d9", label=_t(ctx, "无需建设或规划期内未安排",
                                                       "no works, or not by the horizon")))
        ax.legend(handles=handles, loc="upper right", fontsize=9, framealpha=0.9)
        ax.set_title(_t(ctx, f"{ctx.county_zh}社区用房分年度达标图",
                        f"{ctx.county}: {labels.word('center', 'en')} by year"), fontsize=12,
                     family=plt.rcParams["font.family"])
        fig.savefig(path, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path
