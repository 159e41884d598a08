"""Problem-report rules, called directly: forward-only statuses, the resident told of each, rating, hand-over."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models import Outbox, TicketStatus, User
from bot.services import keys, tickets
from bot.services.errors import InvalidTransition, NotAllowed, NotFound
from tests.services.conftest import NOW, resident_row


@pytest.fixture
def ticket(session):
    return tickets.open_ticket(session, user=resident_row(session, "o-1"), category="路灯/亮化", grid="第1网格",
                               assignee="第1网格网格员", place=tickets.Place("老街口"), description="路灯坏了",
                               media_id=None, pic_url=None, now=NOW, tz=NOW.tzinfo)


def _told(session) -> dict[str, str]:
    return {row.key: row.text for row in session.scalars(select(Outbox))}


def test_a_report_moves_forward_and_the_resident_is_told_each_step(session, ticket):
    assert (ticket.number, ticket.status) == ("WG20261127-001", TicketStatus.RECEIVED)
    tickets.change_status(session, ticket, "处理中", "已联系电工", "老王", NOW)
    tickets.change_status(session, ticket, TicketStatus.DONE, "", "老王", NOW)
    told = _told(session)
    assert "处理中" in told[keys.ticket_status(ticket.number, "处理中")]
    assert "已联系电工" in told[keys.ticket_status(ticket.number, "处理中")]
    assert "满意" in told[keys.ticket_status(ticket.number, TicketStatus.DONE)]
    assert [e.status for e in ticket.events] == ["已受理", "处理中", "已办结"]


@pytest.mark.parametrize("path", [("已办结", "处理中"), ("处理中", "处理中"), ("已受理",), ("已关闭",)])
def test_an_invalid_transition_is_refused_and_changes_nothing(session, ticket, path):
    *before, refused = path
    for status in before:
        tickets.change_status(session, ticket, status, "", "老王", NOW)
    told, events = _told(session), len(ticket.events)
    with pytest.raises(InvalidTransition):
        tickets.change_status(session, ticket, refused, "", "老王", NOW)
    assert ticket.status == (before[-1] if before else "已受理")
    assert _told(session) == told and len(ticket.events) == events


def test_rating_applies_to_the_latest_finished_report_once(session, ticket):
    user = session.get(User, ticket.user_id)
    assert tickets.rate(session, user, "满意", NOW) is None  # not finished yet
    tickets.change_status(session, ticket, "已办结", "", "老王", NOW)
    assert tickets.rate(session, user, "不满意，灯还是暗", NOW) is ticket and ticket.satisfaction == "不满意"
    assert tickets.rate(session, user, "满意", NOW) is None


def test_a_report_is_handed_only_to_a_named_worker(session, ticket):
    with pytest.raises(NotAllowed):
        tickets.assign(session, ticket, "  ", "老王", NOW)
    tickets.assign(session, ticket, " 水务站老王 ", "陈", NOW)
    assert ticket.assignee == "水务站老王" and ticket.events[-1].note == "转交水务站老王"
    assert tickets.find(session, ticket.number.lower()) is ticket
    with pytest.raises(NotFound):
        tickets.find(session, "WG20991231-001")
