"""Classes of miss of issue 14's tune set 9, in wordings of their own (each failed before). Real faq/,
lexical."""
from __future__ import annotations

import pytest

from .conftest import outcome_and_entries


@pytest.mark.parametrize(("question", "entry"), [
    # 还没找到活路 is out of work, not 找到活路 (a new job: 就业登记)
    ("从外地回来两个月了还没找到活路，社区能帮我登记一下不", "unemployment.register"),
    ("厂子关门了，现在还没找到工作，要去社区登记啥子不", "unemployment.register"),
    # 热闹得很 is lively, not 闹得很 (a quarrel between neighbours)
    ("秧歌队热闹得很，我也想加入", "yangge.signup"),
    ("我家老汉儿说广场上打太极拳的热闹得很，几点开始嘛", "taiji.schedule"),
    ("去年重阳节热闹得很，今年是哪天", "events.chongyang_date"),
    # 也没啥子熟人 tells that one has none; it asks nothing about 熟人
    ("我刚搬到羊木没多久，也没啥子熟人，晚上闲得很，想去跟到跳秧歌，咋个报名", "yangge.signup"),
    # someone stealing (有人偷 …) is a matter of security
    ("楼下停的自行车有人偷，找哪个反映", "report.security"),
    ("最近老是有人偷电动车，这个归哪个管", "report.security"),
])
def test_a_story_word_read_as_it_is_meant(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])
