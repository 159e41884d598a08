"""代办 cases called directly, on SQLite and PostgreSQL: due dates in working days, the steps, what the
resident is told, walk-ins linked by phone, the desk's look-up, and the capacity and closures staff edit."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.models import Arrival, Booking, CaseStatus, Closure, Outbox, User
from bot.services import bookings, cases
from bot.services.errors import InvalidTransition, NotAllowed, SlotTaken
from tests.services.conftest import NOW

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE_NATIONAL_DAY = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)  # Wed; 10月1日–7日 off, Sat 10月10日 worked


@pytest.fixture
def app(make_app, backend):
    return make_app(backend)


@pytest.fixture
def services(data):
    return data.services


def _resident(session, openid="o-1", phone="13812345678") -> User:
    user = User(openid=openid, subscribed=True, phone=phone, name="张三", created_at=NOW)
    session.add(user)
    session.flush()
    return user


def _booking(session, services, user=None, day=date(2026, 11, 30), item="residence_permit") -> Booking:
    user = user or _resident(session)
    booking, _ = bookings.book(session, user=user, item=services.item(item), rules=services.booking, day=day,
                               period="am", name="张三", phone="13812345678", now=NOW.astimezone(UTC), tz=SHANGHAI)
    return booking


def _sent(session) -> list[str]:
    return [row.text for row in session.scalars(select(Outbox).order_by(Outbox.id))]


def test_due_date_counts_working_days_across_the_holiday_and_the_tiaoxiu_saturday(session, services):
    booking = _booking(session, services)
    case = cases.from_booking(session, booking, services=services, missing="", by="小李",
                              now=BEFORE_NATIONAL_DAY.astimezone(UTC), tz=SHANGHAI)
    # 15 working days from 9月30日: the seven days of 国庆 do not count, the 调休 Saturday 10月10日 does.
    assert (case.received_on, case.due_on) == (date(2026, 9, 30), date(2026, 10, 27))
    assert cases.due_date(date(2026, 9, 30), 3, services.booking.is_open) == date(2026, 10, 10)
    assert cases.due_date(date(2026, 9, 30), 0, services.booking.is_open) == date(2026, 9, 30)
    assert not cases.is_overdue(case, date(2026, 10, 27)) and cases.is_overdue(case, date(2026, 10, 28))


def test_a_closure_staff_add_pushes_the_due_date_back(session, services):
    session.add(Closure(day=date(2026, 10, 8), period="", reason="全员培训", by="主任"))
    case = cases.from_booking(session, _booking(session, services), services=services, missing="", by="小李",
                              now=BEFORE_NATIONAL_DAY.astimezone(UTC), tz=SHANGHAI)
    assert case.due_on == date(2026, 10, 28)


def test_each_step_is_told_to_the_resident_and_the_booking_is_marked_arrived(session, services):
    booking = _booking(session, services)
    now = NOW.astimezone(UTC)
    case = cases.from_booking(session, booking, services=services, missing="", by="小李", now=now, tz=SHANGHAI)
    assert booking.attendance == Arrival.ARRIVED and case.number == "BJ20261127-001"
    cases.change_status(session, case, CaseStatus.IN_PROGRESS, services=services, by="小李", now=now, tz=SHANGHAI)
    cases.change_status(session, case, CaseStatus.READY, services=services, note="周一后都可以来", by="小李",
                        now=now, tz=SHANGHAI)
    received, working, ready = _sent(session)[-3:]
    assert "居住证材料已收齐" in received and "BJ20261127-001" in received and "12月18日 周五前办好" in received
    assert "正在办理" in working
    assert "您的居住证已办好，可以来领了，带上身份证" in ready and "09:00—12:00" in ready
    assert "说明：周一后都可以来" in ready
    assert [e.status for e in case.events] == ["材料已收", "办理中", "可领取"]


def test_missing_papers_return_the_case_and_bringing_them_restarts_the_clock(session, services):
    now = NOW.astimezone(UTC)
    case = cases.from_booking(session, _booking(session, services), services=services, missing="租房合同",
                              by="小李", now=now, tz=SHANGHAI)
    assert (case.status, case.due_on) == (CaseStatus.RETURNED, None)
    assert "还缺材料：租房合同" in _sent(session)[-1]
    later = datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
    cases.change_status(session, case, CaseStatus.RECEIVED, services=services, by="小李", now=later, tz=SHANGHAI)
    assert (case.received_on, case.due_on, case.missing) == (date(2026, 12, 2), date(2026, 12, 23), "")


def test_a_wrong_step_or_a_return_without_what_is_missing_is_refused_and_nothing_changes(session, services):
    now = NOW.astimezone(UTC)
    case = cases.from_booking(session, _booking(session, services), services=services, missing="", by="小李",
                              now=now, tz=SHANGHAI)
    told = len(_sent(session))
    with pytest.raises(NotAllowed, match="缺什么材料"):
        cases.change_status(session, case, CaseStatus.RETURNED, services=services, missing=" ", by="小李",
                            now=now, tz=SHANGHAI)
    cases.change_status(session, case, CaseStatus.DONE, services=services, by="小李", now=now, tz=SHANGHAI)
    with pytest.raises(InvalidTransition, match="已办结，不能再改"):
        cases.change_status(session, case, CaseStatus.READY, services=services, by="小李", now=now, tz=SHANGHAI)
    assert case.status == CaseStatus.DONE and len(_sent(session)) == told + 1


def test_a_booking_becomes_one_case_only_and_a_cancelled_one_none(session, services):
    now = NOW.astimezone(UTC)
    booking = _booking(session, services)
    first = cases.from_booking(session, booking, services=services, missing="", by="小李", now=now, tz=SHANGHAI)
    with pytest.raises(NotAllowed, match=first.number):
        cases.from_booking(session, booking, services=services, missing="", by="小李", now=now, tz=SHANGHAI)
    other = _booking(session, services, _resident(session, "o-2", "13900001111"), item="employment")
    bookings.release(session, other)
    with pytest.raises(NotAllowed, match="已经取消"):
        cases.from_booking(session, other, services=services, missing="", by="小李", now=now, tz=SHANGHAI)


def test_a_walk_in_is_linked_to_the_resident_with_that_phone_and_told(session, services):
    user = _resident(session, phone="13812345678")
    now = NOW.astimezone(UTC)
    case = cases.walk_in(session, services=services, item_id="employment", name="张三", phone="138 1234 5678",
                         missing="", by="小李", now=now, tz=SHANGHAI)
    assert case.user_id == user.id and case.phone == "13812345678" and case.due_on == date(2026, 11, 27)
    assert "就业失业登记材料已收齐" in _sent(session)[-1] and "当天办好" in _sent(session)[-1]
    stranger = cases.walk_in(session, services=services, item_id="employment", name="李四", phone="13700002222",
                             missing="", by="小李", now=now, tz=SHANGHAI)
    assert stranger.user_id is None and len(_sent(session)) == 1
    with pytest.raises(NotAllowed, match="电话号码不对"):
        cases.walk_in(session, services=services, item_id="employment", name="王五", phone="12345", missing="",
                      by="小李", now=now, tz=SHANGHAI)


def test_the_case_list_puts_late_ones_first_and_filters(session, services):
    early = cases.from_booking(session, _booking(session, services), services=services, missing="", by="小李",
                               now=BEFORE_NATIONAL_DAY.astimezone(UTC), tz=SHANGHAI)
    fresh = cases.walk_in(session, services=services, item_id="medical_insurance", name="李四", phone="13700002222",
                          missing="", by="小李", now=NOW.astimezone(UTC), tz=SHANGHAI)
    today = date(2026, 11, 27)
    assert cases.listing(session, today=today) == [early, fresh]
    assert cases.listing(session, today=today, overdue=True) == [early]
    assert cases.listing(session, today=today, item="medical_insurance") == [fresh]
    assert cases.listing(session, today=today, status=CaseStatus.READY) == []


def test_the_desk_finds_a_booking_by_number_name_or_masked_phone(session, services):
    booking = _booking(session, services)
    for query in (booking.number, booking.number.lower(), "001", "张三", "138****5678", "5678"):
        assert [e.number for e in bookings.desk_find(session, services, query)] == [booking.number], query
    assert bookings.desk_find(session, services, "139****5678") == []
    [entry] = bookings.desk_day(session, services, date(2026, 11, 30))
    assert entry.line == f"{booking.number}  11月30日 周一 上午  居住证  张三 138****5678  待到"
    bookings.mark_attendance(booking, Arrival.NO_SHOW, NOW.astimezone(UTC))
    assert bookings.desk_entry(session, services, booking.number).state == "未到"


def test_staff_capacity_and_closures_apply_to_new_bookings_and_bad_edits_are_refused(session, services):
    today = date(2026, 11, 27)
    bookings.set_capacity(session, "1", NOW)
    _booking(session, services)
    assert (date(2026, 11, 30), "am") not in bookings.free_places(session, services.booking, today)
    with pytest.raises(SlotTaken):
        _booking(session, services, _resident(session, "o-2", "13900001111"))
    for bad in ("0", "abc", "999", ""):
        with pytest.raises(NotAllowed, match="1到50"):
            bookings.set_capacity(session, bad, NOW)
    assert bookings.rules_in_force(session, services.booking).per_half_day == 1

    with pytest.raises(NotAllowed, match="已有1个预约"):
        bookings.add_closure(session, day=date(2026, 11, 30), period="", reason="", by="主任", today=today, now=NOW)
    with pytest.raises(NotAllowed, match="今天以后"):
        bookings.add_closure(session, day=date(2026, 11, 26), period="", reason="", by="主任", today=today, now=NOW)
    bookings.add_closure(session, day=date(2026, 12, 1), period="", reason="培训", by="主任", today=today, now=NOW)
    bookings.add_closure(session, day=date(2026, 12, 2), period="pm", reason="开会", by="主任", today=today, now=NOW)
    free = bookings.free_places(session, services.booking, today)
    assert not any(day == date(2026, 12, 1) for day, _ in free)
    assert (date(2026, 12, 2), "am") in free and (date(2026, 12, 2), "pm") not in free
    with pytest.raises(SlotTaken):
        _booking(session, services, _resident(session, "o-3", "13900002222"), day=date(2026, 12, 1))
    bookings.remove_closure(session, date(2026, 12, 1), "")
    assert (date(2026, 12, 1), "am") in bookings.free_places(session, services.booking, today)
