"""The held-out sweep's edits (bench/heldout_edits.py) write scenarios the loader reads,
with the edit made; and its verdict flags a soft piece only where some whole number of
communities fits its households (else soft is that piece's only plan)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.helpers.paths import ROOT

sys.path.insert(0, str(ROOT))

from bench.heldout_edits import apply  # noqa: E402
from bench.heldout_sweep import _count_fits, verdict  # noqa: E402
from optimizer.scenario.load import load_scenario  # noqa: E402
from tests.helpers.scenarios import eight_squares  # noqa: E402


def test_edits_give_a_scenario_the_loader_reads(tmp_path: Path) -> None:
    folder = eight_squares(tmp_path / "s")
    apply(folder, ["oversize1u", "solo_urban", "statuses", "shuffle", "ids", "names",
                   "no_barriers", "minimal", "floats", "csv_units"], seed=3)
    sc = load_scenario(folder)
    assert sc.n_units == 8
    assert "=SUM(A1)" in sc.unit_ids
    assert any(int(h) > 3000 for h in sc.households)
    assert any("Solo Street" in str(s) for s in sc.street)
    site_units = set(pd_sites(folder))
    assert site_units <= set(sc.unit_ids)


def pd_sites(folder: Path) -> list[str]:
    import pandas as pd

    return pd.read_csv(folder / "sites.csv", dtype=str)["unit_id"].tolist()


def test_soft_is_a_defect_only_where_a_count_fits() -> None:
    assert not _count_fits(627, "rural")          # below the minimum
    assert not _count_fits(3183, "urban")         # above one maximum, below two minimums
    assert _count_fits(1200, "rural") and _count_fits(4500, "urban")
    rec = {"rc": 0, "check_rc": 0, "over_s": -1, "households_in": 1, "households_out": 1,
           "soft": [{"key": "C / T / rural", "households": 627}], "soft_suspect": []}
    assert verdict(rec) == "ok"
    rec["soft_suspect"] = rec["soft"]
    assert verdict(rec) == "soft_suspect"
    assert json.dumps(rec)


def test_soft_means_the_soft_fallback_not_a_core_split_of_it() -> None:
    """``core-split(soft)`` is a plan within the bounds but for a proven core's
    community: the sweep flagged it as soft because it matched the substring."""
    from bench.heldout_sweep import is_soft
    assert is_soft("soft")
    assert is_soft("oversized(2): soft")
    assert is_soft("oversized(2): exact(k=1); soft")
    assert not is_soft("core-split(soft)")
    assert not is_soft("oversized(1): core-split(soft)")
    assert not is_soft("columns(20)")


def test_a_soft_piece_the_checker_upholds_is_not_suspect(tmp_path: Path) -> None:
    """Soft with every SIZE row passing or exempt in compliance.csv: the checker proved
    the exemptions, so the fallback was forced (seed 288's small pieces, session 24)."""
    from bench.heldout_sweep import _size_upheld

    (tmp_path / "communities.csv").write_text(
        "community_id,county,street,kind\nA,C,T / x,rural\nB,C,T / x,rural\nU,C,T / x,urban\n",
        encoding="utf-8")
    comp = tmp_path / "compliance.csv"
    comp.write_text("rule_id,community_id,status\nSIZE-RURAL,A,pass\nSIZE-RURAL,B,exempt\n"
                    "SIZE-URBAN,U,fail\nKIND,A,pass\n", encoding="utf-8")
    assert _size_upheld(tmp_path, "C / T / x / rural")
    assert not _size_upheld(tmp_path, "C / T / x / urban")       # its SIZE row fails
    assert not _size_upheld(tmp_path, "C / other / rural")        # no community: no proof
    comp.write_text("rule_id,community_id,status\nSIZE-RURAL,A,pass\nSIZE-RURAL,B,fail\n",
                    encoding="utf-8")
    assert not _size_upheld(tmp_path, "C / T / x / rural")
