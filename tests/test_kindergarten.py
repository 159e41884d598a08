"""Issue 13 §6, the kindergarten as parents meet it in WeChat: places left, when the child can start, the
pre-registration (waiting list) with its documents and June reminder, 我的预登记 and cancelling it.

Transcripts on a fixed Monday; where a line on the list is stored, on both databases.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from bot.content.files import ContentError
from bot.models import PreRegistration, PreRegistrationStatus, StaffAccount, Subscription, utcnow
from bot.services import accounts, kindergarten
from tests.conftest import Resident, converse

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def parent(make_app, wechat, backend) -> Resident:
    """A migrant parent on SQLite and on PostgreSQL: for the transcripts that store something."""
    return Resident(make_app(backend).test_client(), wechat, "o-parent-1")


def another_parent(resident: Resident, openid: str = "o-parent-2") -> Resident:
    return Resident(resident.client.application.test_client(), resident.side, openid)


def lines(resident: Resident) -> list[PreRegistration]:
    with resident.client.application.extensions["community"].db.transaction() as session:
        return list(session.scalars(select(PreRegistration).order_by(PreRegistration.id)))


def staff_count(resident: Resident, left: int, year: int = 2026) -> None:
    """Office staff save the places left in the console (the page itself: tests/console)."""
    app = resident.client.application
    with app.extensions["community"].db.transaction() as session:
        accounts.create(session, username="xiaoli", name="小李", role="staff", password="green-tea-2026", now=utcnow())
        who = session.scalars(select(StaffAccount).where(StaffAccount.username == "xiaoli")).one()
        kindergarten.set_places(session, app.extensions["community"].settings.FAQ_DIR, year=year, left=left, who=who,
                                today=MONDAY.date(), now=utcnow())


def pre_register(resident: Resident, child: str, born: str, name: str = "李红", phone: str = "13900001234") -> str:
    converse(resident, [("我想给娃儿报名幼儿园", "孩子叫什么名字"), (child, "哪年哪月出生"), (born, "住在羊木社区吗"),
                        ("1", "姓名"), (f"{name} {phone}", "请核对幼儿园预登记")])
    return resident.says("1")


# --- places left this year ----------------------------------------------------------------------


def test_places_left_are_the_number_staff_keep_however_it_is_asked(parent):
    staff_count(parent, 3)
    chosen = parent.says("幼儿园好不好进")  # a close call: the entry chosen by number says the same
    number = next(line for line in chosen.splitlines() if "还有没有学位" in line)[2]
    assert "还剩3个学位" in parent.says(number)
    for asked in ("幼儿园还收不收", "今年还有没有学位", "社区幼儿园今年招满没有"):  # the last one: the FAQ's entry
        answer = parent.says(asked)
        assert "还剩3个学位（11月30日更新）" in answer and "12个" not in answer, asked


def test_without_a_count_from_staff_the_default_in_faq_is_answered_with_its_date(resident):
    answer = resident.says("我家娃儿想上幼儿园还有位置没得")
    assert "2026年秋季学期" in answer and "还剩12个学位（11月20日更新）" in answer


def test_when_no_place_is_left_the_parent_is_told_and_can_join_the_waiting_list(parent):
    staff_count(parent, 0)
    converse(parent, [("幼儿园还有空位不", ["学位已经满了", "回复1：预登记"]),
                      ("1", "孩子叫什么名字")])


def test_the_size_of_the_kindergarten_and_a_question_about_age_or_hukou_are_not_the_places_left(resident):
    assert "共180个学位" in resident.says("幼儿园有多少个学位")
    assert "还剩" not in (answer := resident.says("外地户口的孩子幼儿园收不收")) and "户口在哪里都可以" in answer
    assert "还剩" not in resident.says("娃儿才两岁半幼儿园收不收")
    assert "幼儿园" not in resident.says("太极拳班还有没有名额")


# --- the pre-registration -----------------------------------------------------------------------


def test_a_parent_pre_registers_and_learns_the_queue_the_documents_and_the_reminder(parent):
    done = pre_register(parent, "王小宝", "2024年8月")
    assert "已预登记：王小宝，2027年9月起可以入园，排在2027年秋季第1位" in done
    assert "预防接种证" in done and "6月报名开始前会提醒您" in done
    [line] = lines(parent)
    assert (line.child, line.birth, line.start_year, line.name, line.phone, line.status) == (
        "王小宝", date(2024, 8, 1), 2027, "李红", "13900001234", PreRegistrationStatus.QUEUED)
    with parent.client.application.extensions["community"].db.transaction() as session:
        assert session.scalars(select(Subscription.topic)).all() == ["幼儿园报名"]  # the June reminder, not a new one
    second = pre_register(another_parent(parent), "张小花", "2024年3月", "张伟", "13800005678")
    assert "排在2027年秋季第2位" in second
    assert "2027年秋季入园，排队中，第1位" in parent.says("我的预登记")


def test_after_the_check_says_when_the_child_can_start_one_digit_pre_registers_without_asking_again(parent):
    converse(parent, [("我家娃儿2024年8月生的能上幼儿园不", ["2027年9月可以入园", "回复1：预登记"]),
                      ("1", "孩子叫什么名字")])
    assert "哪年哪月" not in (asked := parent.says("王小宝")) and "住在羊木社区吗" in asked
    converse(parent, [("1", "姓名"), ("李红13900001234", "出生：2024年8月"), ("1", "2027年秋季第1位")])


def test_facts_the_check_learnt_or_the_parent_said_first_are_not_asked_again(parent):
    converse(parent, [("我们住在老街，娃儿2022年5月生的，能上幼儿园不", ["可以上社区幼儿园", "回复1：预登记"]),
                      ("1", "孩子叫什么名字"), ("张小花", "姓名")])
    other = another_parent(parent)
    converse(other, [("我要给孩子预登记幼儿园，2023年3月生的，住在安置小区", "孩子叫什么名字"), ("刘星", "姓名")])


@pytest.mark.parametrize("born", ["2023年5月", "23年5月", "２０２３年５月", "二〇二三年五月", "2023.5.12",
                                  "2023-05-12"])
def test_a_birth_date_is_understood_as_parents_type_it(resident, born):
    converse(resident, [("预登记", "孩子叫什么名字"), ("王小宝", "出生"), (born, "住在羊木社区吗"), ("1", "姓名"),
                        ("李红 139 0000 1234", "出生：2023年5月")])
    assert "2026年秋季第1位" in resident.says("确认")


def test_a_child_already_six_or_not_living_here_is_told_why_and_nothing_is_stored(resident):
    converse(resident, [("预登记", "孩子叫什么名字"), ("小明", "出生"), ("2019年3月", ["已满6周岁", "哪年哪月"]),
                        ("2023年3月", "住在羊木社区吗"), ("2", ["搬来社区住以后再来预登记", "住在羊木社区吗"]),
                        ("先不报了", "取消")])
    assert lines(resident) == []


def test_the_same_child_is_not_put_on_the_list_twice(parent):
    pre_register(parent, "王小宝", "2024年8月")
    assert "王小宝已经预登记过了：2027年秋季第1位" in pre_register(parent, "王小宝", "2024年8月")
    assert len(lines(parent)) == 1


def test_my_list_shows_the_line_and_cancelling_it_says_what_each_choice_does(parent):
    pre_register(parent, "王小宝", "2024年8月")
    behind = another_parent(parent)
    pre_register(behind, "张小花", "2024年3月", "张伟", "13800005678")
    assert "王小宝：2027年秋季入园，排队中，第1位" in parent.says("我的报名")
    converse(parent, [("取消预登记", ["回复1：确认取消预登记（不再排队）", "回复2：不取消，继续排队"]),
                      ("2", "预登记还在"),
                      ("我的预登记", "第1位"),
                      ("取消预登记", "确认取消预登记"), ("1", "已取消王小宝的幼儿园预登记")])
    assert [line.status for line in lines(parent)] == [PreRegistrationStatus.CANCELLED, PreRegistrationStatus.QUEUED]
    assert "张小花：2027年秋季入园，排队中，第1位" in behind.says("我的预登记")  # moved up
    assert "没有幼儿园预登记" in parent.says("我的预登记")


def test_a_broken_kindergarten_file_gives_an_honest_dont_know_and_says_where_it_is_wrong(app, tmp_path):
    (tmp_path / "kindergarten.yaml").write_text("places: [{year: 2026, left: 很多}]\n", encoding="utf-8")
    with app.extensions["community"].db.transaction() as session:
        assert "工作人员还没有登记" in kindergarten.places_text(session, tmp_path, MONDAY.date())
    with pytest.raises(ContentError, match=r"kindergarten\.yaml:1: places\[0\]\.left"):
        kindergarten.data(tmp_path)  # what `community-bot faq check` prints
