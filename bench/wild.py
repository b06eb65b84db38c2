"""An independent scenario writer, and a sweep of ``solve`` + ``check`` on what it writes.

    PYTHONPATH=$PWD .venv/bin/python bench/wild.py --seeds 1-40 [--only 3,7] [--list]
        [--write-only] [--work /tmp/wild] [--out bench/results/wild/wild.jsonl]
        [--code DIR]      # the code solve/check run (default: this checkout)

Issue 16's held-out scenarios come from other tools. Everything else the bench runs
comes from the product's generator (``optimizer.synth``) or edits of its output; this
writer imports nothing of the product and writes folders straight to
../shared/CONTRACT.md: its own layouts (bench/wild_shapes.py) and distributions
(bench/wild_compose.py), and per seed its own choice of the contract's freedoms:
units as GeoJSON (with or without a ``crs`` member), GeoPackage, Shapefile or CSV
with WKT; a metric or a geographic CRS (WGS 84, CGCS2000); rows shuffled; ids with
leading zeros or non-ASCII; sites.csv with or without the optional columns, or only
its header; barriers.geojson absent, empty or with lines; communities_today.csv;
``[budget]``, ``[solver]`` and ``year`` present or not.

Each scenario is solved by the CLI (limit 10-30 s by seed, one worker on even seeds,
two on odd) and checked by ``optimizer check``; the judgement is
bench/heldout_sweep.py's (rc, check, wall clock against the limit, soft pieces,
exemptions not naming their own unit, communities above the maximum without one,
households in = out). A folder the loader rejects is recorded with its message
(``rejected``): every folder here is meant to be legal, so a rejection is either the
product's defect or this writer's, and the JOURNAL says which.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.heldout_sweep import append_record, judge_props, verdict  # noqa: E402
from bench.wild_compose import Drawn, compose  # noqa: E402
from optimizer.rules.policy import Policy  # noqa: E402

ORIGIN = (260_000.0, 3_700_000.0)      # EPSG:32651 metres near Jianhu (119.8 E, 33.4 N)
FORMATS = ("geojson", "geojson-tomlcrs", "gpkg", "shp", "csv")
CRSES = ("EPSG:32651", "EPSG:4549", "EPSG:4326", "EPSG:4490")
# Targets the engine reports from communities_today.csv but cannot decide (RULES.md):
# a fail there is today's data, not the plan's defect, and makes ``check`` exit 1.
TARGET_YEAR = Policy().target_year      # FACILITY-95's "by 2015"
TARGETS = {"HARMONY-90-80", "MGMT-2013", "ORGS-5", "VOLUNTEER-15-10", "SERVICES-6-8",
           "PRO-80-50", "SELFGOV-95"}


def choices(seed: int) -> dict[str, Any]:
    """The file-level choices of ``seed`` (independent of the contents' draws)."""
    rng = np.random.default_rng([seed, 99])
    fmt = str(rng.choice(FORMATS, p=[0.35, 0.15, 0.2, 0.15, 0.15]))
    crs = str(rng.choice(CRSES, p=[0.4, 0.2, 0.25, 0.15]))
    return {"format": fmt, "crs": crs, "shuffle": bool(rng.random() < 0.5),
            "barriers": str(rng.choice(["auto", "empty", "absent"], p=[0.7, 0.15, 0.15])),
            "today": bool(rng.random() < 0.5), "budget": bool(rng.random() < 0.25),
            "year": int(rng.choice([0, 2013, 2014, 2016])),
            "solver": bool(rng.random() < 0.3),
            "limit_s": int(rng.choice([10, 15, 20, 30])), "workers": 1 + seed % 2}


def _frame(d: Drawn, ch: dict[str, Any]) -> gpd.GeoDataFrame:
    rows = []
    for u in d.units:
        row: dict[str, Any] = {"unit_id": u.uid, "households": u.households, "kind": u.kind,
                               "county": u.county, "street": u.street}
        if d.options.get("current"):
            row["current_community"] = u.current
        if "new_development" in d.options:
            row["new_development"] = u.new_development
        if "no_build" in d.options:
            row["no_build"] = u.no_build
        rows.append(row)
    geoms = [shapely.affinity.translate(u.geom, *ORIGIN) for u in d.units]
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:32651").to_crs(ch["crs"])
    if ch["shuffle"]:
        gdf = gdf.sample(frac=1.0, random_state=np.random.default_rng([d.seed, 5]).integers(10**9))
    return gdf


def write(seed: int, folder: Path) -> tuple[Drawn, dict[str, Any]]:
    """Write scenario ``seed`` to ``folder`` (replaced); return what was drawn."""
    d, ch = compose(seed), choices(seed)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    gdf = _frame(d, ch)
    fmt = ch["format"]
    toml = [f'name = "wild {seed}: written by bench/wild.py"']
    data = []
    if fmt.startswith("geojson"):
        if fmt == "geojson-tomlcrs" or ch["crs"] in ("EPSG:4326",):
            # no crs member: metric coordinates need scenario.toml's crs
            doc = json.loads(gdf.to_json(drop_id=True))
            doc.pop("crs", None)
            (folder / "units.geojson").write_text(json.dumps(doc, ensure_ascii=False),
                                                  encoding="utf-8")
            toml.append(f'crs = "{ch["crs"]}"')
        else:
            gdf.to_file(folder / "units.geojson", driver="GeoJSON")
        data.append('units = "units.geojson"')
    elif fmt == "gpkg":
        gdf.to_file(folder / "units.gpkg", driver="GPKG", layer="units")
        data.append('units = "units.gpkg"')
    elif fmt == "shp":
        with warnings.catch_warnings():     # field names cut to 10 characters: expected
            warnings.simplefilter("ignore")
            gdf.to_file(folder / "units.shp", driver="ESRI Shapefile", encoding="utf-8")
        data.append('units = "units.shp"')
    else:
        frame = pd.DataFrame(gdf.drop(columns="geometry"))
        frame["geometry"] = shapely.to_wkt(gdf.geometry.values, rounding_precision=-1)
        frame.to_csv(folder / "units.csv", index=False)
        toml.append(f'crs = "{ch["crs"]}"')
        data.append('units = "units.csv"')
    if ch["year"]:
        toml.append(f"year = {ch['year']}")
    sites = pd.DataFrame(d.sites, columns=None if d.sites else
                         ["site_id", "unit_id", "area_m2", "owned", "max_area_m2",
                          "purchase_price_yuan"])
    sites.to_csv(folder / "sites.csv", index=False)
    data.append('sites = "sites.csv"')
    if ch["barriers"] != "absent" and (d.barriers or ch["barriers"] == "empty"):
        lines = [shapely.affinity.translate(b, *ORIGIN) for b in d.barriers]
        bg = gpd.GeoDataFrame({"name": [f"river {i}" for i in range(len(lines))]},
                              geometry=lines, crs="EPSG:32651").to_crs(ch["crs"])
        if ch["barriers"] == "empty":
            bg = bg.iloc[:0]
        bg.to_file(folder / "barriers.geojson", driver="GeoJSON")
        data.append('barriers = "barriers.geojson"')
    if ch["today"] and d.options.get("current"):
        cur = sorted({u.current for u in d.units if u.current})
        rng = np.random.default_rng([seed, 7])
        pd.DataFrame({"current_community": cur,
                      "social_orgs": [int(x) if x >= 0 else "" for x in
                                      rng.integers(-2, 9, len(cur))],
                      "mgmt_system": rng.choice(["true", "false", ""], len(cur))}).to_csv(
            folder / "communities_today.csv", index=False)
    toml += ["", "[data]"] + data
    if ch["solver"]:
        toml += ["", "[solver]", "seed = 7", "time_limit_s = 600"]
    if ch["budget"]:
        y0 = ch["year"] or 2013
        toml += ["", "[budget]", f"horizon = [{y0}, {y0 + 2}]",
                 "capital_yuan = { " + ", ".join(f'"{y0 + i}" = 6e6' for i in range(3)) + " }",
                 "carry_over = true"]
    (folder / "scenario.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    return d, ch


def _props(d: Drawn) -> list[dict[str, Any]]:
    return [{"unit_id": u.uid, "households": u.households, "street": u.street}
            for u in d.units]


def run(seed: int, work: Path, py: str, code: Path) -> dict[str, Any]:
    """Write, solve and check scenario ``seed``; the judgement as one record."""
    folder = work / f"wild-{seed}"
    d, ch = write(seed, folder)
    rec: dict[str, Any] = {"name": f"wild-{seed}", "seed": seed, "notes": d.notes,
                           "options": d.options, "files": ch, "units": len(d.units),
                           "limit_s": ch["limit_s"], "workers": ch["workers"]}
    env = {**os.environ, "PYTHONPATH": str(code)}
    plan = work / f"wild-{seed}.plan"
    shutil.rmtree(plan, ignore_errors=True)
    cmd = [py, "-m", "optimizer", "solve", str(folder), "--out", str(plan), "--quiet",
           "--time-limit", str(ch["limit_s"]), "--workers", str(ch["workers"])]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, cwd=code, env=env)
    rec["wall_s"] = round(time.monotonic() - t0, 2)
    rec["over_s"] = round(rec["wall_s"] - ch["limit_s"], 2)
    rec["rc"] = p.returncode
    if p.returncode != 0:
        rec["stderr"] = p.stderr.decode(errors="replace")[-1500:]
        rec["stdout"] = p.stdout.decode(errors="replace")[-1500:]
    if not (plan / "summary.json").exists():
        rec["rejected"] = p.returncode == 2
        return rec
    return judged(rec, d, folder, plan, py, code)


def judged(rec: dict[str, Any], d: Drawn, folder: Path, plan: Path, py: str,
           code: Path) -> dict[str, Any]:
    """``rec`` with the independent check of ``plan`` and the sweep's judgement."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    q = subprocess.run([py, "-m", "optimizer", "check", str(folder), str(plan)],
                       capture_output=True, cwd=code, env=env)
    rec["check_rc"] = q.returncode
    for key in ("check_fails", "rule_fails", "target_fails"):
        rec.pop(key, None)
    if q.returncode != 0:
        lines = q.stdout.decode(errors="replace").split("\n")
        fails = [ln for ln in lines if "fail" in ln.lower()]
        rules = {ln.split()[1] for ln in lines if ln.strip().startswith("FAIL ")}
        # The plan's own rules first (today's data can fail a line per community).
        rec["check_fails"] = ([ln for ln in fails if not any(t in ln for t in TARGETS)]
                              + [ln for ln in fails if any(t in ln for t in TARGETS)])[:10]
        rec["rule_fails"] = sorted(rules - TARGETS)
        rec["target_fails"] = sorted(rules & TARGETS)
    rec.update(judge_props(_props(d), plan))
    rec["late_pipeline"] = late_pipeline(folder, plan)
    return rec


def late_pipeline(folder: Path, plan: Path) -> list[str]:
    """Communities centred on rooms handed over after the targets' year (PIPELINE:
    rooms in the construction plan are the community's center; Policy.target_year):
    they cannot meet the area standard by then, whatever the plan."""
    sites = pd.read_csv(folder / "sites.csv", dtype=str, keep_default_na=False)
    if "available_year" not in sites.columns:
        return []
    year = dict(zip(sites["site_id"], sites["available_year"], strict=True))
    c = pd.read_csv(plan / "communities.csv", dtype=str, keep_default_na=False)
    return sorted(cid for cid, sid in zip(c["community_id"], c["site_id"], strict=True)
                  if year.get(sid, "") and int(float(year[sid])) > TARGET_YEAR)


def _excused(r: dict[str, Any]) -> set[str]:
    """FACILITY-95 and FIX-2013-03 fails that late pipeline rooms alone explain: as
    many communities short of the standard as are centred on such rooms, and every
    community 'without a valid remedy' one of them."""
    late = set(r.get("late_pipeline") or [])
    out: set[str] = set()
    for line in r.get("check_fails") or []:
        if "FAIL FACILITY-95" in line and (m := re.search(r"(\d+) of (\d+) communities", line)):
            # the checker's count without the exempt shortfalls (AREA-PER-HH, rooms
            # coming too small), when it gives one: those are proved, not late rooms
            w = re.search(r"without them (\d+) of (\d+) meet", line) or m
            if int(w[2]) - int(w[1]) <= len(late):
                out.add("FACILITY-95")
        if "FAIL FIX-2013-03" in line and (m := re.search(
                r"without a valid remedy: ([^;(]+)", line)):
            named = [x.strip() for x in m[1].split(",")]
            if "more" not in m[1] and set(named) <= late:
                out.add("FIX-2013-03")
    return out


def wild_verdict(r: dict[str, Any]) -> str:
    """bench/heldout_sweep.py's verdict, but a check that fails only on the reported
    targets of today's data (:data:`TARGETS`), or on the 2015 targets where rooms
    handed over later explain it (:func:`_excused`), is not the plan's defect."""
    if r.get("rejected"):
        return "REJECTED"
    if r.get("check_rc") and "rule_fails" in r and not set(r["rule_fails"]) - _excused(r):
        r = {**r, "check_rc": 0, "rc": 0 if r.get("rc") == 1 else r.get("rc")}
    return verdict(r)


def _seeds(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b or a) + 1))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="1-40")
    ap.add_argument("--only", default="", help="seeds to keep of --seeds (e.g. 3,7)")
    ap.add_argument("--work", default="/tmp/wild")
    ap.add_argument("--out", default=str(ROOT / "bench/results/wild/wild.jsonl"))
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--write-only", action="store_true", help="write folders, no solve")
    ap.add_argument("--code", default=str(ROOT))
    ap.add_argument("--rejudge", default="", help="a results file: check and judge its "
                    "plans again (in --work) into --out, without solving")
    args = ap.parse_args()
    if args.rejudge:
        for line in Path(args.rejudge).read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if "check_rc" in r:
                w = Path(args.work)
                r = judged(r, compose(r["seed"]), w / r["name"], w / f"{r['name']}.plan",
                           sys.executable, Path(args.code))
            with Path(args.out).open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
            sys.stdout.write(f"{r['name']:10s} -> {wild_verdict(r)}\n")
        return 0
    seeds = _seeds(args.seeds)
    if args.only:
        seeds = [s for s in seeds if s in set(_seeds(args.only))]
    work = Path(args.work)
    if args.list or args.write_only:
        for s in seeds:
            if args.write_only:
                d, ch = write(s, work / f"wild-{s}")
            else:
                d, ch = compose(s), choices(s)
            sys.stdout.write(f"wild-{s}\t{len(d.units)} units {ch} {d.options}\n\t"
                             + "\n\t".join(d.notes) + "\n")
        return 0
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        r = run(s, work, sys.executable, Path(args.code))
        append_record(out, r)
        v = wild_verdict(r)
        sys.stdout.write(f"wild-{s:<4d} n={r['units']:<4d} rc={r.get('rc')} "
                         f"wall={r.get('wall_s')}/{r['limit_s']} w{r['workers']} "
                         f"gap={r.get('gap')} ex={r.get('exemptions')} -> {v}\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
