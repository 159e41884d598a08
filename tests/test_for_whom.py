"""Issue 13 §5: booking or signing up for someone else. Items families often do for an elder or a child ask
whom they are for; the participant (name, age) and the contact (the WeChat user, phone) stay apart; an age
limit of a class is the participant's. Transcripts on a fixed Friday morning, on both databases."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.models import Booking, Enrollment, Outbox, Reminder
from bot.services import enrollments
from tests.conftest import Resident, converse

pytestmark = pytest.mark.usefixtures("friday_morning")

FAQ = Path(__file__).resolve().parents[1] / "faq"
# Test-only classes: the real ones (太极拳, 秧歌) are open to everyone (../shared/community/facts.md).
KIDS_CLASSES = """
  - id: calligraphy
    name: 少儿书法班
    aliases: [书法班, 书法, 毛笔字]
    schedule: 每周六上午9:00—11:00
    place: 居民学校
    rain_place: 居民学校
    capacity: 20
    weeks: 12
    term_start: 2026-12-05
    for_whom: [孩子, 孙子, 孙女]
    min_age: 6
    max_age: 16
  - id: choir
    name: 老年合唱团
    aliases: [合唱团, 合唱]
    schedule: 每周三下午15:00—16:30
    place: 居民学校
    rain_place: 居民学校
    capacity: 25
    weeks: 12
    term_start: 2026-12-02
    min_age: 60
"""



@pytest.fixture
def person(make_app, wechat, backend) -> Resident:
    return Resident(make_app(backend).test_client(), wechat, "o-for-whom")


@pytest.fixture
def parent(make_app, wechat, backend, tmp_path) -> Resident:
    """A resident of a community whose classes include a children's class (6 to 16) and a choir (60 and over)."""
    faq = tmp_path / "faq-kids"
    shutil.copytree(FAQ, faq)
    with open(faq / "classes.yaml", "a", encoding="utf-8") as classes:
        classes.write(KIDS_CLASSES)
    intents = faq / "intents.yaml"
    intents.write_text(intents.read_text(encoding="utf-8").replace("(太极拳?|秧歌)", "(太极拳?|秧歌|书法|合唱)"),
                       encoding="utf-8")
    return Resident(make_app(backend, FAQ_DIR=str(faq)).test_client(), wechat, "o-parent")



# --- bookings ---------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "for_whom"), [("帮我约个时间办高龄津贴", "母亲"), ("预约高龄津贴", "父亲"),
                                                 ("我想办残疾证", "孩子")])
def test_an_item_often_done_for_someone_else_asks_whom_it_is_for(resident, first, for_whom):
    converse(resident, [(first, "请选预约时间"), ("1", ["这是给谁办的", "回复1：我自己", f"：{for_whom}"])])


def test_the_consent_notice_comes_once_with_the_first_question_that_may_bring_a_name(resident):
    converse(resident, [("预约高龄津贴", "时间"), ("1", ["删除我的信息", "给谁办"])])
    reply = resident.says("我自己")
    assert "请问您的姓名" in reply and "删除我的信息" not in reply


@pytest.mark.parametrize(("answer", "then", "participant", "name"), [
    ("我妈", "请问母亲的姓名", "母亲", "张秀英"),
    ("给我老汉办", "请问父亲的姓名", "父亲", "张秀英"),
    ("3", "请问父亲的姓名", "父亲", "张秀英"),
    ("老伴", "请问老伴的姓名", "老伴", "张秀英"),
    ("给我妈 李桂兰", "有事联系您", "母亲", "李桂兰"),
    ("我自己", "请问您的姓名", None, "张秀英"),
    ("1", "请问您的姓名", None, "张秀英"),
    ("本人", "请问您的姓名", None, "张秀英"),
])
def test_the_answer_to_whom_keeps_participant_and_contact_apart(person, answer, then, participant, name):
    converse(person, [("预约高龄津贴", "时间"), ("1", "给谁办"), (answer, then)])
    if name == "张秀英":
        person.says("张秀英")
    reply = person.says("13812345678")
    assert f"姓名：{name}" in reply and ("为谁办：" in reply) == (participant is not None)
    converse(person, [("1", "预约成功")])
    [booking] = person.stored(Booking)
    assert (booking.participant, booking.name, booking.phone) == (participant, name, "13812345678")
    [reminder] = person.stored(Reminder)
    assert reminder.openid == person.openid  # the contact is reminded, whoever the errand is for
    assert (f"给{participant}办" in reminder.text) if participant else ("给" not in reminder.text.split("办")[0])


@pytest.mark.parametrize("unclear", ["嗯", "好的", "张秀英", "要带什么"])
def test_a_reply_that_does_not_say_whom_is_asked_again_and_stored_nowhere(resident, unclear):
    converse(resident, [("预约高龄津贴", "时间"), ("1", "给谁办")])
    reply = resident.says(unclear)
    assert "回复1：我自己" in reply and "的姓名？" not in reply  # no name is asked for, none taken
    converse(resident, [("我妈", "请问母亲的姓名")])


@pytest.mark.parametrize("first", ["我想办居住证", "帮我约个时间办医保", "预约低保", "我要办社保认证"])
def test_an_item_one_does_for_oneself_goes_straight_from_the_time_to_the_name(resident, first):
    converse(resident, [(first, "请选预约时间")])
    reply = resident.says("1")
    assert "请问您的姓名" in reply and "给谁办" not in reply


@pytest.mark.parametrize(("first", "who"), [("帮我妈约个高龄津贴", "母亲"), ("给我爸预约残疾证", "父亲")])
def test_whom_named_in_the_first_words_is_not_asked_again(resident, first, who):
    converse(resident, [(first, "时间")])
    reply = resident.says("1")
    assert f"请问{who}的姓名" in reply and "给谁办" not in reply


def test_my_bookings_lists_the_residents_own_and_the_familys(person):
    converse(person, [("预约高龄津贴", "时间"), ("1", "给谁办"), ("我自己", "姓名"), ("李明", "手机"),
                      ("13912345678", "核对"), ("1", "预约成功")])
    converse(person, [("预约高龄津贴", "时间"), ("2", "给谁办"), ("给我妈 张秀英", "手机"), ("13912345678", "核对"),
                      ("1", "预约成功")])
    listed = person.says("我的预约")
    assert "高龄津贴申请（为母亲）" in listed and listed.count("高龄津贴申请") == 2
    converse(person, [("预约高龄津贴", "时间"), ("3", "给谁办"),
                      ("我自己", ["您已经约过了", "高龄津贴申请 11月30日", "给谁办"]),  # asked again: maybe for 父亲?
                      ("我爸", "请问父亲的姓名")])
    assert len(person.stored(Booking)) == 2  # one's own errand is booked once


# --- classes: whom for, and the age limit of the participant ------------------------------


def test_a_childrens_class_asks_whom_and_the_childs_age_before_the_name(parent):
    converse(parent, [("报名书法班", ["少儿书法班", "这是给谁报名", "回复3：孙子"]),
                      ("给我孙子 王小明", "孙子今年多大年纪"), ("八岁", "有事联系您"),
                      ("13812345678", ["为谁办：孙子", "年纪：8岁", "姓名：王小明"]), ("1", "报名成功")])
    [row] = parent.stored(Enrollment)
    assert (row.participant, row.name, row.age, row.phone) == ("孙子", "王小明", 8, "13812345678")
    assert "少儿书法班（为孙子）：已报名" in parent.says("我的报名")


@pytest.mark.parametrize(("who", "age", "said", "instead"), [
    ("3", "4岁", "孙子4岁", "可以报太极拳班、秧歌班（"),
    ("孩子", "十七", "孩子17岁", "可以报太极拳班、秧歌班（"),
    ("我自己", "65", "您65岁", "可以报太极拳班、秧歌班、老年合唱团（"),  # only the classes that fit that age
])
def test_a_participant_outside_the_age_limit_is_told_why_and_where_to_go(parent, who, age, said, instead):
    converse(parent, [("报名书法班", "给谁报名"), (who, "多大年纪")])
    reply = parent.says(age)
    assert "少儿书法班收6到16岁的人" in reply and said in reply and "报不了" in reply
    assert instead in reply and "人工" in reply
    assert "现在没有正在办的事" in parent.says("取消")  # the form ended: nothing half-done is kept
    assert parent.stored(Enrollment) == []


def test_the_limit_is_the_participants_age_not_the_contacts(parent):
    """A grandmother of 66 signs up a grandson of 10 for the children's class, then herself for the choir."""
    converse(parent, [("报名书法", "给谁报名"), ("孙子", "孙子今年多大年纪"), ("10", "孙子的姓名"),
                      ("刘小宝", "手机"), ("13812345678", "核对"), ("1", "报名成功")])
    converse(parent, [("报名合唱", "您今年多大年纪"), ("66", "请问您的姓名"), ("刘桂芳", "手机"),
                      ("13812345678", ["年纪：66岁", "核对"]), ("1", "报名成功")])
    assert {(row.participant, row.name, row.age) for row in parent.stored(Enrollment)} == {
        ("孙子", "刘小宝", 10), (None, "刘桂芳", 66)}


def test_an_adults_class_with_a_lower_limit_refuses_a_younger_resident_before_taking_any_data(parent):
    converse(parent, [("报名合唱", "您今年多大年纪")])
    reply = parent.says("五十二")
    assert "老年合唱团收60岁以上的人，您52岁" in reply and "太极拳班、秧歌班" in reply
    assert "姓名" not in reply


def test_a_class_without_a_limit_keeps_the_short_path_and_the_optional_age(parent):
    converse(parent, [("报名太极拳", "请问您的姓名"), ("王秀英", "手机"), ("13812345678", "年纪"),
                      ("90", "核对"), ("1", "报名成功")])


def test_switching_to_a_limited_class_checks_the_age_of_the_participant(parent):
    converse(parent, [("给我孙子报个秧歌", "请问孙子的姓名"), ("刘小宝", "手机")])
    reply = parent.says("还是报书法班吧")
    assert "班改成：少儿书法班" in reply
    converse(parent, [("13812345678", "孙子今年多大年纪"), ("5岁", "报不了")])
    assert parent.stored(Enrollment) == []


def test_an_age_limit_in_the_wrong_order_is_refused_with_the_file_and_line(tmp_path):
    faq = tmp_path / "faq"
    shutil.copytree(FAQ, faq)
    with open(faq / "classes.yaml", "a", encoding="utf-8") as classes:
        classes.write(KIDS_CLASSES.replace("min_age: 6", "min_age: 18"))
    from click.testing import CliRunner

    from bot import cli
    result = CliRunner().invoke(cli.cli, ["faq", "check"], env={"FAQ_DIR": str(faq)})
    assert result.exit_code != 0 and "classes.yaml" in result.output and "min_age" in result.output


def test_a_family_member_moved_up_from_the_waiting_list_is_named_to_the_contact(parent):
    app = parent.client.application
    with app.extensions["community"].db.transaction() as session:
        session.add_all(Enrollment(class_id="calligraphy", term="2026-12-05", seat=seat, name=f"学员{seat}",
                                   status="enrolled") for seat in range(1, 21))
    converse(parent, [("报名书法", "排候补"), ("1", "给谁报名"), ("给我孙女 刘小花", "多大年纪"), ("9", "手机"),
                      ("13812345678", "名额：排候补"), ("1", "候补第1位")])
    with app.extensions["community"].db.transaction() as session:
        seated = session.scalars(select(Enrollment).where(Enrollment.name == "学员3")).one()
        enrollments.withdraw(session, app.extensions["community"].library.current().services, seated)
    [message] = parent.stored(Outbox)
    assert message.openid == parent.openid and "少儿书法班（为孙女）有空位了" in message.text
