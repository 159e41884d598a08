"""Normalisation: what a resident types or dictates and what staff wrote end up the same."""

from __future__ import annotations

import pytest

from bot.knowledge import Knowledge
from bot.knowledge.normalize import Normalizer


def test_voice_fillers_and_particles_are_dropped(knowledge: Knowledge) -> None:
    spoken = "嗯那个请问一下日间照料中心几点开门嘛"
    assert knowledge.normalize(spoken) == knowledge.normalize("日间照料中心几点开门")


@pytest.mark.parametrize(
    ("dialect", "standard"),
    [
        ("啥子", "什么"),
        ("咋个", "怎么"),
        ("好久开门", "什么时候开门"),
        ("晓得", "知道"),
        ("娃儿", "孩子"),
        ("屋头", "家里"),
        ("莫得", "没有"),
        ("要得", "可以"),
        ("老汉儿", "父亲"),
        ("在哪点", "在哪里"),
    ],
)
def test_dialect_words_become_standard(knowledge: Knowledge, dialect: str, standard: str) -> None:
    assert knowledge.normalize(f"我{dialect}呀") == knowledge.normalize(f"我{standard}")


def test_a_protected_phrase_is_not_rewritten(knowledge: Knowledge) -> None:
    # 好久 means "when" in a question, but 好久没 is "for a long time".
    assert knowledge.normalize("好久没去了").startswith("好久没")


@pytest.mark.parametrize("name", ["照料中心", "日照中心", "老年服务中心"])
def test_place_aliases_become_the_canonical_name(knowledge: Knowledge, name: str) -> None:
    assert knowledge.normalize(f"{name}在哪里") == "日间照料中心在哪里"


def test_other_aliases(knowledge: Knowledge) -> None:
    assert knowledge.normalize("青少年宫") == "青少年服务中心"
    assert knowledge.normalize("居委电话") == "居委会电话"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二十", "20"),
        ("八点半", "8点30"),
        ("8:30", "8点30"),
        ("８：３０", "8点30"),
        ("九点钟", "9点"),
        ("七十五岁", "75岁"),
        ("三岁半", "3岁半"),
        ("二〇二二年五月", "2022年5月"),
        ("一百二十", "120"),
        ("一起", "一起"),  # a word, not a number
        ("一站式", "一站式"),
    ],
)
def test_numerals(text: str, expected: str) -> None:
    assert Normalizer()(text) == expected


def test_numerals_in_questions_match_digits(knowledge: Knowledge) -> None:
    assert knowledge.normalize("早上八点半开门不") == knowledge.normalize("早上8:30开门")


def test_width_case_punctuation_and_emoji(knowledge: Knowledge) -> None:
    assert knowledge.normalize("ＡＢＣ１２３，！ 😀👍") == "abc123"


def test_final_no_is_a_particle_but_a_bare_no_stays(knowledge: Knowledge) -> None:
    assert knowledge.normalize("能上幼儿园不") == "能上幼儿园"
    assert knowledge.normalize("中午有人没") == "中午有人"
    assert knowledge.normalize("不") == "不"


def test_homophone_typos_of_known_words_are_corrected(knowledge: Knowledge) -> None:
    assert knowledge.normalize("幼耳园") == "幼儿园"
    assert knowledge.normalize("太极全") == "太极拳"
    assert knowledge.normalize("居主证") == "居住证"
    # …but a function word next to a known word is not taken for a typo of it.
    assert "不在" in knowledge.normalize("户口不在这里")


def test_match_reports_the_same_normalisation(knowledge: Knowledge) -> None:
    text = "嗯 请问一下，照料中心好久关门哈？"
    assert knowledge.match(text).normalized == knowledge.normalize(text)
