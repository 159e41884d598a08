"""The 代办 desk in the console: the day's list and look-up, taking papers in, case steps, walk-ins,
the case list with its filters and Excel export, capacity and closures, and who may open them."""
from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from bot.models import AuditEntry, Booking, Case, CaseStatus, Outbox, User
from bot.services import bookings, cases
from tests.conftest import command

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime(2026, 11, 27, 9, 30, tzinfo=SHANGHAI)
TODAY = FRIDAY.date()


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(FRIDAY, tick=True) as traveller:
        yield traveller


def book(app, openid: str, name: str, phone: str, item: str = "residence_permit", period: str = "am",
         day: date = TODAY) -> str:
    """A resident's booking for the desk's day, as the WeChat form makes it."""
    assistant = app.extensions["community"]
    services = assistant.library.current().services
    with assistant.db.transaction() as session:
        user = User(openid=openid, subscribed=True, name=name, phone=phone)
        session.add(user)
        session.flush()
        booking, _ = bookings.book(session, user=user, item=services.item(item), rules=services.booking, day=day,
                                   period=period, name=name, phone=phone, now=datetime.now(UTC), tz=SHANGHAI)
        return booking.number


def one(app, statement) -> Any:
    with app.extensions["community"].db.transaction() as session:
        return session.scalars(statement).first()


def audited(app, action: str) -> list[str]:
    with app.extensions["community"].db.transaction() as session:
        return list(session.scalars(select(AuditEntry.detail).where(AuditEntry.action == action)))


def test_the_desk_shows_the_days_bookings_by_half_day_with_masked_phones(app, staff_of):
    first = book(app, "o-1", "张三", "13812345678")
    book(app, "o-2", "李四", "13900001111", item="employment", period="pm")
    page = staff_of("staff").get("/console/desk").get_data(as_text=True)
    assert "11月27日 周五 上午（1人）" in page and "11月27日 周五 下午（1人）" in page
    assert page.index(first) < page.index("下午（1人）")
    assert "138****5678" in page and "13812345678" not in page
    assert "到了，材料已收" in page
    assert audited(app, "desk.view") == ["2026-11-27"]
    other_day = staff_of("staff").get("/console/desk?day=2026-11-30").get_data(as_text=True)
    assert "这天没有预约" in other_day


def test_the_desk_finds_a_booking_by_number_name_or_phone_tail(app, staff_of):
    number = book(app, "o-1", "张三", "13812345678", day=date(2026, 11, 30))
    clerk = staff_of("staff")
    for query in (number, "张三", "5678", "138****5678"):
        assert number in clerk.get(f"/console/desk?q={query}").get_data(as_text=True), query
    assert "没有找到" in clerk.get("/console/desk?q=王五").get_data(as_text=True)


def test_taking_the_papers_in_opens_a_case_that_tells_the_resident(app, staff_of):
    number = book(app, "o-1", "张三", "13812345678")
    booking_id = one(app, select(Booking.id))
    clerk = staff_of("staff")
    opened = clerk.post(f"/console/desk/{booking_id}/case", {}, "/console/desk")
    assert opened.status_code == 302
    page = clerk.get(opened.headers["Location"]).get_data(as_text=True)
    assert "BJ20261127-001" in page and "材料已收" in page and "承诺12月18日 周五前办好" in page
    assert "已关联" in page
    desk = clerk.get("/console/desk").get_data(as_text=True)
    assert "到了" in desk and "BJ20261127-001" in desk and "到了，材料已收" not in desk
    again = clerk.post(f"/console/desk/{booking_id}/case", {}, "/console/desk")
    assert "已经建了办件：BJ20261127-001" in clerk.get(again.headers["Location"]).get_data(as_text=True)
    assert audited(app, "case.open") == [f"预约{number} 材料已收"]


def test_a_case_step_reaches_the_residents_wechat_and_a_bad_one_keeps_the_case(app, staff_of):
    book(app, "o-1", "张三", "13812345678")
    clerk = staff_of("staff")
    clerk.post(f"/console/desk/{one(app, select(Booking.id))}/case", {}, "/console/desk")
    case_id = one(app, select(Case.id))
    url = f"/console/cases/{case_id}"
    refused = clerk.post(f"{url}/status", {"status": "退回补材料", "note": "看一下"}, url)
    assert refused.status_code == 400 and "请写上缺什么材料" in refused.get_data(as_text=True)
    assert one(app, select(Case.status)) == CaseStatus.RECEIVED
    done = clerk.post(f"{url}/status", {"status": "可领取"}, url)
    assert done.status_code == 302
    assert "您的居住证已办好，可以来领了，带上身份证" in one(app, select(Outbox.text).order_by(Outbox.id.desc()))
    assert audited(app, "case.status") == ["可领取"]
    page = clerk.get(url).get_data(as_text=True)
    assert "已办结" in page and "退回补材料" not in page.split("下一步")[1].split("</select>")[0]


def test_a_walk_in_with_a_known_phone_is_linked_and_a_bad_phone_keeps_what_was_typed(app, staff_of):
    book(app, "o-1", "张三", "13812345678", day=date(2026, 11, 30))
    clerk = staff_of("staff")
    bad = clerk.post("/console/cases/new", {"item": "employment", "name": "张三", "phone": "1381234"},
                     "/console/cases/new")
    body = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "电话号码不对" in body and 'value="1381234"' in body and 'value="张三"' in body
    good = clerk.post("/console/cases/new", {"item": "employment", "name": "张三", "phone": "138 1234 5678"},
                      "/console/cases/new")
    page = clerk.get(good.headers["Location"]).get_data(as_text=True)
    assert "已关联到这位居民的微信" in page and "当天办好" in page
    assert one(app, select(Case.user_id)) == one(app, select(User.id))


def test_the_case_list_marks_late_ones_filters_and_exports_what_is_shown(app, staff_of):
    book(app, "o-1", "张三", "13812345678")
    clerk = staff_of("staff")
    clerk.post(f"/console/desk/{one(app, select(Booking.id))}/case", {}, "/console/desk")
    assistant = app.extensions["community"]
    with assistant.db.transaction() as session:  # taken in a week ago; 3 working days were promised
        cases.walk_in(session, services=assistant.library.current().services, item_id="medical_insurance",
                      name="李四", phone="13700002222", missing="", by="小李",
                      now=datetime(2026, 11, 20, 10, 0, tzinfo=UTC), tz=SHANGHAI)
    listed = clerk.get("/console/cases").get_data(as_text=True).split('<ul class="list">')[1]
    assert listed.index("BJ20261120-001") < listed.index("BJ20261127-001")
    assert listed.count("超期（") == 1 and "超期（承诺11月25日 周三）" in listed
    late = clerk.get("/console/cases?overdue=1").get_data(as_text=True)
    assert "BJ20261120-001" in late and "BJ20261127-001" not in late
    response = clerk.get("/console/cases.xlsx?overdue=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = list(sheet.values)
    assert header[:5] == ("办件号", "事项", "姓名", "电话", "状态")
    assert [r[:5] + r[7:8] for r in rows] == [("BJ20261120-001", "医保缴费", "李四", "137****2222", "材料已收", "超期")]
    assert audited(app, "export") == ["1行 overdue=1"]
    items = clerk.get("/console/cases?item=residence_permit").get_data(as_text=True)
    assert "BJ20261127-001" in items and "BJ20261120-001" not in items


def test_the_desk_list_exports_to_excel(app, staff_of):
    number = book(app, "o-1", "张三", "13812345678")
    response = staff_of("staff").get("/console/desk.xlsx?day=2026-11-27")
    header, *rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert header[0] == "预约号" and rows == [(number, "11月27日 周五 上午", 1, "居住证", "张三", "138****5678",
                                              "待到", None, None)]


def test_attendance_and_the_audited_phone_reveal(app, staff_of):
    book(app, "o-1", "张三", "13812345678")
    clerk = staff_of("staff")
    booking_id = one(app, select(Booking.id))
    clerk.post(f"/console/desk/{booking_id}/attendance", {"attendance": "未到"}, "/console/desk")
    assert one(app, select(Booking.attendance)) == "未到"
    assert clerk.post(f"/console/desk/{booking_id}/attendance", {"attendance": "走了"}).status_code == 302
    assert one(app, select(Booking.attendance)) == "未到"
    clerk.post(f"/console/desk/{booking_id}/case", {"missing": "租房合同"}, "/console/desk")
    case_id = one(app, select(Case.id))
    page = clerk.post(f"/console/cases/{case_id}/phone", {}, f"/console/cases/{case_id}").get_data(as_text=True)
    assert "13812345678" in page and "缺：租房合同" in page
    assert audited(app, "phone.view")


def test_capacity_and_closures_are_edited_audited_and_a_bad_edit_keeps_the_old_value(app, staff_of):
    book(app, "o-1", "张三", "13812345678", day=date(2026, 11, 30))
    clerk = staff_of("staff")
    page = "/console/desk/settings"
    refused = clerk.post(f"{page}/capacity", {"places": "八"}, page)
    assert refused.status_code == 400 and "1到50之间的整数" in refused.get_data(as_text=True)
    assert 'value="八"' in refused.get_data(as_text=True)  # what was typed stays in the box to correct
    assert 'value="8"' in clerk.get(page).get_data(as_text=True) and audited(app, "desk.capacity") == []
    clerk.post(f"{page}/capacity", {"places": "6"}, page)
    assert 'value="6"' in clerk.get(page).get_data(as_text=True) and audited(app, "desk.capacity") == ["8 → 6"]
    busy = clerk.post(f"{page}/closures", {"day": "2026-11-30", "period": "", "reason": "培训"}, page)
    assert busy.status_code == 400 and "11月30日 周一已有1个预约" in busy.get_data(as_text=True)
    clerk.post(f"{page}/closures", {"day": "2026-12-01", "period": "pm", "reason": "开会"}, page)
    shown = clerk.get(page).get_data(as_text=True)
    assert "12月1日 周二 下午 · 开会" in shown
    assert audited(app, "desk.closure") == ["闭馆 下午 开会"]
    clerk.post(f"{page}/closures/delete", {"day": "2026-12-01", "period": "pm"}, page)
    assert "没有另设的闭馆日" in clerk.get(page).get_data(as_text=True)


@pytest.mark.parametrize("role", ["grid", "viewer"])
def test_grid_workers_and_viewers_cannot_open_the_desk(staff_of, role):
    member = staff_of(role)
    for url in ("/console/desk", "/console/cases", "/console/cases.xlsx", "/console/desk/settings"):
        assert member.get(url).status_code == 403, url


def test_the_command_line_prints_what_the_desk_shows(app, staff_of):
    number = book(app, "o-1", "张三", "13812345678")
    line = f"{number}  11月27日 周五 上午  居住证  张三 138****5678  待到"
    shown = command(app, "bookings", "show", number)
    assert shown.exit_code == 0 and shown.output.strip() == line
    listed = command(app, "bookings", "list", "--date", "2026-11-27")
    assert listed.output.strip() == line
    assert "12月1日 周二没有预约" in command(app, "bookings", "list", "--date", "2026-12-01").output
    missing = command(app, "bookings", "show", "DB20200101-001")
    assert missing.exit_code == 1 and "没有这个预约号" in missing.output
    assert command(app, "bookings", "list", "--date", "明天").exit_code == 1
