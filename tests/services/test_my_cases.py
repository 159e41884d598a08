"""Through the real webhook: 我的代办 / 办好没有 after the desk took the errand in, and the desk's edits as
residents meet them."""
from __future__ import annotations

from datetime import date, datetime

import time_machine

from bot.models import Booking, Case, CaseStatus, utcnow
from bot.services import bookings, cases
from tests.conftest import converse
from tests.services.conftest import NOW
from tests.services.test_booking import book_until_summary


def _desk(app, step=None, missing=""):
    """The clerk at the window: the resident's booking becomes a case, then moves one step."""
    assistant = app.extensions["community"]
    services = assistant.library.current().services
    with assistant.db.transaction() as session:
        case = session.query(Case).first()
        if case is None:
            booking = session.query(Booking).one()
            case = cases.from_booking(session, booking, services=services, missing=missing, by="小李",
                                      now=utcnow(), tz=NOW.tzinfo)
        if step:
            cases.change_status(session, case, step, services=services, by="小李", now=utcnow(), tz=NOW.tzinfo)


def test_before_the_window_the_resident_hears_there_is_nothing_yet(resident):
    converse(resident, [
        ("我的代办", "您现在没有在办的代办"),
        ("我的居住证办好没有", "没有查到您的居住证代办"),
    ])


def test_how_long_an_item_takes_is_still_a_question_for_the_faq(resident):
    answer = resident.says("失业登记当天能办好不")
    assert "当场办结" in answer and "没有在办的代办" not in answer


def test_the_resident_asks_in_their_own_words_and_gets_the_status_and_due_date(app, resident):
    book_until_summary(resident)
    converse(resident, [("1", "预约成功")])
    _desk(app)
    converse(resident, [
        ("我的代办", ["您的代办：", "BJ20261127-001 居住证：材料已收，承诺12月18日 周五前办好"]),
        ("办好没有", "材料已收，承诺12月18日 周五前办好"),
        ("我的居住证办好没有", "BJ20261127-001 居住证"),
        ("医保办好了吗", "没有查到您的医保缴费代办"),
    ])
    _desk(app, CaseStatus.READY)
    converse(resident, [("居住证办得怎么样了", "可领取，带上身份证来领")])


def test_once_the_desk_has_taken_the_papers_the_booking_is_no_longer_upcoming(app, resident):
    book_until_summary(resident)
    converse(resident, [("1", "预约成功"), ("我的预约", "DB20261127-001")])
    _desk(app)
    converse(resident, [("我的预约", "您现在没有预约"), ("取消预约", "您现在没有预约")])


def test_query_progress_no_longer_says_no_report_to_someone_with_an_errand(app, resident):
    book_until_summary(resident)
    converse(resident, [("1", "预约成功")])
    _desk(app, missing="租房合同")
    answer = resident.says("查询进度")
    assert "您还没有反映过问题" not in answer
    assert "BJ20261127-001 居住证：退回补材料（缺：租房合同）" in answer


def test_a_late_case_says_staff_are_chasing_it(app, resident):
    book_until_summary(resident)
    converse(resident, [("1", "预约成功")])
    _desk(app)
    with time_machine.travel(datetime(2026, 12, 21, 9, 0, tzinfo=NOW.tzinfo)):
        converse(resident, [("我的代办", "已超过承诺时间，工作人员正在催办")])


def test_asked_in_the_middle_of_a_booking_the_form_goes_on(app, resident):
    book_until_summary(resident)
    converse(resident, [("1", "预约成功")])
    _desk(app)
    converse(resident, [
        ("我想办医保", "请选预约时间"),
        ("我的代办", ["BJ20261127-001 居住证", "请选预约时间"]),
    ])


def test_deleting_my_data_unlinks_the_errand_and_erases_the_name_and_phone(app, resident):
    book_until_summary(resident)
    converse(resident, [("1", "预约成功")])
    _desk(app, CaseStatus.IN_PROGRESS)
    converse(resident, [("删除我的信息", "确定删除"), ("1", "已删除"), ("我的代办", "您现在没有在办的代办")])
    with app.extensions["community"].db.transaction() as session:
        case = session.query(Case).one()
        assert (case.user_id, case.name, case.phone, case.status) == (None, None, None, "办理中")


def test_a_day_staff_closed_is_refused_as_closed_when_a_resident_asks_for_it(app, resident):
    with app.extensions["community"].db.transaction() as session:
        bookings.add_closure(session, day=date(2026, 12, 1), period="", reason="全员培训", by="主任",
                             today=NOW.date(), now=utcnow())
    converse(resident, [
        ("预约办居住证", ["请选预约时间", "11月30日 周一 上午", "12月2日 周三 上午"]),
        ("12月1号上午", "12月1日 周二不开放预约"),
    ])
