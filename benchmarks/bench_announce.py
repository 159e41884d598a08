"""Announcement benchmark: queue 10,000 recipients, drain them through the fake WeChat API, and
measure the webhook's latency while the sender runs.

    .venv/bin/python benchmarks/bench_announce.py [--residents N] [--rate R] [--database-url URL]

The app runs as in production minus WeChat: a real HTTP server (werkzeug, threaded) answers
signed webhook requests while the scheduler's sender drains the outbox into the fake API on
127.0.0.1. Half the residents wrote within 48 hours (customer-service messages), half did not
(template messages). --rate is SEND_RATE_PER_SECOND (default: high, to measure the ceiling).
Not a test: it prints numbers and exits 0.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from bot import create_app  # noqa: E402
from bot.models import User, utcnow  # noqa: E402
from bot.outbound.scheduler import Worker  # noqa: E402
from bot.services.announcements import announce, find_audience  # noqa: E402
from bot.wechat.simulate import WeChatSide  # noqa: E402
from tests.fake_wechat_api import serve  # noqa: E402

TOKEN = "benchtoken123"
QUESTIONS = ["太极拳几点上课", "菜单", "日间照料中心几点关门", "办居住证要带什么", "订阅议事会提醒"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100_000.0, help="SEND_RATE_PER_SECOND")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    fake, api_server = serve()
    folder = tempfile.mkdtemp(prefix="bench-announce-")
    app = create_app({
        "APP_ENV": "testing", "WECHAT_TOKEN": TOKEN, "WECHAT_API_BASE_URL": fake.base_url,
        "WECHAT_TEMPLATE_ID": "tpl-bench", "SEND_RATE_PER_SECOND": args.rate, "INSTANCE_DIR": folder,
        "DATABASE_URL": args.database_url or f"sqlite:///{folder}/bench.db",
    })
    assistant = app.extensions["community"]
    db, settings = assistant.db, assistant.settings
    calendar = assistant.library.current().calendar
    now = utcnow()
    with db.transaction() as session:
        session.execute(insert(User), [
            {"openid": f"o-bench-{i:05d}", "subscribed": True, "created_at": now,
             "last_message_at": now - timedelta(hours=1 if i % 2 else 72)}
            for i in range(args.residents)
        ])

    started = time.perf_counter()
    with db.transaction() as session:
        row, count = announce(session, calendar, settings, author="bench", text="本周六上午9点文化广场义诊。",
                              audience=find_audience(calendar, "所有人"), now=utcnow())
    queue_seconds = time.perf_counter() - started

    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"
    side = WeChatSide(TOKEN)

    worker = Worker(app)
    sent = {"n": 0}

    def drain() -> None:
        sent["n"] = worker.sender.drain(budget_seconds=None)

    sender = threading.Thread(target=drain)
    started = time.perf_counter()
    sender.start()
    latencies: list[float] = []
    session = requests.Session()
    i = 0
    while sender.is_alive():
        signed = side.text(f"o-visitor-{i % 500}", QUESTIONS[i % len(QUESTIONS)])  # not a recipient
        t0 = time.perf_counter()
        response = session.post(base + signed.url, data=signed.body, headers={"Content-Type": "text/xml"})
        latencies.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
        i += 1
    sender.join()
    send_seconds = time.perf_counter() - started
    http.shutdown()
    api_server.shutdown()

    custom = len(fake.sent("message/custom/send"))
    template = len(fake.sent("message/template/send"))
    print(f"database: {db.engine.dialect.name}; residents: {args.residents}; SEND_RATE_PER_SECOND: {args.rate:g}")
    print(f"queue announcement #{row.id} to {count} recipients: {queue_seconds * 1000:.0f} ms")
    print(f"sender: {sent['n']} messages in {send_seconds:.1f} s = {sent['n'] / send_seconds:.0f} msg/s "
          f"(customer-service {custom}, template {template})")
    if latencies:
        print(f"webhook while sending: {len(latencies)} requests, median {statistics.median(latencies):.1f} ms, "
              f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms (goal p99 < 100 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
