"""Class sign-up rules, called directly: capacity, the waiting list in order, promotion with a message."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.models import EnrollmentStatus, Outbox, User
from bot.services import enrollments, keys
from tests.services.conftest import NOW, resident_row


@pytest.fixture
def taiji(data):
    return data.services.klass("taiji").model_copy(update={"capacity": 2})


@pytest.fixture
def services(data, taiji):
    """The catalogue with the small class, so promotion notices name it."""
    return replace(data.services, classes=(taiji,))


def _sign_up(session, klass, openid):
    return enrollments.sign_up(session, user=resident_row(session, openid), klass=klass, name="李四",
                               phone="13900001111", age=66, now=NOW)


def test_a_full_class_puts_the_next_resident_on_the_waiting_list_in_order(session, taiji):
    first, second, third, fourth = (_sign_up(session, taiji, f"o-{i}") for i in range(4))
    assert [(e.status, e.seat) for e in (first, second)] == [(EnrollmentStatus.ENROLLED, 1),
                                                            (EnrollmentStatus.ENROLLED, 2)]
    assert (third.status, third.seat, fourth.status) == (EnrollmentStatus.WAITING, None, EnrollmentStatus.WAITING)
    assert enrollments.is_full(session, taiji)
    assert [enrollments.waiting_position(session, e) for e in (third, fourth)] == [1, 2]


def test_signing_up_twice_is_refused(session, taiji):
    row = _sign_up(session, taiji, "o-1")
    with pytest.raises(enrollments.AlreadyEnrolled) as refused:
        enrollments.sign_up(session, user=session.get(User, row.user_id), klass=taiji, name="李四",
                            phone="13900001111", age=None, now=NOW)
    assert refused.value.enrollment is row


def test_a_freed_seat_goes_to_the_first_waiting_who_is_told(session, taiji, services):
    first, _, waiting, later = (_sign_up(session, taiji, f"o-{i}") for i in range(4))
    promoted = enrollments.withdraw(session, services, first)
    assert promoted is waiting and (waiting.status, waiting.seat) == (EnrollmentStatus.ENROLLED, 1)
    assert later.status == EnrollmentStatus.WAITING and enrollments.waiting_position(session, later) == 1
    [notice] = session.scalars(select(Outbox)).all()
    assert (notice.key, notice.openid) == (keys.class_promoted(waiting.id), "o-2")
    assert "候补转为正式报名" in notice.text and "太极拳" in notice.text


def test_leaving_the_waiting_list_promotes_nobody(session, taiji, services):
    _sign_up(session, taiji, "o-0")
    _sign_up(session, taiji, "o-1")
    waiting = _sign_up(session, taiji, "o-2")
    assert enrollments.withdraw(session, services, waiting) is None
    assert waiting.status == EnrollmentStatus.CANCELLED and session.scalars(select(Outbox)).all() == []

