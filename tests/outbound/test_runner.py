"""The scheduler process: one only, its jobs in the app database, loud on unloadable jobs, a heartbeat."""
from __future__ import annotations

import json
import pickle
import socket

import pytest
from sqlalchemy import text

from bot.models import KeyValue, utcnow
from bot.outbound import scheduler as runner
from tests.conftest import command
from tests.outbound.conftest import db_of


@pytest.fixture
def started(out_app):
    scheduler = runner.start(out_app)
    yield scheduler
    if scheduler.running:
        runner.stop(scheduler)


def test_jobs_live_in_the_app_database_with_minutes_of_misfire_grace(out_app, started):
    jobs = {job.id: job for job in started.get_jobs()}
    assert set(jobs) == {"heartbeat", "plan", "send", "handoffs", "retention", "reports", "media"}
    assert str(jobs["retention"].trigger).startswith("cron[hour='3'")
    assert all(job.misfire_grace_time >= 60 and job.coalesce for job in jobs.values())
    with db_of(out_app).engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM apscheduler_jobs")).scalar() == len(jobs)


def test_heartbeat_shows_in_health_url_and_status(out_app, started):
    response = out_app.test_client().get("/healthz/scheduler")
    assert response.status_code == 200 and response.json["status"] == "ok" and "pid" not in response.json
    assert "定时发送：正常" in command(out_app, "status").stdout


def test_health_url_says_down_without_a_scheduler(out_app):
    assert out_app.test_client().get("/healthz/scheduler").status_code == 503
    assert "定时发送：从没启动过" in command(out_app, "status").stdout


def test_a_second_scheduler_is_refused(out_app):
    with db_of(out_app).transaction() as session:
        beat = {"pid": 999999, "host": "other-host", "at": utcnow().isoformat()}
        session.add(KeyValue(key=runner.HEARTBEAT_KEY, value=json.dumps(beat), updated_at=utcnow()))
    with pytest.raises(runner.SchedulerError, match="another scheduler is running"):
        runner.start(out_app)


def test_an_unloadable_stored_job_stops_the_start_and_is_kept(out_app):
    scheduler = runner.start(out_app)
    runner.stop(scheduler)
    state = {"version": 1, "id": "old", "func": "bot.scheduler.gone:job", "trigger": None, "executor": "default",
             "args": (), "kwargs": {}, "name": "old", "misfire_grace_time": 300, "coalesce": True,
             "max_instances": 1, "next_run_time": None}
    with db_of(out_app).engine.begin() as connection:
        connection.execute(text("INSERT INTO apscheduler_jobs (id, next_run_time, job_state) VALUES (:i, :n, :s)"),
                           {"i": "old", "n": 1.0, "s": pickle.dumps(state)})
    with pytest.raises(runner.SchedulerError, match=r"'old'.*cannot be loaded"):
        runner.start(out_app)
    with db_of(out_app).engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM apscheduler_jobs WHERE id = 'old'")).scalar() == 1


def test_webhook_workers_never_start_a_scheduler(out_app):
    out_app.test_client().get("/healthz")
    assert runner._worker is None


def test_a_killed_scheduler_on_this_host_does_not_block_the_restart(out_app):
    with db_of(out_app).transaction() as session:
        beat = {"pid": 2**22 + 12345, "host": socket.gethostname(), "at": utcnow().isoformat()}
        session.add(KeyValue(key=runner.HEARTBEAT_KEY, value=json.dumps(beat), updated_at=utcnow()))
    runner.stop(runner.start(out_app))
