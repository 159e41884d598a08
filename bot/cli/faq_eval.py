"""`community-bot faq eval FILE`: labelled questions through the real webhook, scored as a resident sees them."""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bot.conversation.assistant import decode_reply
from bot.models import ProcessedMessage

SEMANTIC_WAIT_SECONDS = 300  # a first run embeds the FAQ's phrasings (~15 s on 2 cores)
OUTCOMES = ("right", "clarify", "wrong", "unknown", "service")
# A question may rightly start a conversation instead of getting the FAQ text: these are the
# FAQ topics (the id's first part) each conversation stands for; an eligibility check stands
# for its rule's topic (kindergarten, daycare …). Anything else counts as a wrong answer.
SERVICE_TOPICS = {
    "report": {"report", "grid"},
    "booking": {"proxy", "pension", "medins", "disability", "residence", "birth", "employment",
                "unemployment", "tekun", "gaoling", "dibao"},
    "enroll": {"taiji", "yangge", "classes"},
    "handoff": {"general.human"},
    "my_cases": {"proxy.progress"},
}


@dataclass
class Report:
    on_topic: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    off_topic: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    latencies_ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def rate(self, group: dict[str, int], *outcomes: str) -> float:
        total = sum(group.values())
        return sum(group[o] for o in outcomes) / total if total else 0.0

    @property
    def top1(self) -> float:
        return self.rate(self.on_topic, "right", "service")

    @property
    def rejection(self) -> float:
        return self.rate(self.off_topic, "unknown")

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    def lines(self) -> list[str]:
        on, off = sum(self.on_topic.values()), sum(self.off_topic.values())
        return [
            f"on-topic questions:  {on}",
            f"  top-1 accuracy     {self.top1:6.1%}  (FAQ answer {self.rate(self.on_topic, 'right'):.1%}"
            f" + the right conversation started {self.rate(self.on_topic, 'service'):.1%})",
            f"  clarification      {self.rate(self.on_topic, 'clarify'):6.1%}",
            f"  wrong answer       {self.rate(self.on_topic, 'wrong'):6.1%}",
            f"  don't know         {self.rate(self.on_topic, 'unknown'):6.1%}",
            f"off-topic questions: {off}",
            f"  rejected (人工)    {self.rejection:6.1%}",
            f"  answered anyway    {self.rate(self.off_topic, 'right', 'wrong', 'service'):6.1%}",
            f"  clarification      {self.rate(self.off_topic, 'clarify'):6.1%}",
            f"latency through the webhook: p50 {self.percentile(0.5):.2f} ms, p95 {self.percentile(0.95):.2f} ms",
        ]


def load_questions(path: Path) -> list[tuple[str, set[str]]]:
    """A YAML list of {q: question, expect: id | [ids] | null}; ValueError names what is wrong."""
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ValueError(f"not valid YAML{where}: {getattr(error, 'problem', None) or 'syntax error'}") from None
    if not isinstance(items, list):
        raise ValueError("expected a list of {q: ..., expect: ...}")
    result = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise ValueError(f"item {number} has no question (q)")
        expect = item.get("expect")
        ids = set() if expect is None else {expect} if isinstance(expect, str) else set(expect)
        result.append((item["q"], ids))
    return result


def evaluate(questions: list[tuple[str, set[str]]], config: dict[str, Any] | None = None) -> Report:
    from bot import create_app
    from bot.config import read_settings
    from bot.wechat.simulate import WeChatSide

    report = Report()
    usual = read_settings(config)  # the FAQ vectors stay cached where the server keeps them
    with tempfile.TemporaryDirectory() as folder:
        settings = {"APP_ENV": "testing", "INSTANCE_DIR": folder,
                    "EMBEDDINGS_CACHE_DIR": usual.EMBEDDINGS_CACHE_DIR or usual.INSTANCE_DIR,
                    "DATABASE_URL": f"sqlite:///{folder}/eval.db", **(config or {})}
        app = create_app(settings)
        assistant = app.extensions["community"]
        knowledge = assistant.library.current().knowledge
        knowledge.semantic_ready(timeout=SEMANTIC_WAIT_SECONDS)
        # An entry that says it has not got the fact (电话没有登记) is an honest don't-know.
        honest = {entry.id for entry in knowledge.entries.values()
                  if any(marker in entry.answer for marker in knowledge.lexicon.not_registered)}
        side = WeChatSide(assistant.settings.WECHAT_TOKEN, assistant.settings.WECHAT_ENCODING_AES_KEY,
                          assistant.settings.WECHAT_APP_ID)
        client = app.test_client()
        for number, (question, expected) in enumerate(questions):
            signed = side.text(f"eval-{number}", question)  # a new resident each: no form carries over
            start = time.perf_counter()
            response = client.post(signed.url, data=signed.body, content_type="text/xml")
            report.latencies_ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.data
            outcome = _outcome(_source(assistant, f"eval-{number}"), expected, honest)
            (report.on_topic if expected else report.off_topic)[outcome] += 1
            if (expected and outcome not in ("right", "service")) or (not expected and outcome != "unknown"):
                report.misses.append(f"{outcome:<8} {question}  (expected {', '.join(sorted(expected)) or 'none'})")
        assistant.db.dispose()
    return report


def _source(assistant: Any, openid: str) -> str:
    """What answered the resident, as the webhook recorded it with the reply."""
    with assistant.db.transaction() as session:
        stored = session.scalars(select(ProcessedMessage.reply).where(ProcessedMessage.openid == openid)).first()
    return decode_reply(stored).source if stored else ""


def _outcome(source: str, expected: set[str], honest: set[str] = frozenset()) -> str:
    kind, _, name = source.partition(":")
    if kind in ("unknown", "clarify"):
        return kind
    if kind == "faq":
        answered = set(name.split("+"))  # a question in two parts: both answers
        if not expected and answered <= honest:
            return "unknown"
        return "right" if answered <= expected else "wrong"
    service = name.removeprefix("eligibility_") if kind in ("eligibility", "form") else kind
    topics = SERVICE_TOPICS.get(service, {service})
    took_it = any(e in topics or e.split(".", 1)[0] in topics for e in expected)
    return "service" if took_it else "wrong"
