"""Drains due outbox rows at a set rate; each row is claimed before it is sent, so none goes twice."""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.config import Settings
from bot.db import Database
from bot.models import Outbox, OutboxStatus, User, utcnow
from bot.outbound.client import NOT_FOLLOWING, OUTSIDE_48H, QUOTA, ApiError, WeChatApi

log = logging.getLogger(__name__)
WINDOW_48H = timedelta(hours=48)
QUOTA_BACKOFF = timedelta(minutes=10)
INTERRUPTED = "发送时程序中断：可能已送达，为免重复没有重发"
DEV_SHOWN = "开发环境：只在 /dev/outbox 显示，没有发出"
MAX_BATCH = 50  # rows claimed per commit
SEND_THREADS = 4


@dataclass(frozen=True)
class Claimed:
    """A plain copy of claimed rows: sending happens outside any transaction."""

    ids: tuple[int, ...]
    openid: str
    kind: str
    text: str
    payload: dict[str, Any]


def channel_for(user: User | None, now: datetime, settings: Settings) -> tuple[str | None, str]:
    """Customer-service message within 48 h of the resident's last message, else a template message."""
    if user is None or not user.subscribed:
        return None, "已取消关注，不发送"
    if user.last_message_at is not None and now - user.last_message_at < WINDOW_48H:
        return "custom", ""
    if settings.WECHAT_TEMPLATE_ID:
        return "template", ""
    return None, "48小时内没有来消息，又没有配置模板消息，无法发送"


class Sender:
    def __init__(self, db: Database, settings: Settings, api: WeChatApi | None) -> None:
        """api None: development, where rows are only shown at /dev/outbox."""
        self.db = db
        self.settings = settings
        self.api = api
        self.paused_until = 0.0

    def drain(self, now: datetime | None = None, budget_seconds: float | None = None) -> int:
        """Send due rows, SEND_RATE_PER_SECOND at most, until none is due or the budget is spent.

        A few threads send at once, so a slow WeChat (tens of ms a call) still allows the full rate.
        """
        interval = 1.0 / self.settings.SEND_RATE_PER_SECOND
        batch_size = max(1, min(MAX_BATCH, int(self.settings.SEND_RATE_PER_SECOND)))
        started = next_at = time.monotonic()
        done = 0
        with ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="sender") as pool:
            while time.monotonic() >= self.paused_until:
                if budget_seconds is not None and time.monotonic() - started >= budget_seconds:
                    break
                batch = self.claim(now or utcnow(), batch_size)
                if not batch:
                    break
                futures = []
                for index, claimed in enumerate(batch):
                    if time.monotonic() < self.paused_until:
                        self._release(batch[index:])
                        break
                    futures.append(pool.submit(self.send, claimed, now or utcnow()))
                    next_at += interval
                    time.sleep(max(0.0, next_at - time.monotonic()))
                for future in futures:
                    future.result()  # an error in a send stops the drain here, as it would unthreaded
                done += sum(len(claimed.ids) for claimed in batch[:len(futures)])
        return done

    def claim(self, now: datetime, limit: int = 1) -> list[Claimed]:
        """Mark up to `limit` due messages 'claimed' in one commit; a mass send takes all its rows."""
        found: list[Claimed] = []
        with self.db.transaction() as session:
            rows = session.scalars(
                select(Outbox).where(Outbox.status == OutboxStatus.PENDING, Outbox.due_at <= now)
                .order_by(Outbox.due_at, Outbox.id).limit(limit).with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                if row.status != OutboxStatus.PENDING:
                    continue  # a sibling of a mass send claimed just above
                group = [row]
                if row.kind == "mass":
                    group = list(session.scalars(
                        select(Outbox).where(Outbox.status == OutboxStatus.PENDING, Outbox.kind == "mass",
                                             Outbox.announcement_id == row.announcement_id).with_for_update()
                    ))
                for member in group:
                    member.status, member.attempts = OutboxStatus.CLAIMED, member.attempts + 1
                found.append(Claimed(tuple(r.id for r in group), row.openid, row.kind, row.text,
                                     dict(row.payload or {})))
        return found

    def _release(self, batch: list[Claimed]) -> None:
        """Claimed but not tried (sending paused): back to the queue untouched."""
        ids = [i for claimed in batch for i in claimed.ids]
        with self.db.transaction() as session:
            session.execute(update(Outbox).where(Outbox.id.in_(ids)).values(status=OutboxStatus.PENDING))

    def send(self, claimed: Claimed, now: datetime) -> None:
        """'sending' is committed right before the call: after a crash only those rows are in doubt."""
        if claimed.kind == "mass":
            self._send_mass(claimed)
            return
        with self.db.transaction() as session:
            user = session.scalars(select(User).where(User.openid == claimed.openid)).first()
            channel, reason = channel_for(user, now, self.settings)
            if channel is not None and self.api is not None:
                session.execute(update(Outbox).where(Outbox.id.in_(claimed.ids)).values(status=OutboxStatus.SENDING))
        if channel is None and (self.api is not None or user is None or not user.subscribed):
            self._finish(claimed, OutboxStatus.SKIPPED, None, reason)
            return
        if self.api is None:
            self._finish(claimed, OutboxStatus.SHOWN, channel, "；".join(filter(None, (DEV_SHOWN, reason))))
            return
        try:
            self._deliver(channel, claimed)
        except ApiError as error:
            if channel == "custom" and error.errcode in OUTSIDE_48H and self.settings.WECHAT_TEMPLATE_ID:
                channel = "template"
                try:
                    self._deliver(channel, claimed)
                except ApiError as second:
                    self._failed(claimed, channel, second)
                    return
            else:
                self._failed(claimed, channel, error)
                return
        self._finish(claimed, OutboxStatus.SENT, channel, None)

    def _deliver(self, channel: str, claimed: Claimed) -> None:
        assert self.api is not None
        if channel == "custom":
            self.api.send_text(claimed.openid, claimed.text)
        else:
            self.api.send_template(claimed.openid, claimed.text)

    def _send_mass(self, claimed: Claimed) -> None:
        if self.api is None:
            self._finish(claimed, OutboxStatus.SHOWN, "mass", DEV_SHOWN)
            return
        with self.db.transaction() as session:
            session.execute(update(Outbox).where(Outbox.id.in_(claimed.ids)).values(status=OutboxStatus.SENDING))
        try:
            self.api.mass_send_to_tag(int(claimed.payload["tag_id"]), claimed.text, claimed.payload["clientmsgid"])
        except ApiError as error:
            self._failed(claimed, "mass", error)
            return
        self._finish(claimed, OutboxStatus.SENT, "mass", None)

    def _failed(self, claimed: Claimed, channel: str, error: ApiError) -> None:
        if error.errcode == NOT_FOLLOWING:
            with self.db.transaction() as session:
                session.execute(update(User).where(User.openid == claimed.openid)
                                .values(subscribed=False, unsubscribed_at=utcnow()))
            self._finish(claimed, OutboxStatus.SKIPPED, channel, f"{error.errcode} 居民已取消关注")
        elif error.errcode in QUOTA:
            self._back_off(claimed, error)
        elif error.transient:
            self._finish(claimed, OutboxStatus.FAILED, channel, f"{error}：微信没有回应，可能已送达，为免重复没有重发")
        else:
            self._finish(claimed, OutboxStatus.FAILED, channel, str(error))

    def _back_off(self, claimed: Claimed, error: ApiError) -> None:
        """A quota error pauses all sending; the row waits and staff see why in `community-bot status`."""
        reason = f"{error.errcode} 微信发送次数到了上限，{int(QUOTA_BACKOFF.total_seconds() // 60)}分钟后再试"
        log.error("WeChat quota reached (%s); sending paused — tell staff", error)
        self.paused_until = time.monotonic() + QUOTA_BACKOFF.total_seconds()
        with self.db.transaction() as session:
            session.execute(update(Outbox).where(Outbox.id.in_(claimed.ids)).values(
                status=OutboxStatus.PENDING, reason=reason, due_at=utcnow() + QUOTA_BACKOFF))

    def _finish(self, claimed: Claimed, status: str, channel: str | None, reason: str | None) -> None:
        with self.db.transaction() as session:
            session.execute(update(Outbox).where(Outbox.id.in_(claimed.ids)).values(
                status=status, channel=channel, reason=reason, sent_at=utcnow()))


def recover(db: Database) -> int:
    """At start, after a crash: claimed rows never reached WeChat and go back; a mass send may be
    repeated (clientmsgid); a single message caught mid-call may have arrived, so it is not resent."""
    with db.transaction() as session:
        back = session.execute(update(Outbox).where(
            (Outbox.status == OutboxStatus.CLAIMED)
            | ((Outbox.status == OutboxStatus.SENDING) & (Outbox.kind == "mass"))
        ).values(status=OutboxStatus.PENDING))
        doubt = session.execute(update(Outbox).where(Outbox.status == OutboxStatus.SENDING)
                                .values(status=OutboxStatus.UNKNOWN, reason=INTERRUPTED))
        if doubt.rowcount:
            log.error("%d outbox rows were mid-send when the sender stopped; marked unknown", doubt.rowcount)
        return back.rowcount + doubt.rowcount
