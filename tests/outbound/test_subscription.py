"""Residents choose their reminders, through the real webhook."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from bot.models import Reminder, Subscription
from tests.conftest import converse
from tests.outbound.conftest import db_of, worker


def topics(app) -> set[str]:
    with db_of(app).transaction() as session:
        return set(session.scalars(select(Subscription.topic)))


def test_subscribe_list_and_unsubscribe(app, resident):
    converse(resident, [
        ("订阅议事会提醒", ["已为您订阅", "居民议事会提醒", "退订议事会"]),
        ("订阅议事会提醒", "已经订阅过"),
        ("订阅重阳节活动", "九九重阳节活动"),
        ("我的订阅", ["您订阅了：居民议事会提醒、九九重阳节活动", "回复1：订阅", "退订居民议事会提醒"]),
        ("退订重阳节", "已退订“九九重阳节活动”"),
    ])
    assert topics(app) == {"议事会"}


def test_numbered_choices_subscribe_and_unsubscribe(app, resident):
    answer = resident.says("我的订阅")
    assert "还没有订阅" in answer and "回复1：订阅居民议事会提醒" in answer
    assert "已为您订阅“居民议事会提醒”" in resident.says("1")
    answer = resident.says("退订")
    assert "要退订哪一个" in answer and "回复1：退订居民议事会提醒" in answer
    assert "已退订" in resident.says("1")
    assert topics(app) == set()


def test_subscribe_without_a_topic_offers_the_topics(resident):
    answer = resident.says("订阅")
    assert "回复1：订阅居民议事会提醒" in answer and "重阳节" in answer


def test_the_menu_item_shows_the_subscriptions(resident):
    assert "还没有订阅" in resident.taps("SUBSCRIBE")


def test_unsubscribing_stops_reminders_already_planned(app, resident):
    local = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime(2026, 12, 2, 20, 0, tzinfo=local), tick=False):
        resident.says("订阅议事会")
        worker(app).plan()
        resident.says("退订议事会")
    with db_of(app).transaction() as session:
        assert {r.status for r in session.scalars(select(Reminder))} == {"cancelled"}


def test_not_subscribed_topic_is_said_plainly(resident):
    assert "您没有订阅“社区文艺汇演”" in resident.says("退订文艺汇演")
