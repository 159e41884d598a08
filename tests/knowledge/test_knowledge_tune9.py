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


@pytest.mark.parametrize("question", [
    # an allowance asked as 多少补贴 (the sum after 多少), which no entry gives for these
    "低保户每个月有好多补助",
    "高龄津贴一个月有多少补贴",
    # the people on duty (都有谁): their names are not registered, only the day and the hours
    "党代表工作室值班的党代表都有谁",
    # jobs and wages at the community's places (招不招 X, 工资好多): nothing says so
    "幼儿园招不招老师，工资好多",
    "图书室招不招管理员",
])
def test_a_fact_or_a_deed_no_entry_gives_is_not_registered(real, question):
    assert outcome_and_entries(real, question) == ("unregistered", [])


@pytest.mark.parametrize(("question", "entry"), [
    ("照料中心收不收瘫在床上的老人", "daycare.nursing"),
    ("照料中心管不管饭", "daycare.meals"),
    ("幼儿园收不收外地户口的娃儿", "kindergarten.hukou"),
])
def test_a_deed_an_entry_mentions_is_still_answered(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize(("question", "entry"), [
    ("中午去办个事有没有人嘛", "center.lunch"),
    ("办事都要带些啥子证件嘛", "proxy.documents"),
])
def test_a_question_naming_no_place_with_one_clear_answer_is_answered(real, question, entry):
    # 办事 at noon, what to bring to 办事: one entry far ahead of the rest, no choice of places.
    assert outcome_and_entries(real, question) == ("answer", [entry])


def test_a_question_naming_no_place_with_close_answers_offers_them(real):
    assert outcome_and_entries(real, "几点开门")[0] == "clarify"


@pytest.mark.parametrize(("question", "entry"), [
    # 报得到名 / 报得上名 = 能报名 (may one still sign up), 报不到名 = 报不上 (the class is full)
    ("秧歌还报得到名没得", "yangge.signup"),
    ("扭秧歌的班还报得上名不", "yangge.signup"),
    ("太极拳班报不到名了咋个办", "taiji.waitlist"),
])
def test_signing_up_said_with_a_split_verb(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize(("question", "entries"), [
    # 各 / 分别 asks the same of each of the two things named before it, however they were joined
    ("太极拳想报，秧歌也想报，两个班各是星期几", ["taiji.schedule", "yangge.schedule"]),
    ("我妈想学太极拳，我爸想学秧歌，两个班分别在哪里上课", ["taiji.place", "yangge.place"]),
    ("太极拳班秧歌班分别要交好多钱", ["taiji.fee", "yangge.fee"]),
])
def test_each_of_two_things_named_apart(real, question, entries):
    assert outcome_and_entries(real, question) == ("answer", entries)


@pytest.mark.parametrize("question", [
    "居住证要带些啥子，我娃儿明年能进幼儿园不",
    "居住证多久能办好？办好了我家娃儿能读社区幼儿园不",
])
def test_a_second_part_is_read_with_the_first_parts_thing(real, question):
    # 居住证 … 能上幼儿园不: the kindergarten's entry for children living here on a 居住证, not its age limit
    assert outcome_and_entries(real, question) == ("answer", ["residence.permit", "kindergarten.hukou"])


def test_the_story_of_the_first_part_is_no_context_of_the_second(real):
    # 广场 is where the resident walks, not what 报得上不 asks of the 太极拳 class
    question = "每天早上去广场都看到有人打太极拳，想问一下太极拳班一期收好多人，现在还报得上不"
    assert outcome_and_entries(real, question) == ("answer", ["taiji.capacity", "taiji.signup"])


def test_whether_the_community_deals_with_a_trouble_asks_whom_to_turn_to(real):
    # 可以找社区管不 asks who handles it, not whether 管 may be done at a place no entry mentions
    question = "我家门面前头天天有人摆摊卖菜，路都走不通，这个事可以找社区管不"
    assert outcome_and_entries(real, question) == ("answer", ["report.vendor"])


def test_a_second_part_asking_only_how_goes_on_with_the_first(real):
    # 办到哪一步了，咋个查嘛: how to see the progress, not how the 低保 is applied for
    question = "我妈的低保材料交上去半个月了，不晓得办到哪一步了，咋个查嘛"
    assert outcome_and_entries(real, question) == ("answer", ["proxy.progress"])
