"""The audit log: one append-only row per sign-in, change, export and view of personal data."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.models import AuditEntry, StaffAccount


def record(session: Session, *, who: StaffAccount | str, action: str, now: datetime, target: str = "",
           detail: str = "", ip: str = "") -> AuditEntry:
    """Written in the caller's transaction, so an action and its audit row stand or fall together."""
    account_id, name = (who.id, who.name) if isinstance(who, StaffAccount) else (None, who)
    entry = AuditEntry(at=now, account_id=account_id, who=name, action=action, target=target[:64],
                       detail=detail, ip=ip[:64])
    session.add(entry)
    return entry


def query(*, action: str = "", who: str = "", since: datetime | None = None,
          until: datetime | None = None) -> Select[tuple[AuditEntry]]:
    """Newest first, filtered as staff asked."""
    statement = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        statement = statement.where(AuditEntry.action == action)
    if who:
        statement = statement.where(AuditEntry.who.contains(who))
    if since is not None:
        statement = statement.where(AuditEntry.at >= since)
    if until is not None:
        statement = statement.where(AuditEntry.at < until)
    return statement
