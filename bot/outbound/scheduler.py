"""The one scheduler process: APScheduler only wakes our jobs; the Reminder and Outbox tables hold the work."""
from __future__ import annotations

import json
import logging
import os
import pickle
import socket
from datetime import datetime, timedelta
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import and_, select

from bot.content import current
from bot.models import KeyValue, utcnow
from bot.outbound.client import make_api, sends_for_real
from bot.outbound.media import MediaKeeper
from bot.outbound.sender import Sender, recover
from bot.services import handoffs, reminders, tickets
from bot.services.announcements import settle
from bot.services.privacy import Retention, purge_expired

log = logging.getLogger(__name__)
HEARTBEAT_KEY = "scheduler_heartbeat"
HEARTBEAT_SECONDS = 10
STALE_AFTER = timedelta(seconds=45)
SEND_EVERY_SECONDS = 5
HANDOFF_EVERY_SECONDS = 60
PLAN_EVERY_SECONDS = 60
RETENTION_HOUR = 3  # local time: expired personal data goes once a day, at night
REPORTS_EVERY_SECONDS = 60
MEDIA_EVERY_SECONDS = 30
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
_worker: Worker | None = None


class SchedulerError(RuntimeError):
    """The scheduler must not start (another one runs, or a stored job cannot be loaded)."""


class StrictJobStore(SQLAlchemyJobStore):
    """APScheduler deletes a job it cannot load; we stop instead, so nobody loses a job silently."""

    def _get_jobs(self, *conditions: Any) -> list[Any]:
        query = select(self.jobs_t.c.id, self.jobs_t.c.job_state).order_by(self.jobs_t.c.next_run_time)
        query = query.where(and_(*conditions)) if conditions else query
        jobs = []
        with self.engine.begin() as connection:
            for row in connection.execute(query):
                try:
                    jobs.append(self._reconstitute_job(row.job_state))
                except (ImportError, LookupError, AttributeError, ValueError, TypeError,
                        pickle.UnpicklingError) as error:
                    raise SchedulerError(
                        f"stored job {row.id!r} in table {self.jobs_t.name} cannot be loaded ({error}); "
                        "restore the code it names or delete that row"
                    ) from error
        return jobs


class Worker:
    """What the jobs do, bound to one app."""

    def __init__(self, app: Flask) -> None:
        assistant = app.extensions["community"]
        self.db, self.settings, self.library = assistant.db, assistant.settings, assistant.library
        api = make_api(self.settings, self.db) if sends_for_real(self.settings) else None
        self.sender = Sender(self.db, self.settings, api)
        self.media = MediaKeeper(self.db, self.settings, api)
        self.identity = {"pid": os.getpid(), "host": socket.gethostname()}

    def beat(self) -> None:
        now = utcnow()
        value = json.dumps({**self.identity, "at": now.isoformat()})
        with self.db.transaction() as session:
            row = session.get(KeyValue, HEARTBEAT_KEY)
            if row is None:
                session.add(KeyValue(key=HEARTBEAT_KEY, value=value, updated_at=now))
            else:
                row.value, row.updated_at = value, now

    def plan(self, now: datetime | None = None) -> int:
        snapshot = self.library.current()
        with current.using(snapshot):
            return reminders.plan(self.db, snapshot.calendar, self.settings, now or utcnow())

    def send(self, now: datetime | None = None, budget_seconds: float | None = SEND_EVERY_SECONDS - 1) -> int:
        grace = timedelta(minutes=self.settings.REMINDER_GRACE_MINUTES)
        with current.using(self.library.current()):
            reminders.queue_due(self.db, now or utcnow(), grace)
        sent = self.sender.drain(now, budget_seconds=budget_seconds)
        with self.db.transaction() as session:
            settle(session)
        return sent

    def handoffs(self, now: datetime | None = None) -> None:
        """Quiet 人工 cases end (the resident is told); unanswered ones reach the admins in office hours."""
        now = now or utcnow()
        snapshot = self.library.current()
        link = self.settings.PUBLIC_URL.rstrip("/") + "/console/inbox/{id}"
        with current.using(snapshot), self.db.transaction() as session:
            handoffs.close_quiet(session, now, timedelta(minutes=self.settings.HANDOFF_QUIET_MINUTES))
            if snapshot.catalog.staff_on_duty(now.astimezone(self.settings.tz)):
                handoffs.escalate(session, now, timedelta(minutes=self.settings.HANDOFF_ESCALATE_MINUTES), link)

    def retention(self, now: datetime | None = None) -> None:
        """Personal data past its retention period goes; how much is written to the audit log."""
        now = now or utcnow()
        settings = self.settings
        keep = Retention(message_log=timedelta(days=settings.MESSAGE_LOG_DAYS),
                         photos_and_locations=timedelta(days=settings.PHOTO_LOCATION_DAYS),
                         past_contacts=timedelta(days=settings.PAST_CONTACT_DAYS),
                         closed_reports=timedelta(days=settings.CLOSED_REPORT_DAYS),
                         audit_log=timedelta(days=settings.AUDIT_LOG_DAYS))
        with self.db.transaction() as session:
            purged = purge_expired(session, now, settings.tz, keep, self.library.current().services)
        log.info("retention: %s", dict(+purged) or "nothing expired")

    def reports(self, now: datetime | None = None) -> int:
        """Problem reports past their response or resolution limit reach the admins."""
        with current.using(self.library.current()), self.db.transaction() as session:
            return tickets.escalate(session, now or utcnow(), tickets.page_link(self.settings.PUBLIC_URL),
                                    self.settings.tz)

    def keep_media(self, now: datetime | None = None) -> None:
        """Report photos and voice come from WeChat into our storage; old ones are deleted."""
        self.media.fetch(now)
        self.media.purge(now)

    def stop(self) -> None:
        """A clean stop clears the heartbeat, so the next start need not wait for it to go stale."""
        with self.db.transaction() as session:
            row = session.get(KeyValue, HEARTBEAT_KEY)
            if row is not None and json.loads(row.value).get("pid") == self.identity["pid"]:
                session.delete(row)


def heartbeat(db: Any) -> tuple[float | None, dict[str, Any]]:
    """Seconds since the scheduler last beat (None: never), and who beat."""
    with db.transaction() as session:
        row = session.get(KeyValue, HEARTBEAT_KEY)
        if row is None:
            return None, {}
        return (utcnow() - row.updated_at).total_seconds(), json.loads(row.value)


def beat_job() -> None:
    _current().beat()


def plan_job() -> None:
    _current().plan()


def send_job() -> None:
    _current().send()


def handoff_job() -> None:
    _current().handoffs()


def retention_job() -> None:
    _current().retention()


def reports_job() -> None:
    _current().reports()


def media_job() -> None:
    _current().keep_media()


def _current() -> Worker:
    if _worker is None:
        raise SchedulerError("job ran before the scheduler was started with start()")
    return _worker


def _other_alive(who: dict[str, Any], me: dict[str, Any]) -> bool:
    """A fresh heartbeat from another process; on this host a killed process is known to be gone."""
    if who.get("pid") == me["pid"]:
        return False
    if who.get("host") != me["host"]:
        return True
    try:
        os.kill(int(who["pid"]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start(app: Flask) -> BackgroundScheduler:
    """Start the one scheduler of this deployment; refuses when another is alive or a job is unloadable."""
    global _worker
    worker = Worker(app)
    age, who = heartbeat(worker.db)
    if age is not None and age < STALE_AFTER.total_seconds() and _other_alive(who, worker.identity):
        raise SchedulerError(f"another scheduler is running (pid {who.get('pid')} on {who.get('host')}, "
                             f"alive {age:.0f} s ago); run only one")
    recover(worker.db)
    scheduler = BackgroundScheduler(jobstores={"default": StrictJobStore(engine=worker.db.engine)},
                                    timezone=worker.settings.tz, job_defaults=JOB_DEFAULTS)
    scheduler.start(paused=True)
    try:
        scheduler.get_jobs()  # loads every stored job: an unloadable one stops the start here
    except SchedulerError:
        scheduler.shutdown(wait=False)
        raise
    _worker = worker
    worker.beat()
    scheduler.add_job("bot.outbound.scheduler:beat_job", "interval", seconds=HEARTBEAT_SECONDS, id="heartbeat",
                      replace_existing=True)
    scheduler.add_job("bot.outbound.scheduler:plan_job", "interval", seconds=PLAN_EVERY_SECONDS, id="plan",
                      replace_existing=True, next_run_time=utcnow())
    scheduler.add_job("bot.outbound.scheduler:send_job", "interval", seconds=SEND_EVERY_SECONDS, id="send",
                      replace_existing=True)
    scheduler.add_job("bot.outbound.scheduler:handoff_job", "interval", seconds=HANDOFF_EVERY_SECONDS,
                      id="handoffs", replace_existing=True)
    scheduler.add_job("bot.outbound.scheduler:retention_job", "cron", hour=RETENTION_HOUR, id="retention",
                      replace_existing=True)
    scheduler.add_job("bot.outbound.scheduler:reports_job", "interval", seconds=REPORTS_EVERY_SECONDS,
                      id="reports", replace_existing=True)
    scheduler.add_job("bot.outbound.scheduler:media_job", "interval", seconds=MEDIA_EVERY_SECONDS, id="media",
                      replace_existing=True)
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)  # not every 5 s
    scheduler.resume()
    log.info("scheduler started (%s); sending %s", worker.identity,
             "through the WeChat API" if worker.sender.api else "nowhere: development shows /dev/outbox")
    return scheduler


def stop(scheduler: BackgroundScheduler) -> None:
    global _worker
    scheduler.shutdown(wait=True)
    if _worker is not None:
        _worker.stop()
        _worker = None
