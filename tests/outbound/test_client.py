"""The WeChat API client against the fake server: the shared token and every error code in the policy."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.outbound.client import ApiError, DbTokenStore, RedisTokenStore, WeChatApi, make_api
from tests.conftest import command
from tests.outbound.conftest import db_of


def api_of(app, **kwargs) -> WeChatApi:
    assistant = app.extensions["community"]
    return make_api(assistant.settings, assistant.db, backoff=0.01, **kwargs)


def test_token_is_fetched_once_and_shared_by_every_process(any_db_app):
    fake = any_db_app.fake
    first, second = api_of(any_db_app), api_of(any_db_app)  # two processes' clients on one database
    first.send_text("o-1", "你好")
    second.send_text("o-2", "你好")
    assert fake.token_fetches == 1
    assert fake.sent()[0].token == fake.sent()[1].token


def test_concurrent_refreshes_fetch_one_token(any_db_app):
    store = DbTokenStore(db_of(any_db_app))
    fetched = []

    def fetch() -> tuple[str, int]:
        fetched.append(1)
        return f"t{len(fetched)}", 7200

    with ThreadPoolExecutor(6) as pool:
        tokens = set(pool.map(lambda _: store.refresh(None, fetch), range(6)))
    assert len(fetched) == 1 and tokens == {"t1"}


@pytest.mark.parametrize("code", [40001, 40014, 42001])
def test_token_error_refreshes_once_and_retries_once(out_app, code):
    fake, api = out_app.fake, api_of(out_app)
    api.send_text("o-1", "早")
    fake.fail(code, "message/custom/send")
    api.send_text("o-1", "再说一遍")
    assert fake.token_fetches == 2 and len(fake.sent("message/custom/send")) == 2


def test_token_error_that_persists_is_raised_not_retried_forever(out_app):
    fake, api = out_app.fake, api_of(out_app)
    fake.fail(40001, "message/custom/send", times=None)
    with pytest.raises(ApiError) as raised:
        api.send_text("o-1", "早")
    assert raised.value.errcode == 40001 and fake.token_fetches == 2


def test_expired_token_everywhere_is_replaced(out_app):
    fake, api = out_app.fake, api_of(out_app)
    api.send_text("o-1", "早")
    fake.expire_tokens()
    api.send_text("o-1", "早")
    assert fake.token_fetches == 2


@pytest.mark.parametrize("answer", [-1, "http500", "stall"])
def test_busy_5xx_and_timeouts_are_retried_for_idempotent_calls(out_app, answer):
    fake, api = out_app.fake, api_of(out_app, timeout=(1, 0.3))
    fake.stall_seconds = 0.6
    assert api.client.access_token  # the token first, so the failure hits the send
    fake.fail(answer, "message/mass/sendall")
    api.mass_send_to_tag(7, "公告", "announcement-1")
    # the stalled request may still have been recorded: clientmsgid made the retry harmless
    assert len(fake.sent("message/mass/sendall")) == 1


@pytest.mark.parametrize("answer", [-1, "http500", "stall"])
def test_busy_5xx_and_timeouts_are_not_retried_for_a_customer_service_message(out_app, answer):
    fake, api = out_app.fake, api_of(out_app, timeout=(1, 0.3))
    fake.stall_seconds = 0.6
    assert api.client.access_token
    fake.fail(answer, "message/custom/send")
    with pytest.raises(ApiError) as raised:
        api.send_text("o-1", "早")
    assert raised.value.transient
    assert len(fake.sent("message/custom/send")) <= 1  # a stalled call may have arrived, once


def test_a_stalled_token_fetch_times_out_instead_of_holding_the_sender(out_app):
    fake, api = out_app.fake, api_of(out_app, timeout=(1, 0.3))
    fake.stall_seconds = 3
    fake.fail("stall", "token")
    started = time.monotonic()
    with pytest.raises(ApiError) as raised:
        api.send_text("o-1", "早")
    assert raised.value.transient and time.monotonic() - started < 2


def test_repeated_mass_send_is_recognised_as_already_sent(out_app):
    fake, api = out_app.fake, api_of(out_app)
    api.mass_send_to_tag(7, "公告", "announcement-9")
    assert api.mass_send_to_tag(7, "公告", "announcement-9")["duplicate"] is True
    assert len(fake.sent("message/mass/sendall")) == 1


def test_tags_are_created_and_filled_fifty_at_a_time(out_app):
    fake, api = out_app.fake, api_of(out_app)
    tag_id = api.create_tag("老人家属")
    assert api.tags() == {"老人家属": tag_id}
    api.tag_users(tag_id, [f"o-{i}" for i in range(120)])
    batches = fake.sent("tags/members/batchtagging")
    assert [len(c.body["openid_list"]) for c in batches] == [50, 50, 20]


def test_menu_push_sends_the_menu_from_data(out_app):
    assert command(out_app, "menu", "push").exit_code == 0
    body = out_app.fake.sent("menu/create")[0].body
    assert [b["name"] for b in body["button"]] == ["办事服务", "问题上报", "活动报名"]


def test_redis_holds_the_token_when_configured(out_app):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1")
    settings = out_app.extensions["community"].settings
    store = RedisTokenStore("redis://127.0.0.1:6379/15", "wx-test-redis")
    store.redis.delete(store.key)
    first, second = WeChatApi(settings, store), WeChatApi(settings, store)
    first.send_text("o-1", "早")
    second.send_text("o-2", "早")
    assert out_app.fake.token_fetches == 1
    store.redis.delete(store.key)
