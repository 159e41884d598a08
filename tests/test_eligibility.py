"""Eligibility conversations: the assistant asks only what it is missing, then says yes/no, why and what next."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import converse

NOV_2026 = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOV_2026, tick=True):
        yield


def test_kindergarten_without_local_hukou_asks_age_then_residence(resident):
    converse(resident, [
        ("娃儿没得本地户口能上幼儿园不", ["幼儿园", "出生"]),
        ("2022年3月", "住在羊木社区吗"),
        ("1", ["可以上社区幼儿园", "户口在哪里都可以", "预防接种证"]),
    ])


def test_everything_said_up_front_gets_the_verdict_at_once(resident):
    reply = resident.says("我家娃儿3岁半了，我们住在社区，能上幼儿园不")
    assert "可以上社区幼儿园" in reply


def test_too_young_for_kindergarten_goes_on_the_waiting_list(resident):
    converse(resident, [
        ("我孙子能上幼儿园吗", "出生"),
        ("2024年10月", ["还不能入园", "候补"]),
    ])


def test_subsidy_for_hukou_elsewhere_is_decided_there_and_the_community_files_it(resident):
    converse(resident, [
        ("我爸85了能领高龄津贴不", "户口在哪里"),
        ("2", ["户口", "代办"]),
    ])


def test_day_care_refers_those_who_need_nursing(resident):
    converse(resident, [
        ("我妈72岁能去日间照料中心不", "自理"),
        ("不能自理", "敬老院"),
    ])


def test_an_unclear_answer_is_asked_again_and_cancel_works(resident):
    converse(resident, [
        ("我能参加志愿服务队吗", "岁"),
        ("记不清楚了", "没听明白"),
        ("算了", "已经取消"),
    ])


def test_a_plain_question_about_the_rule_still_goes_to_the_faq(resident):
    reply = resident.says("日间照料中心晚上几点关门")
    assert "21" in reply and "自理" not in reply


def test_menu_button_lists_the_checks_and_a_number_starts_one(resident):
    listed = resident.taps("ELIGIBILITY")
    assert "回复1：幼儿园入园" in listed and "高龄津贴" in listed
    converse(resident, [("1", ["3周岁", "出生"]), ("2021年3月", "住在"), ("1", "可以上社区幼儿园")])


def test_ages_and_places_as_people_say_them(resident):
    converse(resident, [
        ("我老汉今年七十八了能不能去日间照料中心", "自理"),
        ("能自理", "住在"),
        ("住在文笔村", "可以去日间照料中心"),
    ])


def test_back_asks_the_previous_question_again_and_forgets_its_answer(resident):
    converse(resident, [
        ("娃儿没得本地户口能上幼儿园不", "出生"),
        ("2022年3月", "住在羊木社区吗"),
        ("上一步", "出生"),
        ("2024年10月", ["还不能入园", "候补"]),
    ])


def test_a_lookup_in_the_middle_of_a_check_is_answered_and_the_check_goes_on(resident):
    converse(resident, [
        ("我孙子能上幼儿园吗", "出生"),
        ("我的预约", ["没有", "出生"]),
        ("2021年3月", "住在"),
    ])
