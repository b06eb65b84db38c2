"""The loaders fuzzed with whole scenario folders (issue 14, part 2): random valid
folders and mutations of them (tests/helpers/fuzz_folders.py, fuzz_mutations.py):
geometry edge cases, every field in every type, huge and non-finite numbers,
encodings and line ends, missing, extra, empty and damaged files, scenario.toml
changes. Each must be accepted and solved (1 s, one worker) with every household
in the plan and the independent check passing, or refused with exit 1 and every
problem named; never a traceback or a hang (tests/helpers/fuzz_oracle.py).

Bounded here (in this process, then a few through the real command line); the long
run with figures is bench/reliability_fuzz.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from tests.helpers.fuzz_folders import FolderCase, base_cases, set_units_format
from tests.helpers.fuzz_mutations import Mutation, fuzz_cases
from tests.helpers.fuzz_oracle import Cli, in_process, judge, subprocess_cli

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


def _assert_sound(case: FolderCase, cli: Cli = in_process) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = judge(case, Path(tmp), cli)
    assert not out.defects, f"{out.case}\n" + "\n".join(out.defects)
    assert out.verdict in ("accepted", "refused", "known"), out
    if out.verdict in ("accepted", "known"):
        assert out.households_out == out.households_in


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(fuzz_cases())
def test_any_folder_is_solved_or_refused_by_name(case: FolderCase) -> None:
    _assert_sound(case)


@settings(max_examples=3, deadline=None, suppress_health_check=SLOW)
@given(fuzz_cases(max_mutations=2))
def test_the_real_command_line_on_fuzzed_folders(case: FolderCase) -> None:
    """The same through `python -m optimizer` processes (timeouts are real kills)."""
    _assert_sound(case, subprocess_cli)


@settings(max_examples=4, deadline=None, suppress_health_check=SLOW)
@given(base_cases())
def test_a_path_out_of_the_folder_survives_a_later_edit_of_the_units(case: FolderCase) -> None:
    """A gpkg folder whose [data] units leads out of the folder, then a units edit that
    rewrites the units as GeoJSON: the path must stay as mutated and the folder be
    refused (the fuzz test once saw it accepted: the rewrite had reset the path)."""
    set_units_format(case, "gpkg")
    Mutation("data_path", 0, "outside").apply(case)
    Mutation("drop_column", 0, "current_community").apply(case)
    assert case.config["data"]["units"] == "../units.x"
    _assert_sound(case)
    with tempfile.TemporaryDirectory() as tmp:
        assert judge(case, Path(tmp)).verdict == "refused"
