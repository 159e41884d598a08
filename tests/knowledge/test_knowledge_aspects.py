"""What is asked about a place or service — when, where, how much, what to bring, how many places —
picks the entry among its siblings (kindergarten.hours / .fee / .documents / .capacity …). Entries
say what they answer with an ``aspect:`` label in faq/qa; the cue words are the lexicon's
``aspects:``."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.loader import EntryEdit, apply_edits, load_entries, load_knowledge
from bot.knowledge import Knowledge

# Sibling questions in words the FAQ's phrasings do not use.
SIBLINGS = {
    "社区幼儿园一个月要交多少钱": "kindergarten.fee",
    "社区幼儿园早上几点送娃儿": "kindergarten.hours",
    "社区幼儿园报名要带些啥子证件": "kindergarten.documents",
    "社区幼儿园总共能收多少娃娃": "kindergarten.capacity",
    "秧歌队一个学期交多少钱": "yangge.fee",
    "秧歌在哪里跳": "yangge.place",
    "青少年中心周末几点开门": "youth.hours",
    "太极拳班说是人满了 那我还能排个队等到不": "taiji.waitlist",
    "党代表工作室在几楼": "partyrep.when",
    "我的居住证办到哪一步了": "proxy.progress",
}

# Two entries about one swimming pool whose phrasings ask nothing in particular: only their
# labels tell the opening hours from the price.
POOL = """
- id: pool.open
  aspect: hours
  questions:
    - 游泳池的情况
    - 说一下游泳池
  answer: 游泳池每天9:00—21:00开放。

- id: pool.price
  aspect: [fee]
  questions:
    - 游泳池的介绍
    - 讲一下游泳池
  answer: 游泳池每次10元，老人免费。

- id: pool.rules
  aspect: bring_a_towel
  questions:
    - 游泳池的规矩
  answer: 游泳池要戴泳帽。
"""

ASPECTS = """
aspects:
  hours: [几点, 开门]
  fee: [多少钱, 收费]
"""


@pytest.mark.parametrize("question", SIBLINGS)
def test_the_sibling_that_answers_what_is_asked_is_chosen(real: Knowledge, question: str) -> None:
    match = real.match(question)
    assert (match.outcome, [e.id for e in match.candidates]) == ("answer", [SIBLINGS[question]])


@pytest.fixture()
def pool(faq_copy: Path) -> Path:
    (faq_copy / "qa" / "pool.yaml").write_text(POOL.lstrip("\n"), encoding="utf-8")
    with (faq_copy / "lexicon.yaml").open("a", encoding="utf-8") as f:
        f.write(ASPECTS)
    return faq_copy


def test_an_aspect_label_is_one_word_or_a_list_and_an_unknown_one_loads(pool: Path) -> None:
    entries = {e.id: e for e in load_entries(pool)}
    assert entries["pool.open"].aspects == ("hours",)
    assert entries["pool.price"].aspects == ("fee",)
    assert entries["pool.rules"].aspects == ("bring_a_towel",)  # no such cue list: ignored
    assert entries["center.hours"].aspects == ()


def test_the_label_tells_apart_siblings_whose_phrasings_do_not(pool: Path) -> None:
    knowledge = load_knowledge(pool)
    assert [e.id for e in knowledge.match("游泳池几点开门").candidates] == ["pool.open"]
    assert [e.id for e in knowledge.match("游泳池多少钱").candidates] == ["pool.price"]


def test_a_console_edit_keeps_the_label_of_the_entry_it_replaces(pool: Path) -> None:
    entries = load_entries(pool)
    edit = EntryEdit("pool.price", ("游泳池票价",), "游泳池每次12元。", retired=False, version=3)
    edited = {e.id: e for e in apply_edits(entries, [edit])}
    assert edited["pool.price"].answer == "游泳池每次12元。"
    assert edited["pool.price"].aspects == ("fee",)


def test_the_entry_about_the_named_service_comes_before_the_desks_general_one(real: Knowledge) -> None:
    # What to bring for 高龄津贴 is the 高龄津贴 entry's, not the 代办 desk's list in general…
    assert real.match("办高龄津贴要准备哪些东西").candidates[0].id == "gaoling.apply"
    # … but a general entry that answers what is asked (how long a term lasts) stays first.
    assert [e.id for e in real.match("太极拳一期要学几个星期").candidates] == ["classes.term"]
