"""Classes of miss found on tuning set 6 of issue 14, in wordings of their own: a person asked
for by a misheard word or with 是哪位, an end time the data lacks, 哪条街,
and 才吃得到 asking who may. Real faq/, lexical."""
from __future__ import annotations

import pytest

from tests.conftest import converse


@pytest.mark.parametrize("question", [
    "秧歌班教跳舞的老师是哪位",  # 是哪位 asks a name of a person word
    "今天坐班的是哪几位党代表",
    "议事会开完一般几点钟结束",  # the council's answer gives when it starts, not when it ends
])
def test_names_and_end_times_the_data_lacks_get_not_registered(resident, question):
    answer = resident.says(question)
    assert "没有登记" in answer and "人工" in answer


def test_a_misheard_person_word_still_asks_a_person(resident):
    converse(resident, [("网格圆是谁嘛", "没有登记")])  # 网格圆 = 网格员


def test_an_end_time_the_data_gives_is_answered(resident):
    converse(resident, [("秧歌几点下课", "20:30"), ("幼儿园下午几点放学", "17:00")])


@pytest.mark.parametrize(("question", "entry"), [
    ("少年宫寒假开不开", "youth.hours"),  # a phrasing of its own: its 寒假期间 reads 假期 as 节假日
    ("社区服务中心在哪条路上", "center.address"),  # 在哪条路 asks where, not 在哪里 + 条路
    ("我们家要咋样才吃得到低保", "dibao.eligibility"),  # 才吃得到 asks who may
    ("反映的事情几天了都莫得人回我", "report.response"),
])
def test_new_ways_of_asking_find_their_entry(real, question, entry):
    m = real.match(question)
    assert (m.outcome, [e.id for e in m.candidates]) == ("answer", [entry])


def test_a_long_message_asking_which_weekday_is_answered_from_its_question_clause(resident):
    # 星期几 makes 想问问那里星期几开门 the question (那里 = the youth centre told before), not
    # the story's 还不要钱.
    converse(resident, [("我是初一的学生 听说青少年中心有老师教画画 还不要钱 我想问问那里星期几开 我周末才有空",
                         "每周六")])


def test_a_fact_asked_is_checked_against_the_things_the_question_names_not_the_story(resident):
    # 我在外地打工 names the migrants' services; the question asks the kindergarten's hours.
    converse(resident, [("幼儿园每天几点放学 我在外地打工 娃儿是外婆在接", "17:00")])


def test_this_certificate_refers_to_the_certificate_named_not_to_the_story_after_it(real):
    # 这个证 is the 残疾证 told first, not the 打工 (the migrants' 居住证) told after it.
    m = real.match("我妈一直没办残疾证 我在外地打工回不来 想问这个证要带些啥子")
    assert (m.outcome, [e.id for e in m.candidates]) == ("answer", ["disability.cert"])


@pytest.mark.parametrize(("question", "entry"), [
    ("听说照料中心可以吃饭 不晓得是啥子情况 一顿要好多钱", "daycare.meals"),
    ("我屋头娃儿三岁了 想上幼儿园 也不知道是什么情况 要带些啥子", "kindergarten.documents"),
])
def test_not_knowing_what_is_going_on_is_told_not_asked(real, question, entry):
    # 不晓得是啥子情况 is no question of progress (the 代办 desk's 办到哪一步).
    m = real.match(question)
    assert (m.outcome, [e.id for e in m.candidates]) == ("answer", [entry])
