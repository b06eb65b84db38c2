"""Solves back to back in one process leave nothing behind (issue 14, part 2; 500 of
them with figures: bench/reliability_soak.py, whose code this runs): random small
scenarios, one worker and a pool of two in turn, every plan checked with households
in = out, and after a warm-up the open files, threads and child processes at the end
are those at the start (a child still alive 10 s after its solve is a leak)."""

from __future__ import annotations

import sys

from tests.helpers.paths import ROOT

sys.path.insert(0, str(ROOT))

from bench.reliability_soak import run  # noqa: E402


def test_sixteen_solves_leak_no_process_file_or_thread() -> None:
    figures = run(solves=16, every=6, warmup=4, limit=1.0, seed=3)
    assert figures["failures"] == []
    assert figures["plans_checked"] == 16
    base, end = figures["children_start_end"]
    assert end <= base, figures["samples"]
    assert figures["fds_start_end"][1] <= figures["fds_start_end"][0], figures["samples"]
    assert figures["threads_start_end"][1] <= figures["threads_start_end"][0]
    # Against a gross leak only (measured: 1.7 MB over 12 solves after the warm-up,
    # i.e. 14 MB per 100; RSS over a dozen solves is noisy): the 500-solve bench
    # measures the growth.
    assert figures["rss_growth_mb_per_100_solves"] < 150, figures["samples"]
