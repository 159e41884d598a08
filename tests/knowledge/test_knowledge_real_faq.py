"""The real FAQ (faq/) against the labelled development questions (tests/data/faq_dev.yaml)."""

from __future__ import annotations

import pytest
import yaml

from bot.knowledge import load_knowledge

from .conftest import REPO

FAQ = REPO / "faq"
DEV = REPO / "tests" / "data" / "faq_dev.yaml"


def test_real_faq_on_the_development_set() -> None:
    if not (FAQ / "qa").is_dir() or not DEV.exists():
        pytest.skip("faq/qa or tests/data/faq_dev.yaml not written yet")
    knowledge = load_knowledge(FAQ)
    dev = yaml.safe_load(DEV.read_text(encoding="utf-8"))
    on_topic = correct = clarified = off_topic = rejected = 0
    misses: list[str] = []
    for item in dev:
        expect = item["expect"]
        match = knowledge.match(item["q"])
        got = [c.id for c in match.candidates]
        if expect is None:
            off_topic += 1
            if match.outcome == "unknown":
                rejected += 1
            else:
                misses.append(f"answered off-topic {item['q']!r}: {match.outcome} {got}")
            continue
        wanted = expect if isinstance(expect, list) else [expect]
        unknown_ids = [i for i in wanted if i not in knowledge.entries]
        assert not unknown_ids, f"faq_dev.yaml expects unknown ids {unknown_ids} for {item['q']!r}"
        on_topic += 1
        if match.outcome == "answer" and got[0] in wanted:
            correct += 1
        else:
            clarified += match.outcome == "clarify" and any(g in wanted for g in got)
            misses.append(f"{item['q']!r}: wanted {wanted}, got {match.outcome} {got}")
    top1, rejection = correct / on_topic, rejected / off_topic
    summary = (
        f"top-1 {top1:.1%} of {on_topic} (clarify with the right one: {clarified}), "
        f"rejected {rejection:.1%} of {off_topic}"
    )
    print(summary)
    assert top1 >= 0.95 and rejection >= 0.95, summary + "\n" + "\n".join(misses)
