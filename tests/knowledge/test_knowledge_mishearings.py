"""Fresh wordings of classes of issue 14's misses, none from a question set: one character of a
service's name misheard by speech-to-text (照了中心, 预越), two-part questions about one thing
(the thing's entry, not the 代办 desk's) or about two places (both answered), and long stories
of a broken thing that mention a neighbour by the way (a report, not a dispute). Real faq/, lexical."""
from __future__ import annotations

import pytest

from tests.conftest import converse


@pytest.mark.parametrize(("heard", "said"), [
    ("日间照了中心礼拜天开不开", "日间照料中心礼拜天开不开"),  # 了 read liao, a function character inside the name
    ("我妈想去照了中心要啥子条件", "我妈想去照料中心要啥子条件"),
    ("预越代办要打电话不", "预约代办要打电话不"),  # a two-character deed the lexicon names
    ("遇约了代办哪天去拿", "预约了代办哪天去拿"),
])
def test_one_misheard_character_of_a_service_s_name_is_read_as_the_name(real, heard, said):
    assert real.match(heard) == real.match(said)


@pytest.mark.parametrize(("heard", "said"), [
    ("照了中心", "日间照料中心"),  # the whole message one misheard name
    ("请问一下几点可以去照了中心", "请问一下几点可以去日间照料中心"),  # … at its very end
    ("幼耳园和照了中心哪个远", "幼儿园和日间照料中心哪个远"),  # two in one message
    ("太极全", "太极拳"),
])
def test_a_misheard_name_is_read_as_the_name_wherever_it_stands(real, heard, said):
    assert real.normalize(heard) == real.normalize(said)


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


@pytest.mark.parametrize(("message", "entry"), [
    ("我们单元楼道里的水管昨天半夜爆了，水哗哗地流，楼下邻居家的墙都打湿了，他们上来问是咋回事，"
     "我也不晓得咋个办，这种要找哪个来修", "report.utilities"),
    ("你好，我是五组的，我们巷子口那盏路灯好久都不亮了，晚上黑黢黢的，邻居家的娃儿放学回来都怕，"
     "大家都在说这个事，想问问你们管不管", "report.streetlight"),
    ("我屋门口那个井盖坏了好几天了，昨天下午隔壁的老大爷出来倒垃圾差点踩进去，吓得我们心都跳出来了，"
     "这个事社区管不管嘛", "report.road"),
    ("你好，我屋头就我和老伴两个，平时都好，楼上邻居也客气，就是我们这边的路坑坑洼洼的，"
     "一下雨就全是水，老伴上个月还在那里崴了脚，这个路你们哪个管", "report.road"),
])
def test_a_story_of_a_broken_thing_that_mentions_a_neighbour_is_a_report(real, message, entry):
    m = real.match(message)
    assert (m.outcome, [e.id for e in m.candidates]) == ("answer", [entry])


def test_a_neighbour_who_only_passed_the_news_on_makes_no_dispute(resident):
    answer = resident.says("我爸八十多了，平时在屋头看电视，隔壁邻居说社区有个啥子活动，想问下那个活动收不收钱")
    assert "邻里纠纷" not in answer and "人工" in answer, answer
