"""The services behind the classes, announcements and residents pages, on SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
from datetime import UTC, date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import AuditEntry, Enrollment, EnrollmentStatus, Outbox, User, UserTag
from bot.services import announcements, attendance, class_terms, enrollments, residents
from bot.services.errors import NotAllowed
from tests.services.conftest import NOW, resident_row

UTC_NOW = NOW.astimezone(UTC)


@pytest.fixture
def world(make_app, backend) -> Any:
    """An app on the backend under test: its database session, faq/ data and settings."""
    app = make_app(backend)
    assistant = app.extensions["community"]
    with assistant.db.transaction() as session:
        yield dataclasses.make_dataclass("World", ["session", "data", "settings"])(
            session, assistant.library.current(), assistant.settings)


def sign_up(world: Any, class_id: str, count: int, start: int = 0) -> list[Enrollment]:
    klass = world.data.services.klass(class_id)
    made = []
    for i in range(start, start + count):
        user = resident_row(world.session, f"o-{class_id}-{i}")
        user.last_message_at = UTC_NOW
        made.append(enrollments.sign_up(world.session, user=user, klass=klass, name=f"学员{i}",
                                        phone=f"1380000{i:04d}", age=60, now=UTC_NOW))
    return made


def edit_taiji(world: Any, **edit: Any) -> class_terms.TermChange:
    """Staff save the 太极 term form."""
    return class_terms.change(world.session, world.data.services, world.data.calendar,
                              world.data.services.klass("taiji"), **edit)


def test_raising_the_capacity_moves_the_waiting_list_up_in_order_and_tells_them(world):
    taiji = world.data.services.klass("taiji")
    edit_taiji(world, term_start=taiji.term_start, weeks=12,
                       capacity=2, new_term=False, who="陈主任", now=UTC_NOW)
    rows = sign_up(world, "taiji", 4)
    assert [r.status for r in rows] == ["enrolled", "enrolled", "waiting", "waiting"]
    change = edit_taiji(world, term_start=taiji.term_start, weeks=12,
                                capacity=3, new_term=False, who="陈主任", now=UTC_NOW)
    assert [e.name for e in change.promoted] == ["学员2"]
    enrolled, waiting = enrollments.roster(world.session, taiji)
    assert [e.name for e in enrolled] == ["学员0", "学员1", "学员2"] and [e.name for e in waiting] == ["学员3"]
    told = world.session.scalars(select(Outbox).where(Outbox.openid == "o-taiji-2")).one()
    assert "太极拳班" in told.text
    audit_rows = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "class.term")).all()
    assert "30个名额" in audit_rows[0].detail and "2个名额 → 2026-12-01起12周，3个名额" in audit_rows[1].detail


@pytest.mark.parametrize(("change", "refusal"), [
    ({"capacity": 1}, "已经有2人报上了，名额不能少于2"),
    ({"weeks": 0}, "周数要在1到52之间"),
    ({"capacity": 0}, "名额要在1到500之间"),
    ({"term_start": date(2026, 11, 1), "new_term": True}, "新一期要在本期（2026-12-01）之后开始"),
])
def test_a_bad_term_edit_is_refused_and_the_term_stays_as_it_was(world, change, refusal):
    taiji = world.data.services.klass("taiji")
    sign_up(world, "taiji", 2)
    edit = {"term_start": taiji.term_start, "weeks": 12, "capacity": 30, "new_term": False, **change}
    with pytest.raises(NotAllowed, match=refusal):
        edit_taiji(world, who="陈主任", now=UTC_NOW, **edit)
    assert enrollments.current(world.session, taiji) == taiji
    assert world.session.scalars(select(AuditEntry).where(AuditEntry.action == "class.term")).all() == []


def test_correcting_the_start_date_keeps_everyone_signed_up_and_a_new_term_starts_empty(world):
    taiji = world.data.services.klass("taiji")
    sign_up(world, "taiji", 2)
    edit_taiji(world, term_start=date(2026, 12, 3), weeks=10,
                       capacity=30, new_term=False, who="陈主任", now=UTC_NOW)
    moved = enrollments.current(world.session, taiji)
    assert (moved.term, moved.weeks) == ("2026-12-03", 10) and "12月3日开始，共10周" in moved.details
    assert len(enrollments.roster(world.session, taiji)[0]) == 2
    assert enrollments.is_full(world.session, taiji) is False
    edit_taiji(world, term_start=date(2027, 3, 2), weeks=12,
                       capacity=30, new_term=True, who="陈主任", now=UTC_NOW)
    assert enrollments.roster(world.session, taiji) == ([], [])
    old = world.session.scalars(select(Enrollment.term).where(Enrollment.class_id == "taiji")).all()
    assert set(old) == {"2026-12-03"}  # last term's list stays for the records


def test_attendance_is_marked_per_session_and_a_second_save_corrects_it(world):
    times = world.data.calendar.classes["yangge"]  # Mon, Wed, Fri from Monday 2026-11-30
    first, second = sign_up(world, "yangge", 2)
    monday = date(2026, 11, 30)
    assert attendance.session_days(times, date(2026, 12, 4)) == [monday, date(2026, 12, 2), date(2026, 12, 4)]
    assert attendance.record(world.session, times, monday, {first.id}, who="陈", today=monday, now=UTC_NOW) == (1, 1)
    assert attendance.record(world.session, times, monday, {first.id, second.id}, who="陈", today=monday,
                             now=UTC_NOW) == (2, 0)
    assert attendance.marks(world.session, "yangge", monday) == {first.id: True, second.id: True}
    assert attendance.tally(world.session, [first.id, second.id]) == {first.id: 1, second.id: 1}
    with pytest.raises(NotAllowed, match="没有秧歌班的课"):
        attendance.record(world.session, times, date(2026, 12, 1), set(), who="陈", today=date(2026, 12, 5),
                          now=UTC_NOW)  # a Tuesday
    with pytest.raises(NotAllowed, match="还没到"):
        attendance.record(world.session, times, date(2026, 12, 2), set(), who="陈", today=monday, now=UTC_NOW)


@pytest.mark.parametrize(("typed", "key"), [
    ("太极班", "class:taiji"), ("太极", "class:taiji"), ("秧歌班", "class:yangge"), ("tag:太极班", "tag:太极班"),
    ("老人家属", "tag:老人家属"), ("议事会", "topic:议事会"), ("居民议事会", "topic:议事会"), ("所有人", "all"),
    ("太极拳班学员", "class:taiji"), ("标签：太极班", "tag:太极班"),
])
def test_the_words_staff_type_find_the_audience_they_mean(world, typed, key):
    assert announcements.find_audience(world.data.calendar, typed).key == key


def test_the_reach_counts_who_gets_it_how_and_the_mass_quota(world):
    for openid, wrote, following in (("o-new", timedelta(hours=1), True), ("o-quiet", timedelta(days=5), True),
                                     ("o-gone", timedelta(hours=1), False)):
        user = resident_row(world.session, openid)
        user.last_message_at, user.subscribed = UTC_NOW - wrote, following
        residents.set_tag(world.session, user, "老人家属", True)
    world.session.flush()
    calendar = world.data.calendar
    audience = announcements.find_audience(calendar, "老人家属")
    reach = announcements.reach(world.session, calendar, world.settings, audience, UTC_NOW)
    assert (reach.members, reach.following, reach.window, reach.outside, reach.mass) == (3, 2, 1, 1, False)
    assert reach.lines() == ["能收到：2人（另有1人已取消关注，收不到）", "不占群发额度（每人每月4次）：一个一个发。",
                             "48小时内来过消息的1人收客服消息；其余1人没有配置模板消息，收不到。"]
    synced = dataclasses.replace(calendar, tags={**calendar.tags, "老人家属": 101})
    for month_day in (3, 10, 17):  # three mass sends already this month
        world.session.add(Outbox(key=f"m{month_day}", openid="o-new", kind="mass", text="旧公告", status="sent",
                                 due_at=UTC_NOW.replace(day=month_day)))
    world.session.flush()
    reach = announcements.reach(world.session, synced, world.settings, audience, UTC_NOW)
    assert reach.mass and "这些人本月最多已用3次，发完还剩0次" in reach.lines()[1]
    world.session.add(Outbox(key="m20", openid="o-new", kind="mass", text="旧公告", status="sent",
                             due_at=UTC_NOW.replace(day=20)))
    world.session.flush()
    reach = announcements.reach(world.session, synced, world.settings, audience, UTC_NOW)
    assert not reach.mass and "群发额度已用完" in reach.lines()[1]


def test_an_announcement_to_a_class_follows_the_term_staff_set(world):
    sign_up(world, "taiji", 2)
    edit_taiji(world, term_start=date(2026, 12, 8), weeks=12,
                       capacity=30, new_term=False, who="陈", now=UTC_NOW)
    audience = announcements.find_audience(world.data.calendar, "太极班")
    assert announcements.recipients(world.session, world.data.calendar, audience.key) == ["o-taiji-0", "o-taiji-1"]


def test_staff_find_residents_by_part_of_the_name_the_phone_tail_or_a_tag(world):
    for openid, name, phone in (("o-1", "王桂芳", "13900001234"), ("o-2", "李大明", "13800005678"),
                                ("o-3", None, None)):
        user = resident_row(world.session, openid)
        user.name, user.phone = name, phone
    residents.set_tag(world.session, world.session.scalars(select(User).where(User.openid == "o-2")).one(),
                      "志愿者", True)
    world.session.flush()

    def found(text: str, tag: str = "") -> list[str]:
        return [u.openid for u in residents.search(world.session, text, tag=tag)]

    assert found("桂") == ["o-1"] and found("5678") == ["o-2"] and found("o-3") == ["o-3"]
    assert found("", tag="志愿者") == ["o-2"] and found("") == ["o-3", "o-2", "o-1"]
    assert found("12") == [] and found("%") == []
    assert world.session.scalars(select(UserTag.tag)).all() == ["志愿者"]


def test_a_withdrawal_still_promotes_the_first_waiting(world):
    taiji = world.data.services.klass("taiji")
    edit_taiji(world, term_start=taiji.term_start, weeks=12,
                       capacity=1, new_term=False, who="陈", now=UTC_NOW)
    seated, waiting = sign_up(world, "taiji", 2)
    promoted = enrollments.withdraw(world.session, world.data.services, seated)
    assert promoted.id == waiting.id and promoted.status == EnrollmentStatus.ENROLLED and promoted.seat == 1


def test_rain_from_the_cli_shows_the_change_and_asks_first(app):
    from bot.cli import cli
    from bot.models import KeyValue

    runner = app.test_cli_runner()
    declined = runner.invoke(cli, ["rain", "taiji"], input="n\n")
    assert declined.exit_code == 1 and "太极拳班12月1日（星期二）07:30的课改到居民学校" in declined.output
    with app.extensions["community"].db.transaction() as session:
        assert session.get(KeyValue, "rain:taiji") is None
    confirmed = runner.invoke(cli, ["rain", "taiji"], input="y\n")
    assert confirmed.exit_code == 0 and "太极拳班12月1日改到居民学校" in confirmed.output
    again = runner.invoke(cli, ["rain", "taiji", "--yes"])
    assert again.exit_code == 2 and "已经改到居民学校了" in again.output


def test_the_cli_announces_to_the_class_when_staff_type_taiji_ban(app, staff):
    with app.extensions["community"].db.transaction() as session:
        user = resident_row(session, "o-taiji")
        enrollments.sign_up(session, user=user, klass=app.extensions["community"].library.current().services
                            .klass("taiji"), name="王桂芳", phone="13900001234", age=70, now=UTC_NOW)
    assert "发给太极拳班学员，共1人" in staff("announce", "--text", "周四太极拳暂停一次。", "--audience", "太极班")


def test_moving_the_term_cancels_reminders_of_sessions_it_no_longer_has(world):
    from bot.models import Reminder, ReminderStatus
    from bot.services import keys

    fire = UTC_NOW + timedelta(days=1)
    for day in (date(2026, 12, 1), date(2026, 12, 3)):
        world.session.add(Reminder(key=keys.class_session("taiji", day), openid="o-1", fire_at=fire, text="明天太极"))
    world.session.add(Reminder(key=keys.class_session("yangge", date(2026, 11, 30)), openid="o-1", fire_at=fire,
                               text="今晚秧歌"))
    world.session.flush()
    change = edit_taiji(world, term_start=date(2026, 12, 3), weeks=12, capacity=30, new_term=False, who="陈",
                        now=UTC_NOW)
    assert change.cancelled == 1
    states = {r.key: r.status for r in world.session.scalars(select(Reminder))}
    assert states == {"class:taiji:2026-12-01": ReminderStatus.CANCELLED, "class:taiji:2026-12-03": "pending",
                      "class:yangge:2026-11-30": "pending"}
