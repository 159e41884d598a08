"""Load with faults against gunicorn and PostgreSQL on one machine: nothing lost, nothing doubled, no 5xx.

Starts gunicorn as deploy/community-web.service does (--preload, 4 workers × 4 threads, safe mode, production
settings) on a free loopback port with a fresh PostgreSQL schema and the fake WeChat API, then K senders
post N signed messages between them (each resident's messages in order; every sender first asks the same
new question at the same instant). Mid-load one worker is killed with SIGKILL, twice; a request cut off
is retried with the same signed body, as WeChat does. Afterwards the database is checked message by message.
Usage: .venv/bin/python benchmarks/reliability.py [--messages 600] [--senders 12] [--database URL]
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from bot.models import FaqGap, ProcessedMessage, User  # noqa: E402
from bot.wechat.simulate import SignedRequest, WeChatSide  # noqa: E402
from tests.fake_wechat_api import serve  # noqa: E402

TOKEN, AES_KEY, APP_ID = "benchtoken1234567", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx-bench"
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNKNOWN = "村口那棵老黄葛树好多岁了"  # no FAQ answers it: every copy must be answered and counted
QUESTIONS = ["日间照料中心晚上几点关门", "办居住证要带啥子", "太极拳好久上课", "低保咋个申请", "菜单", "1",
             "图书室几点开门", "议事会好久开", "我要预约", "取消"]
RESIDENTS_PER_SENDER = 4
ATTEMPTS = 4  # WeChat tries a message 3 times; one more covers two kills landing on one message
TIMEOUT_SECONDS = 15
KILLS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_schema(server: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return schema, f"{server}?options=-csearch_path%3D{schema}"


def drop_schema(server: str, schema: str) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def start_gunicorn(port: int, database_url: str, api_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "APP_ENV": "production", "WECHAT_TOKEN": TOKEN, "WECHAT_ENCODING_AES_KEY": AES_KEY,
           "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": "bench-secret", "SECRET_KEY": uuid.uuid4().hex,
           "DATABASE_URL": database_url, "WECHAT_API_BASE_URL": api_url, "WECHAT_TEMPLATE_ID": "tpl-bench"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--preload", "-w", "4", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--timeout", "30", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(ROOT / "instance" / "bench-gunicorn.log", "wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not answer /healthz within 60 s; see instance/bench-gunicorn.log")


def workers_of(master: int) -> list[int]:
    """Children of our own gunicorn master, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return found


class Run:
    def __init__(self, base: str, side: WeChatSide) -> None:
        self.base, self.side = base, side
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.retried = self.unanswered = self.changed_on_retry = 0
        self.sent: list[tuple[str, str]] = []  # (dedup key, kind) of every message sent

    def post(self, http: requests.Session, signed: SignedRequest, key: str) -> None:
        first_reply = None
        for attempt in range(ATTEMPTS):
            try:
                response = http.post(f"{self.base}{signed.url}", data=signed.body, timeout=TIMEOUT_SECONDS,
                                     headers={"Content-Type": "text/xml"})
            except requests.RequestException:
                with self.lock:
                    self.retried += 1
                continue
            with self.lock:
                self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                continue
            reply = self.side.read_reply(response.content).get("Content", "")
            if first_reply is None:
                first_reply = reply
            if attempt and first_reply != reply:
                with self.lock:
                    self.changed_on_retry += 1
            break
        with self.lock:
            self.sent.append((key, "answered" if first_reply else "unanswered"))
            self.unanswered += not first_reply


def sender(run: Run, index: int, count: int, barrier: threading.Barrier) -> None:
    http = requests.Session()
    openids = [f"o-bench-{index}-{n}" for n in range(RESIDENTS_PER_SENDER)]
    barrier.wait()
    run.post(http, *_text(run.side, openids[0], UNKNOWN))  # every sender at once: the same new question
    for n in range(1, count):
        openid = openids[n % len(openids)]
        if n < len(openids):
            stamp = int(time.time())
            signed = run.side.event(openid, "subscribe", create_time=stamp)
            run.post(http, signed, f"evt:{openid}:{stamp}:subscribe:")
        elif n % 9 == 0:
            msg_id = _next_id()
            signed = run.side.build(openid, "image", MediaId=f"m-{index}-{n}", PicUrl="http://127.0.0.1/p.jpg",
                                    MsgId=msg_id)
            run.post(http, signed, f"msg:{msg_id}")
        else:
            run.post(http, *_text(run.side, openid, QUESTIONS[(n + index) % len(QUESTIONS)]))


_ids = iter(range(10**12, 10**13))
_ids_lock = threading.Lock()


def _next_id() -> int:
    with _ids_lock:
        return next(_ids)


def _text(side: WeChatSide, openid: str, words: str) -> tuple[SignedRequest, str]:
    msg_id = _next_id()
    return side.build(openid, "text", Content=words, MsgId=msg_id), f"msg:{msg_id}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--senders", type=int, default=12)
    parser.add_argument("--database", default=SERVER, help="a PostgreSQL server URL; a schema is made and dropped")
    args = parser.parse_args()
    senders, per_sender = args.senders, max(RESIDENTS_PER_SENDER + 1, args.messages // args.senders)
    fake, api_server = serve()
    schema, url = new_schema(args.database)
    (ROOT / "instance").mkdir(exist_ok=True)
    port = free_port()
    run = Run(f"http://127.0.0.1:{port}", WeChatSide(TOKEN, AES_KEY, APP_ID))
    killed: list[int] = []
    gunicorn = None
    try:
        gunicorn = start_gunicorn(port, url, fake.base_url)
        started = time.monotonic()
        barrier = threading.Barrier(senders)
        with ThreadPoolExecutor(senders) as pool:
            futures = [pool.submit(sender, run, i, per_sender, barrier) for i in range(senders)]
            total = senders * per_sender
            for k in range(1, KILLS + 1):
                while len(run.sent) < total * k // (KILLS + 1) and not all(f.done() for f in futures):
                    time.sleep(0.05)
                victims = workers_of(gunicorn.pid)
                if victims:
                    os.kill(victims[0], signal.SIGKILL)
                    killed.append(victims[0])
            for future in futures:
                future.result()
        elapsed = time.monotonic() - started
        report(run, url, senders, per_sender, killed, elapsed)
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        api_server.shutdown()
        drop_schema(args.database, schema)
    return 0


def report(run: Run, url: str, senders: int, per_sender: int, killed: list[int], elapsed: float) -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = Counter(connection.scalars(select(ProcessedMessage.key)))
        users = connection.scalar(select(func.count()).select_from(User))
        gap = connection.scalar(select(FaqGap.count).where(FaqGap.example == UNKNOWN))
    engine.dispose()
    keys = [key for key, _ in run.sent]
    lost = [key for key in keys if key not in stored]
    doubled = [key for key, n in stored.items() if n > 1] + [key for key, n in Counter(keys).items() if n > 1]
    server_errors = sum(n for status, n in run.statuses.items() if status >= 500)
    print(f"messages {len(keys)} from {senders} senders ({per_sender} each, {senders * RESIDENTS_PER_SENDER} "
          f"residents) in {elapsed:.1f} s = {len(keys) / elapsed:.0f}/s; workers killed with SIGKILL: {len(killed)}")
    print(f"HTTP statuses {dict(sorted(run.statuses.items()))}; 5xx: {server_errors}; "
          f"requests cut off and retried: {run.retried}")
    print(f"processed rows {sum(stored.values())}; lost {len(lost)}; duplicated {len(doubled)}; "
          f"unanswered {run.unanswered}; reply changed on retry {run.changed_on_retry}")
    print(f"same new question asked {senders} times at once: counted {gap}; resident rows {users} "
          f"(expected {senders * RESIDENTS_PER_SENDER})")
    ok = (not server_errors and not lost and not doubled and not run.unanswered and gap == senders
          and users == senders * RESIDENTS_PER_SENDER and not run.changed_on_retry)
    print("RESULT:", "held" if ok else "FAILED")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    sys.exit(main())
