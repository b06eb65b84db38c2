"""Write a synth scenario folder with the first generator's formatting (CONTRACT.md).

Only scenario.toml differs: its header names the command, the options and, for real
shapes, the source of the geometry; its [solver] time limit is the preset's bench
limit (issue 16's targets).
"""

from __future__ import annotations

from pathlib import Path

from optimizer.synth.voronoi.generated import Generated
from optimizer.synth.voronoi.write import barriers_geojson, scenario_toml, sites_csv, units_geojson


def write(g: Generated, out: Path, command: str, notes: list[str], time_limit_s: int) -> Path:
    """Write the four files into ``out`` (created if needed); return ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    files = {"scenario.toml": scenario_toml(g, command, tuple(notes), time_limit_s),
             "units.geojson": units_geojson(g), "sites.csv": sites_csv(g),
             "barriers.geojson": barriers_geojson(g)}
    for name, text in files.items():
        tmp = out / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(out / name)
    return out
