"""Days, half-days, phones and names as residents type or speak them."""
from __future__ import annotations

from datetime import date

import pytest

from bot.conversation.words import NOT_A_NAME, NOT_IN_NAMES
from bot.knowledge.chinese import mask_name, mask_phone, parse_age, parse_day, parse_name, parse_period, parse_phone

FRIDAY = date(2026, 11, 27)


@pytest.mark.parametrize("text, day", [
    ("今天", FRIDAY), ("明天上午", date(2026, 11, 28)), ("后天下午", date(2026, 11, 29)),
    ("下周二", date(2026, 12, 1)), ("下个星期一", date(2026, 11, 30)), ("周三上午", date(2026, 12, 2)),
    ("礼拜五", FRIDAY), ("11月30号", date(2026, 11, 30)), ("12月1日下午", date(2026, 12, 1)),
    ("十二月三日", date(2026, 12, 3)), ("1月4号", date(2027, 1, 4)), ("30号", date(2026, 11, 30)),
    ("3号", date(2026, 12, 3)), ("12月1日 周二 上午", date(2026, 12, 1)), ("随便", None), ("2月30日", None),
])
def test_days(text, day):
    assert parse_day(text, FRIDAY) == day


def test_half_days():
    assert [parse_period(t) for t in ("明天上午", "早上", "下午", "下半天", "明天")] == ["am", "am", "pm", "pm", None]


@pytest.mark.parametrize("text, phone", [
    ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678"),
    ("一三八一二三四五六七八", "13812345678"), ("幺三八 幺二三四 五六七八", "13812345678"),
    ("+86 139 0000 1111", "13900001111"), ("我的电话是15700001111", "15700001111"),
    ("12812345678", None), ("1381234567", None), ("138123456789", None), ("0839-1234567", None),
])
def test_mobile_numbers(text, phone):
    assert parse_phone(text) == phone


@pytest.mark.parametrize("text, name", [
    ("张三", "张三"), ("我叫王小红", "王小红"), ("姓名：李四", "李四"), ("买买提·艾力", "买买提·艾力"),
    ("居住证要带什么", None), ("1", None), ("张", None), ("好的", None), ("不知道", None), ("明天上午", None),
])
def test_names(text, name):
    assert parse_name(text, NOT_A_NAME, NOT_IN_NAMES) == name


def test_ages_and_masks():
    today = date(2026, 11, 27)
    assert (parse_age("65", today), parse_age("六十八岁", today), parse_age("两百", today)) == (65, 68, None)
    assert (parse_age("今年七十八了", today), parse_age("1952年出生", today)) == (78, 74)
    assert (mask_phone("13812345678"), mask_name("张三丰")) == ("138****5678", "张*")
