"""Rain flagging and subscriptions, called directly: one validation for WeChat and the CLI, keys from one registry."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.models import KeyValue, Reminder, ReminderStatus
from bot.services import keys, reminders, subscriptions
from bot.services.errors import NotAllowed
from tests.services.conftest import NOW, resident_row


@pytest.mark.parametrize("which", ["taiji", "下雨 太极", "太极拳班"])
def test_rain_is_planned_then_flagged_by_id_or_by_name_for_the_next_session(session, data, app, which):
    settings = app.extensions["community"].settings
    plan = reminders.plan_rain(session, data.calendar, which, NOW.astimezone(UTC), settings)
    assert (plan.times.id, plan.day, plan.to_tell, plan.already) == ("taiji", date(2026, 12, 1), 0, False)
    assert "太极拳班12月1日（星期二）07:30的课改到居民学校" in plan.summary()
    assert session.get(KeyValue, keys.rain_day("taiji")) is None  # a plan changes nothing
    moved = reminders.flag_rain(session, data.calendar, which, NOW.astimezone(UTC), settings, day=plan.day)
    assert (moved.times.id, moved.day, moved.told) == ("taiji", date(2026, 12, 1), 0)
    assert session.get(KeyValue, keys.rain_day("taiji")).value == "2026-12-01"
    assert reminders.plan_rain(session, data.calendar, which, NOW.astimezone(UTC), settings).already
    with pytest.raises(NotAllowed, match="已经改到居民学校"):
        reminders.flag_rain(session, data.calendar, which, NOW.astimezone(UTC), settings, day=plan.day)


def test_a_rain_confirmation_for_a_session_that_has_passed_is_refused(session, data, app):
    settings = app.extensions["community"].settings
    plan = reminders.plan_rain(session, data.calendar, "taiji", NOW.astimezone(UTC), settings)
    after_class = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday 17:00 in Sichuan: the next is Thursday
    with pytest.raises(NotAllowed, match="下一次课已经是12月3日了"):
        reminders.flag_rain(session, data.calendar, "taiji", after_class, settings, day=plan.day)
    assert session.get(KeyValue, keys.rain_day("taiji")) is None


def test_rain_for_an_unknown_class_or_after_the_term_is_refused(session, data, app):
    settings = app.extensions["community"].settings
    with pytest.raises(reminders.UnknownClass, match="太极拳班"):
        reminders.plan_rain(session, data.calendar, "广场舞", NOW, settings)
    with pytest.raises(NotAllowed, match="结束"):
        reminders.plan_rain(session, data.calendar, "taiji", datetime(2027, 6, 1, tzinfo=UTC), settings)


def test_unsubscribing_stops_only_that_topics_reminders_for_that_resident(session, data):
    council = data.calendar.topic("议事会")
    me, neighbour = resident_row(session, "o-1"), resident_row(session, "o-2")
    for user in (me, neighbour):
        assert subscriptions.subscribe(session, user, council, NOW)
    assert not subscriptions.subscribe(session, me, council, NOW)
    fire = datetime(2026, 12, 3, 10, tzinfo=UTC)
    council_day, duty_day = keys.event("council", date(2026, 12, 4)), keys.event("deputy-duty", date(2026, 12, 2))
    for openid, key in (("o-1", council_day), ("o-2", council_day), ("o-1", duty_day)):
        session.add(Reminder(key=key, openid=openid, fire_at=fire, text="提醒"))
    session.flush()
    assert subscriptions.reminder_key_prefixes(data.calendar, council) == [keys.event_prefix("council")]
    assert subscriptions.unsubscribe(session, data.calendar, me, council)
    assert not subscriptions.unsubscribe(session, data.calendar, me, council)
    states = {(r.openid, r.key.split(":")[1]): r.status for r in session.scalars(select(Reminder))}
    assert states == {("o-1", "council"): ReminderStatus.CANCELLED, ("o-2", "council"): ReminderStatus.PENDING,
                      ("o-1", "deputy-duty"): ReminderStatus.PENDING}
    assert subscriptions.topics_of(session, me) == set() and subscriptions.topics_of(session, neighbour) == {"议事会"}
