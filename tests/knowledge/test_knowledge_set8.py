"""Classes of miss of issue 14's set 8 (blind when written, a tuning set once set 9 replaced it), in
wordings of their own (each failed before). Real faq/, lexical."""
from __future__ import annotations

import pytest

from .conftest import outcome_and_entries


@pytest.mark.parametrize(("question", "entry"), [
    # 啥子名堂 asks what a thing is: no unknown thing asked of it
    ("老幼一体到底是个啥子名堂", "kindergarten.laoyou"),
    ("融合式社区是搞的啥子名堂嘛", "general.ronghe"),
])
def test_what_a_thing_is_asked_in_dialect(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize("question", [
    # 是哪几个 + a person asks their names, which are not registered
    "照料中心的护工是哪几个",
    "这个月值班的党代表是哪几个",
])
def test_which_people_are_asked_by_name(real, question):
    assert outcome_and_entries(real, question) == ("unregistered", [])


@pytest.mark.parametrize(("question", "entry"), [
    # 十二点多 is twelve-something: the hour asked, with no word of its own (多) to match
    ("中午十二点多去办事有人没得", "center.lunch"),
])
def test_an_hour_and_a_bit_is_still_that_hour(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize("question", ["社区都有些啥子健身的班", "社区开的健身班有哪些"])
def test_exercise_classes_are_the_community_classes(real, question):
    assert outcome_and_entries(real, question) == ("answer", ["classes.overview"])


@pytest.mark.parametrize(("question", "entry"), [
    # voice input writes words that are words of their own (待办, 地保) or look like function words (个)
    ("待办是不是要先约起哦", "proxy.booking"),
    ("申请地保需要准备啥子", "dibao.apply"),
    ("我们这片的网个员是哪个", "grid.gridworker"),
])
def test_a_misheard_word_the_sound_check_leaves_is_read_as_meant(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])
