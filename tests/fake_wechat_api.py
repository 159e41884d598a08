"""A fake WeChat API on 127.0.0.1: issues tokens, records calls, answers chosen errors or stalls."""
from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

PREFIX = "/cgi-bin/"
SENDS = ("message/custom/send", "message/template/send", "message/mass/sendall")


@dataclass
class Call:
    endpoint: str
    token: str
    body: dict[str, Any]


@dataclass
class Rule:
    endpoint: str | None  # None: any endpoint but token
    answer: int | str  # a WeChat errcode, "stall" or "http500"
    times: int | None  # None: always


@dataclass(frozen=True)
class MediaFile:
    """What media/get answers for a known media_id: the bytes, not JSON."""

    data: bytes
    content_type: str


@dataclass
class FakeWeChatApi:
    calls: list[Call] = field(default_factory=list)
    token_fetches: int = 0
    stall_seconds: float = 2.0
    _rules: list[Rule] = field(default_factory=list)
    _valid: set[str] = field(default_factory=set)
    _mass_ids: set[str] = field(default_factory=set)
    _tags: dict[str, int] = field(default_factory=dict)
    _media: dict[str, MediaFile] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(100))
    base_url: str = ""

    # --- what a test tells it -------------------------------------------------------
    def fail(self, answer: int | str, endpoint: str | None = None, times: int | None = 1) -> None:
        """Answer `answer` (errcode, "stall", "http500") to the next `times` calls (None: always)."""
        with self._lock:
            self._rules.append(Rule(endpoint, answer, times))

    def has_media(self, media_id: str, data: bytes, content_type: str = "image/jpeg") -> None:
        """media/get of this id answers the file (an unknown id gets 40007, as an expired one does)."""
        with self._lock:
            self._media[media_id] = MediaFile(data, content_type)

    def expire_tokens(self) -> None:
        with self._lock:
            self._valid.clear()

    def sent(self, endpoint: str | None = None) -> list[Call]:
        """Calls that WeChat accepted, optionally of one endpoint."""
        return [c for c in self.calls if endpoint is None or c.endpoint == endpoint]

    def recipients(self) -> list[str]:
        return [c.body.get("touser", "") for c in self.calls if c.endpoint in SENDS[:2]]

    # --- the server side ------------------------------------------------------------
    def answer(self, endpoint: str, params: dict[str, str],
               body: dict[str, Any]) -> tuple[int, dict[str, Any] | MediaFile]:
        with self._lock:
            rule = self._take_rule(endpoint)
        if rule == "stall":
            time.sleep(self.stall_seconds)
        elif rule == "http500":
            return 500, {}
        elif rule is not None:
            return 200, {"errcode": rule, "errmsg": f"fake error {rule}"}
        if endpoint == "token":
            with self._lock:
                self.token_fetches += 1
                token = f"token-{next(self._ids)}"
                self._valid.add(token)
            return 200, {"access_token": token, "expires_in": 7200}
        token = params.get("access_token", "")
        with self._lock:
            if token not in self._valid:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            if endpoint == "message/mass/sendall":
                if body.get("clientmsgid") in self._mass_ids:
                    return 200, {"errcode": 45065, "errmsg": "clientmsgid exist"}
                self._mass_ids.add(body.get("clientmsgid", ""))
            self.calls.append(Call(endpoint, token, params if endpoint == "media/get" else body))
            if endpoint == "media/get":
                found = self._media.get(params.get("media_id", ""))
                return 200, found or {"errcode": 40007, "errmsg": "invalid media_id"}
            if endpoint == "tags/create":
                tag_id = next(self._ids)
                self._tags[body["tag"]["name"]] = tag_id
                return 200, {"tag": {"id": tag_id, "name": body["tag"]["name"]}}
            if endpoint == "tags/get":
                return 200, {"tags": [{"id": i, "name": n, "count": 0} for n, i in self._tags.items()]}
        extra = {"msg_id": next(self._ids)} if endpoint == "message/mass/sendall" else {}
        return 200, {"errcode": 0, "errmsg": "ok", **extra}

    def _take_rule(self, endpoint: str) -> int | str | None:
        for rule in self._rules:
            if rule.endpoint == endpoint or (rule.endpoint is None and endpoint != "token"):
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                return rule.answer
        return None


def serve() -> tuple[FakeWeChatApi, ThreadingHTTPServer]:
    """Start the fake on a random loopback port in a daemon thread."""
    fake = FakeWeChatApi()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            url = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw.decode("utf-8")) if raw else {}
            status, answer = fake.answer(url.path.removeprefix(PREFIX), params, body)
            if isinstance(answer, MediaFile):
                data, content_type = answer.data, answer.content_type
            else:
                data, content_type = json.dumps(answer, ensure_ascii=False).encode(), "application/json"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _handle

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return fake, server


@pytest.fixture
def fake_api() -> Iterator[FakeWeChatApi]:
    fake, server = serve()
    yield fake
    server.shutdown()
    server.server_close()
