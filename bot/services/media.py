"""Report photos and voice in storage we own: which to fetch from WeChat before it forgets them, and when
they are deleted again."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Attachment

WECHAT_KEEPS = timedelta(days=3)  # temporary media expire on WeChat's side after this
MAX_ATTEMPTS = 5
KINDS = ("image", "voice")
NOT_IN_DEVELOPMENT = "开发环境不连接微信，照片和语音不会取回"
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "audio/amr": ".amr",
              "voice/speex": ".speex", "audio/speex": ".speex", "audio/mpeg": ".mp3"}


def to_fetch(session: Session, now: datetime, limit: int = 20) -> list[Attachment]:
    """Media of reports not yet in our storage that WeChat may still have, oldest first."""
    return list(session.scalars(select(Attachment).where(
        Attachment.ticket_id.is_not(None), Attachment.kind.in_(KINDS), Attachment.media_id.is_not(None),
        Attachment.path.is_(None), Attachment.purged_at.is_(None), Attachment.fetch_attempts < MAX_ATTEMPTS,
        Attachment.created_at >= now - WECHAT_KEEPS).order_by(Attachment.id).limit(limit)))


def file_name(attachment: Attachment, content_type: str) -> str:
    """Where under MEDIA_DIR a file goes: a folder per report, named by the attachment's id."""
    return f"{attachment.ticket_id}/{attachment.id}{EXTENSIONS.get(content_type, '.bin')}"


def stored(attachment: Attachment, path: str, content_type: str, size: int, now: datetime) -> None:
    attachment.path, attachment.content_type, attachment.size = path, content_type, size
    attachment.fetched_at, attachment.fetch_error = now, None
    attachment.fetch_attempts += 1


def failed(attachment: Attachment, error: str, permanent: bool) -> None:
    """A refusal WeChat will repeat (expired media) ends the tries at once; others are tried again."""
    attachment.fetch_attempts = MAX_ATTEMPTS if permanent else attachment.fetch_attempts + 1
    attachment.fetch_error = error[:500]


def expired(session: Session, now: datetime, keep: timedelta) -> list[Attachment]:
    """Stored files of reports older than the retention period."""
    return list(session.scalars(select(Attachment).where(
        Attachment.path.is_not(None), Attachment.created_at < now - keep)))


def stored_paths(session: Session) -> set[str]:
    """The files some attachment still points at; any other file in the folder belongs to no one."""
    return set(session.scalars(select(Attachment.path).where(Attachment.path.is_not(None))))


def purged(attachment: Attachment, now: datetime) -> None:
    attachment.path, attachment.purged_at = None, now


def of_ticket(session: Session, ticket_id: int) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(Attachment.ticket_id == ticket_id)
                                .order_by(Attachment.id)))


def status(attachment: Attachment) -> str:
    """What staff read where a file would be shown."""
    if attachment.path:
        return ""
    if attachment.purged_at is not None:
        return "已超过保存期限，文件已删除"
    if attachment.fetch_error == NOT_IN_DEVELOPMENT:
        return NOT_IN_DEVELOPMENT
    if attachment.fetch_attempts >= MAX_ATTEMPTS:
        return "没能从微信取回（微信只保存3天）"
    return "正在从微信取回，请稍后刷新"
