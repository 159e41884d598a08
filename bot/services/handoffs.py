"""Requests for a person (人工): kept open for staff until one of them takes it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.models import HandoffRequest, HandoffStatus, User


def open_request(session: Session, user: User, text: str, now: datetime) -> HandoffRequest:
    """What the resident last asked goes with the request, so staff need not ask again."""
    request = HandoffRequest(user_id=user.id, text=text, status=HandoffStatus.OPEN, created_at=now)
    session.add(request)
    return request

