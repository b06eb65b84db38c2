"""Lists of ids in the engine's and the checker's words, read back in Chinese the same
way in every reason table (optimizer/report/ids_zh.py): a checker note naming the first
eight of many communities lost its tail in one table ("C9 and 3 more" stayed English)."""

from __future__ import annotations

import pytest

from optimizer.report.ids_zh import ids_text_zh, split_ids
from optimizer.report.reasons import note_text
from tests.helpers.filing import english_words

MANY = ", ".join(f"C{i}" for i in range(1, 9)) + " and 3 more"


@pytest.mark.parametrize(("text", "ids", "more"), [
    ("JH-1", ("JH-1",), 0),
    ("JH-1 and JH-2", ("JH-1", "JH-2"), 0),
    ("JH-1, JH-2 and JH-3", ("JH-1", "JH-2", "JH-3"), 0),
    ("JH-1, JH-2, JH-3 and 1,204 more", ("JH-1", "JH-2", "JH-3"), 1204),
])
def test_both_shapes_of_list_read_back(text: str, ids: tuple[str, ...], more: int) -> None:
    assert split_ids(text) == (ids, more)


def test_the_count_is_of_all_of_them() -> None:
    assert ids_text_zh("a, b and 5 more") == "a、b等7个"
    assert ids_text_zh("a, b and c") == "a、b、c"


@pytest.mark.parametrize("note", [
    f"11 communities below standard today; without a valid remedy: {MANY}",
    f"11 communities below standard today; rooms coming at their full reach, still short "
    f"(AREA-PER-HH exempt): {MANY}",
])
def test_checker_notes_naming_many_read_in_chinese(note: str) -> None:
    zh = note_text(note, "zh")
    assert isinstance(zh, str)
    assert english_words([zh], set()) == set(), zh
    assert "C8等11个" in zh, zh
