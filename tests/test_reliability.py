"""Nothing lost, nothing leaked: races, a locked or missing database, hostile fields, replays."""
from __future__ import annotations

import io
import logging
import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import sessionmaker

from bot.content import texts
from bot.models import Booking, FaqGap, ProcessedMessage, User
from bot.wechat.protocol import signature_of
from bot.wechat.simulate import WeChatSide
from tests.conftest import BACKENDS, PRODUCTION, TOKEN, Resident, all_at_once

UNKNOWN = "小狗会不会弹钢琴啊"
DOWN_URL = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"


def count(app, model, *where) -> int:
    with app.extensions["community"].db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def residents(app, wechat, n: int) -> list[Resident]:
    client = app.test_client()
    return [Resident(client, wechat, f"o-same-{i}") for i in range(n)]


def take_database_down(app) -> None:
    """Every new connection is refused, as when PostgreSQL is stopped."""
    db = app.extensions["community"].db
    db.engine.dispose()
    db.engine = create_engine(DOWN_URL)
    db.sessions = sessionmaker(db.engine, expire_on_commit=False)


# --- 1. messages dropped without a trace ---------------------------------------------------

def test_identical_new_questions_at_once_are_all_answered_and_counted(make_app, backend, wechat):
    app = make_app(backend)
    people = residents(app, wechat, 12)
    answers = all_at_once(people, UNKNOWN)
    assert all("人工" in answer for answer in answers), answers
    assert count(app, User) == 12
    with app.extensions["community"].db.transaction() as session:
        assert session.scalars(select(FaqGap.count)).all() == [12]


def test_a_conflict_that_is_not_the_dedup_key_gets_the_apology_and_a_log_line(monkeypatch, resident, caplog):
    def clash(ctx, message):
        ctx.session.add(User(openid=ctx.user.openid, subscribed=True))  # a second row for one openid
        ctx.session.flush()

    monkeypatch.setattr(resident.client.application.extensions["community"].router, "dispatch", clash)
    assert resident.says("你好") == texts.APOLOGY
    assert any("IntegrityError" in record.getMessage() or record.exc_info for record in caplog.records
               if record.levelno >= logging.ERROR)


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL not reachable")
def test_a_new_message_that_waits_for_its_residents_lock_is_still_answered(make_app, wechat):
    app = make_app("postgresql")
    resident = Resident(app.test_client(), wechat, "o-busy")
    resident.says("菜单")
    db = app.extensions["community"].db
    held = threading.Event()

    def hold_lock() -> None:
        with db.transaction() as session:
            session.execute(text("SELECT 1 FROM users WHERE openid = 'o-busy' FOR UPDATE"))
            held.set()
            time.sleep(2.5)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    held.wait()
    answer = resident.says("菜单")
    holder.join()
    assert "回复1" in answer
    assert count(app, ProcessedMessage, ProcessedMessage.openid == "o-busy") == 2


def test_with_the_database_down_the_resident_gets_the_apology_and_one_log_line(app, wechat, caplog):
    take_database_down(app)
    resident = Resident(app.test_client(), wechat, "o-down")
    caplog.clear()
    assert resident.says("菜单") == texts.APOLOGY
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None


def test_health_says_the_database_is_unreachable(app):
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    take_database_down(app)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"
    scheduler = client.get("/healthz/scheduler")
    assert scheduler.status_code == 503


def test_scheduler_health_publishes_no_pid_or_host(app):
    from bot.outbound.scheduler import Worker

    Worker(app).beat()
    body = app.test_client().get("/healthz/scheduler").json
    assert body["status"] == "ok" and "pid" not in body and "host" not in body


# --- 2. personal data in logs ---------------------------------------------------------------

def test_a_failing_insert_does_not_print_a_residents_name_or_phone(monkeypatch, make_app, backend, wechat, caplog):
    app = make_app(backend)
    resident = Resident(app.test_client(), wechat, "o-private")

    def failing_insert(ctx, message):
        ctx.session.add(Booking(user_id=ctx.user.id, number=None, service_id="x", day=None, period="am",
                                name="王秀英", phone="13812345678"))
        ctx.session.flush()

    monkeypatch.setattr(app.extensions["community"].router, "dispatch", failing_insert)
    with caplog.at_level(logging.INFO):
        assert resident.says("预约") == texts.APOLOGY
    logged = caplog.text + "".join(logging.Formatter().formatException(r.exc_info)
                                   for r in caplog.records if r.exc_info)
    assert "Booking" in logged or "bookings" in logged
    assert "13812345678" not in logged and "王秀英" not in logged


@pytest.mark.parametrize("fields", [
    {"FromUserName": "o" * 200},
    {"MsgType": "event", "Event": "subscribe", "EventKey": "qrscene_" + "s" * 80},
    {"MsgType": "image", "MediaId": "m" * 200},
])
def test_over_long_fields_get_a_400_and_one_log_line(client, fields, caplog):
    parts = {"ToUserName": "gh", "FromUserName": "o-long", "CreateTime": int(time.time()), "MsgType": "text",
             "Content": "菜单", "MsgId": 1, **fields}
    xml = "<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in parts.items()) + "</xml>"
    signed = WeChatSide(TOKEN).sign(xml)
    caplog.clear()
    response = client.post(signed.url, data=signed.body, content_type="text/xml")
    assert response.status_code == 400
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1
    assert not any(r.exc_info for r in caplog.records)
    assert count(client.application, User) == 0


@pytest.mark.parametrize("repeated", ["<MsgType>text</MsgType>", "<CreateTime>1</CreateTime>"])
def test_repeated_xml_elements_get_a_400(client, repeated, caplog):
    xml = (f"<xml><ToUserName>gh</ToUserName><FromUserName>o-twice</FromUserName>"
           f"<CreateTime>{int(time.time())}</CreateTime><MsgType>text</MsgType>{repeated}"
           f"<Content>菜单</Content><MsgId>7</MsgId></xml>")
    signed = WeChatSide(TOKEN).sign(xml)
    caplog.clear()
    response = client.post(signed.url, data=signed.body, content_type="text/xml")
    assert response.status_code == 400 and not any(r.exc_info for r in caplog.records)


# --- 3. production refuses what is unsafe -----------------------------------------------------



def test_production_in_plaintext_mode_does_not_start_unless_allowed(make_app):
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="WECHAT_ALLOW_PLAINTEXT"):
        make_app(**PRODUCTION)
    assert make_app(**PRODUCTION, WECHAT_ALLOW_PLAINTEXT="true").test_client().get("/healthz").status_code == 200


def test_a_url_check_signature_cannot_carry_a_message(client):
    ts, nonce = str(int(time.time())), "55555"
    query = f"signature={signature_of(TOKEN, ts, nonce)}&timestamp={ts}&nonce={nonce}"
    assert client.get(f"/wechat?{query}&echostr=hi").get_data(as_text=True) == "hi"
    forged = WeChatSide(TOKEN).text("o-forger", "菜单").body
    response = client.post(f"/wechat?{query}", data=forged, content_type="text/xml")
    assert response.status_code == 403 and count(client.application, User) == 0


class Stalled(io.BytesIO):
    """A body that never finishes arriving; reading it is the mistake."""

    def read(self, *args) -> bytes:
        raise AssertionError("the body was read before the signature was checked")

    readline = readinto = read


def test_the_signature_is_checked_before_the_body_is_read(client):
    ts = str(int(time.time()))
    response = client.post(f"/wechat?signature={'0' * 40}&timestamp={ts}&nonce=1", input_stream=Stalled(b"x" * 500),
                           content_type="text/xml")
    assert response.status_code == 403


def test_the_root_points_to_the_simulator_in_development_only(make_app):
    response = make_app(APP_ENV="development").test_client().get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dev/chat")
    production = make_app(**PRODUCTION, WECHAT_ALLOW_PLAINTEXT="true")
    assert production.test_client().get("/").status_code == 404
