"""FAQ matcher accuracy: cross-validation over the FAQ's own phrasings + the dev set.

    .venv/bin/python benchmarks/eval_matcher.py [--folds K] [--misses N] [--no-cv]

* cross-validation: each entry's phrasings are split into K folds (round robin, the first
  phrasing -- usually the plainest -- goes to fold 0 like any other); for each fold the index
  is built without that fold's phrasings and queried with them. Measures how the matcher
  does on phrasings it has not seen, which is what fresh resident questions are.
* dev set (``tests/data/faq_dev.yaml``): top-1 on the on-topic questions, rejection of the
  off-topic ones (expect: null), with the full FAQ.
* rambling set (``tests/knowledge/data/rambling.yaml``): long, voice-style messages that tell
  a situation before (or instead of) asking; on-topic top-1 and off-topic rejection.
* off-topic under cross-validation: the dev set's null questions against each fold's index
  (a smaller index should not make the matcher more willing to answer).

Prints top-1 (answered with the right entry), clarify (a choice containing the right one),
wrong (answered with another entry, or a choice without the right one) and reject
(unknown). Not a test: it prints numbers and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from knowledge_data import add_data_arguments  # noqa: E402

from bot.content.library import semantic_channel  # noqa: E402
from bot.content.loader import load_entries, load_lexicon  # noqa: E402
from bot.content.vectors import phrasing_vectors  # noqa: E402
from bot.knowledge.faq import Knowledge  # noqa: E402
from bot.knowledge.matcher import Settings  # noqa: E402
from bot.knowledge.model import Entry  # noqa: E402


def grade(knowledge: Knowledge, question: str, wanted: list[str]) -> str:
    m = knowledge.match(question)
    got = [c.id for c in m.candidates]
    if m.outcome == "answer":
        return "top1" if got[0] in wanted else "wrong"
    if m.outcome == "clarify":
        return "clarify" if any(g in wanted for g in got) else "wrong"
    return "reject"


def line(name: str, c: Counter[str], n: int) -> str:
    def pct(k: str) -> str:
        return f"{100 * c[k] / n:5.1f}%" if n else "  n/a"
    return (f"{name:<22} n={n:<4} top1 {pct('top1')}  clarify {pct('clarify')}  "
            f"wrong {pct('wrong')}  reject {pct('reject')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--misses", type=int, default=0, help="print this many CV misses")
    parser.add_argument("--dev-misses", action="store_true")
    parser.add_argument("--no-cv", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a matcher Settings field (repeatable)")
    args = parser.parse_args()
    settings = Settings(**{k: float(v) if "." in v else int(v)
                           for k, v in (kv.split("=", 1) for kv in args.set)})

    lexicon = load_lexicon(args.faq)
    entries = load_entries(args.faq)
    dev = yaml.safe_load(args.dev.read_text("utf-8")) if args.dev.exists() else []
    off = [item["q"] for item in dev if item["expect"] is None]
    on = [(item["q"], item["expect"] if isinstance(item["expect"], list) else [item["expect"]])
          for item in dev if item["expect"] is not None]

    semantic = semantic_channel(args.embeddings, args.cache)

    def knowledge_of(some: list[Entry]) -> Knowledge:
        k = Knowledge(some, lexicon, settings)
        if semantic:
            k.use_vectors(phrasing_vectors(semantic.embedder, k.phrasings, semantic.cache_dir,
                                           background=False))
        return k

    start = time.perf_counter()
    full = knowledge_of(entries)
    build = time.perf_counter() - start
    dev_c: Counter[str] = Counter()
    dev_miss = []
    for q, wanted in on:
        g = grade(full, q, wanted)
        dev_c[g] += 1
        if g != "top1":
            m = full.match(q)
            dev_miss.append(f"  {g:7} {q}  want {wanted} got {m.outcome} "
                            f"{[c.id for c in m.candidates]} {m.score}")
    off_c: Counter[str] = Counter(grade(full, q, []) for q in off)
    for q in off:
        m = full.match(q)
        if m.outcome != "unknown":
            dev_miss.append(f"  OFF     {q}  got {m.outcome} {[c.id for c in m.candidates]} "
                            f"{m.score}")
    ram = yaml.safe_load(args.rambling.read_text("utf-8")) if args.rambling.exists() else []
    ram_on: Counter[str] = Counter()
    ram_off: Counter[str] = Counter()
    n_ram_on = n_ram_off = 0
    for item in ram:
        expect = item["expect"]
        wanted = [] if expect is None else expect if isinstance(expect, list) else [expect]
        g = grade(full, item["q"], wanted)
        if expect is None:
            ram_off[g] += 1
            n_ram_off += 1
        else:
            ram_on[g] += 1
            n_ram_on += 1
        if g != ("reject" if expect is None else "top1"):
            m = full.match(item["q"])
            dev_miss.append(f"  RAMBLE {g:7} {item['q']}  want {wanted} got {m.outcome} "
                            f"{[c.id for c in m.candidates]} {m.score}")
    print(f"index build {build:.2f} s, {len(entries)} entries")
    print(line("dev on-topic", dev_c, len(on)))
    print(line("dev off-topic", off_c, len(off)))
    print(line("rambling on-topic", ram_on, n_ram_on))
    print(line("rambling off-topic", ram_off, n_ram_off))
    if args.dev_misses:
        print("\n".join(dev_miss))
    if args.no_cv:
        return 0

    cv_c: Counter[str] = Counter()
    cv_off: Counter[str] = Counter()
    misses: list[str] = []
    n_cv = 0
    for fold in range(args.folds):
        train: list[Entry] = []
        held: list[tuple[str, str]] = []
        for e in entries:
            keep = tuple(q for i, q in enumerate(e.questions) if i % args.folds != fold)
            out = [q for i, q in enumerate(e.questions) if i % args.folds == fold]
            if not keep:  # never leave an entry without phrasings
                keep, out = e.questions, []
            train.append(Entry(e.id, keep, e.answer, e.source))
            held.extend((q, e.id) for q in out)
        k = knowledge_of(train)
        for q, eid in held:
            g = grade(k, q, [eid])
            cv_c[g] += 1
            n_cv += 1
            if g != "top1" and len(misses) < 10_000:
                m = k.match(q)
                misses.append(f"  {g:7} {q}  want {eid} got {m.outcome} "
                              f"{[c.id for c in m.candidates]} {m.score}")
        cv_off.update(grade(k, q, []) for q in off)
    print(line(f"cv {args.folds}-fold phrasings", cv_c, n_cv))
    print(line("cv off-topic (dev null)", cv_off, len(off) * args.folds))
    if args.misses:
        print("\n".join(misses[: args.misses]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
