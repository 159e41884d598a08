"""Outbound honesty: what a crash left uncertain, reminders that cannot reach, the right day, one photo."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from bot.models import Announcement, Outbox, utcnow
from bot.outbound.client import make_api
from bot.outbound.readiness import template_warning
from bot.outbound.sender import Sender, recover
from bot.services.announcements import ALL, Audience, announce, report
from tests.conftest import Resident, command, converse
from tests.outbound.conftest import add_user, db_of, outbox, worker
from tests.outbound.test_schedules import local, run_at

TZ = ZoneInfo("Asia/Shanghai")


class Killed(BaseException):
    """SIGKILL: nothing after it runs, not even an `except Exception`."""


def announced(app, text: str = "周六义诊") -> int:
    assistant = app.extensions["community"]
    with assistant.db.transaction() as session:
        row, _ = announce(session, assistant.library.current().calendar, assistant.settings, author="陈主任",
                          text=text, audience=Audience(ALL, "所有关注的居民"), now=utcnow())
        return row.id


def test_a_kill_mid_send_leaves_only_the_call_in_flight_uncertain_and_staff_can_resend(out_app, monkeypatch):
    for i in range(6):
        add_user(out_app, f"o-{i}")
    number = announced(out_app)
    calls = {"n": 0}
    real = Sender._deliver

    def dies_on_the_third(self, channel, claimed):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Killed
        return real(self, channel, claimed)

    monkeypatch.setattr("bot.outbound.sender.SEND_THREADS", 1)
    with monkeypatch.context() as patch:
        patch.setattr(Sender, "_deliver", dies_on_the_third)
        with pytest.raises(Killed):
            worker(out_app).send(budget_seconds=None)
    recover(db_of(out_app))
    assert [r.status for r in outbox(out_app)].count("unknown") == 1
    worker(out_app).send(budget_seconds=None)
    db = db_of(out_app)
    with db.transaction() as session:
        text = report(session, number, TZ)
    uncertain = next(r.openid for r in outbox(out_app) if r.status == "unknown")
    assert "不确定是否送达：1" in text and uncertain in text
    resent = command(out_app, "announce", "resend", str(number))  # staff decide, from the server
    assert resent.exit_code == 0 and "1人重新排队发送" in resent.stdout
    assert "没有不确定的人" in command(out_app, "announce", "resend", str(number)).stdout
    worker(out_app).send(budget_seconds=None)
    assert {r.status for r in outbox(out_app)} == {"sent"}
    assert sorted(out_app.fake.recipients()).count(uncertain) == 1  # the fake never got the killed call
    with db.transaction() as session:
        assert session.get(Announcement, number).status == "done"


def test_without_a_template_staff_are_warned_and_the_subscriber_is_told_the_truth(make_app, wechat):
    app = make_app(WECHAT_TEMPLATE_ID="")
    assistant = app.extensions["community"]
    warning = template_warning(assistant.db, assistant.settings)
    assert warning and "WECHAT_TEMPLATE_ID" in warning and "48" in warning
    answer = Resident(app.test_client(), wechat, "o-sub").says("订阅议事会")
    assert "已为您订阅" in answer and "两天内" in answer and "活动前会在这里提醒您" not in answer
    assert "没有配置模板消息" in command(app, "status").stdout


def test_with_a_template_there_is_no_warning_and_the_promise_stands(out_app, wechat):
    assistant = out_app.extensions["community"]
    assert template_warning(assistant.db, assistant.settings) is None
    assert "活动前会在这里提醒您" in Resident(out_app.test_client(), wechat, "o-sub").says("订阅议事会")


def test_a_rain_notice_on_the_morning_of_the_class_says_today(out_app):
    add_user(out_app, "o-taiji", classes=("taiji",))
    run_at(out_app, local(2026, 11, 30, 12, 0))
    run_at(out_app, local(2026, 11, 30, 19, 0, 10))  # Monday evening: 明天 is right
    with time_machine.travel(local(2026, 12, 1, 6, 30), tick=False):  # Tuesday, before the 7:30 class
        assert command(out_app, "rain", "taiji", "--yes").exit_code == 0
        worker(out_app).send(budget_seconds=None)
    first, notice = [r.text for r in outbox(out_app)]
    assert "明天" in first
    assert "今天" in notice and "明天" not in notice and "居民学校" in notice


def test_api_base_url_without_a_trailing_slash_works(make_app, fake_api):
    app = make_app(WECHAT_API_BASE_URL=fake_api.base_url.rstrip("/"), WECHAT_TEMPLATE_ID="t")
    assistant = app.extensions["community"]
    make_api(assistant.settings, assistant.db, backoff=0.01).send_text("o-1", "你好")
    assert fake_api.recipients() == ["o-1"]


def test_the_as_of_pass_shows_what_was_due_sent_and_missed_and_steps_forward(make_app):
    app = make_app()
    add_user(app, "o-council", topics=("议事会",), wrote=timedelta(hours=1), now=local(2026, 12, 3, 12, 0))
    client = app.test_client()
    page = client.post("/dev/outbox/run", data={"as_of": "2026-12-02T20:00"}, follow_redirects=True)
    first = page.get_data(as_text=True)
    assert "2026-12-02T20:00" in first and "+1小时" in first
    page = client.post("/dev/outbox/run", data={"as_of": "2026-12-02T20:00", "step": "1440"},
                       follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "12-03 20:00" in text and "错过" in text and "到点" in text
    with db_of(app).transaction() as session:
        shown = session.scalars(select(Outbox)).all()
    assert len(shown) <= 1


def test_a_photo_goes_with_one_report_only(resident):
    resident.sends_image()
    converse(resident, [("路灯坏了", "在哪里"), ("老街农贸市场门口", "照片：已收到"), ("1", "已受理")])
    converse(resident, [("路灯坏了", "在哪里")])
    assert "有照片的话请发一张" in resident.says("老街农贸市场门口")


def test_a_photo_sent_long_before_does_not_join_a_report(resident):
    with time_machine.travel(utcnow() - timedelta(minutes=20), tick=False):
        resident.sends_image()
    converse(resident, [("路灯坏了", "在哪里")])
    assert "有照片的话请发一张" in resident.says("老街农贸市场门口")
