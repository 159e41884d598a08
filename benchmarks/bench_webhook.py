"""Server-side cost of one message, whole path, beside a bare wechatpy + Flask view in the same run.

Each message is a FAQ question from a new resident, in safe (AES) mode. Requests are signed and their
WSGI environments built beforehand, so what is timed is the server alone: the WSGI call, from the raw
request to the encrypted reply. Bare and whole path alternate, round by round; the first round of each
is warm-up. Usage: .venv/bin/python benchmarks/bench_webhook.py [--messages 500] [--rounds 6] [--database postgresql+psycopg://…]
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from reliability import drop_schema, new_schema
from traffic import SETTINGS, bare_app, new_residents
from werkzeug.test import EnvironBuilder

from bot import create_app
from bot.content.vectors import finish_building
from bot.wechat.simulate import WeChatSide


def server_times(app: Callable[..., Any], environs: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """Milliseconds per request, each a complete WSGI call with its body read out: wall clock, and the CPU
    time of this thread (which a machine busy with other work does not inflate)."""
    timings, cpu = [], []
    statuses: list[str] = []

    def start_response(status: str, _headers: Any, _exc: Any = None) -> None:
        statuses.append(status)

    for environ in environs:
        start, start_cpu = time.perf_counter(), time.thread_time()
        body = b"".join(app(environ, start_response))
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        assert statuses[-1].startswith("200") and b"<Encrypt>" in body, (statuses[-1], body[:200])
    return timings, cpu


def environs_for(side: WeChatSide, count: int, prefix: str) -> list[dict[str, Any]]:
    return [EnvironBuilder(path="/wechat", query_string=r.query, method="POST", data=r.body,
                           content_type="text/xml").get_environ() for r in new_residents(side, count, prefix)]


def percentile(timings: list[float], q: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500, help="per side and round")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--database", help="a PostgreSQL server URL (a schema is made and dropped); default SQLite")
    args = parser.parse_args()
    side = WeChatSide(SETTINGS["WECHAT_TOKEN"], SETTINGS["WECHAT_ENCODING_AES_KEY"], SETTINGS["WECHAT_APP_ID"])
    with tempfile.TemporaryDirectory() as folder:
        schema, url = new_schema(args.database) if args.database else ("", f"sqlite:///{folder}/bench.db")
        ours = create_app({"APP_ENV": "testing", **SETTINGS, "INSTANCE_DIR": folder, "DATABASE_URL": url})
        finish_building()  # a cold vector cache is filled before the timing, not on a thread during it
        logging.getLogger().setLevel(logging.WARNING)
        bare = bare_app()
        medians: dict[str, list[float]] = {"bare": [], "ours": []}
        everything: dict[str, list[float]] = {"bare": [], "ours": []}
        cpu: dict[str, list[float]] = {"bare": [], "ours": []}
        run = time.strftime("%H%M%S")
        for round_ in range(args.rounds + 1):
            for name, app in (("bare", bare.wsgi_app), ("ours", ours.wsgi_app)):
                timings, cpu_times = server_times(app, environs_for(side, args.messages, f"{name}{run}r{round_}"))
                if round_:  # round 0 warms both up
                    medians[name].append(statistics.median(timings))
                    everything[name] += timings
                    cpu[name] += cpu_times
        backend = ours.extensions["community"].db.engine.dialect.name
        ours.extensions["community"].db.dispose()
        if schema:
            drop_schema(args.database, schema)
    print(f"{args.messages} FAQ questions from new residents per side and round, {args.rounds} rounds, "
          f"safe mode, database {backend}")
    for name in ("bare", "ours"):
        print(f"{name:<5} median {statistics.median(medians[name]):5.2f} ms (rounds "
              f"{min(medians[name]):.2f}–{max(medians[name]):.2f})   p95 {percentile(everything[name], 0.95):5.2f} ms"
              f"  p99 {percentile(everything[name], 0.99):.2f} ms  CPU median {statistics.median(cpu[name]):.2f} ms")
    ratios = [o / b for o, b in zip(medians["ours"], medians["bare"], strict=True)]
    print(f"ratio of medians {statistics.median(medians['ours']) / statistics.median(medians['bare']):.2f}x "
          f"(rounds {min(ratios):.2f}–{max(ratios):.2f}x); of CPU medians "
          f"{statistics.median(cpu['ours']) / statistics.median(cpu['bare']):.2f}x")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine inflates "
          "wall-clock times, CPU times much less)")


if __name__ == "__main__":
    main()
