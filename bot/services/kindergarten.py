"""The kindergarten: places left per school year (kept by staff), and the pre-registration waiting list."""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.content import texts
from bot.content.files import ContentError, Count, Day, Model, MonthDay, Text, read
from bot.knowledge.chinese import mask_name
from bot.models import KindergartenPlaces, PreRegistration, PreRegistrationStatus, StaffAccount, User
from bot.services import audit, keys, outbox
from bot.services.errors import NotAllowed

log = logging.getLogger(__name__)
DATA_FILE = "kindergarten.yaml"
PLACES_ENTRY = "kindergarten.places"  # the FAQ entry whose answer is the number staff keep
MAX_PLACES = 999
WAITING = (PreRegistrationStatus.QUEUED, PreRegistrationStatus.NOTIFIED)  # still on the list
DONE = (PreRegistrationStatus.ENTERED, PreRegistrationStatus.CANCELLED)
STATUS_TEXT = {PreRegistrationStatus.QUEUED: "排队中", PreRegistrationStatus.NOTIFIED: "已通知",
               PreRegistrationStatus.ENTERED: "已入园", PreRegistrationStatus.CANCELLED: "已取消"}


class _YearPlaces(Model):
    year: Count
    left: int
    counted_on: Day


class _KindergartenFile(Model):
    places: tuple[_YearPlaces, ...] = ()
    next_year_from: MonthDay
    reminder_topic: Text


@dataclass(frozen=True)
class Places:
    """Places left in one school year, and the day they were counted."""

    year: int
    left: int
    counted_on: date
    by_staff: bool  # False: the default from faq/kindergarten.yaml


class AlreadyRegistered(NotAllowed):
    """One line on the list per child and parent."""

    def __init__(self, row: PreRegistration) -> None:
        super().__init__(row.child or "")
        self.row = row


def reminder_topic(faq_dir: Path) -> str | None:
    """The reminder a pre-registered parent is subscribed to; None when the file cannot be read."""
    try:
        return data(faq_dir).reminder_topic
    except ContentError as error:
        log.error("kindergarten reminder topic not read: %s", error)
        return None


_parsed: dict[Path, tuple[tuple[int, int], _KindergartenFile]] = {}  # path → ((mtime_ns, size), its parse)


def data(faq_dir: Path) -> _KindergartenFile:
    """faq/kindergarten.yaml, read again only when it has changed (staff may edit it while the assistant runs)."""
    path = Path(faq_dir) / DATA_FILE
    try:
        status = path.stat()
        stamp = (status.st_mtime_ns, status.st_size)
    except OSError:
        stamp = (-1, -1)  # missing: read() says so in its own words
    cached = _parsed.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    parsed = read(path, Path(faq_dir)).parse(_KindergartenFile)
    _parsed[path] = (stamp, parsed)
    return parsed


def school_year(faq_dir: Path, today: date) -> int:
    """The autumn of the school year residents mean by 今年: from the day registration opens, the coming one."""
    month, day = data(faq_dir).next_year_from
    return today.year if (today.month, today.day) >= (month, day) else today.year - 1


def places(session: Session, faq_dir: Path, year: int) -> Places | None:
    """What staff last saved for the year, else the default in faq/kindergarten.yaml, else None (unknown)."""
    row = session.get(KindergartenPlaces, year)
    if row is not None:
        return Places(row.year, row.places, row.counted_on, by_staff=True)
    seeded = next((p for p in data(faq_dir).places if p.year == year), None)
    return Places(seeded.year, seeded.left, seeded.counted_on, by_staff=False) if seeded else None


def places_text(session: Session, faq_dir: Path, today: date) -> str:
    """今年还剩N个学位（11月28日更新）, or that none are left and the waiting list is open; a broken
    faq/kindergarten.yaml gives the honest don't-know (and `community-bot faq check` says what is wrong)."""
    try:
        found = places(session, faq_dir, school_year(faq_dir, today))
    except ContentError as error:
        log.error("kindergarten places not read: %s", error)
        found = None
    if found is None:
        return texts.KINDER_PLACES_UNKNOWN
    values = {"year": found.year, "left": found.left, "month": found.counted_on.month, "day": found.counted_on.day}
    return (texts.KINDER_PLACES if found.left > 0 else texts.KINDER_PLACES_NONE).format(**values)


def set_places(session: Session, faq_dir: Path, *, year: int, left: int, who: StaffAccount, today: date,
               now: datetime, ip: str = "") -> Places:
    """Staff's count of the places left, dated today and audited; a number out of range changes nothing."""
    if not 0 <= left <= MAX_PLACES:
        raise NotAllowed(f"剩余学位要在0到{MAX_PLACES}之间。")
    before = places(session, faq_dir, year)
    row = session.get(KindergartenPlaces, year) or KindergartenPlaces(year=year)
    row.places, row.counted_on, row.updated_by, row.updated_at = left, today, who.name, now
    session.add(row)
    audit.record(session, who=who, action="kindergarten.places", now=now, target=f"kindergarten:{year}",
                 detail=f"{year}年秋季学期剩余学位 {before.left if before else '未填'} → {left}", ip=ip)
    return places(session, faq_dir, year)


# --- the waiting list -----------------------------------------------------------------------------


def register(session: Session, *, user: User, child: str, birth: date, start: date, name: str, phone: str,
             now: datetime) -> PreRegistration:
    """The child joins the end of the list of the autumn they can start. Raises AlreadyRegistered."""
    found = session.scalars(select(PreRegistration).where(
        PreRegistration.user_id == user.id, PreRegistration.child == child,
        PreRegistration.status.in_(WAITING))).first()
    if found is not None:
        raise AlreadyRegistered(found)
    row = PreRegistration(user_id=user.id, child=child, birth=birth, start_year=start.year, name=name, phone=phone,
                          status=PreRegistrationStatus.QUEUED, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    log.info("kindergarten pre-registration %s for autumn %s", row.id, row.start_year)
    return row


def position(session: Session, row: PreRegistration) -> int:
    """1 for the first child still waiting for that autumn."""
    return session.scalar(select(func.count()).select_from(PreRegistration).where(
        PreRegistration.start_year == row.start_year, PreRegistration.status.in_(WAITING),
        PreRegistration.id <= row.id))


def mine(session: Session, user_id: int) -> list[PreRegistration]:
    """The parent's children still on the list, oldest line first."""
    return list(session.scalars(select(PreRegistration).where(
        PreRegistration.user_id == user_id, PreRegistration.status.in_(WAITING)).order_by(PreRegistration.id)))


def cancel(session: Session, row: PreRegistration, now: datetime) -> None:
    """The parent leaves the list; the children behind move up."""
    row.status, row.updated_at = PreRegistrationStatus.CANCELLED, now


def waiting_list(session: Session) -> dict[int, list[PreRegistration]]:
    """Everyone still waiting, by the autumn they can start, each in order."""
    grouped: dict[int, list[PreRegistration]] = defaultdict(list)
    for row in session.scalars(select(PreRegistration).where(PreRegistration.status.in_(WAITING))
                               .order_by(PreRegistration.start_year, PreRegistration.id)):
        grouped[row.start_year].append(row)
    return dict(grouped)


def set_status(session: Session, row: PreRegistration, status: str, *, who: StaffAccount, now: datetime,
               documents: str, ip: str = "") -> None:
    """已通知 / 已入园 / 已取消, audited; 已通知 sends the parent a WeChat message (once)."""
    if status not in STATUS_TEXT or status == PreRegistrationStatus.QUEUED:
        raise NotAllowed("没有这个状态。")
    if row.status in DONE:
        raise NotAllowed(f"这条预登记已经是“{STATUS_TEXT[row.status]}”了，不能再改。")
    before = row.status
    row.status, row.updated_at = status, now
    user = session.get(User, row.user_id) if row.user_id else None
    if status == PreRegistrationStatus.NOTIFIED and user is not None:
        outbox.enqueue(session, openid=user.openid, key=keys.kindergarten_notified(row.id),
                       text=texts.KINDER_NOTIFIED.format(child=row.child or "", documents=documents))
    audit.record(session, who=who, action="kindergarten.status", now=now, target=f"preregistration:{row.id}",
                 detail=f"{mask_name(row.child)} {STATUS_TEXT[before]} → {STATUS_TEXT[status]}", ip=ip)


# --- personal data --------------------------------------------------------------------------------


def forget(session: Session, user: User, now: datetime) -> None:
    """删除我的信息: the child leaves the list; the line stays for staff's counts but names nobody."""
    for row in session.scalars(select(PreRegistration).where(PreRegistration.user_id == user.id)):
        if row.status in WAITING:
            cancel(session, row, now)
        row.child = row.birth = row.name = row.phone = row.user_id = None


def purge(session: Session, before: datetime) -> int:
    """Lines closed (入园 or 取消) before the day keep no name, birth date or phone; how many were blanked."""
    rows = session.scalars(select(PreRegistration).where(
        PreRegistration.status.in_(DONE), PreRegistration.updated_at < before,
        or_(PreRegistration.child.is_not(None), PreRegistration.name.is_not(None),
            PreRegistration.phone.is_not(None), PreRegistration.birth.is_not(None)))).all()
    for row in rows:
        row.child = row.birth = row.name = row.phone = row.user_id = None
    return len(rows)
