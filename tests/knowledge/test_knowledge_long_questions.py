"""Classes of miss found on tuning set 7 of issue 14 (long voice messages and two-part
questions), in wordings of their own: the 代办 desk named beside the service it does, a second
part asked of the thing named (要等好久), a fact asked of the thing named just before the
question rather than of the story, the 商会 named in a shop-keeper's story, whether someone
in the resident's situation may go or apply (我这个年纪能不能参加), and how to report the situation
told (垃圾桶满了 … 咋个反映). Real faq/, lexical."""
from __future__ import annotations

import pytest

from tests.conftest import converse

from .conftest import outcome_and_entries


@pytest.mark.parametrize(("question", "entry"), [
    # The service's entry says it can be done for them, what to bring and how long: not the
    # desk's list of services and its general documents.
    ("我在外地打工，我妈八十多了想领高龄津贴，社区能不能帮忙代办，要带些啥子", "gaoling.apply"),
    ("我屋头老汉儿瘫了好几年了，想给他办个残疾人证，社区能帮忙代办不，要带哪些东西", "disability.cert"),
    ("我是外地来的，在镇上租房子住，想问下居住证社区能不能代办，要带啥子", "residence.permit"),
    ("我家老人的养老保险认证每年都是我带去，今年我在外地，社区能不能代办，要带啥子证件", "pension.certify"),
])
def test_the_desk_named_beside_a_service_asks_about_that_service(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize(("question", "entry"), [
    # 要等好久 is asked of the 残疾人证, not how long a report waits for the grid worker.
    ("残疾证在哪里办，办下来要等好久", "disability.cert"),
    ("居住证找哪个办，办下来要等好久", "residence.permit"),
    ("生育登记在哪里办，要等好久", "birth.register"),
    ("低保在哪里申请，批下来要等好久", "dibao.apply"),
])
def test_a_second_part_naming_nothing_is_asked_of_the_thing_named(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


def test_a_second_part_about_progress_is_asked_of_the_report_named(real):
    # 处理进度 after reporting a street light: the reports' status, not the 代办 desk's.
    assert outcome_and_entries(real, "路灯坏了咋个报，报了以后能查到处理进度不") == (
        "answer", ["report.streetlight", "report.status"])


def test_a_fact_is_asked_of_the_thing_named_before_the_question_not_of_the_story(resident):
    # 高血压 (the blood-pressure checks) and 羊木小学 are the story; the class and the youth
    # centre named just before the question give the count and the hours.
    converse(resident, [
        ("我前两年查出高血压，医生叫我多锻炼，听说社区有太极拳班，一个班能收好多人", "30个名额"),
        ("我孙女在羊木小学读三年级，听说青少年宫周末有书法课，想问下几点开门", "9:00"),
    ])


@pytest.mark.parametrize("question", [
    "我在街上开了个小饭馆，开了好多年了，听说社区有个商会，我想加入找哪个",
    "我在镇上卖了十几年衣服，听说社区有个商会，想问下要咋个才能加入",
])
def test_the_chamber_of_commerce_named_in_a_story_is_what_is_asked(real, question):
    assert outcome_and_entries(real, question) == ("answer", ["org.chamber"])


@pytest.mark.parametrize(("question", "entry"), [
    # Whether someone in the resident's situation may apply, join or go: who may, not how to.
    ("我屋头就我一个人，收入也低，听说有低保，我这种情况能不能申请", "dibao.eligibility"),
    ("我七十五了，身体还硬朗，太极拳班我这个年纪能不能参加", "taiji.signup"),
    ("照料中心是不是要身体好才行", "daycare.eligibility"),
    ("我家娃儿读初中了，青少年服务中心还能不能去", "youth.eligibility"),
])
def test_may_someone_like_me_asks_who_may(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


def test_is_it_open_every_day_asks_the_hours_not_the_story(real):
    # 是不是天天都开 asks the hours; the story's 七十多了 (an age) is no question of who may go.
    assert outcome_and_entries(real, "我妈七十多了，白天一个人在家，听说照料中心周末也开，是不是天天都开") == (
        "answer", ["daycare.hours"])


@pytest.mark.parametrize(("question", "entry"), [
    # The situation told is reported under its own category: its entry, not how to report in general.
    ("我家门口那个垃圾桶满了好几天都没人来清，臭得很，这种情况咋个反映", "report.sanitation"),
    ("我们巷子口的路灯坏了一个多礼拜，晚上黑黢黢的，想问下怎么上报", "report.streetlight"),
])
def test_how_to_report_the_situation_told_is_that_situation_s_entry(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize("question", [
    # 医保报销 / 住院费 name the reimbursement the later parts ask about, not the 代办 desk or a report.
    "我家老人住院花了好几千，发票都在，医保报销能不能交给社区帮忙办，要带些啥",
    "我妈上个月住院了，住院费能在社区报销不，要等好久",
])
def test_the_medical_bills_named_are_what_the_later_parts_ask_about(real, question):
    assert outcome_and_entries(real, question) == ("answer", ["medins.reimburse"])


@pytest.mark.parametrize(("question", "entry"), [
    # 堵了好久 / 排了好久的队 tells how long the resident waited; it asks no "when".
    ("我们院坝那根排水管堵了好久，想问下我们这个组是哪个网格管的，网格员能不能过来看下", "grid.overview"),
    # 咋个约法 (Sichuanese "how does one book") is 怎么约, not an unknown word asked about.
    ("代办预约咋个约法", "proxy.booking"),
    ("昨天上午来办事在窗口等了好久，后来才晓得可以先预约，想问下代办预约咋个约法", "proxy.booking"),
])
def test_a_story_of_waiting_long_and_a_verb_with_fa_ask_the_question(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize("question", ["我妈想去学太极拳，一个星期上几次", "太极拳每周上几次课"])
def test_how_many_times_a_week_is_answered_by_the_weekly_schedule(real, question):
    # 每周二、周四 says how many times a week; it is no count the FAQ lacks.
    assert outcome_and_entries(real, question) == ("answer", ["taiji.schedule"])


@pytest.mark.parametrize(("question", "entry"), [
    # 收进去, 拿得出去: the deed asked of the place is 收 / 拿, whichever way it goes; the
    # direction is no unknown thing the FAQ lacks.
    ("我外公八十好几了，瘫在床上好几年了，穿衣吃饭都要人，日间照料中心能不能把他收进去", "daycare.nursing"),
    ("图书室的书拿得出去不", "library.borrow"),
])
def test_a_deed_asked_of_a_place_is_read_without_its_direction(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize("question", ["你是哪个嘛", "我外孙女给我在手机上装的这个，你是哪个哦，都能问些啥子"])
def test_ni_shi_na_ge_asks_who_the_assistant_is(real, question):
    # 你是哪个 is Sichuanese for 你是谁 (哪个 stays "which" in 是哪个网格).
    assert outcome_and_entries(real, question) == ("answer", ["general.about"])
