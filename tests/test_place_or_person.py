"""Issue 13 §4: "can one … there" asks what a place offers (the FAQ answers it, or says honestly it does not
know); only "can this person go / join / receive" starts the eligibility check."""
from __future__ import annotations

import pytest

from bot.models import FaqGap
from tests.conftest import Resident

pytestmark = pytest.mark.usefixtures("friday_morning")


CHECK_STARTED = ("想具体看看您家的情况", "多少岁", "出生", "户口在哪里", "自理")



@pytest.fixture
def person(make_app, wechat, backend) -> Resident:
    """A resident on SQLite and on PostgreSQL: for the transcripts that store something."""
    return Resident(make_app(backend).test_client(), wechat, "o-place-or-person")


def gaps(resident: Resident) -> list[str]:
    return [gap.example for gap in resident.stored(FaqGap)]


@pytest.mark.parametrize(("asked", "answered"), [
    ("照料中心能吃饭吗", "每餐5元"),
    ("照料中心中午可以吃饭不", "午饭11:30"),
    ("照料中心能吃晚饭吗", "晚饭17:30"),
    ("老人在照料中心能吃午饭不", "每餐5元"),
    ("照料中心吃饭可以吗", "每餐5元"),
    ("照料中心可以打牌不", "下棋打牌"),
    ("照料中心能不能下象棋", "下棋打牌"),
    ("照料中心能看电视不", "看电视"),
    ("照料中心能不能看电视", "看电视"),
    ("照料中心能休息不", "可以休息"),
    ("照料中心可以量血压吗", "量血压"),
    ("家属能去照料中心看望吗", "看望"),
])
def test_what_a_place_offers_is_answered_from_the_faq_without_the_admission_check(resident, asked, answered):
    reply = resident.says(asked)
    assert answered in reply, reply
    assert not any(started in reply for started in CHECK_STARTED), reply


LACKING = ["幼儿园能带午饭不", "老人在照料中心能洗澡吗", "照料中心能打麻将吗", "幼儿园可以穿拖鞋吗",
           "照料中心能寄存东西不", "幼儿园能不能带玩具", "照料中心可以唱歌不", "幼儿园能带手机吗", "照料中心可以抽烟不",
           "照料中心能不能喝酒", "幼儿园可以带零食不", "日间照料中心可以打扑克吗"]


def test_what_a_place_may_offer_that_the_data_lacks_is_an_honest_dont_know_for_staff(person):
    for asked in LACKING:  # one resident asks them all: each is its own gap for staff
        reply = person.says(asked)
        assert "人工" in reply and ("没有登记" in reply or "还不会回答" in reply), f"{asked}: {reply}"
        assert not any(started in reply for started in CHECK_STARTED), f"{asked}: {reply}"
    assert sorted(gaps(person)) == sorted(LACKING)


@pytest.mark.parametrize(("asked", "then"), [
    ("我妈能去照料中心不", "多少岁"),
    ("我爸八十了能不能去日间照料中心", "自理"),
    ("我家老人可以进照料中心不", "多少岁"),
    ("照料中心收不收外地老人", "多少岁"),
    ("我妈去照料中心行不行", "多少岁"),
    ("照料中心能不能让我妈去", "多少岁"),
    ("娃儿能上幼儿园不", "出生"),
    ("外地户口的娃可以读幼儿园吗", "出生"),
    ("幼儿园能收我家娃不", "出生"),
    ("我孙子两岁半能上幼儿园不", "可以入园"),
    ("我能领高龄津贴吗", "多少周岁"),
    ("我家能吃低保不", "低保"),
])
def test_whether_a_person_may_go_join_or_receive_starts_the_check(resident, asked, then):
    reply = resident.says(asked)
    assert then in reply, reply
    assert "想具体看看您家的情况" in reply or "可以入园" in reply


@pytest.mark.parametrize(("topic", "asked", "then"), [
    ("照料中心几点开门", "我七十了能去吗", "自理"),
    ("照料中心几点开门", "那我爸能去不", "多少岁"),
    ("幼儿园几点放学", "我家娃能上不", "出生"),
])
def test_a_can_they_go_follow_up_starts_the_check_of_the_topic(resident, topic, asked, then):
    resident.says(topic)
    assert then in resident.says(asked)


@pytest.mark.parametrize(("topic", "asked", "answered"), [
    ("照料中心几点开门", "能吃饭不", "每餐5元"),
    ("照料中心在哪里", "可以打牌吗", "下棋打牌"),
])
def test_a_what_can_one_do_there_follow_up_is_answered_not_checked(resident, topic, asked, answered):
    resident.says(topic)
    reply = resident.says(asked)
    assert answered in reply and not any(started in reply for started in CHECK_STARTED)
