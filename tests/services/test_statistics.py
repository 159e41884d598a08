"""The month's numbers are counted from the records: each checked against the rows tests/month.py writes."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import delete

from bot.models import MessageLog
from bot.services import statistics
from bot.services.statistics import Period
from tests.month import TZ, build_month

NOVEMBER = Period.month(2026, 11, TZ)
NOW = datetime(2026, 12, 10, 3, 0, tzinfo=TZ)


@pytest.fixture
def november(make_app, backend):
    app = make_app(backend)
    db = app.extensions["community"].db
    with db.transaction() as session:
        build_month(session)
    with db.transaction() as session:
        yield {area.key: area for area in statistics.report(session, NOVEMBER,
                                                            app.extensions["community"].library.current().services)}


def figures(area) -> dict[str, str]:
    return dict(area.figures)


def test_messages_and_residents_served_count_local_days_inside_the_month(november):
    area = november["conversations"]
    assert figures(area) == {"居民发来消息": "4条", "服务居民（按天计）": "3人次",
                             "直接回答": "2次", "请居民选一个问题": "1次", "答不上来": "1次"}
    assert len(area.rows) == 8  # every line said or answered, none from October or December


def test_the_counts_outlive_the_conversation_log(make_app):
    """The log is deleted day by day after its retention; each day's counts are kept first."""
    app = make_app()
    services = app.extensions["community"].library.current().services
    with app.extensions["community"].db.transaction() as session:
        build_month(session)
    with app.extensions["community"].db.transaction() as session:
        assert statistics.keep_counts(session, date(2026, 11, 4), TZ, NOW) == 2  # 31 October and 3 November
        session.execute(delete(MessageLog).where(MessageLog.at < datetime(2026, 11, 4, tzinfo=TZ)))
    with app.extensions["community"].db.transaction() as session:
        assert statistics.keep_counts(session, date(2026, 11, 4), TZ, NOW) == 0
        area = statistics.conversations(session, NOVEMBER, services)
    assert figures(area) == {"居民发来消息": "4条", "服务居民（按天计）": "3人次",
                             "直接回答": "2次", "请居民选一个问题": "1次", "答不上来": "1次"}
    summary = (date(2026, 11, 3), "", "当天汇总（对话记录已到期删除）", "消息3，人次2，回答2，追问1，答不上0", "")
    assert summary in area.rows


def test_handoff_cases_and_how_long_residents_waited(november):
    assert figures(november["handoffs"]) == {"转人工": "2次", "工作人员回复了": "1次", "平均等待回复": "12分钟",
                                             "最长等待": "12分钟", "没人回复": "1次", "超时提醒管理员": "1次"}


def test_bookings_by_item_for_days_in_the_month(november):
    area = november["bookings"]
    assert figures(area) == {"预约代办": "2件", "取消的预约": "1件", "涉及事项": "2项"}
    assert dict(area.bars[0][1]) == {"居住证": 1, "低保申请": 1}
    assert ("DB20261105-001", "居住证", date(2026, 11, 12), "am", "已预约", "王*", "138****5678") in area.rows


def test_reports_by_grid_with_response_resolution_and_satisfaction(november):
    area = november["reports"]
    assert figures(area) == {"收到上报（社情民意）": "3件", "已办结（解决问题）": "1件", "平均响应": "27小时",
                             "平均办结": "24小时", "按时响应": "33%", "满意": "1件", "不满意": "0件",
                             "满意率（已评价的）": "100%"}
    by_grid = dict(area.bars[0][1])
    assert (by_grid["第1网格"], by_grid["第3网格"], by_grid["第2网格"]) == (2, 1, 0)
    assert area.share == ("按时响应", 1, 3)
    assert [row[5:8] for row in area.rows] == [(6.0, 24.0, "是"), (48.0, None, "否"), (None, None, "否")]


def test_class_sign_ups_and_messages_sent(november):
    assert figures(november["classes"]) == {"报名": "2人次", "有名额": "1人", "候补": "1人", "后来取消": "0人"}
    assert figures(november["outbound"]) == {"提醒": "发出2条，送达1条", "错过时间没发的提醒": "1条",
                                             "通知": "1次，发给3人次，送达2人次", "所有消息": "发出6条，送达4条"}


def test_a_range_of_days_counts_only_those_days(make_app):
    app = make_app()
    with app.extensions["community"].db.transaction() as session:
        build_month(session)
        first_week = Period(date(2026, 11, 1), date(2026, 11, 7), TZ)
        area = statistics.conversations(session, first_week, app.extensions["community"].library.current().services)
    assert first_week.label == "2026-11-01 至 2026-11-07"
    assert figures(area)["居民发来消息"] == "3条"
    assert NOVEMBER.label == "2026年11月" and NOVEMBER.weeks()[0] == date(2026, 10, 26)


def test_cases_count_by_item_and_ready_by_the_promised_day_and_attendance_by_session(make_app, backend):
    from bot.models import Attendance, Case, CaseEvent, Enrollment
    from tests.month import at

    app = make_app(backend)
    with app.extensions["community"].db.transaction() as session:
        # 3 cases taken in during November: one ready a day early, one ready two days late, one still open;
        # one from October is outside the month.
        for number, due, ready, created in (("BJ-1", date(2026, 11, 10), at(9, 15), at(2, 10)),
                                            ("BJ-2", date(2026, 11, 12), at(14, 9), at(3, 10)),
                                            ("BJ-3", date(2026, 12, 20), None, at(20, 10)),
                                            ("BJ-0", date(2026, 10, 30), at(29, 9, month=10), at(20, 9, month=10))):
            case = Case(number=number, service_id="pension_certify", name="王大爷", phone="13800000000",
                        status="可领取" if ready else "材料已收", received_on=created.date(), due_on=due,
                        created_at=created)
            case.events = [CaseEvent(status="材料已收", at=created)] + (
                [CaseEvent(status="可领取", at=ready)] if ready else [])
            session.add(case)
        # Taiji on 11-03: 2 of 3 came; on 11-10: 1 of 3.
        seats = [Enrollment(class_id="taiji", term="2026-11-02", name=n, status="enrolled", created_at=at(1, 9))
                 for n in ("王大爷", "李孃孃", "赵叔")]
        session.add_all(seats)
        session.flush()
        session.add_all([Attendance(enrollment_id=seat.id, class_id="taiji", day=day, present=came)
                         for day, pattern in ((date(2026, 11, 3), (1, 1, 0)), (date(2026, 11, 10), (0, 1, 0)))
                         for seat, came in zip(seats, map(bool, pattern), strict=True)])
    with app.extensions["community"].db.transaction() as session:
        areas = {area.key: area for area in statistics.report(
            session, NOVEMBER, app.extensions["community"].library.current().services)}
    cases = figures(areas["cases"])
    assert (cases["收件"], cases["已办好"], cases["按承诺时限办好"]) == ("3件", "2件", "50%")
    assert [row[-1] for row in areas["cases"].rows] == ["是", "否", ""]
    assert areas["cases"].share == ("按承诺时限办好", 1, 2)
    seen = figures(areas["attendance"])
    assert (seen["点过名的课"], seen["到课"], seen["缺课"], seen["出勤率"]) == ("2次", "3人次", "3人次", "50%")
    assert all("王大爷" not in str(row) for row in areas["attendance"].rows)  # names masked in the 台账
