"""A CJK font for the maps, so Chinese labels never render as boxes.

Looked for in this order: the Noto Sans SC font shipped by the PyPI package
``pylopdf-fonts-zh-cn`` (a dependency, so a fresh install has it), then system
fonts matplotlib knows (Noto Sans CJK, WenQuanYi, Source Han Sans, SimHei, ...).
Without one, Chinese maps fall back to English labels with a warning.
"""

from __future__ import annotations

import warnings
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path
from typing import Any

from optimizer.report.labels import check_lang

SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Noto Sans CJK JP", "Source Han Sans SC",
                   "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
                   "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")


def _packaged_font() -> Path | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """The family name of a usable CJK font (registered with matplotlib), or None."""
    from matplotlib import font_manager

    path = _packaged_font()
    if path is not None:
        try:
            font_manager.fontManager.addfont(str(path))
            return str(font_manager.FontProperties(fname=str(path)).get_name())
        except (OSError, RuntimeError, ValueError):
            pass
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in SYSTEM_FAMILIES:
        if family in known:
            return family
    return None


def map_lang(lang: str) -> str:
    """``lang``, or "en" with a warning when Chinese is asked for and no CJK font exists."""
    check_lang(lang)
    if lang == "zh" and cjk_family() is None:
        warnings.warn("no CJK font found (pip install pylopdf-fonts-zh-cn, or apt-get install "
                      "fonts-noto-cjk): map labels fall back to English", stacklevel=2)
        return "en"
    return lang


def map_style(lang: str) -> AbstractContextManager[Any]:
    """An rc_context for drawing maps in ``lang`` (call :func:`map_lang` first)."""
    import matplotlib as mpl

    rc: dict[str, Any] = {"axes.unicode_minus": False, "svg.fonttype": "path"}
    family = cjk_family()
    if family:
        # A family list (not "sans-serif"): text objects keep it, so a figure drawn after
        # the context (a notebook's inline backend) still finds the CJK font. English
        # maps keep DejaVu for Latin text and fall back to the CJK font for names that
        # are Chinese data.
        rc["font.family"] = [family, "DejaVu Sans"] if lang == "zh" else ["DejaVu Sans",
                                                                           family]
    return mpl.rc_context(rc)  # type: ignore[arg-type]  # keys are valid rcParams
