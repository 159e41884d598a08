"""Announcement rules, called directly: the checks WeChat's form and the CLI share refuse before writing."""
from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from bot.models import Announcement, Outbox
from bot.services import announcements
from bot.services.errors import NotAllowed
from tests.services.conftest import NOW, resident_row


@pytest.mark.parametrize(("text", "audience", "later", "refusal"), [
    ("周三停水。", "tag:老人家属", None, "没有一个人能收到"),
    ("停水", "all", None, "太短"),
    ("周三停水。" * 200, "all", None, "太长"),
    ("周三停水。", "all", timedelta(minutes=-1), "已经过了"),
])
def test_a_bad_announcement_is_refused_and_nothing_is_queued(session, data, app, text, audience, later, refusal):
    resident_row(session, "o-1")
    now = NOW.astimezone(UTC)
    with pytest.raises(NotAllowed, match=refusal):
        announcements.announce(session, data.calendar, app.extensions["community"].settings, author="陈",
                               text=text, audience=announcements.find_audience(data.calendar, audience), now=now,
                               send_at=now + later if later else None)
    assert session.scalars(select(Announcement)).all() == [] and session.scalars(select(Outbox)).all() == []


def test_an_unknown_audience_lists_the_choices(data):
    with pytest.raises(announcements.AudienceError, match="可选"):
        announcements.find_audience(data.calendar, "tag:没有这个")
