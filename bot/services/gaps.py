"""Questions the FAQ could not answer, counted so `community-bot faq-gaps` shows what residents miss most."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.models import FaqGap


def count_gap(session: Session, normalized: str, example: str, outcome: str, now: datetime) -> None:
    """One atomic upsert: residents asking the same new question at once each add one, none fails."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(FaqGap).values(normalized=normalized[:255], example=example, outcome=outcome, count=1,
                                      first_at=now, last_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=[FaqGap.normalized],
        set_={"count": FaqGap.count + 1, "last_at": now, "outcome": outcome},
    ))
