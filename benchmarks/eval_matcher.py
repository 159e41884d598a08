"""FAQ matcher accuracy: cross-validation over the FAQ's own phrasings + the dev set.

    .venv/bin/python benchmarks/eval_matcher.py [--folds K] [--misses N] [--no-cv] [--embeddings e5]

* cross-validation: each entry's phrasings are split into K folds (round robin, the first
  phrasing -- usually the plainest -- goes to fold 0 like any other); for each fold the index
  is built without that fold's phrasings and queried with them. Measures how the matcher
  does on phrasings it has not seen, which is what fresh resident questions are.
* dev set (``tests/data/faq_dev.yaml``): top-1 on the on-topic questions, rejection of the
  off-topic ones (expect: null), with the full FAQ.
* rambling set (``tests/knowledge/data/rambling.yaml``): long, voice-style messages that tell
  a situation before (or instead of) asking; on-topic top-1 and off-topic rejection.
* held-out sets (``tests/data/faq_holdout*.yaml``, ``--holdout``): likewise; their off-topic
  part includes traps (a fact the data lacks), where an honest "not registered" is a reject.
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
    """top1, clarify, wrong or reject. A question in two parts is right when both answers are;
    an off-topic question or trap answered by an entry that says it has not got the fact
    (电话没有登记) is an honest reject."""
    m = knowledge.match(question)
    got = [c.id for c in m.candidates]
    if m.outcome == "answer":
        if not wanted and all(any(marker in c.answer for marker in knowledge.lexicon.not_registered)
                              for c in m.candidates):
            return "reject"
        return "top1" if all(g in wanted for g in got) else "wrong"
    if m.outcome == "clarify":
        return "clarify" if any(g in wanted for g in got) else "wrong"
    return "reject"


def score_set(knowledge: Knowledge, name: str, items: list[dict], misses: list[str]
              ) -> tuple[Counter[str], int, Counter[str], int]:
    """Grades of a labelled set's on-topic and off-topic (expect: null) questions; misses noted."""
    on: Counter[str] = Counter()
    off: Counter[str] = Counter()
    for item in items:
        expect = item["expect"]
        wanted = [] if expect is None else expect if isinstance(expect, list) else [expect]
        g = grade(knowledge, item["q"], wanted)
        (on if wanted else off)[g] += 1
        if g != ("top1" if wanted else "reject"):
            m = knowledge.match(item["q"])
            misses.append(f"  {name} {g:7} {item['q']}  want {wanted} got {m.outcome} "
                          f"{[c.id for c in m.candidates]} {m.score}")
    return on, sum(on.values()), off, sum(off.values())


def line(name: str, c: Counter[str], n: int) -> str:
    def pct(k: str) -> str:
        return f"{100 * c[k] / n:5.1f}%" if n else "  n/a"
    return (f"{name:<32} n={n:<4} top1 {pct('top1')}  clarify {pct('clarify')}  "
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
    set_misses: list[str] = []
    print(f"index build {build:.2f} s, {len(entries)} entries")
    for name, path in (("dev", args.dev), ("rambling", args.rambling),
                       *((p.stem, p) for p in args.holdout)):
        if path.exists():
            on_c, n_on, off_c, n_off = score_set(full, name, yaml.safe_load(path.read_text("utf-8")),
                                                 set_misses)
            print(line(f"{name} on-topic", on_c, n_on))
            print(line(f"{name} off-topic/traps", off_c, n_off))
    if semantic:
        print(f"semantic path: {full._index.vectors.queries} model calls")
    if args.dev_misses:
        print("\n".join(set_misses))
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
