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
