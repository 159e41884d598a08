"""What a message costs the matcher: work it need not do is not done (answers unchanged)."""
from __future__ import annotations


def test_a_fact_asked_is_looked_for_only_in_the_entries_that_give_it(real, monkeypatch):
    # 书记的电话: the entries whose answer gives a phone number (or says it is not registered) are
    # read, not every entry, to find that none gives it of the 书记
    index = real._index
    read: list[int] = []
    gives = index.gives_facts
    monkeypatch.setattr(index, "gives_facts", lambda ei, *rest: read.append(ei) or gives(ei, *rest))
    text = "书记的电话是多少"
    a, _ = index.rank(text)
    assert index._fact_nowhere(text, a)
    assert 0 < len(read) < len(real.entries) / 4


class _CountingDict(dict):
    """A table that counts how often it is read."""

    reads = 0

    def get(self, key, default=None):
        self.reads += 1
        return super().get(key, default)


def test_what_one_question_names_and_asks_is_weighed_per_entry_once_for_the_next(real, monkeypatch):
    # 幼儿园 … 几点放学 asked twice in other words: the entries' topic and aspect weights for it
    # are not made again from the tables
    index = real._index
    first, _ = index.rank("幼儿园几点放学")
    topics, columns = _CountingDict(index._topic_row), _CountingDict(index._aspect_column)
    monkeypatch.setattr(index, "_topic_row", topics)
    monkeypatch.setattr(index, "_aspect_column", columns)
    second, ranked = index.rank("幼儿园下午几点钟放学嘛")
    assert (second.topics, second.aspects) == (first.topics, first.aspects) and second.aspects
    assert ranked and topics.reads == columns.reads == 0


class _CountingList(list):
    """A list that counts how often it is read."""

    reads = 0

    def __getitem__(self, i):
        self.reads += 1
        return super().__getitem__(i)

    def __iter__(self):
        self.reads += 1
        return super().__iter__()


def test_which_entries_are_about_the_thing_named_is_found_once_for_the_next_question_naming_it(real, monkeypatch):
    # 幼儿园 … 几点放学 asked twice: the general entries giving way to the kindergarten's are told
    # apart without going through the families again
    real.match("幼儿园几点放学")
    families = _CountingList(real._index.family_things)
    monkeypatch.setattr(real._index, "family_things", families)
    assert real.match("幼儿园下午几点钟放学嘛").outcome == "answer"
    assert families.reads == 0


def test_the_weights_remembered_by_what_questions_name_stay_bounded(real, monkeypatch):
    # a long-running server asked about ever new combinations of names keeps at most so many
    index = real._index
    monkeypatch.setattr(index, "_max_sets", len(index._weighed_cache) + 1)
    monkeypatch.setattr(index, "_weighed_cache", dict(index._weighed_cache))
    for question in ("幼儿园和图书室在哪里", "秧歌队和太极拳哪个人多", "低保和高龄津贴能一起领不"):
        assert real.match(question).outcome
    assert len(index._weighed_cache) <= index._max_sets
