"""Fresh wordings of issue 14's classes, none from a question set: facts the data does not give
(a share, a last day, who buys the costume, a deed at a place, how many, how old, which
street), questions that refer back to the thing a long message named, homophones of the
services' names and dialect words for where, when and how much. Real faq/, lexical."""
from __future__ import annotations

import pytest

from tests.conftest import converse


@pytest.mark.parametrize("question", [
    "住院的钱社区能给报百分之几",  # a share of the costs
    "看病的发票拿去报 医保能报几成",
    "高龄津贴申请最晚哪天交材料",  # a last day
    "低保每年截止到啥时候申请",
    "太极拳的衣服要自己买吗",  # who provides a thing
    "秧歌班的扇子是发还是自己买",
    "照料中心可以让老人住下来不",  # a deed no entry about the place mentions
    "文化广场晚上能不能停车",
    "照料中心最多能收好多老人",  # how many
    "低保要多大年纪才能吃",  # how old
    "超市在哪条街",  # which street
    "居住证办下来能用好久",  # how long a paper stays valid, not how long it takes to make
    "残疾人证有效期是几年",
    "下一期秧歌班几号开课",  # a start date: the data gives weekdays, no dates
    "太极拳新的一期几月份开班",
])
def test_a_fact_the_data_does_not_give_gets_not_registered_and_a_person(resident, question):
    answer = resident.says(question)
    assert "没有登记" in answer and "人工" in answer


def test_the_same_kinds_of_fact_are_answered_where_the_data_gives_them(resident):
    converse(resident, [
        ("幼儿园报名最晚几号", "6月30日"),  # a last day
        ("太极班一期报好多人", "30个名额"),  # 报好多人 asks how many, not a share
        ("社区服务中心地址在哪", "文化广场东侧"),  # an address
        ("青少年服务中心收多大的孩子", "6—16岁"),  # an age
        ("居住证要好久才办得好", "15个工作日"),  # how long it takes, which the data gives
        ("幼儿园秋季哪天开始报名", "6月1日"),  # a start date the data gives
    ])


@pytest.mark.parametrize(("message", "entry"), [
    ("我孙子在青少年服务中心参加活动 想问那边礼拜六开不开", "youth.hours"),
    ("我家老汉儿每天去照料中心 那个地方几点关门", "daycare.hours"),
    ("报了秧歌班 那个班在哪里上课", "yangge.place"),
    ("我妈八十二了听说有个高龄津贴 这个要带些啥子去办", "gaoling.apply"),
])
def test_a_question_that_refers_back_is_about_the_thing_the_story_named(real, message, entry):
    m = real.match(message)
    assert (m.outcome, [e.id for e in m.candidates]) == ("answer", [entry])


def test_a_deed_the_story_asks_of_the_place_it_named_is_not_registered(resident):
    converse(resident, [("我家婆婆白天在照料中心 想问下那里能不能洗澡", ["没有登记", "人工"])])


@pytest.mark.parametrize(("typo", "word"), [
    ("医宝一年交好多钱", "医保一年交好多钱"),  # two characters: the fee is not registered either way
    ("就叶登记要带啥子", "就业登记要带啥子"),  # 就 is a function character, but the word's own
    ("低宝要啥子条件", "低保要啥子条件"),
    ("秧哥班几点上课", "秧歌班几点上课"),
])
def test_a_homophone_of_a_service_s_name_is_read_as_the_name(real, typo, word):
    assert real.match(typo) == real.match(word)


def test_a_real_word_that_sounds_like_a_service_is_left_alone(real):
    assert "一包" in real.normalize("买一包烟")  # not 医保
    assert "以保证" in real.normalize("我想以保证安全")
    assert real.normalize("我想去那里") == "我想去那里"  # not 去哪里


@pytest.mark.parametrize(("question", "entry"), [
    ("党代表工作室在哪疙瘩", "partyrep.when"),
    ("文化广场在哪搭", "plaza.location"),
    ("卫生站在哪个旮旯", "clinic.info"),
    ("太极拳班啥时上课", "taiji.schedule"),
    ("幼儿园一个月几多钱", "kindergarten.fee"),
])
def test_dialect_words_for_where_when_and_how_much(real, question, entry):
    m = real.match(question)
    assert (m.outcome, [e.id for e in m.candidates]) == ("answer", [entry])
