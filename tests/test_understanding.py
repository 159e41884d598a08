"""Issue 13, conversations that understand people: what a resident types, backs out of, changes, asks aside.

Transcripts on a fixed Friday morning; where bookings, sign-ups or ratings are stored, on both databases.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.models import Booking, Conversation, Enrollment, FaqGap, Reminder, Ticket
from tests.conftest import Resident, command, converse

pytestmark = pytest.mark.usefixtures("friday_morning")




@pytest.fixture
def person(make_app, wechat, backend) -> Resident:
    """A resident on SQLite and on PostgreSQL: for the transcripts that store something."""
    return Resident(make_app(backend).test_client(), wechat, "o-understanding")



# --- §1 an answer counts only when it answers the question asked ---------------------------


@pytest.mark.parametrize("aside", ["那里有没有人照顾吃药？", "中心在哪里", "在那边吃得好不好", "能洗澡不"])
def test_a_question_in_the_middle_of_a_check_is_no_answer(resident, aside):
    converse(resident, [("我妈能去日间照料中心吗", "多少岁"), ("78", "自理")])
    reply = resident.says(aside)
    assert "自理" in reply and "可以去日间照料中心。" not in reply and "照顾不了" not in reply  # no verdict
    converse(resident, [("能自理", "住在羊木社区吗"), ("1", "可以去日间照料中心")])


@pytest.mark.parametrize(("reply", "verdict"), [
    ("没在这边住，住城里", "暂时不能报名"),
    ("不住这里的", "暂时不能报名"),
    ("住在老街", "可以上社区幼儿园"),
    ("嗯，住在社区的", "可以上社区幼儿园"),
    ("住", "可以上社区幼儿园"),
])
def test_where_the_child_lives_is_read_from_the_whole_answer(resident, reply, verdict):
    converse(resident, [("娃儿能上幼儿园不", "出生"), ("2022年3月", "住在羊木社区吗"), (reply, verdict)])


@pytest.mark.parametrize("hukou", ["户口不是这里的", "户口在老家", "我们是外地户口"])
def test_hukou_said_to_the_residence_question_is_not_taken_as_not_living_here(resident, hukou):
    converse(resident, [("娃儿能上幼儿园不", "出生"), ("2022年3月", "住在羊木社区吗")])
    reply = resident.says(hukou)
    assert "暂时不能报名" not in reply and "住在羊木社区吗" in reply and "回复1" in reply
    converse(resident, [("住在安置小区", "可以上社区幼儿园")])


def test_an_answer_to_another_question_is_kept_for_that_question(resident):
    converse(resident, [("我爸能去日间照料中心吗", "多少岁"), ("80", "自理")])
    reply = resident.says("他跟我住在社区")
    assert "自理" in reply and "住在羊木社区吗" not in reply
    converse(resident, [("能", "可以去日间照料中心")])  # residence was not asked again


@pytest.mark.parametrize(("first", "never_asked", "then"), [
    ("我妈八十二岁了，户口在老家，能领高龄津贴不", "多少周岁", "户口所在地"),
    ("我老汉85了，本地户口，能不能领高龄津贴", "户口在哪里", "可以申请高龄津贴"),
    ("我家娃儿三岁半，住在老街，能上幼儿园吗", "住在羊木社区吗", "可以上社区幼儿园"),
    ("我妈72岁，身体还好，跟我住，能去日间照料中心不", "多少岁", "可以去日间照料中心"),
])
def test_facts_in_the_first_message_are_not_asked_again(resident, first, never_asked, then):
    reply = resident.says(first)
    assert never_asked not in reply and then in reply


@pytest.mark.parametrize("age", ["八十五", "８５", "85", "八十五岁了", "今年85"])
def test_a_bare_number_or_chinese_numeral_answers_how_old(resident, age):
    converse(resident, [("我能领高龄津贴吗", "多少周岁"), (age, "户口在哪里")])


def test_an_unclear_answer_is_asked_again_with_the_numbered_choices(resident):
    converse(resident, [("我妈70岁能去日间照料中心吗", "自理")])
    for unclear in ("还好吧", "这个嘛"):
        reply = resident.says(unclear)
        assert "回复1 能自理" in reply and "照顾不了" not in reply and "可以去" not in reply


# --- §2 backing out and changing your mind --------------------------------------------------


@pytest.mark.parametrize("back_out", ["哎算了，下次再说", "我不想办了", "先不报了", "回主菜单", "改天再说吧"])
def test_a_back_out_in_a_sentence_ends_the_form_and_is_never_a_name(person, back_out):
    converse(person, [("报名太极拳", "姓名")])
    reply = person.says(back_out)
    assert "姓名" not in reply and "手机" not in reply
    assert "现在没有正在办的事" in person.says("取消")
    assert person.stored(Enrollment) == []


@pytest.mark.parametrize("not_a_name", ["人工服务?", "为什么要名字", "菜单", "上一步吧", "查询进度"])
def test_a_command_or_question_is_never_stored_as_a_name(resident, not_a_name):
    converse(resident, [("报名秧歌", "姓名")])
    resident.says(not_a_name)
    converse(resident, [("结束", ""), ("报名秧歌", "姓名"), ("李四", "手机"), ("13812345678", "年纪"),
                        ("跳过", "姓名：李四")])


def test_another_class_named_while_signing_up_replaces_the_first(person):
    converse(person, [("报名太极拳", "姓名"), ("王秀英", "手机")])
    converse(person, [("还是报秧歌吧", ["班改成：秧歌班", "手机"]), ("13812345678", "年纪"),
                      ("65", ["班：秧歌班", "改班"])])
    converse(person, [("我想学太极", ["班改成：太极拳班", "请核对", "班：太极拳班"]), ("1", "报名成功")])
    [row] = person.stored(Enrollment)
    assert row.class_id == "taiji"


def test_another_errand_named_while_picking_a_time_replaces_the_first(person):
    converse(person, [("我想办居住证", "请选预约时间")])
    converse(person, [("哦不对，我要办社保认证", ["事项改成：养老保险待遇资格认证", "当场办结", "请选预约时间"]),
                      ("1", "姓名"), ("张三 13812345678", ["事项：养老保险待遇资格认证", "电话：138****5678"])])
    converse(person, [("改到下周二下午", ["时间改成：12月1日 周二 下午", "请核对"]), ("1", "预约成功")])
    [booking] = person.stored(Booking)
    assert (booking.service_id, booking.period) == ("pension_certify", "pm")


def test_a_day_named_at_the_summary_asks_only_the_half_day(resident):
    converse(resident, [("我想办居住证", "请选预约时间"), ("1", "姓名"), ("张三", "手机"),
                        ("13812345678", "请核对"), ("换到下周三", "上午还是下午"),
                        ("下午", ["时间：12月2日 周三 下午", "回复1：确认提交"])])


def test_cancelling_a_booking_says_what_each_choice_does(person):
    converse(person, [("我想办居住证", "时间"), ("1", "姓名"), ("张三", "手机"), ("13812345678", "核对"),
                      ("1", "预约成功")])
    converse(person, [("取消预约", ["回复1：确认取消这个预约", "回复2：不取消，预约保留"]),
                      ("2", "没有取消，预约还在")])
    assert "回复2：不取消，预约保留" in person.says("取消预约")
    assert "没有取消，预约还在" in person.says("取消")  # 取消 inside 取消预约 undoes nothing
    assert len(person.stored(Booking)) == 1 and person.stored(Booking)[0].status == "booked"
    converse(person, [("取消预约", "确认取消这个预约"), ("1", "已取消预约")])
    assert person.stored(Booking)[0].status != "booked"


def test_withdrawing_from_a_class_says_what_each_choice_does(person):
    converse(person, [("报名秧歌", "姓名"), ("王秀英13812345678", "年纪"), ("跳过", "核对"), ("1", "报名成功")])
    converse(person, [("取消报名", ["确认退出这个班", "不退出，报名保留"]), ("算了", "没有退出，报名还在")])
    assert len(person.stored(Enrollment)) == 1


@pytest.mark.parametrize("sticker", ["[捂脸]", "/::)", "👍👍", "[微笑][微笑]"])
def test_a_sticker_mid_form_gets_a_short_word_and_the_question_again(resident, sticker):
    converse(resident, [("报名太极拳", "姓名"), ("王秀英", "手机")])
    converse(resident, [(sticker, ["要打字", "手机号"])])


def test_a_photo_mid_form_gets_a_short_word_and_the_question_again(resident):
    converse(resident, [("我想办居住证", "请选预约时间")])
    reply = resident.sends_image()
    assert "要打字" in reply and "请选预约时间" in reply and "上报" not in reply


# --- §3 what people type ------------------------------------------------------------------


@pytest.mark.parametrize(("said", "name", "phone"), [
    ("我叫刘桂芳 电话139 0000 1234", "刘桂芳", "13900001234"),
    ("刘桂芳13900001234", "刘桂芳", "13900001234"),
    ("王小红，手机：１３８１２３４５６７８", "王小红", "13812345678"),
    ("姓名张德明 号码138-1234-5678", "张德明", "13812345678"),
])
def test_name_and_phone_in_one_message_fill_both(person, said, name, phone):
    masked = f"{phone[:3]}****{phone[-4:]}"
    converse(person, [("我想办居住证", "时间"), ("1", "姓名"), (said, [f"姓名：{name}", f"电话：{masked}"]),
                      ("1", "预约成功")])
    [booking] = person.stored(Booking)
    assert (booking.name, booking.phone) == (name, phone)


@pytest.mark.parametrize("phone", ["１３８１２３４５６７８", "138 1234 5678", "一三八一二三四五六七八",
                                   "+86 13812345678"])
def test_phones_as_typed_are_accepted(resident, phone):
    converse(resident, [("报名太极拳", "姓名"), ("王秀英", "手机"), (phone, "年纪")])


@pytest.mark.parametrize(("said", "surname"), [("我姓王", "王"), ("姓李", "李"), ("我姓张的", "张")])
def test_a_surname_alone_asks_for_the_full_name(resident, said, surname):
    converse(resident, [("报名太极拳", "姓名"), (said, f"全名，比如“{surname}")])
    converse(resident, [(f"{surname}秀英", "手机")])


def finished_report(person: Resident) -> None:
    converse(person, [("路灯坏了", "在哪里"), ("老街农贸市场门口", "照片"), ("跳过", "核对"), ("1", "已受理")])
    [ticket] = person.stored(Ticket)
    app = person.client.application
    assert command(app, "reports", "status", ticket.number, "已办结", "--note", "换了灯泡").exit_code == 0


@pytest.mark.parametrize("rating", ["不太满意", "不怎么满意", "一般般，还是没修好", "不算满意", "还是没修好",
                                    "满意是满意，就是太慢了"])
def test_hedged_satisfaction_is_unhappy_and_staff_follow_it_up(person, rating):
    finished_report(person)
    assert "会再联系您" in person.says(rating)
    [ticket] = person.stored(Ticket)
    assert ticket.satisfaction == "不满意"
    assert rating in ticket.events[-1].note  # the resident's own words are kept for staff


@pytest.mark.parametrize("rating", ["满意", "很满意！", "非常满意，谢谢"])
def test_only_a_clear_positive_is_satisfied(person, rating):
    finished_report(person)
    assert "谢谢您的评价" in person.says(rating)
    assert person.stored(Ticket)[0].satisfaction == "满意"


def test_a_hedge_with_nothing_to_rate_is_not_a_rating(resident):
    assert "没有要评价" not in resident.says("还行吧")


def test_numbered_choices_stay_valid_while_their_list_is_the_latest(resident):
    converse(resident, [("菜单", "回复1"), ("1", "请直接说您想问的事"), ("1", "请直接说您想问的事")])
    converse(resident, [("日间照料中心几点关门", "21"), ("1", "请直接说您想问的事")])


def test_a_forms_choices_end_with_its_question(resident):
    converse(resident, [("预约代办", "回复1：养老保险参保登记"), ("居住证", "请选预约时间"), ("1", "姓名")])
    assert "请问您的姓名" in resident.says("1")  # "1" is no errand now: the item list is gone


def test_an_unexpected_reply_at_the_summary_gets_one_line_and_the_choices(resident):
    converse(resident, [("我想办居住证", "时间"), ("1", "姓名"), ("张三", "手机"), ("13812345678", "请核对")])
    reply = resident.says("嗯嗯那个")
    assert "请回复数字选择" in reply and "回复1：确认提交" in reply and "请核对" not in reply


def summary_lines(reply: str) -> list[str]:
    """The fields of a summary as the resident reads them: the lines between the heading and the choices."""
    return [line for line in reply.splitlines() if "：" in line and not line.startswith(("请核对", "回复"))]


@pytest.mark.parametrize(("first", "item"), [("我想办居住证", "居住证"), ("帮我约个时间办医保", "医保"),
                                             ("预约低保", "低保")])
def test_the_booking_summary_lists_the_errand_the_time_and_whom_to_call_with_the_phone_masked(
        person, first, item):
    converse(person, [(first, "请选预约时间"), ("1", "姓名"), ("张三", "手机")])
    reply = person.says("13812345678")
    [errand, when, name, phone] = summary_lines(reply)
    assert item in errand and when == "时间：11月30日 周一 上午"
    assert (name, phone) == ("姓名：张三", "电话：138****5678") and "13812345678" not in reply
    converse(person, [("1", "预约成功")])
    assert person.stored(Booking)[0].phone == "13812345678"  # masked on screen, stored whole


def test_a_family_booking_summary_also_says_whom_it_is_for(resident):
    converse(resident, [("帮我妈约个高龄津贴", "时间"), ("1", "姓名"), ("张秀英", "有事联系您")])
    assert summary_lines(resident.says("13812345678")) == [
        "事项：高龄津贴申请", "时间：11月30日 周一 上午", "为谁办：母亲", "姓名：张秀英", "电话：138****5678"]


@pytest.mark.parametrize(("age", "stored"), [("七十二", 72), ("跳过", None)])
def test_the_class_summary_leaves_out_the_optional_age_but_keeps_it(person, age, stored):
    converse(person, [("报名秧歌", "姓名"), ("王秀英", "手机"), ("139 0000 1111", "年纪")])
    reply = person.says(age)
    assert summary_lines(reply) == ["班：秧歌班", "姓名：王秀英", "电话：139****1111"]
    assert "改年纪" not in reply and "回复1：确认提交" in reply
    converse(person, [("1", "报名成功")])
    assert person.stored(Enrollment)[0].age == stored


def test_the_report_summary_says_what_and_where_and_a_photo_only_when_one_came(person):
    converse(person, [("安置小区垃圾没人收", "在哪里"), ("3栋后面", "照片")])
    reply = person.says("跳过")
    assert summary_lines(reply) == ["类别：环境卫生", "地点：3栋后面", "情况：安置小区垃圾没人收"]
    assert "片区" not in reply and "照片" not in reply
    assert summary_lines(person.sends_image())[-1] == "照片：已收到"
    converse(person, [("1", "第5网格网格员")])
    [ticket] = person.stored(Ticket)
    assert ticket.grid == "第5网格" and ticket.media_id


# --- §4 context ---------------------------------------------------------------------------


def test_a_reply_meant_for_a_form_that_timed_out_is_not_a_question(app, resident):
    for late in ("张三", "13812345678", "下周二上午", "王秀英 13812345678"):
        converse(resident, [("我想办居住证", "时间")])
        with app.extensions["community"].db.transaction() as session:
            session.scalars(select(Conversation)).one().updated_at -= timedelta(minutes=45)
        reply = resident.says(late)
        assert "刚才的事已经关掉了" in reply and "还不会回答" not in reply
    assert resident.stored(FaqGap) == []


# --- §7 the same errand, any wording -------------------------------------------------------


def wordings(name: str, aliases: tuple[str, ...]) -> list[str]:
    """A dozen ways of asking to book one errand, over its name and its short forms."""
    short = [name, *aliases] * 12
    forms = ["我想办{}", "我要办{}", "帮我约个时间办{}", "我还想办{}", "预约{}", "我想预约{}", "帮我预约一下{}",
             "我要去办{}", "想办个{}", "约个时间办{}", "给我妈约个{}", "帮我办一下{}"]
    return [form.format(word) for form, word in zip(forms, short, strict=False)]


def test_every_catalogue_item_is_reached_by_a_dozen_wordings(app, resident):
    items = app.extensions["community"].library.current().services.items
    for item in items:
        for wording in wordings(item.name, item.aliases):
            reply = resident.says(wording)
            assert f"办{item.name}要带" in reply, f"{wording!r} did not book {item.name}:\n{reply}"
            resident.says("取消")


@pytest.mark.parametrize("short", ["社保认证", "养老金认证", "认证", "刷脸认证", "社保年审"])
def test_short_forms_of_the_pension_check_reach_it_not_the_registration(resident, short):
    reply = resident.says(short)
    assert "当场办结" in reply and "5个工作日" not in reply
    converse(resident, [(f"帮我约个时间办{short}", ["办养老保险待遇资格认证要带", "当场办结"])])


@pytest.mark.parametrize(("first", "follow_up", "about"), [
    ("照料中心几点开门", "晚上最晚几点接", "21:00"),
    ("日间照料中心在哪里", "一个月多少钱", "每餐5元"),
    ("我妈能去日间照料中心吗", "一个月多少钱", "每餐5元"),
])
def test_a_short_follow_up_keeps_the_topic(resident, first, follow_up, about):
    resident.says(first)
    resident.says("取消")  # a check the first words opened is left; the topic stays
    reply = resident.says(follow_up)
    assert about in reply and "幼儿园" not in reply


def test_the_topic_is_forgotten_after_ten_minutes(resident, friday_morning):
    resident.says("照料中心几点开门")
    friday_morning.shift(timedelta(minutes=11))
    assert "每餐5元" not in resident.says("一个月多少钱")


def test_a_can_i_follow_up_starts_the_check_of_the_topic(resident):
    converse(resident, [("照料中心几点开门", "21:00"), ("那我妈能去吗", ["60周岁", "多少岁"])])


@pytest.mark.parametrize("about_the_place", ["家属能去照料中心看望吗", "老人在照料中心能过夜吗", "照料中心能洗澡吗",
                                             "娃儿在幼儿园能午睡不"])
def test_a_question_about_what_happens_at_a_place_does_not_start_the_admission_check(resident, about_the_place):
    reply = resident.says(about_the_place)
    assert "想具体看看您家的情况" not in reply and "多少岁" not in reply and "出生" not in reply


@pytest.mark.parametrize("lacking", ["照料中心能洗澡吗", "老人在照料中心能过夜吗", "日间照料中心可以理发不",
                                     "娃儿在幼儿园能午睡不", "照料中心有没有洗澡的地方", "老人可以在照料中心打麻将吗"])
def test_something_to_do_at_a_place_that_the_data_lacks_is_an_honest_dont_know_kept_for_staff(person, lacking):
    reply = person.says(lacking)
    assert "没有登记" in reply and "人工" in reply
    assert "60周岁" not in reply and "多少岁" not in reply and "满3周岁" not in reply
    assert [gap.example for gap in person.stored(FaqGap)] == [lacking]


@pytest.mark.parametrize(("asked", "answered"), [("家属能去照料中心看望吗", "随时都可以来看望"),
                                                 ("照料中心平时有没有下象棋的", "下棋打牌"),
                                                 ("照料中心几点开门", "21:00")])
def test_what_the_data_does_say_about_a_place_is_still_answered(resident, asked, answered):
    assert answered in resident.says(asked)


# --- §6 the kindergarten ------------------------------------------------------------------


@pytest.mark.parametrize(("born", "ready"), [("2024年10月", "2028年9月"), ("2024年8月", "2027年9月"),
                                            ("2023年9月", "2027年9月"), ("两岁", "2028年9月")])
def test_a_child_too_young_is_told_the_autumn_it_can_start(resident, born, ready):
    converse(resident, [("我孙子能上幼儿园吗", "出生"), (born, [f"{ready}可以入园", "订阅幼儿园报名", "预防接种证"])])


@pytest.mark.parametrize("asked", ["幼儿园今年还有没有学位", "幼儿园还有空位吗", "幼儿园还剩几个名额"])
def test_places_left_this_year_come_from_the_data(resident, asked):
    assert "还剩12个学位" in resident.says(asked)


def test_parents_join_the_registration_reminder_in_wechat(person):
    converse(person, [("我家娃儿2024年10月生的能上幼儿园不", "订阅幼儿园报名"),
                      ("订阅幼儿园报名", "已为您订阅“幼儿园秋季入园报名提醒”"),
                      ("我的订阅", "幼儿园秋季入园报名提醒")])
    app = person.client.application
    events = app.extensions["community"].library.current().calendar.events
    [event] = [e for e in events if e.id == "kindergarten-registration"]
    assert event.topic == "幼儿园报名" and "预防接种证" in event.text


# --- §5 acting for someone else -------------------------------------------------------------


@pytest.mark.parametrize(("first", "who"), [("帮我妈约个高龄津贴", "母亲"), ("给我爸预约残疾证", "父亲"),
                                           ("帮我老伴约个时间办医保", "老伴")])
def test_a_booking_for_a_family_member_keeps_participant_and_contact_apart(person, first, who):
    converse(person, [(first, "时间"), ("1", f"请问{who}的姓名"), ("张秀英", "有事联系您"),
                      ("13812345678", [f"为谁办：{who}", "姓名：张秀英"]), ("1", "预约成功")])
    [booking] = person.stored(Booking)
    assert (booking.participant, booking.name, booking.phone) == (who, "张秀英", "13812345678")
    assert f"（为{who}）" in person.says("我的预约")
    reply = person.says("报名太极拳")  # the resident's own sign-up does not offer the mother's name as theirs
    assert "张" not in reply and "请问您的姓名" in reply


def test_the_same_errand_for_oneself_and_for_a_parent_are_two_bookings(person):
    converse(person, [("帮我妈约个高龄津贴", "时间"), ("1", "姓名"), ("张秀英", "手机"), ("13812345678", "核对"),
                      ("1", "预约成功")])
    converse(person, [("我想办高龄津贴", "时间"), ("2", "给谁办"), ("我自己", "姓名"), ("李明", "手机"),
                      ("13912345678", "核对"), ("1", "预约成功")])
    listed = person.says("我的预约")
    assert "高龄津贴申请（为母亲）" in listed and listed.count("高龄津贴申请") == 2


def test_a_parent_signs_a_child_up_and_both_places_are_listed(person):
    converse(person, [("给我孙子报个秧歌", ["秧歌班", "请问孙子的姓名"]), ("刘小宝", "手机"),
                      ("13812345678", "孙子今年多大年纪"), ("八岁", ["为谁办：孙子", "姓名：刘小宝"]),
                      ("1", "报名成功")])
    converse(person, [("报名秧歌", "请问您的姓名"), ("刘桂芳", "手机"), ("13812345678", "年纪"), ("60", "核对"),
                      ("1", "报名成功")])
    assert {(row.participant, row.name, row.age) for row in person.stored(Enrollment)} == {
        ("孙子", "刘小宝", 8), (None, "刘桂芳", 60)}
    listed = person.says("我的报名")
    assert "秧歌班（为孙子）：已报名" in listed and "秧歌班：已报名" in listed
    converse(person, [("取消报名", "回复1：秧歌班（为孙子）"), ("1", "确认退出这个班"),
                      ("1", "已退出秧歌班（为孙子）")])
    assert "秧歌班：已报名" in person.says("我的报名")


@pytest.mark.parametrize(("first", "who", "item"), [("帮我妈约个高龄津贴", "母亲", "高龄津贴申请"),
                                                   ("给我爸预约残疾证", "父亲", "残疾"),
                                                   ("帮我老伴约个时间办医保", "老伴", "医保")])
def test_the_reminder_of_a_family_booking_says_whom_it_is_for_and_goes_to_the_contact(person, first, who, item):
    converse(person, [(first, "时间"), ("1", "姓名"), ("张秀英", "手机"), ("13812345678", "核对"),
                      ("1", "预约成功")])
    [reminder] = person.stored(Reminder)
    assert reminder.openid == person.openid
    assert f"给{who}办{item}" in reminder.text and reminder.text.startswith("提醒：您预约了明天")


def test_the_reminder_of_ones_own_booking_names_no_one_else(person):
    converse(person, [("我想办居住证", "时间"), ("1", "姓名"), ("张三", "手机"), ("13812345678", "核对"),
                      ("1", "预约成功")])
    [reminder] = person.stored(Reminder)
    assert "办居住证" in reminder.text and "给" not in reminder.text.split("办居住证")[0]


def test_who_it_is_for_can_be_said_later_in_the_form(resident):
    converse(resident, [("我想办居住证", "时间"), ("1", "姓名"), ("是给我妈办的", ["为谁办改成：母亲", "姓名"])])


def test_a_question_the_data_cannot_answer_mid_check_is_an_honest_dont_know_kept_for_staff(resident):
    converse(resident, [("我妈能去日间照料中心吗", "多少岁"), ("78", "自理")])
    reply = resident.says("那里有没有人照顾吃药？")
    assert "答不上来" in reply and "人工" in reply and "自理" in reply
    assert [gap.example for gap in resident.stored(FaqGap)] == ["那里有没有人照顾吃药？"]
    converse(resident, [("能自理", "住在羊木社区吗")])


def test_the_summarys_choices_go_with_the_submitted_form(person):
    converse(person, [("我想办居住证", "时间"), ("1", "姓名"), ("张三", "手机"), ("13812345678", "核对"),
                      ("1", "预约成功"), ("1", "已经提交过了")])
    assert "没有要选的编号" in person.says("3")
    assert len(person.stored(Booking)) == 1
