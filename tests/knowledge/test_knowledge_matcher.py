"""The FAQ matcher as a resident meets it: dialect, voice input, typos, numbers, questions the
community does not handle, and a choice when two answers are equally likely."""

from __future__ import annotations

import pytest

from bot.knowledge import Entry, Knowledge, Match


def answered(match: Match) -> str | None:
    return match.candidates[0].id if match.outcome == "answer" else None


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        # plain and dialect
        ("日间照料中心几点关门", "daycare.hours"),
        ("照料中心晚上好久关门嘛", "daycare.hours"),
        ("服务中心咋个走", "center.address"),
        ("社区服务中心在啥子地方", "center.address"),
        ("老人在日照中心吃饭要交好多钱", "daycare.meals"),
        # voice input: no punctuation, fillers everywhere
        ("嗯那个请问一下日照中心好久关门哈", "daycare.hours"),
        ("那个嗯幼儿园下午好久接娃儿", "kindergarten.hours"),
        # pinyin / ASR typos
        ("幼耳园几点放学", "kindergarten.hours"),
        ("太极全好久上课", "taiji.schedule"),
        ("居主证咋个办", "residence.permit"),
        ("照料中新几点关门", "daycare.hours"),
        # numbers in words
        ("早上八点半社区服务中心开门没", "center.hours"),
        ("礼拜天社区服务中心开不开门", "center.hours"),
    ],
)
def test_resident_questions_get_the_right_answer(
    knowledge: Knowledge, question: str, entry_id: str
) -> None:
    match = knowledge.match(question)
    assert answered(match) == entry_id, (match, knowledge.ranked(question))
    assert len(match.candidates) == 1
    assert 0 < match.score <= 100


@pytest.mark.parametrize(
    "question",
    [
        "银行几点上班",
        "医院在哪里",
        "火车站怎么走",
        "驾照在哪里考",
        "邮局几点开门",
        "社区附近有没有银行",
        "社区医院几点开门",
        "小学几点放学",  # 幼儿园几点放学 is known; 小学 is not the community's
        "明天会不会下雨",
        "讲个笑话",
    ],
)
def test_things_the_community_does_not_handle_are_not_answered(
    knowledge: Knowledge, question: str
) -> None:
    match = knowledge.match(question)
    assert match.outcome == "unknown", (match, knowledge.ranked(question))
    assert match.candidates == ()


@pytest.mark.parametrize("question", ["", "   ", "？？？", "😀👍", "嗯嗯嗯", "请问一下"])
def test_empty_or_noise_is_unknown(knowledge: Knowledge, question: str) -> None:
    match = knowledge.match(question)
    assert match.outcome == "unknown"
    assert match.candidates == ()
    assert match.score == 0.0


def test_exact_phrasing_is_answered_with_full_score(knowledge: Knowledge) -> None:
    match = knowledge.match("居住证怎么办理")
    assert answered(match) == "residence.permit"
    assert match.score == 100.0


def test_two_equally_likely_entries_give_a_choice(knowledge: Knowledge) -> None:
    # 太极拳 + 上课, but neither "when" nor "where": both taiji entries fit.
    match = knowledge.match("太极拳上课")
    assert match.outcome == "clarify"
    ids = [c.id for c in match.candidates]
    assert set(ids) == {"taiji.schedule", "taiji.place"}
    assert 2 <= len(ids) <= 3


def test_a_question_naming_no_place_offers_the_places(knowledge: Knowledge) -> None:
    match = knowledge.match("几点开门")
    assert match.outcome == "clarify"
    assert 2 <= len(match.candidates) <= 3
    assert all(c.id.endswith(".hours") for c in match.candidates)


def test_clarify_candidates_are_best_first(knowledge: Knowledge) -> None:
    match = knowledge.match("太极拳上课")
    ranked = [e.id for e, _ in knowledge.ranked("太极拳上课", limit=len(match.candidates))]
    assert [c.id for c in match.candidates] == ranked


def test_entries_are_exposed_read_only_with_their_source(knowledge: Knowledge) -> None:
    entry = knowledge.entries["center.address"]
    assert isinstance(entry, Entry)
    assert entry.source == "faq/qa/places.yaml:10"
    assert entry.questions[0] == "社区服务中心在哪里"
    with pytest.raises(TypeError):
        knowledge.entries["x"] = entry  # type: ignore[index]


def test_the_best_of_several_phrasings_counts(knowledge: Knowledge) -> None:
    # Each question is close to a different phrasing of the same entry.
    for question in ("照料中心晚上开到几点", "日间照料中心周末开不开门"):
        assert answered(knowledge.match(question)) == "daycare.hours"
