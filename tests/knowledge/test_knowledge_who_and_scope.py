"""Classes of miss of issue 14's eighth round, in wordings of their own: a long story ending in
whether someone like the resident may join (我们这种刚搬来的能不能报名) or in which things a desk
takes (上报能报哪几类, 代办能办哪些), whose examples the story names (路灯, 垃圾); a fact asked
of a name many of an entry's phrasings use (志愿服务队 beside 志愿者). Real faq/, lexical."""
from __future__ import annotations

import pytest

from .conftest import outcome_and_entries


@pytest.mark.parametrize(("question", "entry"), [
    ("我是去年从山上搬下来的，今年六十了，以前从来没跳过舞，想问一下我们这种刚搬来的能不能报名参加秧歌班",
     "yangge.signup"),
    ("我从外地嫁过来三年了，在家带娃娃，娃娃上幼儿园了白天有空，想问下我这种外地来的能不能报名太极拳班",
     "taiji.signup"),
    ("我是羊木中学的学生，今年才十六岁，放暑假在屋头没事做，想问一下我这个年纪可不可以报名参加志愿服务队，有没有啥要求",
     "volunteer.eligibility"),
    ("多大岁数可以参加志愿服务队", "volunteer.eligibility"),
])
def test_whether_someone_like_me_may_join_after_a_story(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize(("question", "entry"), [
    # 好多手续都没人跑 tells, it asks no documents; 代办哪些事 is the desk's own list.
    ("我家两个老人都八十多了，我在成都上班一年回来两三次，屋头好多手续都没人去跑，你们到底能帮我们代办哪些事情",
     "proxy.what"),
    ("我妈腿脚不方便，我在广元上班平时回不来，屋头好多事情都没人办，想问下社区代办到底能办哪几样", "proxy.what"),
    # 路灯 and 垃圾 are examples of what may be reported, not what is asked.
    ("我们小区最近问题多得很，路灯不亮、垃圾没人收，我想问一下在你们这里上报到底能报哪些方面的事，有没有个范围",
     "report.categories"),
    ("我在街上摆了个水果摊，前几天城管说我占道了，我也搞不清楚，想问一下你们这个上报都可以报哪几类问题",
     "report.categories"),
])
def test_which_things_a_desk_takes_after_a_story(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


def test_a_situation_told_is_still_reported_where_it_belongs(real):
    # Without a question of which things, the story's situation is what is asked about.
    assert outcome_and_entries(real, "我们楼下垃圾桶满了好几天了，臭得很，想问下这种事咋个上报") == (
        "answer", ["report.sanitation"])


@pytest.mark.parametrize("question", [
    "上回元旦晚会唱歌得第一的是谁",
    "今年三八妇女节活动上领舞的是哪位",
])
def test_who_did_something_is_a_name_we_do_not_register(real, question):
    # No person word (书记, 老师) is said, but 得第一的是谁 asks a person's name: not registered
    # (+ 人工), never a choice of the events' entries.
    assert outcome_and_entries(real, question) == ("unregistered", [])
