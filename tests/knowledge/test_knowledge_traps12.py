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
