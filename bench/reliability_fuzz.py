"""The loaders fuzzed at length (issue 14, part 2): the folders and the judge of
tests/reliability/test_fuzz_folders.py, many more of them, with figures.

    .venv/bin/python bench/reliability_fuzz.py [--examples 2000] [--subprocess-every 10]
        [--seed N] [--max-mutations 3] [--keep DIR] [--quick]

Each folder (tests/helpers/fuzz_folders.py: a random grid of units, sites and a
barrier in one of three CRSes and three formats, then up to ``--max-mutations`` of the
mutations of tests/helpers/fuzz_mutations.py) is judged by tests/helpers/fuzz_oracle.py
in this process; every ``--subprocess-every``-th one also through real ``python -m
optimizer`` processes (validate, solve --time-limit 1, check; killed after 120 s). The
figures: folders tried, accepted and solved, refused, plans checked, households in and
out, problems named, defects (each with its folder's description), seconds per folder,
and the mutations drawn by kind. ``--quick``: 60 folders.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.reliability_common import write_result  # noqa: E402


def run(examples: int, every: int, seed: int, max_mutations: int,
        keep: Path | None = None) -> dict[str, Any]:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    from tests.helpers.fuzz_folders import FolderCase
    from tests.helpers.fuzz_mutations import fuzz_cases
    from tests.helpers.fuzz_oracle import Outcome, in_process, judge, subprocess_cli, summary_line

    outcomes: list[Outcome] = []
    kinds: Counter[str] = Counter()
    t0 = time.perf_counter()

    @hypothesis_seed(seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(fuzz_cases(max_mutations=max_mutations))
    def one(case: FolderCase) -> None:
        n = len(outcomes) + 1
        cli = subprocess_cli if every and n % every == 0 else in_process
        with tempfile.TemporaryDirectory(prefix="reliability-fuzz-") as tmp:
            out = judge(case, Path(tmp), cli)
        out.case = f"{'[cli] ' if cli is subprocess_cli else ''}{out.case}"
        outcomes.append(out)
        kinds.update(e.what.split(" ")[0] for e in case.expects)
        if out.defects or n % 50 == 0:
            print(f"{n}: {summary_line(outcomes)}", flush=True)
        if out.defects and keep is not None:     # to replay: pickle.load, then judge()
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"defect-{n}.pickle").write_bytes(pickle.dumps(case))
        if out.defects:
            print(f"  DEFECT in {out.case}:\n  " + "\n  ".join(d[:600] for d in out.defects),
                  flush=True)

    one()
    figures: dict[str, Any] = summary_line(outcomes)
    figures.update({
        "through_subprocess": sum(o.case.startswith("[cli]") for o in outcomes),
        "seconds": round(time.perf_counter() - t0),
        "seconds_per_folder_max": max((o.seconds for o in outcomes), default=0),
        "hangs": sum(any("hang" in d for d in o.defects) for o in outcomes),
        "tracebacks": sum(any("Traceback" in d or "raised" in d for d in o.defects)
                          for o in outcomes),
        "hypothesis_seed": seed, "max_mutations": max_mutations,
        "mutations_by_first_word": dict(kinds.most_common()),
        "defect_cases": [{"case": o.case, "defects": [d[:2000] for d in o.defects]}
                         for o in outcomes if o.defects],
        "known_issue_cases": [{"case": o.case, "known": o.known} for o in outcomes if o.known],
    })
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--examples", type=int, default=2000)
    ap.add_argument("--subprocess-every", type=int, default=10)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--max-mutations", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None,
                    help="folder for each defect's case (a pickle; replay with judge())")
    ap.add_argument("--quick", action="store_true", help="60 folders")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.examples = 60
    figures = run(args.examples, args.subprocess_every, args.seed, args.max_mutations,
                  args.keep)
    path = write_result("reliability_fuzz", figures, sys.argv if argv is None
                        else ["reliability_fuzz.py", *argv], args.quick, args.out)
    print({k: v for k, v in figures.items() if not isinstance(v, list | dict)})
    print(f"written to {path}")
    return 0 if figures["defects"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
