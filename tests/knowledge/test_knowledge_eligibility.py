"""Eligibility conversations: the assistant asks only what it does not know yet and gives a
verdict with reason, documents and next step; 户口 never blocks a community service, and
subsidies are decided where the 户口 is, with the community filing the papers (代办)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.content.eligibility import load_rules
from bot.content.files import ContentError
from bot.knowledge import Question, Verdict
from bot.knowledge.eligibility import Rules

from .conftest import REPO

TODAY = date(2025, 5, 10)


def verdict(rules: Rules, rule: str, facts: dict[str, object], today: date = TODAY) -> Verdict:
    step = rules.next_step(rule, facts, today)
    assert isinstance(step, Verdict), step
    assert len(step.text) <= 300
    return step


def asks(rules: Rules, rule: str, facts: dict[str, object], today: date = TODAY) -> str:
    step = rules.next_step(rule, facts, today)
    assert isinstance(step, Question), step
    assert step.prompt
    return step.fact


# -- which rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "rule"),
    [
        ("能上幼儿园不", "kindergarten"),
        ("我妈能去日间照料中心不", "daycare"),
        ("我能领高龄津贴吗", "gaoling"),
        ("我家能不能吃低保", "dibao"),
        ("孩子10岁能参加青少年服务中心的活动不", "youth"),
        ("我16岁能当志愿者吗", "volunteer"),
        ("老人75岁有高龄津贴吗", "gaoling"),  # an age counts as asking
    ],
)
def test_detects_can_i_questions(rules: Rules, question: str, rule: str) -> None:
    assert rules.detect(question) == rule


@pytest.mark.parametrize(
    "question",
    ["幼儿园几点放学", "高龄津贴要带什么材料", "日间照料中心在哪里", "低保怎么申请", "今天天气好", ""],
)
def test_other_questions_are_left_to_the_faq(rules: Rules, question: str) -> None:
    assert rules.detect(question) is None


def test_all_rules_are_there(rules: Rules) -> None:
    assert set(rules.ids) == {"kindergarten", "daycare", "gaoling", "dibao", "youth", "volunteer"}


# -- facts already in the question ---------------------------------------------------------------


def test_extracts_age_residence_and_hukou(rules: Rules) -> None:
    assert rules.extract("kindergarten", "孩子3岁半我们住在社区", TODAY) == {
        "birth": date(2021, 11, 10),
        "resident": True,
    }
    assert rules.extract("kindergarten", "孩子2022年5月生", TODAY)["birth"].strftime("%Y-%m") == "2022-05"
    assert rules.extract("gaoling", "我父亲85岁户口不在这里", TODAY) == {"age": 85, "hukou": "other"}
    assert rules.extract("gaoling", "我母亲85了本地户口", TODAY) == {"age": 85, "hukou": "chaotian"}
    assert rules.extract("daycare", "我母亲能去日间照料中心", TODAY) == {}


def test_a_conversation_asks_only_what_is_missing(rules: Rules) -> None:
    facts = rules.extract("kindergarten", "孩子3岁半能上幼儿园", TODAY)
    assert asks(rules, "kindergarten", facts) == "resident"  # the age is known already
    facts["resident"] = rules.parse_answer("kindergarten", "resident", "1", TODAY)
    result = verdict(rules, "kindergarten", facts)
    assert result.eligible is True


def test_questions_come_in_a_natural_order(rules: Rules) -> None:
    assert asks(rules, "kindergarten", {}) == "birth"
    assert asks(rules, "daycare", {}) == "age"
    assert asks(rules, "daycare", {"age": 70}) == "selfcare"
    assert asks(rules, "daycare", {"age": 70, "selfcare": True}) == "resident"
    assert asks(rules, "gaoling", {}) == "age"
    assert asks(rules, "dibao", {}) == "hukou"


def test_a_decisive_fact_ends_the_conversation_early(rules: Rules) -> None:
    # Too young: no need to ask where the child lives.
    assert verdict(rules, "kindergarten", {"birth": date(2023, 3, 1)}).eligible is False
    # Under 80: 户口 does not matter.
    assert verdict(rules, "gaoling", {"age": 79}).eligible is False
    # Cannot look after themselves: referred to 敬老院 whatever else.
    result = verdict(rules, "daycare", {"age": 85, "selfcare": False})
    assert result.eligible is False and "敬老院" in result.text


def test_prompts_with_choices_number_them(rules: Rules) -> None:
    step = rules.next_step("gaoling", {"age": 85}, TODAY)
    assert isinstance(step, Question) and step.fact == "hukou"
    assert len(step.choices) == 2
    assert "回复1" in step.prompt and "回复2" in step.prompt


# -- replies -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "value"),
    [("是", True), ("是的", True), ("对", True), ("1", True), ("嗯住在社区", True),
     ("不是", False), ("没有", False), ("2", False), ("没住在社区", False), ("不住这里", False),
     ("啥子哦", None), ("", None)],
)
def test_yes_no_replies(rules: Rules, reply: str, value: bool | None) -> None:
    assert rules.parse_answer("kindergarten", "resident", reply, TODAY) == value


@pytest.mark.parametrize(
    ("reply", "value"),
    [("七十五", 75), ("75岁", 75), ("八十五岁了", 85), ("85", 85), ("1940年的", 84), ("不晓得", None)],
)
def test_age_replies(rules: Rules, reply: str, value: int | None) -> None:
    assert rules.parse_answer("daycare", "age", reply, TODAY) == value


def test_a_birth_year_that_cannot_decide_is_asked_again(rules: Rules) -> None:
    # Born 1945: 79 or 80 in May 2025 depending on the month — that decides 高龄津贴.
    assert rules.parse_answer("gaoling", "age", "1945年", TODAY) is None
    assert rules.parse_answer("gaoling", "age", "1945年3月", TODAY) == 80


@pytest.mark.parametrize(
    ("reply", "expected"),
    [("2022年3月", "2022-03"), ("2022.3", "2022-03"), ("二〇二二年三月", "2022-03"), ("22年3月", "2022-03")],
)
def test_birth_date_replies(rules: Rules, reply: str, expected: str) -> None:
    value = rules.parse_answer("kindergarten", "birth", reply, TODAY)
    assert isinstance(value, date) and value.strftime("%Y-%m") == expected


def test_an_age_answers_the_birth_date_question(rules: Rules) -> None:
    assert rules.parse_answer("kindergarten", "birth", "三岁", TODAY) == date(2022, 5, 10)
    assert rules.parse_answer("kindergarten", "birth", "两岁半", TODAY) == date(2022, 11, 10)
    assert rules.parse_answer("kindergarten", "birth", "还没取名字", TODAY) is None


@pytest.mark.parametrize(
    ("reply", "key"),
    [("1", "chaotian"), ("2", "other"), ("在羊木", "chaotian"), ("本地的", "chaotian"),
     ("在老家", "other"), ("户口不在这里", "other"), ("3", None), ("不晓得", None)],
)
def test_choice_replies(rules: Rules, reply: str, key: str | None) -> None:
    assert rules.parse_answer("gaoling", "hukou", reply, TODAY) == key


# -- verdicts, boundaries and 户口 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "eligible"),
    [
        (date(2022, 8, 31), True),  # exactly 3 on 31 August: in
        (date(2022, 9, 1), False),  # one day short: waiting list
        (date(2019, 9, 1), True),  # 5 on 31 August, turns 6 the next day: still in
        (date(2019, 8, 31), False),  # 6 on 31 August: school instead
    ],
)
def test_kindergarten_age_is_counted_on_31_august(rules: Rules, birth: date, eligible: bool) -> None:
    result = verdict(rules, "kindergarten", {"birth": birth, "resident": True})
    assert result.eligible is eligible
    assert "2025年8月31日" in result.text


def test_kindergarten_under_three_gets_the_waiting_list(rules: Rules) -> None:
    result = verdict(rules, "kindergarten", {"birth": date(2023, 1, 1)})
    assert result.eligible is False and "候补" in result.text


def test_kindergarten_after_31_august_counts_for_the_school_year_now_running(rules: Rules) -> None:
    autumn = date(2025, 10, 1)
    too_young = verdict(rules, "kindergarten", {"birth": date(2023, 6, 1), "resident": True}, autumn)
    assert too_young.eligible is False and "候补" in too_young.text and "2025年8月31日" in too_young.text
    in_class = verdict(rules, "kindergarten", {"birth": date(2020, 3, 1), "resident": True}, autumn)
    assert in_class.eligible is True  # 5 years 7 months: a mid-year place, not primary school


def test_kindergarten_verdict_lists_documents_and_enrolment_window(rules: Rules) -> None:
    closed = verdict(rules, "kindergarten", {"birth": date(2021, 1, 1), "resident": True})
    assert "出生医学证明" in closed.text and "预防接种证" in closed.text
    assert "6月1日" in closed.text and "6月30日" in closed.text
    during = verdict(rules, "kindergarten", {"birth": date(2021, 1, 1), "resident": True}, date(2025, 6, 15))
    assert "现在正是" in during.text


def test_community_services_never_ask_about_hukou(rules: Rules) -> None:
    for rule in ("kindergarten", "daycare", "youth", "volunteer"):
        facts: dict[str, object] = {}
        for _ in range(5):
            step = rules.next_step(rule, facts, TODAY)
            if isinstance(step, Verdict):
                break
            assert step.fact != "hukou" and not step.prompt.startswith("户口")
            facts[step.fact] = {"age": 40, "birth": date(2021, 1, 1)}.get(step.fact, True)
    # A migrant family's child who lives here is in, whatever the 户口.
    facts = rules.extract("kindergarten", "外地户口的孩子3岁半我们住在社区", TODAY)
    assert verdict(rules, "kindergarten", facts).eligible is True


def test_not_living_in_the_community_is_the_condition(rules: Rules) -> None:
    result = verdict(rules, "kindergarten", {"birth": date(2021, 1, 1), "resident": False})
    assert result.eligible is False and "户口不限" in result.text


@pytest.mark.parametrize(("age", "eligible"), [(59, False), (60, True), (95, True)])
def test_daycare_from_sixty(rules: Rules, age: int, eligible: bool) -> None:
    result = verdict(rules, "daycare", {"age": age, "selfcare": True, "resident": True})
    assert result.eligible is eligible


@pytest.mark.parametrize(
    ("age", "hukou", "eligible"),
    [(79, "chaotian", False), (80, "chaotian", True), (80, "other", None), (92, "other", None)],
)
def test_gaoling_is_decided_where_the_hukou_is(rules: Rules, age: int, hukou: str, eligible: bool | None) -> None:
    result = verdict(rules, "gaoling", {"age": age, "hukou": hukou})
    assert result.eligible is eligible
    if age >= 80:
        assert "身份证" in result.text and "银行卡" in result.text
        assert "代办" in result.text
    if hukou == "other" and age >= 80:
        assert "户口所在地" in result.text


@pytest.mark.parametrize("hukou", ["chaotian", "other"])
def test_dibao_is_decided_by_the_hukou_place_after_a_visit(rules: Rules, hukou: str) -> None:
    result = verdict(rules, "dibao", {"hukou": hukou})
    assert result.eligible is None
    assert "入户调查" in result.text and "代办" in result.text and "户口所在地" in result.text


@pytest.mark.parametrize(("age", "eligible"), [(5, False), (6, True), (16, True), (17, False)])
def test_youth_centre_six_to_sixteen_free(rules: Rules, age: int, eligible: bool) -> None:
    result = verdict(rules, "youth", {"age": age, "resident": True})
    assert result.eligible is eligible
    if eligible:
        assert "免费" in result.text


@pytest.mark.parametrize(
    ("age", "guardian", "eligible"),
    [(15, None, False), (16, True, True), (17, False, False), (18, None, True)],
)
def test_volunteers_from_sixteen_with_consent_under_eighteen(
    rules: Rules, age: int, guardian: bool | None, eligible: bool
) -> None:
    facts: dict[str, object] = {"age": age}
    if guardian is not None:
        facts["guardian"] = guardian
    assert verdict(rules, "volunteer", facts).eligible is eligible


def test_sixteen_year_old_is_asked_for_consent(rules: Rules) -> None:
    assert asks(rules, "volunteer", {"age": 16}) == "guardian"


def test_every_verdict_fits_one_message(rules: Rules) -> None:
    values = {"age": [5, 15, 16, 17, 18, 59, 60, 79, 80],
              "birth": [date(2023, 1, 1), date(2021, 1, 1), date(2018, 1, 1)],
              "resident": [True, False], "selfcare": [True, False], "guardian": [True, False],
              "hukou": ["chaotian", "other"]}
    for rule in rules.ids:
        for name, options in values.items():
            for value in options:
                step = rules.next_step(rule, {k: v[0] for k, v in values.items()} | {name: value}, TODAY)
                if isinstance(step, Verdict):
                    assert 0 < len(step.text) <= 300


# -- the rules file ------------------------------------------------------------------------------


def test_rule_file_mistakes_name_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "faq"
    folder.mkdir()
    text = (REPO / "faq" / "eligibility.yaml").read_text(encoding="utf-8")
    broken = text.replace("- when: [age < 60]", "- when: [agee < 60]", 1)
    (folder / "eligibility.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_rules(folder / "eligibility.yaml")
    line = broken.splitlines().index(next(x for x in broken.splitlines() if "agee" in x)) + 1
    assert str(info.value).startswith(f"faq/eligibility.yaml:{line}: condition 'agee < 60' uses unknown fact")


def test_verdict_text_over_300_characters_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "faq"
    folder.mkdir()
    text = (REPO / "faq" / "eligibility.yaml").read_text(encoding="utf-8")
    long_reason = "reason: " + "很长的说明" * 70
    broken = text.replace("reason: 日间照料中心接待60周岁及以上的老人。", long_reason, 1)
    (folder / "eligibility.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError, match=r"^faq/eligibility\.yaml:\d+: verdict text is \d+ characters"):
        load_rules(folder / "eligibility.yaml")


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("kind: yesno", "kind: maybe", "rules[0].facts[1].kind: Input should be"),
    ("summary: 社区幼儿园", "summry: 社区幼儿园", "rules[0].summry: unknown key (a typo?)"),
    ('window: {from: "06-01", to: "06-30"}', 'window: {from: "06-31", to: "06-30"}', "is not a month-day"),
])
def test_a_malformed_rule_names_file_line_and_key(tmp_path: Path, old: str, new: str, problem: str) -> None:
    folder = tmp_path / "faq"
    folder.mkdir()
    text = (REPO / "faq" / "eligibility.yaml").read_text(encoding="utf-8")
    broken = text.replace(old, new, 1)
    (folder / "eligibility.yaml").write_text(broken, encoding="utf-8")
    line = broken.splitlines().index(next(x for x in broken.splitlines() if new in x)) + 1
    with pytest.raises(ContentError, match=rf"^faq/eligibility\.yaml:{line}: .*{re.escape(problem)}"):
        load_rules(folder / "eligibility.yaml")
