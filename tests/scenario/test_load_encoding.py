"""Files as Chinese offices save them: GBK (GB18030), a UTF-8 BOM, UTF-16, CRLF.

Fixture: the six-square grid of tests/helpers/scenarios.py, with Chinese county,
street and site names::

    +------+------+------+
    |  u1  |  u2  |  u3  |    u1 u2 u4 u5 urban in 近湖街道, u3 u6 rural in 上冈镇
    +------+------+------+    all in 建湖县
    |  u4  |  u5  |  u6  |
    +------+------+------+
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from optimizer.cli.main import main
from optimizer.errors import ScenarioError
from optimizer.scenario.load import load_scenario
from tests.helpers.scenarios import grid_units, make_scenario, sites_csv, toml_text

COUNTY, STREET, TOWN = "建湖县", "近湖街道", "上冈镇"
SITES = sites_csv(["近湖-社区用房1,u1,300,true,600,", "上冈-闲置厂房,u6,450,false,450,900000"])


def chinese_units() -> list[dict[str, object]]:
    units = grid_units()
    for u in units:
        u["county"] = COUNTY
        u["street"] = TOWN if u["kind"] == "rural" else STREET
        u["current_community"] = "冈东村" if u["kind"] == "rural" else "湖中社区"
    return units


def csv_scenario(tmp_path: Path) -> Path:
    """The Chinese grid with its units as units.csv (WKT), everything UTF-8."""
    folder = make_scenario(tmp_path, units=chinese_units(), fmt="csv", sites=SITES,
                           toml=toml_text("units.csv"))
    return folder


def recode(path: Path, encoding: str, *, newline: str = "\n", bom: bytes = b"") -> bytes:
    data = bom + path.read_text(encoding="utf-8").replace("\n", newline).encode(encoding)
    path.write_bytes(data)
    return data


def test_gbk_sites_and_units_csv_are_read_as_gb18030_and_noted(tmp_path: Path) -> None:
    folder = csv_scenario(tmp_path)
    raw = recode(folder / "sites.csv", "gbk")
    recode(folder / "units.csv", "gbk", newline="\r\n")       # Excel on Windows: CRLF too
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")                                   # really not UTF-8
    sc = load_scenario(folder)
    assert sc.sites.site_ids == ("近湖-社区用房1", "上冈-闲置厂房")
    assert set(sc.street) == {STREET, TOWN} and set(sc.county) == {COUNTY}
    assert sc.current_community is not None and "冈东村" in sc.current_community
    notes = "\n".join(sc.notes)
    assert "sites.csv is not UTF-8; read as GB18030" in notes
    assert "units.csv is not UTF-8; read as GB18030" in notes
    assert "近湖" in notes                                   # a sample to eyeball


def test_gbk_geojson_and_toml(tmp_path: Path) -> None:
    folder = make_scenario(tmp_path, units=chinese_units(), sites=SITES,
                           toml='name = "建湖县 2013"\ncrs = "EPSG:32651"\n[data]\n'
                                'units = "units.geojson"\nsites = "sites.csv"\n')
    recode(folder / "scenario.toml", "gbk")
    text = (folder / "units.geojson").read_text(encoding="utf-8")
    (folder / "units.geojson").write_bytes(    # json.dumps escaped them: write them plain
        text.encode().decode("unicode_escape").encode("gbk"))
    sc = load_scenario(folder)
    assert sc.name == "建湖县 2013" and STREET in sc.street
    assert any("scenario.toml is not UTF-8" in n for n in sc.notes)


def test_utf8_bom_everywhere(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" and Notepad write a byte-order mark; TOML must not fail at
    line 1, column 1."""
    folder = csv_scenario(tmp_path)
    for name in ("scenario.toml", "sites.csv", "units.csv"):
        recode(folder / name, "utf-8", bom=codecs.BOM_UTF8)
    sc = load_scenario(folder)
    assert sc.name == "tiny" and sc.sites.site_ids[0] == "近湖-社区用房1"
    assert sc.notes == ()                   # UTF-8 with a BOM is UTF-8: nothing to say

    geo = make_scenario(tmp_path / "geo", units=chinese_units())
    recode(geo / "units.geojson", "utf-8", bom=codecs.BOM_UTF8)
    recode(geo / "scenario.toml", "utf-8", bom=codecs.BOM_UTF8, newline="\r\n")
    assert load_scenario(geo).n_units == 6


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_line_ends(tmp_path: Path, newline: str) -> None:
    folder = csv_scenario(tmp_path)
    for name in ("scenario.toml", "sites.csv", "units.csv"):
        recode(folder / name, "utf-8", newline=newline)
    sc = load_scenario(folder)
    assert sc.n_units == 6 and len(sc.sites) == 2 and sc.year == 2014


def test_excel_unicode_text_utf16_tab_separated(tmp_path: Path) -> None:
    folder = csv_scenario(tmp_path)
    text = (folder / "sites.csv").read_text(encoding="utf-8").replace(",", "\t")
    (folder / "sites.csv").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    sc = load_scenario(folder)
    assert sc.sites.site_ids == ("近湖-社区用房1", "上冈-闲置厂房")
    assert any("UTF-16" in n for n in sc.notes) and any("tab-separated" in n for n in sc.notes)


def test_undecodable_file_names_line_byte_and_how_to_save(tmp_path: Path) -> None:
    folder = csv_scenario(tmp_path)
    good = (folder / "sites.csv").read_bytes()
    lines = good.split(b"\n")
    lines[2] = lines[2][:3] + b"\x80\xff" + lines[2][3:]   # invalid in UTF-8 and GB18030
    (folder / "sites.csv").write_bytes(b"\n".join(lines))
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    sites = str(info.value.problems[0])
    # much good UTF-8 (the Chinese names) around 2 bad bytes: a damaged UTF-8 file
    assert sites.startswith("sites.csv: is UTF-8 text with 2 bytes that are not UTF-8")
    assert "line 3, byte 4" in sites
    assert "0x80 0xff" in sites and "save it as UTF-8" in sites and "另存为" in sites
    assert "CSV UTF-8" in sites

    (folder / "scenario.toml").write_bytes(b'name = "x\xff"\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    assert "scenario.toml: is not UTF-8" in str(info.value)
    assert "line 1, byte 10" in str(info.value) and "Notepad" in str(info.value)


def test_nul_bytes_are_not_text(tmp_path: Path) -> None:
    folder = csv_scenario(tmp_path)
    (folder / "sites.csv").write_bytes("site_id,unit_id".encode("utf-16-le"))  # no BOM
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    assert "NUL bytes" in str(info.value) and "sites.csv" in str(info.value)


def test_validate_prints_the_encoding_note(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = csv_scenario(tmp_path)
    recode(folder / "sites.csv", "gb18030")
    assert main(["validate", str(folder)]) == 0
    assert "Note: sites.csv is not UTF-8; read as GB18030" in capsys.readouterr().out



@pytest.mark.parametrize("encoding,keep_cpg,noted", [("gbk", False, True),
                                                     ("utf-8", False, False),
                                                     ("gbk", True, False)])
def test_shapefile_without_cpg(tmp_path: Path, encoding: str, keep_cpg: bool,
                               noted: bool) -> None:
    """Without a .cpg file GDAL read the attributes as Latin-1: '½üºþ½ÖµÀ' for 近湖街道."""
    import warnings

    import geopandas as gpd

    folder = make_scenario(tmp_path, units=chinese_units(), fmt="shp", sites=SITES,
                           toml=toml_text("units.shp"))
    gdf = gpd.GeoDataFrame(chinese_units(), geometry="geometry", crs="EPSG:32651")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # field names cut to 10 characters
        gdf.to_file(folder / "units.shp", encoding=encoding)
    if not keep_cpg:
        (folder / "units.cpg").unlink()
    sc = load_scenario(folder)
    assert set(sc.street) == {STREET, TOWN} and set(sc.county) == {COUNTY}
    assert any("units.shp has no .cpg file" in n for n in sc.notes) == noted


def test_utf8_with_one_stray_byte_is_refused_not_read_as_gbk(tmp_path: Path) -> None:
    """A UTF-8 units.csv with one ASCII byte inserted inside a Chinese character (the
    loader fuzz, issue 14) decodes as GB18030 without an error, every name garbled
    ('近湖街道' -> '杩戞箹琛楅亾'): refused with the byte's place instead."""
    folder = csv_scenario(tmp_path)
    path = folder / "units.csv"
    data = path.read_bytes()
    at = data.index(STREET.encode("utf-8")) + 1          # inside 近
    path.write_bytes(data[:at] + b"h" + data[at:])
    with pytest.raises(ScenarioError) as err:
        load_scenario(folder)
    [p] = [p for p in err.value.problems if p.file == "units.csv"]
    assert p.rule.startswith("is UTF-8 text with 3 bytes that are not UTF-8")  # E8, BF, 91
    line = data[:at].count(b"\n") + 1
    assert f"line {line}," in p.rule
