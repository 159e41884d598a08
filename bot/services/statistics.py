"""Numbers for the 街道, counted from the records for any month or range, each with the rows behind it.

One function per area (conversations, 人工, 代办, reports, classes, messages sent); a new area is a
new function added to AREAS, and the page, the charts and the workbook pick it up.
"""
from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from statistics import mean
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content.services import Services
from bot.knowledge.chinese import mask_name, mask_phone
from bot.models import (
    Announcement,
    Attendance,
    Booking,
    BookingStatus,
    Case,
    CaseStatus,
    DailyActivity,
    Enrollment,
    EnrollmentStatus,
    HandoffRequest,
    MessageLog,
    Outbox,
    OutboxStatus,
    Reminder,
    ReminderStatus,
    Ticket,
    TicketStatus,
)
from bot.services import keys
from bot.services.tickets import BY_ASSISTANT, BY_RESIDENT, HAPPY, UNHAPPY

REACHED = (OutboxStatus.SENT, OutboxStatus.SHOWN)
NOT_REACHED = (OutboxStatus.FAILED, OutboxStatus.SKIPPED, OutboxStatus.UNKNOWN)
DIRECTIONS = {"in": "居民", "out": "小助手", "staff": "工作人员"}
PURPOSES = {"reminder": "提醒", "announcement": "通知", "ticket": "上报进度", "handoff": "人工",
            "class": "报名", "rain": "改场地", "booking": "预约", "kindergarten": "幼儿园"}
COUNTED = {"messages": "消息", "visits": "人次", "answered": "回答", "clarified": "追问", "unknown": "答不上"}
ENROLLMENT_WORDS = {EnrollmentStatus.ENROLLED: "已报名", EnrollmentStatus.WAITING: "候补",
                    EnrollmentStatus.CANCELLED: "已取消"}


@dataclass(frozen=True)
class Period:
    """Whole local days from `first` to `last`; queries use the UTC instants that bound them."""

    first: date
    last: date
    tz: tzinfo

    @classmethod
    def month(cls, year: int, month: int, tz: tzinfo) -> Period:
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), tz)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), tzinfo=self.tz).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=self.tz).astimezone(UTC)

    @property
    def label(self) -> str:
        whole_month = self.first.day == 1 and self.last == Period.month(self.first.year, self.first.month,
                                                                          self.tz).last
        if whole_month:
            return f"{self.first.year}年{self.first.month}月"
        return f"{self.first:%Y-%m-%d} 至 {self.last:%Y-%m-%d}"

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    def week_of(self, at: datetime) -> date:
        """The Monday of the local week `at` falls in."""
        day = self.local(at).date()
        return day - timedelta(days=day.weekday())

    def weeks(self) -> list[date]:
        monday = self.first - timedelta(days=self.first.weekday())
        return [monday + timedelta(weeks=n) for n in range((self.last - monday).days // 7 + 1)]


@dataclass(frozen=True)
class Area:
    """One part of the report: the numbers shown, the rows behind them (one sheet), and what to chart."""

    key: str
    title: str
    figures: list[tuple[str, str]]
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    weekly: Counter[date] = field(default_factory=Counter)  # what the trend chart draws, by week
    bars: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)  # titled breakdowns
    share: tuple[str, int, int] | None = None  # label, part, whole (a share chart)


def conversations(session: Session, period: Period, services: Services) -> Area:
    """What residents sent and how the assistant answered: the log, and the counts kept for days it no longer has."""
    kept = {row.day: row for row in session.scalars(select(DailyActivity).where(
        DailyActivity.day >= period.first, DailyActivity.day <= period.last))}
    log = [row for row in session.scalars(select(MessageLog).where(
        MessageLog.at >= period.start, MessageLog.at < period.end).order_by(MessageLog.at, MessageLog.id))
           if period.local(row.at).date() not in kept]
    days = {**tally(log, period.tz), **kept}
    total = {name: sum(getattr(day, name) for day in days.values()) for name in COUNTED}
    weekly: Counter[date] = Counter()
    for day, counts in days.items():
        weekly[day - timedelta(days=day.weekday())] += counts.messages
    return Area(
        key="conversations", title="咨询",
        figures=[("居民发来消息", f"{total['messages']}条"), ("服务居民（按天计）", f"{total['visits']}人次"),
                 ("直接回答", f"{total['answered']}次"), ("请居民选一个问题", f"{total['clarified']}次"),
                 ("答不上来", f"{total['unknown']}次")],
        headers=("时间", "居民编号", "谁说的", "结果", "来源"),
        rows=[(period.local(row.at), row.user_id, DIRECTIONS.get(row.direction, row.direction),
               reply_outcome(row.source) if row.direction == "out" else "", row.source) for row in log]
        + [(day, "", "当天汇总（对话记录已到期删除）",
            "，".join(f"{COUNTED[name]}{getattr(counts, name)}" for name in COUNTED), "")
           for day, counts in sorted(kept.items())],
        weekly=weekly,
    )


def tally(log: Iterable[MessageLog], tz: tzinfo) -> dict[date, DailyActivity]:
    """Each local day's counts from its conversation log (not yet stored)."""
    by_day: dict[date, list[MessageLog]] = {}
    for row in log:
        by_day.setdefault(row.at.astimezone(tz).date(), []).append(row)
    days = {}
    for day, rows in by_day.items():
        said = [row for row in rows if row.direction == "in"]
        outcomes = Counter(reply_outcome(row.source) for row in rows if row.direction == "out")
        days[day] = DailyActivity(day=day, messages=len(said), visits=len({row.user_id for row in said}),
                                  answered=outcomes["回答"], clarified=outcomes["追问"], unknown=outcomes["答不上"])
    return days


def keep_counts(session: Session, before: date, tz: tzinfo, now: datetime) -> int:
    """Days before `before` still in the log get their counts stored, so deleting that log loses no number."""
    end = datetime.combine(before, time(), tzinfo=tz).astimezone(UTC)
    days = tally(session.scalars(select(MessageLog).where(MessageLog.at < end)), tz)
    stored = set(session.scalars(select(DailyActivity.day).where(DailyActivity.day.in_(days))))
    for day, counts in days.items():
        if day not in stored:
            counts.created_at = now
            session.add(counts)
    return len(days) - len(stored)


def reply_outcome(source: str) -> str:
    """How the assistant's reply went, in the words of the report."""
    kind = source.split(":", 1)[0]
    return {"faq": "回答", "eligibility": "回答", "clarify": "追问", "unknown": "答不上", "handoff": "人工",
            "form": "办事"}.get(kind, "其他")


def handoff_cases(session: Session, period: Period, services: Services) -> Area:
    """人工 cases opened in the period, and how long residents waited for a person."""
    cases = session.scalars(select(HandoffRequest).where(HandoffRequest.created_at >= period.start,
                                                         HandoffRequest.created_at < period.end)
                            .order_by(HandoffRequest.created_at)).all()
    waits = {case.id: minutes(case.answered_at - case.created_at) for case in cases if case.answered_at}
    return Area(
        key="handoffs", title="转人工",
        figures=[("转人工", f"{len(cases)}次"), ("工作人员回复了", f"{len(waits)}次"),
                 ("平均等待回复", _average(waits.values(), "分钟")),
                 ("最长等待", f"{max(waits.values())}分钟" if waits else "—"),
                 ("没人回复", f"{len(cases) - len(waits)}次"),
                 ("超时提醒管理员", f"{sum(1 for c in cases if c.escalated_at)}次")],
        headers=("编号", "开始", "首次回复", "等待分钟", "结束", "结束方式"),
        rows=[(case.id, period.local(case.created_at), _local(period, case.answered_at), waits.get(case.id),
               _local(period, case.closed_at), case.closed_by or "") for case in cases],
        weekly=Counter(period.week_of(case.created_at) for case in cases),
    )


def bookings(session: Session, period: Period, services: Services) -> Area:
    """代办 bookings for days in the period, by item."""
    rows = session.scalars(select(Booking).where(Booking.day >= period.first, Booking.day <= period.last)
                           .order_by(Booking.day, Booking.period, Booking.number)).all()
    booked = [row for row in rows if row.status == BookingStatus.BOOKED]
    by_item = Counter(_item_name(services, row.service_id) for row in booked)
    return Area(
        key="bookings", title="预约代办",
        figures=[("预约代办", f"{len(booked)}件"), ("取消的预约", f"{len(rows) - len(booked)}件"),
                 ("涉及事项", f"{len(by_item)}项")],
        headers=("预约号", "事项", "日期", "时段", "状态", "姓名", "电话"),
        rows=[(row.number, _item_name(services, row.service_id), row.day, row.period,
               "已取消" if row.status == BookingStatus.CANCELLED else "已预约",
               mask_name(row.name) if row.name else "", mask_phone(row.phone) if row.phone else "")
              for row in rows],
        weekly=Counter(row.day - timedelta(days=row.day.weekday()) for row in booked),
        bars=[("各事项预约", by_item.most_common())],
    )


def reports(session: Session, period: Period, services: Services) -> Area:
    """Problem reports opened in the period: by grid and category, how fast, how residents rated them."""
    tickets = session.scalars(select(Ticket).where(Ticket.created_at >= period.start, Ticket.created_at < period.end)
                              .order_by(Ticket.created_at)).all()
    timing = {ticket.id: ticket_times(ticket) for ticket in tickets}
    responded = [t.id for t in tickets if timing[t.id][0] is not None]
    on_time = {t.id for t in tickets if _responded_in_time(t, timing[t.id][0])}
    done = [t for t in tickets if t.status == TicketStatus.DONE]
    rated = Counter(t.satisfaction for t in tickets if t.satisfaction)
    grid_order = [g.name for g in services.grids]
    by_grid = Counter(t.grid for t in tickets)
    return Area(
        key="reports", title="上报问题",
        figures=[("收到上报（社情民意）", f"{len(tickets)}件"), ("已办结（解决问题）", f"{len(done)}件"),
                 ("平均响应", _average((hours(timing[i][0]) for i in responded), "小时")),
                 ("平均办结", _average((hours(timing[t.id][1]) for t in done if timing[t.id][1]), "小时")),
                 ("按时响应", _percent(len(on_time), len(tickets))),
                 ("满意", f"{rated[HAPPY]}件"), ("不满意", f"{rated[UNHAPPY]}件"),
                 ("满意率（已评价的）", _percent(rated[HAPPY], rated[HAPPY] + rated[UNHAPPY]))],
        headers=("编号", "上报时间", "网格", "类别", "状态", "响应小时", "办结小时", "按时响应",
                 "评价"),
        rows=[(t.number, period.local(t.created_at), t.grid, t.category, t.status, _hours_or_none(timing[t.id][0]),
               _hours_or_none(timing[t.id][1]), "是" if t.id in on_time else "否", t.satisfaction or "")
              for t in tickets],
        weekly=Counter(period.week_of(t.created_at) for t in tickets),
        bars=[("各网格上报", [(g, by_grid[g]) for g in grid_order] + [(g, n) for g, n in by_grid.items()
                                                                 if g not in grid_order]),
              ("各类别上报", Counter(t.category for t in tickets).most_common())],
        share=("按时响应", len(on_time), len(tickets)),
    )


def _responded_in_time(ticket: Ticket, first: timedelta | None) -> bool:
    """Against the limit the report was given when it arrived; reports older than the limits were promised a day."""
    if first is None:
        return False
    if ticket.respond_by is None:
        return first <= timedelta(hours=24)
    return ticket.created_at + first <= ticket.respond_by


def ticket_times(ticket: Ticket) -> tuple[timedelta | None, timedelta | None]:
    """Until the first thing staff did with the report, and until it was finished."""
    staff = [e.at for e in ticket.events if e.by not in (BY_ASSISTANT, BY_RESIDENT)]
    finished = [e.at for e in ticket.events if e.status == TicketStatus.DONE]
    return (min(staff) - ticket.created_at if staff else None,
            min(finished) - ticket.created_at if finished else None)


def classes(session: Session, period: Period, services: Services) -> Area:
    """Class sign-ups made in the period, by class."""
    rows = session.scalars(select(Enrollment).where(Enrollment.created_at >= period.start,
                                                    Enrollment.created_at < period.end)
                           .order_by(Enrollment.created_at)).all()
    names = {c.id: c.name for c in services.classes}
    by_status = Counter(row.status for row in rows)
    return Area(
        key="classes", title="课程报名",
        figures=[("报名", f"{len(rows)}人次"), ("有名额", f"{by_status[EnrollmentStatus.ENROLLED]}人"),
                 ("候补", f"{by_status[EnrollmentStatus.WAITING]}人"),
                 ("后来取消", f"{by_status[EnrollmentStatus.CANCELLED]}人")],
        headers=("课程", "期", "状态", "报名时间"),
        rows=[(names.get(row.class_id, row.class_id), row.term, ENROLLMENT_WORDS.get(row.status, row.status),
               period.local(row.created_at)) for row in rows],
        bars=[("各课程报名", Counter(names.get(r.class_id, r.class_id) for r in rows).most_common())],
    )


def cases(session: Session, period: Period, services: Services) -> Area:
    """代办 cases taken in at the window in the period: by item, finished, and ready by their promised day."""
    rows = session.scalars(select(Case).where(Case.created_at >= period.start, Case.created_at < period.end)
                           .order_by(Case.created_at)).all()
    ready = {case.id: _first_ready(case, period) for case in rows}
    promised = [case for case in rows if case.due_on is not None and ready[case.id] is not None]
    on_time = [case for case in promised if ready[case.id] <= case.due_on]
    by_item = Counter(_item_name(services, case.service_id) for case in rows)
    return Area(
        key="cases", title="代办办件",
        figures=[("收件", f"{len(rows)}件"), ("已办好", f"{sum(d is not None for d in ready.values())}件"),
                 ("已办结", f"{sum(case.status == CaseStatus.DONE for case in rows)}件"),
                 ("退回补材料", f"{sum(case.status == CaseStatus.RETURNED for case in rows)}件"),
                 ("按承诺时限办好", _percent(len(on_time), len(promised)))],
        headers=("办件号", "事项", "收件时间", "状态", "承诺日期", "办好日期", "按时"),
        rows=[(case.number, _item_name(services, case.service_id), period.local(case.created_at), case.status,
               case.due_on, ready[case.id], "" if case not in promised else "是" if case in on_time else "否")
              for case in rows],
        weekly=Counter(period.week_of(case.created_at) for case in rows),
        bars=[("各事项收件", by_item.most_common())],
        share=("按承诺时限办好", len(on_time), len(promised)),
    )


def _first_ready(case: Case, period: Period) -> date | None:
    """The local day the case first became 可领取 (or 已办结 without that step), if it has."""
    done = [event.at for event in case.events if event.status in (CaseStatus.READY, CaseStatus.DONE)]
    return period.local(min(done)).date() if done else None


def attendance(session: Session, period: Period, services: Services) -> Area:
    """Class sessions in the period that staff marked, and who came."""
    rows = session.execute(select(Attendance, Enrollment.name)
                           .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
                           .where(Attendance.day >= period.first, Attendance.day <= period.last)
                           .order_by(Attendance.day, Attendance.class_id)).all()
    names = {c.id: c.name for c in services.classes}
    came = [row for row, _ in rows if row.present]
    return Area(
        key="attendance", title="课程出勤",
        figures=[("点过名的课", f"{len({(row.class_id, row.day) for row, _ in rows})}次"),
                 ("到课", f"{len(came)}人次"), ("缺课", f"{len(rows) - len(came)}人次"),
                 ("出勤率", _percent(len(came), len(rows)))],
        headers=("日期", "课程", "学员", "到了"),
        rows=[(row.day, names.get(row.class_id, row.class_id), mask_name(name) if name else "",
               "是" if row.present else "否") for row, name in rows],
        weekly=Counter(row.day - timedelta(days=row.day.weekday()) for row in came),
        bars=[("各课程到课", Counter(names.get(row.class_id, row.class_id) for row in came).most_common())],
        share=("出勤率", len(came), len(rows)),
    )


def messages_sent(session: Session, period: Period, services: Services) -> Area:
    """Reminders and announcements queued in the period, and how many reached the resident."""
    rows = session.scalars(select(Outbox).where(Outbox.created_at >= period.start, Outbox.created_at < period.end)
                           .order_by(Outbox.created_at, Outbox.id)).all()
    purpose = {row.id: PURPOSES.get(keys.purpose(row.key), "其他") for row in rows}
    sent, reached = Counter(purpose.values()), Counter(purpose[r.id] for r in rows if r.status in REACHED)
    missed = session.scalar(select(func.count()).select_from(Reminder).where(
        Reminder.fire_at >= period.start, Reminder.fire_at < period.end, Reminder.status == ReminderStatus.MISSED))
    announced = session.scalars(select(Announcement.id).where(Announcement.created_at >= period.start,
                                                              Announcement.created_at < period.end)).all()
    return Area(
        key="outbound", title="提醒和通知",
        figures=[("提醒", f"发出{sent['提醒']}条，送达{reached['提醒']}条"),
                 ("错过时间没发的提醒", f"{missed}条"),
                 ("通知", f"{len(announced)}次，发给{sent['通知']}人次，送达{reached['通知']}人次"),
                 ("所有消息", f"发出{len(rows)}条，送达{sum(reached.values())}条")],
        headers=("时间", "类别", "状态", "方式", "原因"),
        rows=[(period.local(row.created_at), purpose[row.id], row.status, row.channel or "", row.reason or "")
              for row in rows],
        share=("消息送达", sum(reached.values()), len(rows)),
    )


AREAS: tuple[Callable[[Session, Period, Services], Area], ...] = (
    conversations, handoff_cases, bookings, cases, reports, classes, attendance, messages_sent)


def report(session: Session, period: Period, services: Services) -> list[Area]:
    """Every area of the report, in the order the page and the workbook show them."""
    return [area(session, period, services) for area in AREAS]


def minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def hours(span: timedelta) -> float:
    return round(span.total_seconds() / 3600, 1)


def _hours_or_none(span: timedelta | None) -> float | None:
    return hours(span) if span is not None else None


def _average(values: Iterable[float], unit: str) -> str:
    values = list(values)
    return f"{round(mean(values), 1):g}{unit}" if values else "—"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def _local(period: Period, at: datetime | None) -> datetime | None:
    return period.local(at) if at else None


def _item_name(services: Services, service_id: str) -> str:
    item = services.item(service_id)
    return item.name if item else service_id
