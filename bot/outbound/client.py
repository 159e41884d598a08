"""The one way out to the WeChat API: a shared access token, timeouts, and the error policy."""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Protocol

import requests
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from bot.config import Settings
from bot.db import Database
from bot.models import KeyValue

log = logging.getLogger(__name__)
TOKEN_KEY = "wechat_access_token"
REAL_API = "https://api.weixin.qq.com/"
TIMEOUT = (3.05, 10.0)  # connect, read: a stuck WeChat never holds the sender for long
TOKEN_ERRORS = {40001, 40014, 42001}
OUTSIDE_48H = {45015, 45047}
NOT_FOLLOWING = 43004
QUOTA = {45009, 45011}
BUSY = -1
DUPLICATE_MASS = 45065
MEDIA_GONE = {40007}  # invalid media_id: expired after three days, or never ours
MEDIA_NOT_A_FILE = -2
TAG_BATCH = 50
TOKEN_REREAD_SECONDS = 60


class ApiError(Exception):
    """WeChat said no (errcode) or could not be reached (errcode None, or -1 when busy)."""

    def __init__(self, errcode: int | None, errmsg: str) -> None:
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    @property
    def transient(self) -> bool:
        return self.errcode is None or self.errcode == BUSY


class TokenStore(Protocol):
    def current(self) -> str | None: ...

    def refresh(self, stale: str | None, fetch: Callable[[], tuple[str, int]]) -> str: ...


class DbTokenStore:
    """The token in a KeyValue row; the row lock (SQLite: the write lock) makes one refresher."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def current(self) -> str | None:
        with self.db.transaction() as session:
            row = session.get(KeyValue, TOKEN_KEY)
            return row.value if row and row.value and _fresh(row.expires_at) else None

    def refresh(self, stale: str | None, fetch: Callable[[], tuple[str, int]]) -> str:
        with self.db.transaction() as session:
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            session.execute(insert(KeyValue).values(key=TOKEN_KEY, value="", updated_at=datetime.now(UTC))
                            .on_conflict_do_nothing(index_elements=["key"]))
            row = session.scalars(select(KeyValue).where(KeyValue.key == TOKEN_KEY).with_for_update()).one()
            if row.value and row.value != stale and _fresh(row.expires_at):
                return row.value  # another process refreshed while we waited for the lock
            token, expires_in = fetch()
            now = datetime.now(UTC)
            row.value, row.expires_at, row.updated_at = token, now + timedelta(seconds=expires_in), now
            return token


class RedisTokenStore:
    """The token in Redis with its expiry; a Redis lock makes one refresher across hosts."""

    def __init__(self, url: str, app_id: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.key = f"community:{app_id}:access_token"

    def current(self) -> str | None:
        return self.redis.get(self.key)

    def refresh(self, stale: str | None, fetch: Callable[[], tuple[str, int]]) -> str:
        with self.redis.lock(self.key + ":lock", timeout=30, blocking_timeout=30):
            token = self.redis.get(self.key)
            if token and token != stale:
                return token
            token, expires_in = fetch()
            self.redis.set(self.key, token, ex=max(expires_in - 300, 60))
            return token


def _fresh(expires_at: datetime | None) -> bool:
    """A token counts as stale 5 minutes early: WeChat may already have issued its successor."""
    return expires_at is not None and expires_at - datetime.now(UTC) > timedelta(minutes=5)


class _TimeoutSession(requests.Session):
    """wechatpy fetches the access token without a timeout: a stalled WeChat would hold the caller forever."""

    def __init__(self, timeout: Any) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


class _Client(WeChatClient):
    """wechatpy with our token store, base URL and timeouts, and without its unbounded 40001 retry."""

    def __init__(self, settings: Settings, tokens: TokenStore, timeout: Any) -> None:
        super().__init__(settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET, timeout=timeout, auto_retry=False)
        self._http = _TimeoutSession(timeout)
        self.API_BASE_URL = settings.WECHAT_API_BASE_URL.rstrip("/") + "/"  # endpoints are joined to it
        self.tokens = tokens
        self.last_token: str | None = None
        self._read_at = 0.0

    @property
    def access_token(self) -> str:
        """Re-read from the shared store once a minute; a token replaced meanwhile answers 40001."""
        if self.last_token is None or time.monotonic() - self._read_at > TOKEN_REREAD_SECONDS:
            self.remember(self.tokens.current() or self.tokens.refresh(None, self.fetch_token))
        return self.last_token

    def remember(self, token: str) -> str:
        self.last_token, self._read_at = token, time.monotonic()
        return token

    def fetch_access_token(self) -> dict[str, Any]:
        """wechatpy hard-codes the real host here; ours follows WECHAT_API_BASE_URL."""
        return self._fetch_access_token(
            url=f"{self.API_BASE_URL}token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )

    def fetch_token(self) -> tuple[str, int]:
        result = self.fetch_access_token()
        return result["access_token"], int(result.get("expires_in", 7200))


class WeChatApi:
    """Every call: token errors refresh once and retry once; busy/5xx/timeouts retry only if idempotent."""

    def __init__(self, settings: Settings, tokens: TokenStore, *, timeout: Any = TIMEOUT,
                 attempts: int = 3, backoff: float = 0.5) -> None:
        self.settings = settings
        self.tokens = tokens
        self.client = _Client(settings, tokens, timeout)
        self.attempts = attempts
        self.backoff = backoff

    def call(self, send: Callable[[], dict[str, Any]], *, idempotent: bool) -> dict[str, Any]:
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                return _translated(send)
            except ApiError as error:
                if error.errcode in TOKEN_ERRORS and not refreshed:
                    refreshed = True
                    stale = self.client.last_token
                    self.client.remember(_translated(partial(self.tokens.refresh, stale, self.client.fetch_token)))
                    continue
                if error.transient and idempotent and attempt < self.attempts:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                raise

    def ping(self) -> None:
        """One cheap call that needs the access token: WeChat answers, the credentials and this host's IP are good."""
        self.call(lambda: self.client.get("getcallbackip"), idempotent=True)

    # --- messages -------------------------------------------------------------------
    def send_text(self, openid: str, text: str) -> dict[str, Any]:
        """A customer-service message: one try, since WeChat has no idempotency key for it."""
        return self.call(lambda: self.client.message.send_text(openid, text), idempotent=False)

    def send_template(self, openid: str, text: str) -> dict[str, Any]:
        """The template needs a {{content.DATA}} field; WeChat no longer shows first/remark."""
        data = {"content": {"value": text}}
        template_id = self.settings.WECHAT_TEMPLATE_ID
        return self.call(lambda: self.client.message.send_template(openid, template_id, data), idempotent=False)

    def mass_send_to_tag(self, tag_id: int, text: str, clientmsgid: str) -> dict[str, Any]:
        """Raw body: wechatpy 1.8 still sends the old group_id filter. clientmsgid makes retries safe."""
        body = {"filter": {"is_to_all": False, "tag_id": tag_id}, "text": {"content": text},
                "msgtype": "text", "send_ignore_reprint": 0, "clientmsgid": clientmsgid[:64]}
        try:
            return self.call(lambda: self.client.post("message/mass/sendall", data=body), idempotent=True)
        except ApiError as error:
            if error.errcode == DUPLICATE_MASS:
                return {"errcode": 0, "duplicate": True}  # an earlier try already went out
            raise

    def download_media(self, media_id: str) -> tuple[bytes, str]:
        """A temporary media file (photo, voice) and its content type; WeChat keeps them for three days."""
        response = self.call(lambda: self.client.get("media/get", params={"media_id": media_id}), idempotent=True)
        if isinstance(response, dict):  # JSON without an error code: a video link, not a file
            raise ApiError(MEDIA_NOT_A_FILE, "media/get answered JSON, not a file")
        return response.content, response.headers.get("Content-Type", "application/octet-stream").split(";")[0]

    # --- tags and menu --------------------------------------------------------------
    def tags(self) -> dict[str, int]:
        result = self.call(lambda: self.client.tag.get(), idempotent=True)
        return {tag["name"]: int(tag["id"]) for tag in result}

    def create_tag(self, name: str) -> int:
        result = self.call(lambda: self.client.tag.create(name), idempotent=False)
        return int(result["id"])

    def tag_users(self, tag_id: int, openids: Iterable[str]) -> None:
        """WeChat takes 50 openids per call."""
        batch = list(openids)
        for start in range(0, len(batch), TAG_BATCH):
            self.call(partial(self.client.tag.tag_user, tag_id, batch[start:start + TAG_BATCH]), idempotent=True)

    def create_menu(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self.call(lambda: self.client.menu.create(payload), idempotent=True)


def _translated(send: Callable[[], Any]) -> Any:
    """wechatpy and requests errors become one ApiError with WeChat's code (None: unreachable/5xx)."""
    try:
        return send()
    except WeChatClientException as error:
        if error.errcode is None:
            status = error.response.status_code if error.response is not None else "?"
            raise ApiError(None, f"HTTP {status}") from None
        raise ApiError(int(error.errcode), str(error.errmsg)) from None
    except (requests.Timeout, requests.ConnectionError) as error:
        raise ApiError(None, f"{type(error).__name__}") from None
    except json.JSONDecodeError:
        raise ApiError(None, "not JSON") from None


def make_api(settings: Settings, db: Database, **kwargs: Any) -> WeChatApi:
    """Redis holds the token when REDIS_URL is set (several hosts); the database otherwise."""
    tokens: TokenStore = RedisTokenStore(settings.REDIS_URL, settings.WECHAT_APP_ID) if settings.REDIS_URL \
        else DbTokenStore(db)
    return WeChatApi(settings, tokens, **kwargs)


def sends_for_real(settings: Settings) -> bool:
    """Development never talks to the real WeChat: its outbox is only shown at /dev/outbox."""
    return settings.production or not settings.WECHAT_API_BASE_URL.startswith(REAL_API)
