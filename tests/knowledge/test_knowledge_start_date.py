"""The autumn a child may start: the verdict's "2027年9月可以入园" and the waiting list's queue use one counting."""
from __future__ import annotations

from datetime import date

import pytest

from bot.knowledge.eligibility import birth_range

TODAY = date(2026, 11, 30)  # after 8月31日: a child old enough now joins the running school year


@pytest.mark.parametrize(("born", "start"), [
    (date(2024, 8, 31), date(2027, 9, 1)),  # 3 on 2027-08-31, the counting day
    (date(2024, 9, 1), date(2028, 9, 1)),  # a day later: a year later
    (date(2023, 3, 1), date(2026, 9, 1)),  # already 3 on 2026-08-31: the running year
    (date(2020, 9, 1), date(2026, 9, 1)),  # 5 on 2026-08-31: still this year
])
def test_the_verdict_and_the_waiting_list_name_the_same_autumn(rules, born, start):
    assert rules.start_date("kindergarten", "birth", born, TODAY) == start
    verdict = rules.next_step("kindergarten", {"birth": born, "resident": True}, TODAY)
    if start > TODAY:
        assert f"{start.year}年9月可以入园" in verdict.text
    else:
        assert verdict.eligible is True


def test_a_child_six_on_the_counting_day_has_no_autumn_left(rules):
    assert rules.start_date("kindergarten", "birth", date(2020, 8, 31), TODAY) is None
    assert rules.next_step("kindergarten", {"birth": date(2020, 8, 31)}, TODAY).eligible is False


@pytest.mark.parametrize(("typed", "first", "last"), [
    ("2023年5月", date(2023, 5, 1), date(2023, 5, 31)), ("23年5月", date(2023, 5, 1), date(2023, 5, 31)),
    ("２０２３年５月", date(2023, 5, 1), date(2023, 5, 31)), ("二〇二三年五月", date(2023, 5, 1), date(2023, 5, 31)),
    ("2023.5.12", date(2023, 5, 12), date(2023, 5, 12)),
    ("孩子是2023年5月12号生的", date(2023, 5, 12), date(2023, 5, 12)),
])
def test_a_birth_month_is_read_as_parents_type_it(typed, first, last):
    assert birth_range(typed, TODAY) == (first, last)


@pytest.mark.parametrize("typed", ["三岁", "2027年5月", "2023年13月", "王小宝"])
def test_words_that_name_no_past_month_give_no_birth_date(typed):
    assert birth_range(typed, TODAY) is None
