"""Long, voice-style messages that tell a situation before (or instead of) asking: the
matcher also scores the question clause with the clauses that name the community's things,
without the story around them (``clause_breaks`` / ``question_cues`` / ``question_finals``
in the lexicon). Built on a copy of the fixture FAQ with those sections appended, and, for
the set in ``data/rambling.yaml``, on the real FAQ."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.content.loader import load_knowledge
from bot.knowledge import Knowledge

from .conftest import DATA, FIXTURE_FAQ, REPO, STREETLIGHT_REPORTS

LEXICON_EXTRA = """
concepts:
  路灯: [灯不亮, 黑黢黢, 街灯]
aspects:
  contact: [找谁, 找哪个]
clause_breaks: [然后, 听说, 这种]
question_cues: [吗, 嘛, 哪, 什么, 怎么, 几点, 找谁, 找哪个]
question_finals: [不]
"""

STORY = "我们是从山上搬下来的 楼下那个路灯又不亮了 前天晚上我妈出去差点摔一跤 这种找哪个嘛"


@pytest.fixture()
def rambling(faq_copy: Path) -> Knowledge:
    with (faq_copy / "lexicon.yaml").open("a", encoding="utf-8") as f:
        f.write(LEXICON_EXTRA)
    (faq_copy / "qa" / "reports.yaml").write_text(STREETLIGHT_REPORTS.lstrip("\n"), encoding="utf-8")
    return load_knowledge(faq_copy)


@pytest.fixture()
def plain(tmp_path: Path) -> Knowledge:
    """The same FAQ without the clause sections: a message is matched as one piece."""
    target = tmp_path / "plain" / "faq"
    shutil.copytree(FIXTURE_FAQ, target)
    with (target / "lexicon.yaml").open("a", encoding="utf-8") as f:
        f.write(LEXICON_EXTRA.split("clause_breaks:")[0])
    (target / "qa" / "reports.yaml").write_text(STREETLIGHT_REPORTS.lstrip("\n"), encoding="utf-8")
    return load_knowledge(target)


def test_a_message_is_cut_at_pauses_punctuation_and_clause_words(rambling: Knowledge) -> None:
    index = rambling._index
    assert index.clauses("路灯不亮了，好几天了 然后我妈摔了一跤这种找哪个") == [
        "路灯不亮了", "好几天了", "然后我妈摔了一跤", "这种找哪个",
    ]


def test_the_story_around_the_question_does_not_drown_it(
    rambling: Knowledge, plain: Knowledge
) -> None:
    assert plain.match(STORY).outcome == "unknown"
    m = rambling.match(STORY)
    assert m.outcome == "answer"
    assert m.candidates[0].id == "report.streetlight"


def test_a_story_of_minutes_before_the_question_does_not_cut_it_off(rambling: Knowledge) -> None:
    # Dictated for a minute or two before asking: the question at the end is still read.
    story = " ".join(["我们家是前几年搬过来的", "平时就我和老伴在屋头", "儿女都在外头打工",
                      "逢年过节才回来一趟"] * 15)
    assert len(story) > 500
    m = rambling.match(f"{story} {STORY}")
    assert m.outcome == "answer"
    assert m.candidates[0].id == "report.streetlight"
    # … and a story that never asks anything is still nobody's question.
    assert rambling.match(story).outcome == "unknown"


def test_a_short_question_is_matched_as_before(rambling: Knowledge, plain: Knowledge) -> None:
    for q in ("路灯不亮了找哪个", "日间照料中心几点开门", "银行几点开门"):
        assert rambling.ranked(q) == plain.ranked(q)
    assert rambling._index.focus("日间照料中心几点开门") == []


def test_a_long_message_about_something_else_is_not_answered(rambling: Knowledge) -> None:
    # Nothing of the community's is named: the whole message decides, unknown words and all.
    q = "我娃儿在城里读高中 住校 这周末要回来 火车站几点有车"
    assert rambling._index.focus(q) == []
    assert rambling.match(q).outcome == "unknown"
    # A community word in the story does not make the question (火车站) one of ours.
    q = "昨晚路灯不亮 我摔了一跤 明天去城里 火车站几点有车"
    assert rambling.match(q).outcome == "unknown"


def test_the_clause_sections_are_optional(knowledge: Knowledge) -> None:
    assert knowledge._index.focus(STORY) == []
    assert knowledge.match(STORY).outcome == "unknown"


def test_the_rambling_set_on_the_real_faq() -> None:
    """A floor, not the measurement (benchmarks/eval_matcher.py reports the numbers)."""
    k = load_knowledge(REPO / "faq")
    items = yaml.safe_load((DATA / "rambling.yaml").read_text("utf-8"))
    on = [i for i in items if i["expect"] is not None]
    off = [i["q"] for i in items if i["expect"] is None]
    right = 0
    for item in on:
        wanted = item["expect"] if isinstance(item["expect"], list) else [item["expect"]]
        m = k.match(item["q"])
        right += m.outcome == "answer" and m.candidates[0].id in wanted
    assert right >= 0.7 * len(on)
    # "not registered" (a fact asked that the FAQ lacks) hands over to a person too
    answered = [q for q in off if k.match(q).outcome not in ("unknown", "unregistered")]
    assert len(answered) <= 0.05 * len(off), answered


def test_telling_how_long_something_has_lasted_is_not_a_second_question(real: Knowledge) -> None:
    # 坏了好久了 tells; 哪个网格 asks: one question, one answer (not the streetlight as well).
    message = "我们是文笔村三组的 屋门口的路灯坏了好久了 不晓得我们属于哪个网格"
    assert real._index.parts(message) is None
    match = real.match(message)
    assert (match.outcome, [e.id for e in match.candidates]) == ("answer", ["grid.g4"])
    assert real._index.parts("太极拳在哪里报名 要不要钱") is not None


def test_what_the_question_clause_asks_decides_not_the_story(real: Knowledge) -> None:
    # 材料 in the story is no question about documents: the clause asks how far it has got.
    index = real._index
    message = "我前几天把居住证的材料交到社区了 一直没消息 想问下办到哪一步了"
    assert index._asked_aspects(message) == {"progress"}
    assert [e.id for e in real.match(message).candidates] == ["proxy.progress"]
    # A question clause that asks no aspect of its own leaves the whole message's.
    assert index._asked_aspects("我下班了想去照料中心看下我妈 晚上七八点还让进不") is None
    assert index._asked_aspects("照料中心几点开门") is None  # all question: nothing to drop
