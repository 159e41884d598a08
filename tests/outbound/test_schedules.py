"""Every schedule in faq/events.yaml at frozen times: when reminders are planned, sent, or missed."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from bot.models import Reminder
from tests.conftest import command
from tests.outbound.conftest import add_user, db_of, outbox, worker

TZ = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def reminders(app, key_prefix: str = "") -> list[Reminder]:
    with db_of(app).transaction() as session:
        rows = session.scalars(select(Reminder).where(Reminder.key.like(f"{key_prefix}%")).order_by(Reminder.fire_at))
        return list(rows)


def fires(app, key_prefix: str) -> list[str]:
    return [f"{r.fire_at.astimezone(TZ):%Y-%m-%d %H:%M}" for r in reminders(app, key_prefix)]


def said(app) -> list[str]:
    """What residents received, through whichever channel."""
    return [c.body["text"]["content"] if "text" in c.body else c.body["data"]["content"]["value"]
            for c in app.fake.sent()]


def run_at(app, when: datetime) -> None:
    """One pass of the scheduler's jobs with the clock at `when`."""
    with time_machine.travel(when, tick=False):
        w = worker(app)
        w.plan()
        w.send(budget_seconds=None)


def test_council_first_friday_reminded_thursday_evening_and_two_hours_before(out_app):
    add_user(out_app, "o-council", topics=("议事会",), wrote=None)
    # 2026-12-04 is the first Friday of December.
    run_at(out_app, local(2026, 12, 2, 20, 0))
    assert fires(out_app, "event:council:") == ["2026-12-03 18:00", "2026-12-04 13:00"]
    run_at(out_app, local(2026, 12, 3, 18, 0, 30))
    texts = said(out_app)
    assert len(texts) == 1 and "12月4日（星期五）15:00" in texts[0] and "2楼会议室" in texts[0]
    run_at(out_app, local(2026, 12, 4, 13, 1))
    assert len(out_app.fake.sent("message/template/send")) == 2
    run_at(out_app, local(2026, 12, 4, 13, 5))  # later passes send nothing again
    assert len(out_app.fake.calls) == 2


def test_planning_is_idempotent_and_picks_up_new_subscribers(out_app):
    add_user(out_app, "o-1", topics=("议事会",))
    run_at(out_app, local(2026, 12, 2, 20, 0))
    run_at(out_app, local(2026, 12, 2, 20, 1))
    assert len(reminders(out_app, "event:council:")) == 2
    add_user(out_app, "o-2", topics=("议事会",))
    run_at(out_app, local(2026, 12, 2, 20, 2))
    assert len(reminders(out_app, "event:council:")) == 4


def test_deputy_duty_every_wednesday(out_app):
    add_user(out_app, "o-1", topics=("党代表接待",))
    run_at(out_app, local(2026, 11, 30, 9, 0))  # Monday
    assert fires(out_app, "event:deputy-duty:") == ["2026-12-01 18:00"]
    assert "12月2日（星期三）09:00" in reminders(out_app, "event:deputy-duty:")[0].text


def test_party_joint_meeting_quarterly_for_its_tag(out_app):
    add_user(out_app, "o-member", tags=("大党委成员",))
    add_user(out_app, "o-other")
    run_at(out_app, local(2027, 1, 12, 13, 0))  # 2027-01-14: second Thursday of January
    assert fires(out_app, "event:party-joint-meeting:") == ["2027-01-13 18:00", "2027-01-14 12:30"]
    assert {r.openid for r in reminders(out_app, "event:party-joint-meeting:")} == {"o-member"}
    run_at(out_app, local(2027, 2, 9, 9, 0))  # February: not a quarter's meeting month
    assert len(reminders(out_app, "event:party-joint-meeting:")) == 2


def test_womens_day_on_march_8(out_app):
    add_user(out_app, "o-1", topics=("妇女节",))
    run_at(out_app, local(2027, 3, 6, 12, 0))
    assert fires(out_app, "event:womens-day:") == ["2027-03-07 18:00"]


@pytest.mark.parametrize("solar", [(2026, 10, 18), (2027, 10, 8)])
def test_chongyang_follows_the_lunar_calendar(out_app, solar):
    add_user(out_app, "o-1", topics=("重阳节",))
    add_user(out_app, "o-family", tags=("老人家属",))
    eve = local(*solar) - timedelta(days=1)
    run_at(out_app, eve.replace(hour=9))
    assert fires(out_app, "event:chongyang:") == [f"{eve:%Y-%m-%d} 18:00"] * 2
    assert {r.openid for r in reminders(out_app)} == {"o-1", "o-family"}


def test_gala_in_january_2027(out_app):
    add_user(out_app, "o-1", topics=("文艺汇演",))
    run_at(out_app, local(2027, 1, 15, 8, 0))
    assert fires(out_app, "event:gala-2027:") == ["2027-01-15 18:00", "2027-01-16 17:00"]


def test_class_reminder_the_evening_before_to_the_enrolled_only(out_app):
    add_user(out_app, "o-taiji", classes=("taiji",))
    add_user(out_app, "o-yangge", classes=("yangge",))
    run_at(out_app, local(2026, 11, 30, 12, 0))  # Monday: 太极 on Tuesday 7:30
    rows = reminders(out_app, "class:taiji:")
    assert fires(out_app, "class:taiji:") == ["2026-11-30 19:00"] and rows[0].openid == "o-taiji"
    assert "文化广场" in rows[0].text


def test_rain_moves_the_next_session_indoors_and_tells_those_already_reminded(out_app):
    add_user(out_app, "o-taiji", classes=("taiji",))
    run_at(out_app, local(2026, 11, 30, 12, 0))
    run_at(out_app, local(2026, 11, 30, 19, 0, 10))  # the Monday-evening reminder goes out
    assert "文化广场" in said(out_app)[0]
    with time_machine.travel(local(2026, 11, 30, 21, 0), tick=False):
        assert command(out_app, "rain", "taiji", "--yes").exit_code == 0
        worker(out_app).send(budget_seconds=None)
    assert "居民学校" in said(out_app)[1] and "下雨" in said(out_app)[1]


def test_rain_flagged_early_changes_the_reminder_itself(out_app):
    add_user(out_app, "o-taiji", classes=("taiji",))
    with time_machine.travel(local(2026, 11, 30, 8, 0), tick=False):  # before Tuesday's session is planned
        assert command(out_app, "rain", "taiji", "--yes").exit_code == 0
    run_at(out_app, local(2026, 11, 30, 12, 0))
    run_at(out_app, local(2026, 11, 30, 19, 0, 10))
    assert [r.status for r in reminders(out_app, "class:taiji:2026-12-01")] == ["queued"]
    assert "居民学校" in said(out_app)[0]


def test_reminder_missed_beyond_the_grace_is_marked_and_shown_in_status(out_app):
    add_user(out_app, "o-council", topics=("议事会",))
    run_at(out_app, local(2026, 12, 2, 20, 0))  # planned, then the scheduler is down for a day
    run_at(out_app, local(2026, 12, 3, 19, 0))  # 18:00 reminder is an hour late: grace is 30 minutes
    assert [r.status for r in reminders(out_app, "event:council:")] == ["missed", "pending"]
    assert out_app.fake.calls == []
    out = command(out_app, "status").stdout
    assert "错过的提醒：1" in out and "2026-12-03 18:00 o-council" in out


def test_reminder_a_little_late_within_the_grace_still_goes(out_app):
    add_user(out_app, "o-council", topics=("议事会",))
    run_at(out_app, local(2026, 12, 2, 20, 0))
    run_at(out_app, local(2026, 12, 3, 18, 20))
    assert len(out_app.fake.calls) == 1


def test_reminders_the_scheduler_slept_through_are_still_planned_then_marked_missed(out_app):
    """Down for four days: planning resumes where it stopped, so nothing vanishes unseen."""
    add_user(out_app, "o-duty", topics=("党代表接待",))
    run_at(out_app, local(2026, 11, 29, 9, 0))  # Sunday; plans up to Tuesday 9:00
    run_at(out_app, local(2026, 12, 3, 9, 0))  # back on Thursday
    assert [r.status for r in reminders(out_app, "event:deputy-duty:2026-12-02")] == ["missed"]


def test_unsubscribed_resident_gets_no_reminder(out_app):
    add_user(out_app, "o-gone", topics=("议事会",), subscribed=False)
    run_at(out_app, local(2026, 12, 3, 17, 0))
    run_at(out_app, local(2026, 12, 3, 18, 1))
    assert out_app.fake.calls == [] and reminders(out_app) == []


def test_dev_run_as_of_shows_the_thursday_evening_reminder(make_app):
    app = make_app(APP_ENV="development")
    add_user(app, "dev-grandma-wang", topics=("议事会",))
    client = app.test_client()
    response = client.post("/dev/outbox/run", data={"as_of": "2026-12-03T18:00"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "居民议事会" in page and "12月4日（星期五）15:00" in page
    assert [r.status for r in outbox(app)] == ["shown"]
