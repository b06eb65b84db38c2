"""The figures of bench/RELIABILITY.md from the result files of the reliability benches.

    .venv/bin/python bench/reliability_report.py [--write]

Reads bench/results/reliability_{fuzz,kill,disk,dask,memory,soak,concurrent}.json (the
full runs) and, for each bench without one, its ``-quick.json``, then any earlier run
kept as ``reliability_NAME-COMMIT.json``; prints one table per run with the run's
command, commit, date, machine and load average, and marks the quick ones.
``--write`` puts the tables into bench/RELIABILITY.md between the lines
``<!-- figures:start -->`` and ``<!-- figures:end -->``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "bench" / "RELIABILITY.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
SUM_START, SUM_END = "<!-- summary:start -->", "<!-- summary:end -->"


def _load(name: str) -> dict[str, Any] | None:
    for suffix in ("", "-quick"):
        path = RESULTS / f"reliability_{name}{suffix}.json"
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))   # type: ignore[no-any-return]
    return None


def _head(title: str, doc: dict[str, Any]) -> list[str]:
    m = doc["machine"]
    quick = " (quick mode, on a loaded shared machine: the lead re-runs the full one)" \
        if doc.get("quick") else ""
    load = ", ".join(f"{x:.1f}" for x in doc.get("load_average", []))
    return [f"### {title}{quick}", "",
            f"`.venv/bin/python {doc['command']}` at commit `{m['commit']}`, {m['date']}; "
            f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB; load average at the end "
            f"{load}.", ""]


def _table(rows: list[tuple[str, Any]]) -> list[str]:
    return ["| figure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows), ""]


def fuzz(d: dict[str, Any]) -> list[tuple[str, Any]]:
    f = d["figures"]
    return [("folders tried", f["folders"]),
            ("of them through real `python -m optimizer` processes", f["through_subprocess"]),
            ("accepted, solved (1 s) and checked", f"{f['plans_checked']} of {f['accepted']}"),
            ("refused with every problem named", f["refused"]),
            ("problems named", f["problems_named"]),
            ("households in / out", f"{f['households_in']:,} / {f['households_out']:,}"),
            ("**households lost**", f["households_lost"]),
            ("defects (traceback, hang, unnamed problem, lost household)", f["defects"]),
            ("of them tracebacks / hangs", f"{f['tracebacks']} / {f['hangs']}"),
            ("open issue 16 (oversize exemption on another community)", f["known_issue_16"]),
            ("slowest folder (s)", f["seconds_per_folder_max"]),
            ("mutations drawn, by kind", ", ".join(f"{k} {v}" for k, v in
                                                  f["mutations_by_first_word"].items()))]


def kill(d: dict[str, Any]) -> list[tuple[str, Any]]:
    f = d["figures"]
    return [("kills (SIGKILL of the solve process)", f["kills"]),
            ("phase hit", ", ".join(f"{k} {v}" for k, v in f["hit_by_phase"].items() if v)),
            ("folder after the kill", ", ".join(f"{k} {v}" for k, v in f["after_kill"].items())),
            ("worker processes left alive after the kill (10 s; 30 s from 0f0061b on)",
             f["orphan_processes"]),
            ("`--resume` finished", f"{f['resumes_finished']} of {f['kills']}"),
            ("plans checked (after kills and resumes)", f["plans_checked"]),
            ("**runs with a defect**", f["runs_with_defects"]),
            ("households lost", f["households_lost"]),
            ("scenario, limit, workers", f"{f['scenario']}, {f['time_limit_s']} s, "
                                         f"{f['workers']}")]


def disk(d: dict[str, Any]) -> list[tuple[str, Any]]:
    f, full, ro = d["figures"], d["figures"]["full_disk"], d["figures"]["read_only"]
    return [("how", f["how"]),
            ("full disk: runs (free space 0 .. 1.3 x plan and reports)", full["runs"]),
            ("exit 0 with a complete checked plan", full["exit_0"]),
            ("exit 1, one error line naming the folder", full["exit_1_clear"]),
            ("previous plan byte for byte after a failed run", full["previous_untouched"]),
            ("**runs with a defect**", full["runs_with_defects"]),
            ("read-only: commands (solve x2, report, check --write)", ro["runs"]),
            ("read-only: seconds to the error",
             ", ".join(f"{r['command']} {r['seconds']}" for r in ro["rows"])),
            ("**read-only runs with a defect**", ro["runs_with_defects"])]


def dask(d: dict[str, Any]) -> list[tuple[str, Any]]:
    f = d["figures"]
    return [("scenario, limit", f"{f['scenario']}, {f['time_limit_s']} s"),
            ("workers killed mid-piece (SIGKILL)", f"{f['workers_killed']} of "
                                                   f"{f['kills_asked']}"),
            ("of them while solving a piece / while holding the shared scenario",
             f"{sum('_dask_work' in k['task'] for k in f['kills'])} / "
             f"{sum(k['task'].startswith('_same') for k in f['kills'])}"),
            ("same plan as in this process alone", f["same_plan_as_in_process"]),
            ("deterministic (no piece stopped by the clock)", f["deterministic"]),
            ("check passed", f["check_passed"]),
            ("households in / out", f"{f['households_in']:,} / {f['households_out']:,}"),
            ("seconds: in-process / Dask with kills", f"{f['reference_s']} / {f['dask_s']}")]


def memory(d: dict[str, Any]) -> list[tuple[str, Any]]:
    f = d["figures"]
    rows: list[tuple[str, Any]] = [("scenario, limit, workers", f"{f['scenario']}, "
                                    f"{f['time_limit_s']} s, {f['workers']}")]
    for r in f["rows"]:
        rows.append((f"--memory-gb {r['memory_gb'] or 'none'}",
                     f"exit {r['exit']}; peak {r['peak_tree_mb']} MB (tree), "
                     f"{r['peak_process_mb']} MB (largest process), {r['processes']} "
                     f"processes; pieces stopped by the budget {r.get('stopped_by_memory')}; "
                     f"gap {r.get('gap')}; {'checked' if not r['defects'] else r['defects']}"
                     + (f"; stderr: “{r['over_budget_note']}”" if r.get("over_budget_note")
                        else "")))
    rows += [("killed by a signal (the OOM killer's is SIGKILL)", f["killed_by_a_signal"]),
             ("**runs with a defect**", f["runs_with_defects"])]
    return rows


def soak(d: dict[str, Any]) -> list[tuple[str, Any]]:
    f = d["figures"]
    return [("API solves in one process", f"{f['solves']} ({f['workers']}), "
                                          f"{f['warmup']} of warm-up"),
            ("plans checked, households in = out", f["plans_checked"]),
            ("resident memory growth per 100 solves (MB)", f["rss_growth_mb_per_100_solves"]),
            ("RSS by solves (MB)", ", ".join(f"{s['solves']}: {s['rss_mb']}"
                                            for s in f["samples"])),
            ("open files start / end", " / ".join(map(str, f["fds_start_end"]))),
            ("threads start / end", " / ".join(map(str, f["threads_start_end"]))),
            ("child processes start / end", " / ".join(map(str, f["children_start_end"])))]


def concurrent(d: dict[str, Any]) -> list[tuple[str, Any]]:
    f = d["figures"]
    return [("`solve` processes at once", f"{f['processes']} x (--workers "
                                           f"{f['workers_each']}, --memory-gb "
                                           f"{f['memory_gb_each']})"),
            ("scenario, limit", f"{f['scenario']}, {f['time_limit_s']} s"),
            ("all finished", f["all_finished"]),
            ("plans checked", f["plans_checked"]),
            ("wall (s), longest search (s, summary.json)", f"{f['wall_s']}, "
                                                           f"{f['solve_time_s_max']}"),
            ("load average (max), memory available (min GB)",
             f"{f['load_average_max']}, {f['available_gb_min']}"),
            ("**runs with a defect**", f["runs_with_defects"])]


SECTIONS = (("Fuzzed scenario folders", "fuzz", fuzz), ("kill -9 during solve", "kill", kill),
            ("Full disk and read-only output", "disk", disk),
            ("A Dask worker killed mid-solve", "dask", dask),
            ("Memory budgets", "memory", memory),
            ("Solves back to back in one process", "soak", soak),
            ("Concurrent solves", "concurrent", concurrent))


def _earlier(name: str) -> list[tuple[str, dict[str, Any]]]:
    """Other full runs kept beside the main one (``reliability_NAME-COMMIT.json``: the
    run that found a defect since fixed, or a shorter run after a merge), by date."""
    out = []
    for path in RESULTS.glob(f"reliability_{name}-*.json"):
        if path.stem.endswith("-quick"):
            continue
        out.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
    return sorted(out, key=lambda nd: str(nd[1]["machine"]["date"]))


def tables() -> str:
    out: list[str] = []
    for title, name, rows in SECTIONS:
        doc = _load(name)
        if doc is not None:
            out += _head(title, doc) + _table(rows(doc))
        elif not _earlier(name):
            out += [f"### {title}", "", f"(no result file: run bench/reliability_{name}.py)", ""]
        for file, old in _earlier(name):
            out += _head(f"{title}: another run ({file})", old) + _table(rows(old))
    return "\n".join(out)


def _summary_line(name: str, d: dict[str, Any]) -> str:
    f = d["figures"]
    if name == "fuzz":
        return (f"{f['folders']} folders: {f['accepted']} accepted, {f['refused']} refused with "
                f"every problem named; {f['plans_checked']} plans checked; tracebacks "
                f"{f['tracebacks']}, hangs {f['hangs']}, other defects {f['defects']}; "
                f"households lost {f['households_lost']} ({f['households_in']:,} in, "
                f"{f['households_out']:,} out); issue 16 (solve exits 1, says why) "
                f"{f['known_issue_16']}")
    if name == "kill":
        return (f"{f['kills']} kills: folder absent {f['after_kill']['absent']}, previous "
                f"untouched {f['after_kill']['previous untouched']}, complete new plan "
                f"{f['after_kill']['new plan']}; `--resume` finished {f['resumes_finished']}"
                f"/{f['kills']}; {f['plans_checked']} plans checked; processes left "
                f"{f['orphan_processes']}; runs with a defect {f['runs_with_defects']}")
    if name == "disk":
        full, ro = f["full_disk"], f["read_only"]
        return (f"full disk, {full['runs']} runs: {full['exit_0']} complete checked plans, "
                f"{full['exit_1_clear']} clear errors with the previous plan byte for byte; "
                f"read-only, {ro['runs']} commands: all refused at once; runs with a defect "
                f"{full['runs_with_defects'] + ro['runs_with_defects']}")
    if name == "dask":
        return (f"{f['workers_killed']} workers killed mid-solve; same plan as in one "
                f"process: {f['same_plan_as_in_process']}; deterministic (no piece "
                f"stopped by the clock): {f['deterministic']}; checked: {f['check_passed']}"
                f"; households {f['households_in']:,} in, {f['households_out']:,} out")
    if name == "memory":
        parts = []
        for r in f["rows"]:
            budget = f"{r['memory_gb']:g} GB" if r["memory_gb"] else "no budget"
            said = ", said so" if r.get("over_budget_note") else ""
            parts.append(f"{budget}: exit {r['exit']}, peak {r['peak_tree_mb']} MB{said}")
        return "; ".join(parts) + f"; runs with a defect {f['runs_with_defects']}"
    if name == "soak":
        return (f"{f['solves']} solves, {f['plans_checked']} checked; RSS "
                f"+{f['rss_growth_mb_per_100_solves']} MB per 100 solves; open files "
                f"{f['fds_start_end'][0]} → {f['fds_start_end'][1]}, child processes "
                f"{f['children_start_end'][0]} → {f['children_start_end'][1]}, threads "
                f"{f['threads_start_end'][0]} → {f['threads_start_end'][1]}")
    return (f"{f['processes']} processes x --workers {f['workers_each']} --memory-gb "
            f"{f['memory_gb_each']}: all finished {f['all_finished']}, plans checked "
            f"{f['plans_checked']}; longest search {f['solve_time_s_max']} s for a "
            f"{f['time_limit_s']:g} s limit at a load of up to {f['load_average_max']}")


def summary() -> str:
    """One line per bench, from its latest run."""
    out = ["| bench | latest run | commit | result |", "|---|---|---|---|"]
    for title, name, _ in SECTIONS:
        doc = _load(name)
        if doc is None:
            continue
        quick = " (quick)" if doc.get("quick") else ""
        out.append(f"| {title}{quick} | `{doc['command']}` | `{doc['machine']['commit']}` | "
                   f"{_summary_line(name, doc)} |")
    return "\n".join(out)


def _between(doc: str, start: str, end: str, text: str) -> str:
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{text}\n{end}{tail}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    text = tables()
    if not args.write:
        print(summary() + "\n\n" + text)
        return 0
    doc = DOC.read_text(encoding="utf-8")
    if any(m not in doc for m in (START, END, SUM_START, SUM_END)):
        print(f"{DOC} lacks one of the lines {START}, {END}, {SUM_START}, {SUM_END}",
              file=sys.stderr)
        return 1
    doc = _between(doc, SUM_START, SUM_END, summary())
    DOC.write_text(_between(doc, START, END, text), encoding="utf-8")
    print(f"figures written into {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
