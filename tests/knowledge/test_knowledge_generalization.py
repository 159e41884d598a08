"""What lets the matcher answer phrasings it has never seen: concept words, the aspect a
question asks about, and the topic an entry is about (``concepts:`` / ``aspects:`` in the
lexicon). Built on a copy of the fixture FAQ with a small lexicon section appended."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.files import ContentError
from bot.content.loader import load_knowledge
from bot.knowledge import Knowledge

from .conftest import STREETLIGHT_REPORTS

LEXICON_EXTRA = """
concepts:
  路灯: [灯不亮, 黑黢黢, 街灯]
  多少钱: [费用, 价钱]
aspects:
  hours: [几点, 开门, 关门, 上课]
  where: [在哪里, 哪里, 地点, 集合]
  fee: [多少钱]
  documents: [材料, 带什么, 证件]
"""

@pytest.fixture()
def extended(faq_copy: Path) -> Knowledge:
    with (faq_copy / "lexicon.yaml").open("a", encoding="utf-8") as f:
        f.write(LEXICON_EXTRA)
    (faq_copy / "qa" / "reports.yaml").write_text(STREETLIGHT_REPORTS.lstrip("\n"), encoding="utf-8")
    return load_knowledge(faq_copy)


def answered(knowledge: Knowledge, question: str) -> str | None:
    match = knowledge.match(question)
    return match.candidates[0].id if match.outcome == "answer" else None


def test_a_concept_word_reaches_the_entry_that_names_the_thing(extended: Knowledge) -> None:
    # No phrasing says 街灯 or 价钱; the concepts map them to 路灯 and 多少钱.
    assert answered(extended, "街灯坏了找哪个") == "report.streetlight"
    assert answered(extended, "日间照料中心吃饭的价钱") == "daycare.meals"


def test_concepts_do_not_change_the_shared_normalisation(extended: Knowledge, faq_copy: Path) -> None:
    # Intent detection uses Knowledge.normalize: it must read the same with or without concepts.
    plain = load_knowledge(Path(__file__).parent / "data" / "faq")
    for text in ("街灯坏了找哪个", "幼儿园的费用", "灯不亮"):
        assert extended.normalize(text) == plain.normalize(text)


def test_the_aspect_decides_between_entries_about_the_same_thing(extended: Knowledge) -> None:
    # Neither is a phrasing; both name 太极拳 and 上课, one asks where, the other when.
    # (Without aspects the first is a choice between the two.)
    assert answered(extended, "太极拳上课地点") == "taiji.place"
    assert answered(extended, "太极拳早上几点上课") == "taiji.schedule"


def test_aspects_and_concepts_are_optional(knowledge: Knowledge) -> None:
    # The fixture lexicon has neither section: matching works as before.
    assert answered(knowledge, "太极拳在哪里上课") == "taiji.place"


def test_a_question_without_the_entrys_topic_is_not_answered(extended: Knowledge) -> None:
    # 放学 is kindergarten vocabulary, but the question is about another school.
    assert extended.match("小学几点放学").outcome == "unknown"
    assert extended.match("中学几点放学").outcome == "unknown"


@pytest.mark.parametrize("section", ["concepts", "aspects"])
def test_a_malformed_section_is_reported_with_its_line(faq_copy: Path, section: str) -> None:
    with (faq_copy / "lexicon.yaml").open("a", encoding="utf-8") as f:
        f.write(f"{section}: [a, b]\n")
    with pytest.raises(ContentError) as info:
        load_knowledge(faq_copy)
    assert str(info.value).startswith("faq/lexicon.yaml:")
    assert section in str(info.value)
