"""Fresh wordings of the long-message trap classes still answered with a neighbour's fact (tunetraps):
each asks what the data does not give and must be "not registered"; a control beside it asks what
the data does give. Real faq/, lexical."""
from __future__ import annotations

import pytest


def outcome(real, question):
    m = real.match(question)
    return m.outcome, [e.id for e in m.candidates]


@pytest.mark.parametrize("question", [
    "我爸坐轮椅 想问下社区服务中心有没有电梯",  # 有没有 + a noun starting with 电: not 没有电 (停电)
    "青少年服务中心有没有电脑给娃儿用嘛",
])
def test_asking_whether_a_place_has_a_thing_starting_with_dian_is_no_outage(real, question):
    assert outcome(real, question) == ("unregistered", [])


def test_a_thing_starting_with_dian_the_data_gives_is_answered(real):
    assert outcome(real, "我妈天天去照料中心 那里有没有电视看") == ("answer", ["daycare.activities"])


def test_the_price_of_a_night_is_asked_of_the_place_asked_about_not_the_storys(real):
    # 文笔村's grid entries say 住 (the groups people live in): no price of a night at the day-care centre
    question = "我住文笔村一组 娃儿都在外头 想问下在照料中心住一晚上要好多钱"
    assert outcome(real, question) == ("unregistered", [])
    assert outcome(real, "我住文笔村一组 想问下照料中心吃一顿饭要好多钱") == ("answer", ["daycare.meals"])
