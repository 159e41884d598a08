"""Wrong answers a tester found, through the real webhook: a sign-up said as a statement
starts the form, questions about the class still get the FAQ, chit-chat and things the
community does not issue get the fallback."""
from __future__ import annotations

import pytest

from bot.content import texts


@pytest.mark.parametrize(
    "said", ["帮我报个太极拳", "我也想学秧歌", "我想学太极", "给我妈报个秧歌", "我要报名秧歌班"]
)
def test_a_sign_up_said_as_a_statement_starts_the_form(resident, said):
    assert "的姓名？" in resident.says(said)  # 请问您的姓名, or 请问母亲的姓名 when signing up mother


@pytest.mark.parametrize(
    ("asked", "expected"),
    [("秧歌要钱不", "秧歌班免费"), ("太极拳几点", "每周二、周四早上7:30"), ("我想学秧歌要钱不", "秧歌班免费")],
)
def test_a_question_about_the_class_still_gets_the_faq(resident, asked, expected):
    answer = resident.says(asked)
    assert expected in answer and "姓名" not in answer


@pytest.mark.parametrize("said", ["办身份证", "补办身份证", "办护照", "办驾照", "办社保卡", "你吃饭了没", "你几岁了"])
def test_what_the_community_does_not_handle_gets_the_fallback(resident, said):
    assert resident.says(said) == texts.NOT_FOUND


@pytest.mark.parametrize(
    ("asked", "expected"),
    [("服务中心多大", "600平方米"), ("社区服务中心有多大", "600平方米"), ("服务中心多少平方", "600平方米"),
     ("日间照料中心多大", "300平方米")],
)
def test_the_size_of_a_place_is_answered(resident, asked, expected):
    assert expected in resident.says(asked)
