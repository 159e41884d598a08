"""Fresh wordings of classes of issue 14's misses, none from a question set: one character of a
service's name misheard by speech-to-text (照了中心, 预越), and two-part questions about one thing
(the thing's entry, not the 代办 desk's) or about two places (both answered). Real faq/, lexical."""
from __future__ import annotations

import pytest

from bot.content.loader import load_knowledge
from bot.knowledge import Knowledge
from tests.conftest import converse

from .conftest import REPO


@pytest.fixture(scope="module")
def real() -> Knowledge:
    return load_knowledge(REPO / "faq")


@pytest.mark.parametrize(("heard", "said"), [
    ("日间照了中心礼拜天开不开", "日间照料中心礼拜天开不开"),  # 了 read liao, a function character inside the name
    ("我妈想去照了中心要啥子条件", "我妈想去照料中心要啥子条件"),
    ("预越代办要打电话不", "预约代办要打电话不"),  # a two-character deed the lexicon names
    ("遇约了代办哪天去拿", "预约了代办哪天去拿"),
])
def test_one_misheard_character_of_a_service_s_name_is_read_as_the_name(real, heard, said):
    assert real.match(heard) == real.match(said)


@pytest.mark.parametrize(("text", "word"), [
    ("我想了解一下照料中心", "了解"),  # 了 stays le in a real word
    ("越来越多的老人去照料中心", "越来越"),
    ("预约好了的时间能改不", "预约好了"),
])
def test_real_words_near_those_names_are_left_alone(real, text, word):
    assert word in real.normalize(text)


@pytest.mark.parametrize(("message", "entries"), [
    ("残疾证要准备哪些东西，好久能办下来", ["disability.cert"]),  # not where the desk hands things out
    ("社区中心礼拜天开门不，图书室在哪", ["center.hours", "library.location"]),  # two places
    ("图书室好久开门，社区中心在哪个位置", ["library.hours", "center.address"]),
])
def test_a_two_part_question_is_answered_by_the_entries_of_what_it_names(real, message, entries):
    m = real.match(message)
    assert (m.outcome, [e.id for e in m.candidates]) == ("answer", entries)


def test_both_answers_of_two_places_reach_the_resident(resident):
    converse(resident, [("图书室几点开门，社区中心在哪", ["9:00—17:00", "文化广场东侧"])])
