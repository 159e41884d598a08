"""Wrong matches a tester found, on the real FAQ (faq/): the size of a place, documents the
community does not issue, remarks to the assistant itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import Knowledge

REPO = Path(__file__).resolve().parents[2]


def answered(knowledge: Knowledge, question: str) -> str | None:
    match = knowledge.match(question)
    return match.candidates[0].id if match.outcome == "answer" else None


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("服务中心多大", "center.services"),
        ("社区服务中心有多大", "center.services"),
        ("服务中心多少平方", "center.services"),
        ("日间照料中心多大", "daycare.location"),
        ("照料中心有多少平方", "daycare.location"),
        ("幼儿园面积多大", "kindergarten.capacity"),
        ("文化广场多大", "plaza.location"),
        # 多大 about a child is its age, not the size of the kindergarten
        ("娃儿多大能上幼儿园", "kindergarten.age"),
        ("孩子多大可以上幼儿园", "kindergarten.age"),
    ],
)
def test_the_size_aspect_finds_the_entry_stating_the_area(
    real: Knowledge, question: str, entry_id: str
) -> None:
    assert answered(real, question) == entry_id


@pytest.mark.parametrize("question", ["办身份证", "补办身份证", "换身份证", "办护照", "办驾照", "办社保卡"])
def test_a_document_the_community_does_not_issue_is_unknown(real: Knowledge, question: str) -> None:
    assert real.match(question).outcome == "unknown"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [("办事要带身份证不", "proxy.documents"), ("办居住证", "residence.permit"),
     ("办残疾证要带什么", "disability.cert")],
)
def test_documents_to_bring_and_documents_issued_still_match(
    real: Knowledge, question: str, entry_id: str
) -> None:
    assert answered(real, question) == entry_id


@pytest.mark.parametrize("question", ["你吃饭了没", "你几岁了"])
def test_chit_chat_with_the_assistant_is_not_answered(real: Knowledge, question: str) -> None:
    assert real.match(question).outcome == "unknown"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [("你是谁", "general.about"), ("你是机器人吗", "general.about"),
     ("你知道照料中心几点开门吗", "daycare.hours")],
)
def test_questions_to_the_assistant_about_it_or_naming_a_place_are_answered(
    real: Knowledge, question: str, entry_id: str
) -> None:
    assert answered(real, question) == entry_id


@pytest.mark.parametrize("question", ["第一个", "第1个"])
def test_an_ordinal_alone_names_no_entry(real: Knowledge, question: str) -> None:
    # The router takes 第一个 as a choice when choices are open; with none open it is no
    # question about 第1网格.
    assert real.match(question).outcome == "unknown"


@pytest.mark.parametrize(("question", "entry_id"), [("第一网格", "grid.g1"), ("第2网格在哪", "grid.g2")])
def test_a_numbered_grid_is_still_found(real: Knowledge, question: str, entry_id: str) -> None:
    assert answered(real, question) == entry_id
