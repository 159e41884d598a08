"""The webhook as WeChat calls it: signatures, modes, retries, hostile bodies, every message type."""
from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from bot.models import HandoffRequest, ProcessedMessage, User
from bot.wechat.protocol import signature_of
from bot.wechat.simulate import WeChatSide
from tests.conftest import AES_KEY, TOKEN


def count(app, model) -> int:
    with app.extensions["community"].db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def user(app, openid: str) -> User:
    with app.extensions["community"].db.transaction() as session:
        return session.scalars(select(User).where(User.openid == openid)).one()


# --- the URL check -----------------------------------------------------------------------

def test_url_check_answers_echostr(client):
    ts, nonce = str(int(time.time())), "12345"
    signature = signature_of(TOKEN, ts, nonce)
    response = client.get(f"/wechat?signature={signature}&timestamp={ts}&nonce={nonce}&echostr=hello42")
    assert response.status_code == 200 and response.get_data(as_text=True) == "hello42"


@pytest.mark.parametrize("signature, age", [("0" * 40, 0), (None, 400)])
def test_url_check_refuses_bad_signature_or_stale_timestamp(client, signature, age):
    ts, nonce = str(int(time.time()) - age), "12345"
    signature = signature or signature_of(TOKEN, ts, nonce)
    response = client.get(f"/wechat?signature={signature}&timestamp={ts}&nonce={nonce}&echostr=x")
    assert response.status_code == 403 and "x" not in response.get_data(as_text=True)


# --- modes -------------------------------------------------------------------------------

def test_plaintext_question_gets_a_text_reply(resident):
    reply = resident.post(resident.side.text(resident.openid, "菜单"))
    assert reply["MsgType"] == "text" and "回复1" in reply["Content"]
    assert reply["ToUserName"] == resident.openid


def test_safe_mode_reply_is_encrypted(make_app):
    app = make_app(WECHAT_ENCODING_AES_KEY=AES_KEY)
    side = WeChatSide(TOKEN, AES_KEY, "wx-dev-app")
    signed = side.text("o-safe", "菜单")
    assert b"Content" not in signed.body
    response = app.test_client().post(signed.url, data=signed.body, content_type="text/xml")
    assert response.status_code == 200 and b"<Encrypt>" in response.data and "回复1".encode() not in response.data
    assert "回复1" in side.read_reply(response.data)["Content"]


def test_compatible_mode_body_with_plain_fields_and_encrypt(make_app):
    app = make_app(WECHAT_ENCODING_AES_KEY=AES_KEY)
    side = WeChatSide(TOKEN, AES_KEY, "wx-dev-app")
    signed = side.text("o-compat", "菜单")
    body = signed.body.replace(b"</xml>", b"<FromUserName><![CDATA[o-compat]]></FromUserName>"
                                          b"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[\xe8\x8f\x9c\xe5\x8d\x95]]></Content></xml>")
    response = app.test_client().post(signed.url, data=body, content_type="text/xml")
    assert "回复1" in side.read_reply(response.data)["Content"]


def test_safe_mode_checks_msg_signature_not_just_signature(make_app):
    app = make_app(WECHAT_ENCODING_AES_KEY=AES_KEY)
    signed = WeChatSide(TOKEN, AES_KEY, "wx-dev-app").text("o-safe", "菜单")
    query = signed.query.replace("msg_signature=", "msg_signature=0")
    response = app.test_client().post(f"/wechat?{query}", data=signed.body, content_type="text/xml")
    assert response.status_code == 403


def test_plaintext_request_refused_when_account_is_in_safe_mode(make_app):
    app = make_app(WECHAT_ENCODING_AES_KEY=AES_KEY)
    signed = WeChatSide(TOKEN).text("o-plain", "菜单")
    assert app.test_client().post(signed.url, data=signed.body).status_code == 403


# --- signatures, timestamps, replays ---------------------------------------------------------

def test_forged_signature_is_refused_and_has_no_effect(app, client, wechat):
    signed = WeChatSide("someoneelse").text("o-forger", "人工")
    assert client.post(signed.url, data=signed.body).status_code == 403
    assert count(app, HandoffRequest) == 0


def test_stale_timestamp_is_refused(client, wechat):
    signed = wechat.build("o-old", "text", Content="菜单", MsgId=1, timestamp=int(time.time()) - 301)
    assert client.post(signed.url, data=signed.body).status_code == 403


def test_captured_query_cannot_carry_another_body(app, client, wechat):
    first = wechat.text("o-victim", "菜单")
    assert client.post(first.url, data=first.body).status_code == 200
    forged = wechat.text("o-victim", "人工")
    response = client.post(first.url, data=forged.body)
    assert response.status_code == 403
    assert count(app, HandoffRequest) == 0


def test_wechat_retries_get_the_first_reply_and_run_once(app, resident):
    signed = resident.side.text(resident.openid, "人工")
    replies = [resident.post(signed) for _ in range(3)]
    assert replies[0]["Content"] and all(r["Content"] == replies[0]["Content"] for r in replies)
    assert count(app, HandoffRequest) == 1


def test_retry_while_first_is_running_waits_for_its_reply(app, monkeypatch, wechat):
    router = app.extensions["community"].router
    slow_dispatch = router.dispatch

    def slow(ctx, message):
        time.sleep(0.6)
        return slow_dispatch(ctx, message)

    monkeypatch.setattr(router, "dispatch", slow)
    signed = wechat.text("o-slow", "人工")

    def post(_):
        return app.test_client().post(signed.url, data=signed.body).data

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(post, 0)
        time.sleep(0.2)
        second = pool.submit(post, 1)
        bodies = [first.result(), second.result()]
    contents = [wechat.read_reply(b)["Content"] for b in bodies]
    assert contents[0] == contents[1]
    assert count(app, HandoffRequest) == 1


def test_dedup_is_kept_in_the_database(app, resident):
    resident.says("菜单")
    assert count(app, ProcessedMessage) == 1


# --- hostile and broken bodies ----------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><xml><ToUserName>a</ToUserName><FromUserName>o-x</FromUserName>
<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>9</MsgId></xml>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>a</ToUserName><FromUserName>o-x</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>10</MsgId></xml>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, b"<xml><unclosed>", b"not xml at all",
                                  b"<xml><MsgType>text</MsgType></xml>", b"<other/>", b""])
def test_hostile_or_malformed_xml_is_refused_without_a_500(client, wechat, body):
    signed = wechat.sign(body.decode())
    response = client.post(signed.url, data=body)
    assert response.status_code == 400


def test_oversized_body_is_refused(client, wechat):
    signed = wechat.text("o-big", "x" * (1024 * 1024 + 10))
    assert client.post(signed.url, data=signed.body).status_code == 413


def test_chunked_body_without_length_is_refused_not_truncated(client, wechat):
    signed = wechat.text("o-chunked", "人工")
    response = client.post(signed.url, environ_overrides={"wsgi.input": io.BytesIO(signed.body)},
                           headers={"Transfer-Encoding": "chunked"})
    assert response.status_code == 411


def test_handler_that_raises_gets_an_apology_not_a_500(app, monkeypatch, resident):
    router = app.extensions["community"].router

    def boom(ctx, message):
        raise RuntimeError("bug")

    monkeypatch.setattr(router, "dispatch", boom)
    reply = resident.says("菜单")
    assert "对不起" in reply and "人工" in reply


def test_reply_text_cannot_inject_xml(app, monkeypatch, resident):
    router = app.extensions["community"].router
    from bot.conversation.message import Reply

    hostile = "a]]></Content><MsgType><![CDATA[image]]></MsgType><Content><![CDATA[b \x01\x07 😀"
    monkeypatch.setattr(router, "dispatch", lambda ctx, message: Reply.say(hostile))
    reply = resident.post(resident.side.text(resident.openid, "x"))
    assert reply["MsgType"] == "text"
    assert reply["Content"] == hostile.replace("\x01", "").replace("\x07", "")


def test_long_answer_is_cut_at_a_sentence_and_continued_with_more(app, monkeypatch, resident):
    router = app.extensions["community"].router
    from bot.conversation.message import Reply

    long_text = "".join(f"第{i}句话说明社区的一项服务内容。" for i in range(200))
    monkeypatch.setattr(router, "dispatch", lambda ctx, message: Reply.say(long_text))
    first = resident.says("x")
    assert len(first.encode()) <= 2048 and first.endswith("（回复“更多”看后面的内容）")
    assert first.split("\n")[0].endswith("。")
    monkeypatch.undo()
    pages = [first]
    while "更多" in pages[-1]:
        pages.append(resident.says("更多"))
    joined = "".join(p.replace("\n（回复“更多”看后面的内容）", "") for p in pages)
    assert joined == long_text and all(len(p.encode()) <= 2048 for p in pages)


# --- every message type and event gets a deliberate answer ----------------------------------

@pytest.mark.parametrize("build, expect", [
    (lambda s, o: s.voice(o, "菜单"), "回复1"),
    (lambda s, o: s.voice(o, None), "再说一遍"),
    (lambda s, o: s.voice(o, ""), "再说一遍"),
    (lambda s, o: s.image(o), "上报"),
    (lambda s, o: s.location(o, 32.6, 105.8, "羊木镇老街"), "上报"),
    (lambda s, o: s.message(o, "video", MediaId="v", ThumbMediaId="t"), "人工"),
    (lambda s, o: s.message(o, "shortvideo", MediaId="v", ThumbMediaId="t"), "人工"),
    (lambda s, o: s.message(o, "link", Title="t", Description="d", Url="http://127.0.0.1/"), "人工"),
    (lambda s, o: s.message(o, "miniprogrampage", Title="t"), "人工"),
    (lambda s, o: s.event(o, "subscribe"), "回复1"),
    (lambda s, o: s.event(o, "CLICK", "HANDOFF"), "工作人员"),
    (lambda s, o: s.event(o, "CLICK", "NO_SUCH_KEY"), "回复1"),
    (lambda s, o: s.event(o, "SCAN", "nosuchscene"), "回复1"),
    (lambda s, o: s.event(o, "unsubscribe"), None),
    (lambda s, o: s.event(o, "LOCATION", Latitude="32.6", Longitude="105.8", Precision="10"), None),
    (lambda s, o: s.event(o, "VIEW", "http://127.0.0.1/"), None),
    (lambda s, o: s.event(o, "TEMPLATESENDJOBFINISH", Status="success", MsgID="1"), None),
    (lambda s, o: s.event(o, "MASSSENDJOBFINISH", Status="send success", TotalCount="3", MsgID="2"), None),
    (lambda s, o: s.event(o, "some_new_event"), None),
])
def test_every_message_type_gets_a_deliberate_answer(resident, build, expect):
    reply = resident.post(build(resident.side, resident.openid))
    if expect is None:
        assert reply == {}  # `success`: nothing shown, no retry
    else:
        assert expect in reply["Content"]


def test_events_at_the_same_second_are_not_mistaken_for_retries(resident):
    now = int(time.time())
    a = resident.post(resident.side.event(resident.openid, "CLICK", "HANDOFF", create_time=now))
    b = resident.post(resident.side.event(resident.openid, "CLICK", "MY_BOOKINGS", create_time=now))
    assert a and b and a["Content"] != b["Content"]
