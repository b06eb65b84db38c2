"""Proposed names (issue 17 item 7) and the service lists the engine writes: from the
current community a planned one mostly keeps, else street + ordinal; [names] edits."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from optimizer.errors import ConfigError, ScenarioError
from optimizer.plan.naming import (
    FROM_CURRENT,
    FROM_ORDINAL,
    FROM_SCENARIO,
    proposed_names,
    unused_names,
    with_names_and_services,
)
from optimizer.plan.succession import successors
from optimizer.scenario.load import load_scenario
from optimizer.scenario.names import PlanNames, parse_names
from tests.helpers.check_fixture import build_plan, scenario, valid_spec
from tests.helpers.scenarios import make_scenario, toml_text

COMS = [("P1", "C1", "Shanggang Town"), ("P2", "C1", "Shanggang Town"),
        ("P3", "C1", "Shanggang Town"), ("P4", "C1", "近湖街道")]


def shared(**rows: dict[str, int]) -> dict[str, Counter[str]]:
    return {cid: Counter(v) for cid, v in rows.items()}


def test_names_from_the_community_mostly_kept_else_ordinals() -> None:
    # P1 and P2 both mostly keep old-A; P1 keeps more of it and gets the name.
    sh = shared(P1={"old-A": 900, "old-B": 100}, P2={"old-A": 600}, P3={"old-B": 50},
                P4={})
    names = proposed_names(COMS, sh)
    assert (names["P1"].name, names["P1"].source) == ("old-A", FROM_CURRENT)
    assert names["P2"].name == "Shanggang镇第1社区" and names["P2"].source == FROM_ORDINAL
    assert names["P3"].name == "old-B"          # old-B's main keeper is P3 (50 of its own)
    assert names["P4"].name == "近湖街道第1社区"
    assert len({n.name for n in names.values()}) == len(COMS)


def test_ties_go_to_the_smaller_id_and_ordinals_skip_taken_names() -> None:
    sh = shared(P2={"old-A": 500}, P1={"old-A": 500}, P3={}, P4={})
    names = proposed_names(COMS, sh, explicit={"P3": "Shanggang镇第1社区"})
    assert names["P1"].name == "old-A"
    assert names["P3"].name == "Shanggang镇第1社区"
    assert names["P2"].name == "Shanggang镇第2社区"


def test_the_planners_names_come_first_and_unused_ones_are_reported() -> None:
    sh = shared(P1={"old-A": 900}, P2={"old-B": 600}, P3={}, P4={})
    given = PlanNames(current={"old-A": "幸福社区", "old-Z": "无名"},
                      community={"P3": "新城社区", "P9": "不存在"})
    names = proposed_names(COMS, sh, given)
    assert (names["P1"].name, names["P1"].source) == ("幸福社区", FROM_SCENARIO)
    assert (names["P3"].name, names["P3"].source) == ("新城社区", FROM_SCENARIO)
    assert names["P2"].name == "old-B"
    notes = unused_names(COMS, given, names)
    assert any("P9" in n for n in notes) and any("old-Z" in n for n in notes)
    assert not any("old-A" in n or "P3" in n for n in notes)


def test_successor_takes_most_households_ties_to_the_smaller_id() -> None:
    sh = shared(P2={"old-A": 500, "old-B": 10}, P1={"old-A": 500}, P3={"old-B": 11})
    assert successors(sh) == {"old-A": "P1", "old-B": "P3"}


def test_names_table_is_checked() -> None:
    names, problems = parse_names({"current": {"old-A": "幸福社区", "old-Q": "x"},
                                   "community": {"P1": "幸福社区", "P2": 3, "P3": " "},
                                   "other": {}}, {"old-A", "old-B"})
    text = "\n".join(str(p) for p in problems)
    assert "unknown table in [names]" in text                          # other
    assert "must be a current_community of the units" in text and "old-Q" in text
    assert "is given twice" in text                                    # 幸福社区
    assert "must be text" in text and "must not be empty" in text      # P2, P3
    assert dict(names.current) == {"old-A": "幸福社区"}


def test_names_in_scenario_toml(tmp_path: Path) -> None:
    names = '[names.current]\n"old-A" = "幸福社区"\n[names.community]\n"X-1" = "新城"\n'
    folder = make_scenario(tmp_path / "ok", toml=toml_text(extra=names))
    s = load_scenario(folder)
    assert dict(s.names.current) == {"old-A": "幸福社区"}
    assert dict(s.names.community) == {"X-1": "新城"}
    bad = '[names.current]\n"old-C" = "幸福社区"\n'
    with pytest.raises(ScenarioError) as exc:
        load_scenario(make_scenario(tmp_path / "bad", toml=toml_text(extra=bad)))
    assert "old-C" in str(exc.value) and "[names.current]" in str(exc.value)
    with pytest.raises(ConfigError):
        s.replace(names={"current": {"nowhere": "x"}})
    assert dict(s.replace(names={"current": {"old-B": "y"}}).names.current) == {"old-B": "y"}


def test_names_and_services_written_by_the_engine() -> None:
    s = scenario()
    cur = tuple("T1" if u in ("r0c0", "r1c0", "r0c1") else None for u in s.unit_ids)
    s = dataclasses.replace(s, current_community=cur)
    plan = build_plan(s, valid_spec())
    coms, notes = with_names_and_services(s, plan.communities,
                                          [plan.community_of()[u] for u in s.unit_ids])
    by = {c.community_id: c for c in coms}
    assert by["A1"].name == "T1"               # keeps 2,200 of T1; A2 only 1,000
    assert by["A2"].name == "A第1社区" and by["B1"].name == "B第1社区"
    assert by["RA"].services.split(";") == list(s.policy.basic_services(False))
    assert by["A1"].services.split(";") == list(s.policy.basic_services(True))
    assert notes == []
    assert len({c.name for c in coms}) == len(coms)
