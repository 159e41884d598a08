"""Value types of the knowledge package (re-exported by ``bot.knowledge.faq``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_ANSWER_CHARS", "Entry", "Match"]

MAX_ANSWER_CHARS = 300


@dataclass(frozen=True)
class Entry:
    id: str
    questions: tuple[str, ...]
    answer: str
    source: str  # "faq/qa/places.yaml:12"
    # what the entry answers about its topic (hours, fee, documents …; ``aspects:`` in the
    # lexicon), as labelled in faq/qa; empty: learnt from its phrasings
    aspects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    outcome: str  # "answer" | "clarify" | "unknown" | "unregistered" (a fact the FAQ lacks)
    # answer: 1 entry (2 for a question in two parts); clarify: 2-3 entries best first; else ()
    candidates: tuple[Entry, ...]
    score: float  # best fused score 0..100
    normalized: str  # the normalised question (for logging / staff)
    unanswered: str = ""  # answer: the part of a two-part question that needs a person
