"""The semantic channel's cost: start-up, memory, and the whole webhook path for messages
that take it vs. messages the lexical channel answers alone.

Every question of the dev, rambling and held-out sets goes through the real webhook (safe
mode, SQLite, Flask's test client) twice: with EMBEDDINGS=e5 and with EMBEDDINGS=off. A
message "takes the semantic path" when the model was asked about it. Wall time is what a
resident waits; CPU time (this thread's) is the cost itself, which a busy machine does not
inflate — the project machine is shared, so both are printed.
Usage: .venv/bin/python benchmarks/bench_semantic.py [--cache DIR] [--rounds 2]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import create_app  # noqa: E402
from bot.wechat.simulate import WeChatSide  # noqa: E402

TOKEN, AES_KEY, APP_ID = "benchtoken123456", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx-bench"
SETS = ["tests/data/faq_dev.yaml", "tests/knowledge/data/rambling.yaml", "tests/data/faq_holdout.yaml",
        "tests/data/faq_holdout2.yaml"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def line(name: str, values: list[float]) -> str:
    return (f"{name:<38} n={len(values):<5} mean {sum(values) / max(1, len(values)):6.2f} ms  "
            f"p50 {pct(values, 0.5):6.2f} ms  p95 {pct(values, 0.95):6.2f} ms  p99 {pct(values, 0.99):6.2f} ms")


def app_for(mode: str, folder: str, cache: Path):  # type: ignore[no-untyped-def]
    return create_app({"APP_ENV": "testing", "WECHAT_TOKEN": TOKEN, "WECHAT_ENCODING_AES_KEY": AES_KEY,
                       "WECHAT_APP_ID": APP_ID, "INSTANCE_DIR": folder, "EMBEDDINGS": mode,
                       "EMBEDDINGS_CACHE_DIR": str(cache), "DATABASE_URL": f"sqlite:///{folder}/{mode}.db"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "instance", help="where FAQ vectors are cached")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    questions = [item["q"] for name in SETS for item in yaml.safe_load((ROOT / name).read_text("utf-8"))]
    side = WeChatSide(TOKEN, AES_KEY, APP_ID)
    import logging
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        before = rss_mb()
        start = time.perf_counter()
        lexical_app = app_for("off", folder, args.cache)
        lexical_start = time.perf_counter() - start
        lexical_rss = rss_mb()
        start = time.perf_counter()
        semantic_app = app_for("e5", folder, args.cache)
        knowledge = semantic_app.extensions["community"].library.current().knowledge
        knowledge.semantic_ready(600)
        semantic_start = time.perf_counter() - start
        semantic_rss = rss_mb()
        vectors = knowledge._index.vectors
        print(f"{len(questions)} questions x {args.rounds} rounds, {len(knowledge.phrasings)} phrasings")
        print(f"start-up: lexical app {lexical_start:.2f} s (RSS {before:.0f} -> {lexical_rss:.0f} MB); "
              f"+ semantic app {semantic_start:.2f} s (model + cached vectors; RSS -> {semantic_rss:.0f} MB)")
        clients = {"e5": semantic_app.test_client(), "off": lexical_app.test_client()}  # e5 first: it marks
        groups = ("semantic path (e5)", "lexical path (e5)", "same messages, EMBEDDINGS=off", "all (off)")
        timings: dict[str, list[float]] = {f"{g} {kind}": [] for g in groups for kind in ("wall", "CPU")}

        def record(group: str, wall: float, cpu: float) -> None:
            timings[f"{group} wall"].append(wall)
            timings[f"{group} CPU"].append(cpu)

        took, marker = 0, False
        for round_ in range(args.rounds):
            for i, question in enumerate(questions):
                for mode, client in clients.items():
                    asked = vectors.queries
                    signed = side.text(f"{mode}-{round_}-{i}", question)
                    start, cpu_start = time.perf_counter(), time.thread_time()
                    response = client.post(signed.url, data=signed.body, content_type="text/xml")
                    wall = (time.perf_counter() - start) * 1000
                    cpu = (time.thread_time() - cpu_start) * 1000
                    assert response.status_code == 200
                    if mode == "e5":
                        marker = vectors.queries > asked
                        took += marker and round_ == 0
                        record("semantic path (e5)" if marker else "lexical path (e5)", wall, cpu)
                    else:
                        record("all (off)", wall, cpu)
                        if marker:
                            record("same messages, EMBEDDINGS=off", wall, cpu)
        print(f"messages taking the semantic path: {took} of {len(questions)} ({100 * took / len(questions):.1f} %)")
        for name, values in timings.items():
            print(line(name, values))
        print(f"max RSS {rss_mb():.0f} MB")
        for app in (lexical_app, semantic_app):
            app.extensions["community"].db.dispose()


if __name__ == "__main__":
    main()
