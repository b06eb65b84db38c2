"""Text is data (issue 14, item 3): names never become formulas, markup, mathtext or
paths in plan.xlsx, report.html, the maps or the progress line (the plan CSVs:
tests/test_csv_text.py).

The scenario: seven urban streets of two units (1,200 households each) in county
``@SUM(1)``, named to break each output; the site in the first street is called
``=HYPERLINK(...)`` and becomes its community's center.
"""

from __future__ import annotations

import html.parser
import zipfile
from pathlib import Path

import openpyxl
import pytest

from optimizer import write_plan
from optimizer.cli.progress import ConsoleProgress
from optimizer.names import fold
from optimizer.progress import ProgressEvent
from optimizer.scenario.build import grid_scenario
from optimizer.search import solve
from tests.helpers.hostile import COUNTY, SITE, STREETS, hostile_scenario


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    from optimizer.report import write_reports

    s = hostile_scenario()
    plan = solve(s, time_limit_s=10, workers=1)
    out = write_plan(plan, tmp_path_factory.mktemp("hostile") / "plan", scenario=s)
    write_reports(s, plan, out, lang="en")
    return s, plan, out


def test_plan_uses_the_site_and_checks(hostile) -> None:  # type: ignore[no-untyped-def]
    s, plan, _ = hostile
    assert SITE in {c.site_id for c in plan.communities}
    assert sorted(c.street for c in plan.communities) == sorted(STREETS)


def test_xlsx_holds_no_formula(hostile) -> None:  # type: ignore[no-untyped-def]
    _, _, out = hostile
    with zipfile.ZipFile(out / "plan.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        for name in sheets:
            xml = z.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, name
    wb = openpyxl.load_workbook(out / "plan.xlsx")
    texts: dict[str, str] = {}
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type in ("s", "inlineStr")
                    texts[cell.value] = cell.coordinate
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (ws.title, cell.coordinate)
    for name in (SITE, COUNTY, "=1+1", "-2+3", "<script>alert(1)</script>", "$x$ Town"):
        assert name in texts, name
    assert "bell\\x07" in texts   # XML cannot hold \x07: shown as an escape


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for key, _ in attrs:
            assert not key.startswith("on"), (tag, key)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_html_escapes_every_name(hostile) -> None:  # type: ignore[no-untyped-def]
    _, _, out = hostile
    page = (out / "report.html").read_text(encoding="utf-8")
    parsed = _Tags()
    parsed.feed(page)
    assert "script" not in parsed.tags
    text = "".join(parsed.text)
    for name in ("<script>alert(1)</script>", SITE, COUNTY, "$x$ Town"):
        assert name in text, name


def test_map_titles_are_literal_and_files_safe(hostile) -> None:  # type: ignore[no-untyped-def]
    _, _, out = hostile
    maps = sorted((out / "maps").iterdir())
    assert all(p.parent == out / "maps" for p in maps)
    stems = {p.stem for p in maps if p.suffix == ".png"}
    assert len(stems) == 1 + len(STREETS) and len({fold(x) for x in stems}) == len(stems)
    for stem in stems:
        assert len(stem.encode("utf-8")) <= 130 and ".." not in stem, stem
    dollar = [p for p in maps if p.suffix == ".svg" and "x_Town" in p.stem]
    assert len(dollar) == 1
    # "$x$" drawn as text: the dollar glyph (index 7 in DejaVu Sans) is in the SVG,
    # and no math italic x (mathtext draws it from DejaVu Sans Oblique).
    svg = dollar[0].read_text(encoding="utf-8")
    assert 'id="DejaVuSans-7"' in svg and "Oblique" not in svg


def test_map_with_bad_mathtext_still_draws(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from optimizer.report.maps import write_maps

    s = grid_scenario([[1200, 1200]], street=[[r"$\foo$", r"$\foo$"]])
    plan = solve(s, time_limit_s=5, workers=1)
    assert len(write_maps(s, plan, tmp_path, "en")) == 2


def test_comparison_map_title_is_literal(hostile) -> None:  # type: ignore[no-untyped-def]
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from optimizer.report.compare import diff
    from optimizer.report.maps_diff import plot_diff

    s, plan, _ = hostile
    ax = plot_diff(s, diff(s, plan, plan, names=(r"$\foo$ plan", "b")))
    ax.figure.savefig(io.BytesIO(), format="png")
    assert ax.get_title().startswith(r"$\foo$ plan")
    plt.close(ax.figure)


# --- the live progress line ----------------------------------------------------------
def test_progress_line_shows_names_literally() -> None:
    from rich.console import Console

    seen: list[object] = []

    class Live:
        def update(self, renderable: object) -> None:
            seen.append(renderable)

    progress = ConsoleProgress(enabled=False)
    progress._live = Live()
    progress(ProgressEvent(1, 2, 10.0, 5.0, 1.0, "C1 / [bold]x[/] / urban"))
    console = Console(record=True, width=200, color_system=None)
    console.print(seen[0])
    assert "C1 / [bold]x[/] / urban" in console.export_text()
