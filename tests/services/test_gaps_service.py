"""Unanswered questions keep only real questions, and never a resident's phone, ID number or name."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.models import Conversation, FaqGap, GapStatus, utcnow
from bot.services import gaps
from tests.conftest import Resident, command


def kept(app) -> list[FaqGap]:
    with app.extensions["community"].db.transaction() as session:
        return list(session.scalars(select(FaqGap).order_by(FaqGap.id)))


@pytest.mark.parametrize("said", ["你好呀", "👍", "😂😂", "？？？", "。。。", "https://mp.weixin.qq.com/s/abc",
                                  "www.example.com", "是的嘛", "不是", "没有", "再见", "拜拜", "谢谢啦", "嗯嗯",
                                  "好的哟"])
def test_small_talk_emoji_punctuation_and_links_never_become_gaps(app, wechat, said):
    Resident(app.test_client(), wechat, "o-noise").says(said)
    assert kept(app) == []


def test_a_name_and_phone_typed_after_a_form_timed_out_are_not_kept(app, wechat):
    resident = Resident(app.test_client(), wechat, "o-timeout")
    resident.says("预约代办")
    with app.extensions["community"].db.transaction() as session:
        session.scalars(select(Conversation)).one().updated_at -= timedelta(minutes=45)
    assert "太久没有回复" in resident.says("居住证")
    resident.says("王桂芳")
    resident.says("13812345678")
    resident.says("张三 139 1234 5678")
    resident.says("510722195203041234")
    assert kept(app) == []


def test_a_real_question_is_kept_with_its_numbers_masked(app, wechat):
    resident = Resident(app.test_client(), wechat, "o-masked")
    resident.says("我电话13812345678换了号码咋个改")
    resident.says("身份证510722195203041234丢了补办要多久嘛")
    examples = [gap.example for gap in kept(app)]
    assert examples == ["我电话[号码]换了号码咋个改", "身份证[身份证号]丢了补办要多久嘛"]
    for gap in kept(app):
        assert "13812345678" not in gap.normalized and "510722" not in gap.normalized


def test_each_gap_shows_how_often_and_when_it_was_asked(app, wechat):
    resident = Resident(app.test_client(), wechat, "o-count")
    resident.says("明天会不会下雨")
    resident.says("明天会不会下雨嘛")
    (gap,) = kept(app)
    assert gap.count == 2 and gap.first_at <= gap.last_at and gap.status == GapStatus.OPEN
    listing = command(app, "faq", "gaps").stdout
    assert "2" in listing and "明天会不会下雨" in listing and gap.last_at.astimezone(
        app.extensions["community"].settings.tz).strftime("%m-%d") in listing


def test_a_gap_thought_fixed_that_is_missed_again_is_open_again(app, wechat):
    resident = Resident(app.test_client(), wechat, "o-again")
    resident.says("明天会不会下雨")
    resident.says("火车票在哪买")
    with app.extensions["community"].db.transaction() as session:
        rain, train = session.scalars(select(FaqGap).order_by(FaqGap.id)).all()
        gaps.mark(session, rain, GapStatus.NEW_ENTRY, "陈主任", utcnow(), "weather")
        gaps.mark(session, train, GapStatus.NOT_OURS, "陈主任", utcnow())
    resident.says("明天会不会下雨")
    resident.says("火车票在哪买")
    assert [(g.example, g.status) for g in kept(app)] == [("明天会不会下雨", GapStatus.OPEN),
                                                          ("火车票在哪买", GapStatus.NOT_OURS)]
