"""Outbound fixtures: an app wired to the fake WeChat API, residents in the database, a worker."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Enrollment, Outbox, Subscription, User, UserTag, utcnow
from bot.outbound.scheduler import Worker
from tests.fake_wechat_api import FakeWeChatApi, fake_api  # noqa: F401  (the fixture)

TEMPLATE = "tpl-community-notice"


def _wired(make_app: Any, fake: FakeWeChatApi, backend: str, **config: Any) -> Any:
    """Sends through the fake API (a non-default base URL means 'send for real' outside production)."""
    config = {"SEND_RATE_PER_SECOND": 500, **config}  # pacing has its own test; the rest need not wait
    app = make_app(backend, WECHAT_API_BASE_URL=fake.base_url, WECHAT_TEMPLATE_ID=TEMPLATE, **config)
    app.fake = fake
    return app


@pytest.fixture
def out_app(make_app, fake_api: FakeWeChatApi) -> Any:  # noqa: F811  (the imported fixture)
    return _wired(make_app, fake_api, "sqlite")


@pytest.fixture
def any_db_app(make_app, fake_api: FakeWeChatApi, backend: str) -> Any:  # noqa: F811
    """For the crash and locking tests: SQLite and, when it answers, PostgreSQL."""
    return _wired(make_app, fake_api, backend)


def db_of(app: Any) -> Any:
    return app.extensions["community"].db


def add_user(app: Any, openid: str, *, wrote: timedelta | None = timedelta(hours=1), subscribed: bool = True,
             tags: tuple[str, ...] = (), topics: tuple[str, ...] = (), classes: tuple[str, ...] = (),
             now: datetime | None = None) -> None:
    """A resident who last wrote `wrote` ago (None: never)."""
    now = now or utcnow()
    with db_of(app).transaction() as session:
        user = User(openid=openid, subscribed=subscribed, last_message_at=now - wrote if wrote else None,
                    created_at=now)
        session.add(user)
        session.flush()
        session.add_all(UserTag(user_id=user.id, tag=tag) for tag in tags)
        session.add_all(Subscription(user_id=user.id, topic=topic, created_at=now) for topic in topics)
        terms = app.extensions["community"].library.current().services
        session.add_all(Enrollment(user_id=user.id, class_id=c, term=terms.klass(c).term, seat=i + 1,
                                   status="enrolled") for i, c in enumerate(classes))


def outbox(app: Any) -> list[Outbox]:
    with db_of(app).transaction() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def user(app: Any, openid: str) -> User:
    with db_of(app).transaction() as session:
        return session.scalars(select(User).where(User.openid == openid)).one()


def worker(app: Any) -> Worker:
    """The scheduler's jobs without APScheduler, with short retry backoffs."""
    w = Worker(app)
    if w.sender.api is not None:
        w.sender.api.backoff = 0.01
    return w
