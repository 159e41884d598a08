"""The outbox sender: the 48-hour rule, fallbacks, unfollowed residents, quota, pacing, crash safety."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Outbox, utcnow
from bot.outbound.sender import Sender, recover
from bot.services.outbox import enqueue
from tests.outbound.conftest import TEMPLATE, add_user, db_of, outbox, user, worker


def queue(app, *openids: str, text: str = "明天下午3点居民议事会") -> None:
    with db_of(app).transaction() as session:
        for openid in openids:
            enqueue(session, openid=openid, text=text, key=f"test:{openid}")


def test_resident_who_wrote_within_48_hours_gets_a_customer_service_message(out_app):
    add_user(out_app, "o-recent", wrote=timedelta(hours=47))
    queue(out_app, "o-recent")
    worker(out_app).send()
    assert out_app.fake.sent("message/custom/send")[0].body["text"]["content"] == "明天下午3点居民议事会"
    assert [(r.status, r.channel) for r in outbox(out_app)] == [("sent", "custom")]


def test_resident_silent_for_more_than_48_hours_gets_the_template_message(out_app):
    add_user(out_app, "o-quiet", wrote=timedelta(hours=49))
    queue(out_app, "o-quiet")
    worker(out_app).send()
    call = out_app.fake.sent("message/template/send")[0]
    assert call.body["template_id"] == TEMPLATE and "居民议事会" in call.body["data"]["content"]["value"]
    assert outbox(out_app)[0].channel == "template"


def test_without_a_template_a_silent_resident_is_skipped_with_the_reason(make_app, fake_api):
    app = make_app(WECHAT_API_BASE_URL=fake_api.base_url)
    add_user(app, "o-quiet", wrote=None)
    queue(app, "o-quiet")
    worker(app).send()
    row = outbox(app)[0]
    assert row.status == "skipped" and "48小时" in row.reason and not fake_api.calls


def test_unsubscribed_resident_is_never_pushed_to(out_app):
    add_user(out_app, "o-gone", subscribed=False)
    queue(out_app, "o-gone")
    worker(out_app).send()
    row = outbox(out_app)[0]
    assert row.status == "skipped" and "取消关注" in row.reason
    assert out_app.fake.recipients() == []


@pytest.mark.parametrize("code", [45015, 45047])
def test_outside_the_window_falls_back_to_the_template(out_app, code):
    add_user(out_app, "o-1")
    queue(out_app, "o-1")
    out_app.fake.fail(code, "message/custom/send")
    worker(out_app).send()
    assert [c.endpoint for c in out_app.fake.sent()] == ["message/template/send"]
    assert (outbox(out_app)[0].status, outbox(out_app)[0].channel) == ("sent", "template")


def test_not_following_marks_the_resident_unsubscribed(out_app):
    add_user(out_app, "o-left")
    queue(out_app, "o-left")
    out_app.fake.fail(43004, "message/custom/send")
    worker(out_app).send()
    assert outbox(out_app)[0].status == "skipped" and "43004" in outbox(out_app)[0].reason
    assert user(out_app, "o-left").subscribed is False


@pytest.mark.parametrize("code", [45009, 45011])
def test_quota_error_backs_off_and_records_why(out_app, code, caplog):
    add_user(out_app, "o-1")
    add_user(out_app, "o-2")
    queue(out_app, "o-1", "o-2")
    out_app.fake.fail(code, "message/custom/send", times=None)
    w = worker(out_app)
    w.send()
    rows = outbox(out_app)
    assert rows[0].status == "pending" and str(code) in rows[0].reason and rows[0].due_at > utcnow()
    assert rows[1].status == "pending"  # sending paused altogether
    assert len(out_app.fake.calls) == 0
    assert f"{code}" in caplog.text and "tell staff" in caplog.text
    assert w.sender.paused_until > time.monotonic()


def test_other_errors_fail_the_row_with_the_code(out_app):
    add_user(out_app, "o-1")
    queue(out_app, "o-1")
    out_app.fake.fail(40003, "message/custom/send")
    worker(out_app).send()
    assert outbox(out_app)[0].status == "failed" and "40003" in outbox(out_app)[0].reason


def test_sending_keeps_to_the_rate(make_app, fake_api):
    app = make_app(WECHAT_API_BASE_URL=fake_api.base_url, SEND_RATE_PER_SECOND=20)
    for i in range(11):
        add_user(app, f"o-{i}")
        queue(app, f"o-{i}")
    started = time.monotonic()
    assert worker(app).send(budget_seconds=None) == 11
    assert time.monotonic() - started >= 0.5  # 11 messages at 20 a second


def test_development_shows_the_outbox_instead_of_sending(make_app):
    app = make_app(APP_ENV="development")
    add_user(app, "dev-grandma-wang")
    queue(app, "dev-grandma-wang")
    assert worker(app).sender.api is None
    worker(app).send()
    row = outbox(app)[0]
    assert row.status == "shown" and "/dev/outbox" in row.reason
    page = app.test_client().get("/dev/outbox").get_data(as_text=True)
    assert "明天下午3点居民议事会" in page and "shown" in page


def test_a_row_not_yet_due_waits(out_app):
    add_user(out_app, "o-1")
    with db_of(out_app).transaction() as session:
        enqueue(session, openid="o-1", text="晚点发", key="later", due_at=utcnow() + timedelta(hours=1))
    worker(out_app).send()
    assert outbox(out_app)[0].status == "pending" and not out_app.fake.calls


# --- crash and restart -------------------------------------------------------------------

class Crash(BaseException):
    """Stands for the process being killed: no except clause catches it."""


def killed(monkeypatch, method: str, on_call: int) -> None:
    """From the `on_call`-th call of Sender.<method> on, the process is dead: every send and finish raises."""
    real = {name: getattr(Sender, name) for name in ("send", "_finish")}
    state = {"calls": 0, "dead": False}

    def wrap(name):
        def patched(self, *args):
            if name == method:
                state["calls"] += 1
                state["dead"] = state["dead"] or state["calls"] >= on_call
            if state["dead"]:
                raise Crash(f"killed in {name}")
            return real[name](self, *args)
        return patched

    for name in real:
        monkeypatch.setattr(Sender, name, wrap(name))


def test_restart_after_a_crash_loses_and_repeats_nothing(any_db_app, monkeypatch):
    """Killed mid-run twice: once right after claiming, once after WeChat took a message but before it
    was marked. Each restart recovers, then sends on; in the end everyone got it exactly once."""
    fake = any_db_app.fake
    openids = [f"o-{i}" for i in range(12)]
    for openid in openids:
        add_user(any_db_app, openid)
    queue(any_db_app, *openids)
    with monkeypatch.context() as patch:
        killed(patch, "send", on_call=3)
        with pytest.raises(Crash):
            worker(any_db_app).send(budget_seconds=None)
    recover(db_of(any_db_app))  # what the scheduler does when it starts again
    with monkeypatch.context() as patch:
        killed(patch, "_finish", on_call=2)
        with pytest.raises(Crash):
            worker(any_db_app).send(budget_seconds=None)
    recover(db_of(any_db_app))
    worker(any_db_app).send(budget_seconds=None)
    assert sorted(fake.recipients()) == sorted(openids)  # every one delivered, none twice
    statuses = [r.status for r in outbox(any_db_app)]
    assert set(statuses) == {"sent", "unknown"}  # those caught mid-call are shown to staff, not resent


def test_a_claimed_row_is_not_sent_by_a_second_sender(out_app):
    add_user(out_app, "o-1")
    queue(out_app, "o-1")
    db, settings = db_of(out_app), out_app.extensions["community"].settings
    first = Sender(db, settings, None).claim(utcnow(), 10)
    assert len(first) == 1 and Sender(db, settings, None).claim(utcnow(), 10) == []


def test_interrupted_mass_send_is_repeated_safely(out_app):
    """clientmsgid makes WeChat refuse a second copy, so a mass send caught mid-call is simply redone."""
    fake = out_app.fake
    with db_of(out_app).transaction() as session:
        for openid in ("o-1", "o-2"):
            session.add(Outbox(key=f"m:{openid}", openid=openid, kind="mass", text="公告", status="sending",
                               payload={"tag_id": 5, "clientmsgid": "announcement-77"},
                               due_at=datetime.now(UTC)))
    w = worker(out_app)
    w.sender.api.mass_send_to_tag(5, "公告", "announcement-77")  # it had reached WeChat before the crash
    recover(db_of(out_app))
    w.send()
    assert len(fake.sent("message/mass/sendall")) == 1
    assert {r.status for r in outbox(out_app)} == {"sent"}

