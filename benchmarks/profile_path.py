"""Where one message's time goes, stage by stage, in-process (and with --cprofile, function by function).

Messages go through the whole WSGI app as in bench_webhook.py (safe mode, signed beforehand); each stage is
timed by wrapping the function that does it, so the matcher's share stands apart from the rest of the path.
Kinds: new (a FAQ question, each from a new resident), returning (a FAQ question from a resident who asked
one before), form (the steps of a problem report). Timings include the wrappers' own cost (≈ 1 µs each).
Usage: .venv/bin/python benchmarks/profile_path.py [--kind new|returning|form] [--messages 400]
       [--database postgresql+psycopg://…] [--cprofile]
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import io
import logging
import os
import pstats
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from reliability import drop_schema, new_schema
from traffic import QUESTIONS, SETTINGS, new_residents
from werkzeug.test import EnvironBuilder

import bot.conversation.assistant as assistant
import bot.wechat.webhook as webhook
from bot import create_app
from bot.content.vectors import finish_building
from bot.conversation.router import Dispatcher
from bot.knowledge import Knowledge
from bot.wechat.simulate import SignedRequest, WeChatSide

REPORT_STEPS = ["上报问题", "1", "老街口的路灯不亮", "1", "跳过", "取消"]
spent: dict[str, float] = {}


def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - start
    return wrapper


def timed_batch(batch: Callable[..., Any]) -> Callable[..., Any]:
    @contextmanager
    def wrapper(connection: Any, **flags: bool) -> Iterator[None]:
        label = ("  closing batch (PostgreSQL: with COMMIT)" if flags.get("commit")
                 else "  opening batch (claim, resident, state)")
        start = time.perf_counter()
        try:
            with batch(connection, **flags):
                yield
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - start
    return wrapper


def instrument() -> None:
    from sqlalchemy.orm.session import SessionTransaction

    for name in ("verify", "parse_xml", "to_message", "render"):
        setattr(webhook, name, timed(f"web: {name}", getattr(webhook, name)))
    crypto = webhook.AccountCrypto
    crypto.decrypt_message = timed("web: decrypt", crypto.decrypt_message)
    crypto.encrypt_message = timed("web: encrypt", crypto.encrypt_message)
    Knowledge.match = timed("MATCHER (bot/knowledge)", Knowledge.match)
    assistant.Assistant._run = timed("transaction, whole", assistant.Assistant._run)
    assistant.batch = timed_batch(assistant.batch)
    Dispatcher.dispatch = timed("  handler (routing, reply)", Dispatcher.dispatch)
    SessionTransaction.commit = timed("  session commit (SQLite: COMMIT)", SessionTransaction.commit)


def requests_for(side: WeChatSide, kind: str, count: int,
                 prefix: str) -> tuple[list[SignedRequest], list[SignedRequest]]:
    """(sent first, untimed; timed)."""
    if kind == "new":
        return [], new_residents(side, count, prefix)
    if kind == "returning":
        return (new_residents(side, count, prefix),
                [side.text(f"{prefix}-{i}", QUESTIONS[(i + 3) % len(QUESTIONS)]) for i in range(count)])
    residents = max(1, count // len(REPORT_STEPS))
    return [], [side.text(f"{prefix}-{i}", step) for step in REPORT_STEPS for i in range(residents)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=("new", "returning", "form"), default="new")
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--database", help="a PostgreSQL server URL (a schema is made and dropped); default SQLite")
    parser.add_argument("--cprofile", action="store_true", help="also the 40 functions with the most own time")
    args = parser.parse_args()
    side = WeChatSide(SETTINGS["WECHAT_TOKEN"], SETTINGS["WECHAT_ENCODING_AES_KEY"], SETTINGS["WECHAT_APP_ID"])
    with tempfile.TemporaryDirectory() as folder:
        schema, url = new_schema(args.database) if args.database else ("", f"sqlite:///{folder}/profile.db")
        app = create_app({"APP_ENV": "testing", **SETTINGS, "INSTANCE_DIR": folder, "DATABASE_URL": url})
        finish_building()  # a cold vector cache is filled before the timing, not on a thread during it
        logging.getLogger().setLevel(logging.WARNING)

        def send(requests: list[SignedRequest]) -> tuple[float, float]:
            environs = [EnvironBuilder(path="/wechat", query_string=r.query, method="POST", data=r.body,
                                       content_type="text/xml").get_environ() for r in requests]
            start, start_cpu = time.perf_counter(), time.thread_time()
            for environ in environs:
                b"".join(app.wsgi_app(environ, lambda *_: None))
            return time.perf_counter() - start, time.thread_time() - start_cpu

        for warm in requests_for(side, args.kind, 100, "warm"):
            send(warm)
        before, timed_requests = requests_for(side, args.kind, args.messages, "p")
        send(before)
        instrument()
        profile = cProfile.Profile() if args.cprofile else None
        if profile:
            profile.enable()
        wall, cpu = send(timed_requests)
        if profile:
            profile.disable()
        backend = app.extensions["community"].db.engine.dialect.name
        app.extensions["community"].db.dispose()
        if schema:
            drop_schema(args.database, schema)
    n = len(timed_requests)
    print(f"{args.kind}, {backend}: {n} messages; per message wall {wall / n * 1000:.3f} ms, "
          f"CPU {cpu / n * 1000:.3f} ms")
    for label, seconds in spent.items():
        print(f"  {label:<44} {seconds / n * 1000:6.3f} ms")
    matcher = spent.get("MATCHER (bot/knowledge)", 0.0)
    print(f"  {'whole path without the matcher':<44} {(wall - matcher) / n * 1000:6.3f} ms")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(40)
        print(out.getvalue())


if __name__ == "__main__":
    main()
