"""代办预约 through the real webhook: happy path, every interrupt, retries and the last place race."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.models import Booking, Conversation, HandoffRequest, Reminder, User
from tests.conftest import Resident, all_at_once, converse
from tests.services.conftest import rows

MONDAY = date(2026, 11, 30)  # the first working day after the frozen Friday


def book_until_summary(resident: Resident, first: str = "我想办居住证") -> None:
    converse(resident, [
        (first, ["身份证、租房合同或房产证明、1寸照片", "回复1：11月30日 周一 上午（剩8个）"]),
        ("1", ["回复“删除我的信息”", "请问您的姓名"]),
        ("张三", "手机号"),
        ("一三八 1234-5678", ["请核对预约", "事项：居住证", "时间：11月30日 周一 上午", "电话：138****5678",
                             "回复1：确认提交", "回复2：改事项"]),
    ])


def test_booking_happy_path_gives_a_number_records_consent_and_a_reminder(app, resident):
    book_until_summary(resident)
    converse(resident, [("1", ["预约成功", "预约号：DB20261127-001", "11月30日 周一 上午（09:00—12:00）"])])
    [booking] = rows(app, Booking)
    assert (booking.day, booking.period, booking.seat) == (MONDAY, "am", 1)
    assert (booking.name, booking.phone) == ("张三", "13812345678")
    user = rows(app, User)[0]
    assert user.consent_at is not None and user.phone == "13812345678"
    [reminder] = rows(app, Reminder)
    assert reminder.key == "booking:DB20261127-001" and reminder.status == "pending"
    assert reminder.fire_at == datetime(2026, 11, 29, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
    assert "身份证" in reminder.text and "DB20261127-001" in reminder.text


def test_paperless_note_and_item_chosen_from_the_numbered_list(resident):
    converse(resident, [
        ("预约代办", ["您要办哪一项", "回复1：养老保险参保登记"]),
        ("就业登记", ["要带：身份证", "免收复印件", "当场办结"]),
    ])


def test_typed_half_day_and_a_day_without_half_day(resident):
    converse(resident, [
        ("预约办居住证", "请选预约时间"),
        ("下周二", "12月1日 周二，上午还是下午"),
        ("下午", "请问您的姓名"),
        ("返回", "请选预约时间"),
        ("周六上午", "不开放预约"),
        ("12月25日上午", "只能约最近10个工作日"),
        ("12月1号下午", "请问您的姓名"),
    ])


def test_full_half_day_is_not_offered_and_refused_when_typed(app, resident):
    with app.extensions["community"].db.transaction() as session:
        for seat in range(1, 9):
            session.add(Booking(number=f"OLD-{seat}", service_id="employment", day=MONDAY, period="am", seat=seat))
    answer = resident.says("我想办就业登记")
    assert "11月30日 周一 上午" not in answer and "回复1：11月30日 周一 下午（剩8个）" in answer
    converse(resident, [("11月30日上午", "已经约满了")])


def test_cancel_back_and_help_words_inside_the_form(app, resident):
    converse(resident, [
        ("我想办居住证", "请选预约时间"),
        ("1", "请问您的姓名"),
        ("张三", "手机号"),
        ("上一步", "请问您的姓名"),
        ("返回", "请选预约时间"),
        ("帮助", "回复1：11月30日"),
        ("不办了", "已经取消了"),
        ("1", ""),  # the old numbered choices are gone with the form
    ])
    assert rows(app, Booking) == []


def test_handoff_inside_the_form_closes_it_and_keeps_the_request(app, resident):
    converse(resident, [("我想办居住证", "请选预约时间"), ("人工", "工作人员")])
    assert len(rows(app, HandoffRequest)) == 1
    assert rows(app, Conversation)[0].form is None


def test_faq_question_mid_form_is_answered_and_the_slot_asked_again(resident):
    converse(resident, [
        ("我想办居住证", "请选预约时间"),
        ("日间照料中心几点关门", ["8:00", "请选预约时间", "回复1：11月30日"]),
        ("1", "请问您的姓名"),
    ])


def test_form_expires_after_30_minutes_and_says_so(app, resident, clock):
    converse(resident, [("我想办居住证", "请选预约时间"), ("1", "请问您的姓名")])
    clock.shift(timedelta(minutes=31))
    converse(resident, [("张三", "太久没有回复")])
    assert rows(app, Booking) == []


def test_retried_confirmation_books_once(app, resident):
    book_until_summary(resident)
    signed = resident.side.text(resident.openid, "1")
    first, retry = resident.post(signed), resident.post(signed)
    assert first["Content"] == retry["Content"] and "DB20261127-001" in first["Content"]  # CreateTime may tick
    converse(resident, [("1", ["已经提交过了", "DB20261127-001"]), ("确认", "已经提交过了")])
    assert len(rows(app, Booking)) == 1


def test_my_bookings_change_and_cancel_move_the_reminder(app, resident):
    book_until_summary(resident)
    resident.says("1")
    converse(resident, [
        ("我的预约", ["DB20261127-001 居住证 11月30日 周一 上午", "改约", "取消预约"]),
        ("改约", "请选预约时间"),
        ("下周三下午", ["请核对改约", "时间：12月2日 周三 下午"]),
        ("1", ["改好了", "DB20261127-001", "12月2日 周三 下午"]),
    ])
    [booking] = rows(app, Booking)
    assert (booking.day, booking.period) == (date(2026, 12, 2), "pm")
    reminders = {r.fire_at.date(): r.status for r in rows(app, Reminder)}
    assert reminders == {date(2026, 11, 29): "cancelled", date(2026, 12, 1): "pending"}
    converse(resident, [("取消预约", ["请核对取消预约", "DB20261127-001"]), ("1", "已取消预约DB20261127-001"),
                        ("我的预约", "您现在没有预约")])
    [booking] = rows(app, Booking)
    assert booking.status == "cancelled" and booking.seat is None
    assert {r.status for r in rows(app, Reminder)} == {"cancelled"}


def test_second_booking_reuses_the_stored_contact_without_the_notice_again(resident):
    book_until_summary(resident)
    resident.says("1")
    converse(resident, [("预约办医保", "请选预约时间")])
    answer = resident.says("2")
    assert "删除我的信息" not in answer and "回复1：用上次的：张*（138****5678）" in answer
    converse(resident, [("1", ["姓名：张三", "电话：138****5678"]), ("1", "DB20261127-002")])


def test_two_residents_never_take_the_same_last_place(make_app, backend, wechat):
    app = make_app(backend)
    with app.extensions["community"].db.transaction() as session:
        for seat in range(1, 8):
            session.add(Booking(number=f"OLD-{seat}", service_id="employment", day=MONDAY, period="am", seat=seat))
    residents = [Resident(app.test_client(), wechat, f"o-race-{i}") for i in range(2)]
    for i, resident in enumerate(residents):
        converse(resident, [("我想办就业登记", "11月30日 周一 上午（剩1个）"), ("1", "姓名"),
                            (f"王{'一二'[i]}", "手机"), (f"1390000000{i}", "请核对预约")])
    answers = all_at_once(residents, "1")
    assert sum("预约成功" in a for a in answers) == 1, answers
    assert sum("被别人约满了" in a and "请选预约时间" in a for a in answers) == 1, answers
    taken = [b.seat for b in rows(app, Booking, Booking.day == MONDAY, Booking.period == "am")]
    assert sorted(taken) == list(range(1, 9))


def test_lookups_and_deleting_data_work_in_the_middle_of_a_form(app, resident):
    converse(resident, [("我想办居住证", "请选预约时间"), ("1", "姓名")])
    for not_a_name in ("好的", "不知道", "明天上午"):  # 明天上午 is a new time, not a name
        assert "请问您的姓名" in resident.says(not_a_name)
    aside = resident.says("我的预约")
    assert "没有" in aside and "姓名" in aside.split("——")[-1]
    converse(resident, [("张三", "手机"), ("删除我的信息", "不用删除")])
    assert "手机" not in resident.says("13812345678")


def test_a_time_in_the_first_sentence_is_taken_and_today_is_explained(resident):
    converse(resident, [("我想预约下周二上午办居住证", ["要带", "请问您的姓名"])])
    converse(resident, [("取消", "取消了"), ("预约办居住证", "请选预约时间"),
                        ("今天上午", "最早可以约11月30日 周一")])


def test_an_errand_the_centre_does_not_do_is_not_booked(resident):
    assert "人工" in resident.says("我想办身份证")
    for wish in ("我想预约", "预约代办", "我要办事"):
        resident.says("取消")
        assert "您要办哪一项" in resident.says(wish)
