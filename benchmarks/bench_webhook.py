"""Per-message cost of the whole webhook path for a FAQ question, beside a bare wechatpy view.

Both run in one process through Flask's test client (no network), in safe (AES) mode, with the
same signed requests: the bare view only checks, decrypts, parses, replies and encrypts.
Usage: .venv/bin/python benchmarks/bench_webhook.py [--messages 400] [--database URL]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from flask import Flask, request
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import check_signature

from bot import create_app
from bot.wechat.simulate import WeChatSide

TOKEN, AES_KEY, APP_ID = "benchtoken123456", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx-bench"
QUESTIONS = ["日间照料中心晚上几点关门", "办居住证要带啥子", "太极拳好久上课", "低保咋个申请",
             "幼儿园收几岁的娃儿", "图书室几点开门", "路灯坏了找哪个", "议事会好久开"]


def bare_app() -> Flask:
    app = Flask("bare")
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)

    @app.post("/wechat")
    def wechat():  # type: ignore[no-untyped-def]
        args = request.args
        check_signature(TOKEN, args["signature"], args["timestamp"], args["nonce"])
        xml = crypto.decrypt_message(request.data, args["msg_signature"], args["timestamp"], args["nonce"])
        message = parse_message(xml)
        reply = create_reply("日间照料中心每天早上8:00到晚上21:00开放。", message)
        return crypto.encrypt_message(reply.render(), args["nonce"], args["timestamp"])

    return app


def measure(app: Flask, side: WeChatSide, count: int, prefix: str) -> list[float]:
    client = app.test_client()
    timings = []
    for i in range(count + 20):
        signed = side.text(f"{prefix}-{i % 50}", QUESTIONS[i % len(QUESTIONS)])
        start = time.perf_counter()
        response = client.post(signed.url, data=signed.body, content_type="text/xml")
        elapsed = time.perf_counter() - start
        assert response.status_code == 200 and b"<Encrypt>" in response.data, response.data[:200]
        if i >= 20:  # warm-up excluded
            timings.append(elapsed * 1000)
    return timings


def summary(name: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return (f"{name:<12} mean {statistics.mean(timings):6.2f} ms   p50 {p(0.5):6.2f} ms   "
            f"p95 {p(0.95):6.2f} ms   p99 {p(0.99):6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--database", help="DATABASE_URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    side = WeChatSide(TOKEN, AES_KEY, APP_ID)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"APP_ENV": "testing", "WECHAT_TOKEN": TOKEN, "WECHAT_ENCODING_AES_KEY": AES_KEY,
                          "WECHAT_APP_ID": APP_ID, "INSTANCE_DIR": folder,
                          "DATABASE_URL": args.database or f"sqlite:///{folder}/bench.db"})
        import logging
        logging.getLogger().setLevel(logging.WARNING)
        bare, whole = [], []
        for round_ in range(2):  # interleaved so both see the same machine state
            bare += measure(bare_app(), side, args.messages // 2, f"b{round_}")
            whole += measure(app, side, args.messages // 2, f"w{round_}")
        backend = app.extensions["community"].db.engine.dialect.name
    print(f"{args.messages} FAQ questions each, safe mode, database {backend}")
    print(summary("bare view", bare))
    print(summary("whole path", whole))
    print(f"ratio (mean): {statistics.mean(whole) / statistics.mean(bare):.2f}x")


if __name__ == "__main__":
    main()
