"""Classes of miss of the second long-message tuning set (tests/data/faq_tunelong2.yaml), in
wordings of their own (each failed before). Real faq/, lexical."""
from __future__ import annotations

import pytest

from .conftest import outcome_and_entries


def test_working_away_is_no_migrant_story(real):
    # 打工的 (a migrant worker) loses its 的 at a question's end; the 打工 left is read as one only
    # there: 在外头打工十来年 … 回来 is someone from here
    assert outcome_and_entries(real, "我在外头打工十来年，回来啥都不熟，社区服务中心都能办些啥子事") == (
        "answer", ["center.services"])


@pytest.mark.parametrize(("question", "entry"), [
    # 在这边办要带啥: 办 before 要带 asks what to bring, not for a thing to be issued (办身份证)
    ("老人八十岁了，高龄津贴在社区这边办要带啥子东西", "gaoling.apply"),
])
def test_what_to_bring_after_a_verb_of_doing(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


def test_a_or_b_is_a_question(real):
    # A好还是B好 asks: the clause naming what is asked of (毛衣) is the question's, so the story's
    # 安置小区 does not answer 要织好多天 with its grid
    assert outcome_and_entries(
        real, "我是安置小区的，冬天到了想给屋头老人织件毛衣。我想问织毛衣用羊毛线好还是用棉线好，一件要织好多天嘛？"
    ) == ("unknown", [])


@pytest.mark.parametrize("question", [
    # 去看他, 家属进去: visiting the elder the message is about
    "我爸在照料中心，我周末想带娃儿去看他，家属进去要不要登记嘛？",
    "我老汉白天在日间照料中心，我下班了想过去看一下他，那边让不让进去？",
])
def test_going_to_see_a_parent_there_is_a_visit(real, question):
    assert outcome_and_entries(real, question) == ("answer", ["daycare.visit"])
