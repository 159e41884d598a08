"""FAQ matcher benchmark: match latency, index build time and memory.

    .venv/bin/python benchmarks/bench_matcher.py [--synthetic N] [--phrasings K] [--rounds R]

Two indexes are measured:
* the real FAQ (``faq/``), with the development questions (``tests/data/faq_dev.yaml``) as
  the workload, falling back to the FAQ's own phrasings with noise if that file is absent;
* N synthetic entries (default 10,000) of K phrasings each, built from random dictionary
  nouns in the shapes residents use (…在哪里, …几点开门, …要带什么材料), queried with noisy
  variants (fillers, dialect, homophone typos) of their phrasings.

Long messages (``tests/knowledge/data/rambling.yaml``) are also measured padded at the front
with a story: to 300 characters with clauses of the same set that do not ask (they name other
places and services: the hard case), and the on-topic ones past 300, 500 and 1,000 characters
with clauses that neither ask nor name anything of the community's, so that the expected
answer stays the right one. For those the report says how many are still answered (an answer
or a choice) and answered right (the expected entry), next to the same messages unpadded.

Latency is per ``Knowledge.match`` call with the whole-question pinyin cache and the texts the
matcher remembers for one message cleared between rounds, so every question is new to the
matcher (token-level caches stay warm, as they do in a running server). jieba's dictionary
load is reported separately from index build time. Not a test: it prints numbers and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from knowledge_data import add_data_arguments  # noqa: E402

from bot.content.loader import load_knowledge, load_lexicon  # noqa: E402
from bot.knowledge.faq import Knowledge  # noqa: E402
from bot.knowledge.model import Entry  # noqa: E402
from bot.knowledge.phonetic import codes  # noqa: E402
from bot.knowledge.segment import _base_tokenizer, _load_word_weights  # noqa: E402

SHAPES = [
    "{a}在哪里", "{a}几点开门", "{a}的{b}怎么办理", "办{a}要带什么材料", "{a}{b}多少钱",
    "{a}能不能{v}", "{a}什么时候{v}", "我想问一下{a}{b}的事", "{b}找哪个", "{a}归哪个管",
    "{a}有没有{b}", "{a}{b}是什么意思",
]
VERBS = ["报名", "申请", "办理", "登记", "参加", "预约", "领取", "上报", "开门", "交费"]
NOISE = ["嗯那个", "请问一下", "麻烦问下", "我想问下", ""]
ENDINGS = ["嘛", "噻", "不", "哦", "", "吗"]
HOMOPHONES = {"心": "新", "证": "正", "儿": "耳", "拳": "全", "住": "主", "理": "里", "报": "保"}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def noisy(text: str, rng: random.Random) -> str:
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in HOMOPHONES and rng.random() < 0.3:
            chars[i] = HOMOPHONES[ch]
    return rng.choice(NOISE) + "".join(chars) + rng.choice(ENDINGS)


def timed_matches(
    knowledge: Knowledge, questions: list[str], rounds: int
) -> tuple[list[float], list[float]]:
    """(wall ms, CPU ms) per match. CPU time (this thread only) is what the matcher costs;
    wall time also counts waiting for a core when the machine is busy with other work."""
    for q in questions[:50]:
        knowledge.match(q)  # warm-up: first-call costs (imports, regex caches)
    wall, cpu = [], []
    for _ in range(rounds):
        codes.cache_clear()
        forget = getattr(knowledge._index, "forget_recent", None)  # (older versions: none)
        if forget is not None:
            forget()
        for q in questions:
            start, start_cpu = time.perf_counter(), time.thread_time()
            knowledge.match(q)
            cpu.append((time.thread_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def build(make, trace: bool = True) -> tuple[Knowledge, float, float, float | None, float]:
    """(knowledge, seconds, CPU seconds, tracemalloc peak MB, RSS delta MB). CPU time (this
    thread) is what the build costs; wall time also counts waiting for a core.

    Timed without tracemalloc (it slows allocation-heavy code several times over); the
    allocation peak comes from a second, traced build when ``trace``."""
    gc.collect()
    rss0 = rss_mb()
    start, start_cpu = time.perf_counter(), time.thread_time()
    knowledge = make()
    seconds, cpu = time.perf_counter() - start, time.thread_time() - start_cpu
    gc.collect()
    rss = rss_mb() - rss0
    peak = None
    if trace:
        tracemalloc.start()
        make()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        gc.collect()
    return knowledge, seconds, cpu, peak, rss


def fmt_peak(peak: float | None) -> str:
    return "n/a" if peak is None else f"{peak:.1f} MB"


def synthetic_entries(n: int, k: int, rng: random.Random) -> list[Entry]:
    tok = _base_tokenizer()
    nouns = sorted(
        w for w, f in tok.FREQ.items()
        if f >= 50 and 2 <= len(w) <= 3 and all("\u4e00" <= c <= "\u9fff" for c in w)
    )
    rng.shuffle(nouns)
    entries = []
    for i in range(n):
        a, b = nouns[(2 * i) % len(nouns)], nouns[(2 * i + 1) % len(nouns)]
        shapes = rng.sample(SHAPES, k)
        questions = tuple(s.format(a=a, b=b, v=rng.choice(VERBS)) for s in shapes)
        entries.append(Entry(f"syn.{i}", questions, f"{a}{b}的答复。", f"synthetic:{i}"))
    return entries


def story_clauses(knowledge: Knowledge, messages: list[str], naming: bool = False) -> list[str]:
    """Clauses of the messages that do not ask, and (unless ``naming``) name nothing of the
    community's."""
    index = knowledge._index
    return sorted({
        c for m in messages for c in index.clauses(m)
        if not index._asks(c) and (naming or not index.topics(index._rewrite(index.normalize(c))))
    })


def padded(message: str, length: int, story: list[str], rng: random.Random) -> str:
    """The message after story clauses, at least ``length`` characters in all."""
    told: list[str] = []
    while len(" ".join([*told, message])) < length:
        told.append(rng.choice(story))
    return " ".join([*told, message])


def answered(knowledge: Knowledge, items: list[dict]) -> tuple[int, int]:
    """(answered or offered as a choice, answered with an expected entry)."""
    some = right = 0
    for item in items:
        m = knowledge.match(item["q"])
        expect = item["expect"] if isinstance(item["expect"], list) else [item["expect"]]
        some += m.outcome in ("answer", "clarify")
        right += m.outcome == "answer" and m.candidates[0].id in expect
    return some, right


def report(name: str, timings: tuple[list[float], list[float]]) -> None:
    print(f"  match  {len(timings[0])} calls on {name}")
    for label, times in zip(("wall", "cpu "), timings, strict=True):
        print(
            f"    {label}  p50 {statistics.median(times):.2f} ms  "
            f"p95 {percentile(times, 95):.2f} ms  p99 {percentile(times, 99):.2f} ms  "
            f"max {max(times):.2f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--synthetic", type=int, default=10_000)
    parser.add_argument("--phrasings", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(20240601)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPUs, load average {load:.2f} (other work inflates wall time)")

    rss_start = rss_mb()
    start = time.perf_counter()
    _base_tokenizer()
    _load_word_weights()
    print(f"jieba dictionary + word tags load: {time.perf_counter() - start:.2f} s "
          f"(RSS +{rss_mb() - rss_start:.0f} MB; once per process, not part of a (re)build)")

    print(f"\nreal FAQ ({args.faq})")
    knowledge, seconds, cpu, peak, rss = build(lambda: load_knowledge(args.faq))
    index = knowledge._index
    print(f"  build  {seconds:.3f} s (CPU {cpu:.3f} s) for {len(knowledge.entries)} entries / "
          f"{len(index.p_norm)} phrasings   tracemalloc peak {fmt_peak(peak)}, "
          f"RSS +{rss:.1f} MB")
    if args.dev.exists():
        questions = [item["q"] for item in yaml.safe_load(args.dev.read_text("utf-8"))]
        source = f"{len(questions)} dev questions"
    else:
        questions = [noisy(q, rng) for e in knowledge.entries.values() for q in e.questions]
        source = "noisy FAQ phrasings"
    report(source, timed_matches(knowledge, questions, args.rounds))
    if args.rambling.exists():
        # Long messages: scored whole and on their focus parts (several rankings each).
        items = yaml.safe_load(args.rambling.read_text("utf-8"))
        long = [item["q"] for item in items]
        report(f"{len(long)} long messages", timed_matches(knowledge, long, args.rounds))
        story = story_clauses(knowledge, long)
        told_rng = random.Random(7)  # its own: the synthetic FAQ below stays the same
        voice = [padded(q, 300, story_clauses(knowledge, long, naming=True), told_rng) for q in long]
        report(f"{len(voice)} long messages padded to ~300 characters (a story naming things first)",
               timed_matches(knowledge, voice, args.rounds))
        on_topic = [item for item in items if item["expect"]]
        some, right = answered(knowledge, on_topic)
        print(f"  story first: of {len(on_topic)} on-topic long messages, unpadded {some} answered "
              f"({right} right)")
        for length in (300, 500, 1000):
            told = [{**item, "q": padded(item["q"], length + 1, story, told_rng)} for item in on_topic]
            some, right = answered(knowledge, told)
            print(f"    padded past {length} characters: {some} answered ({right} right)")
            if length > 300:
                report(f"{len(told)} story-first messages past {length} characters",
                       timed_matches(knowledge, [item["q"] for item in told], args.rounds))

    if args.synthetic:
        print(f"\nsynthetic FAQ: {args.synthetic} entries x {args.phrasings} phrasings")
        entries = synthetic_entries(args.synthetic, args.phrasings, rng)
        lexicon = load_lexicon(args.faq)
        knowledge, seconds, cpu, _, rss = build(lambda: Knowledge(entries, lexicon), trace=False)
        print(f"  build  {seconds:.2f} s (CPU {cpu:.2f} s)   RSS +{rss:.1f} MB")
        sample = rng.sample(entries, 500)
        questions = [noisy(rng.choice(e.questions), rng) for e in sample]
        report("noisy synthetic phrasings", timed_matches(knowledge, questions, args.rounds))
        hits = sum(
            1 for e, q in zip(sample, questions, strict=True)
            if (m := knowledge.match(q)).candidates and m.candidates[0].id == e.id
        )
        print(f"  (sanity: the right synthetic entry is first for {hits}/{len(sample)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
