"""The classes, announcements and residents pages as staff use them: lists, exports, audited clicks, refusals."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from bot.models import Announcement, AuditEntry, Enrollment, KeyValue, Outbox, Reminder, User, utcnow
from bot.services import enrollments, residents
from tests.console.conftest import csrf_token, db

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=TZ)  # 太极 meets next on Tuesday 12-01, 秧歌 starts tonight


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY_NOON, tick=True) as traveller:
        yield traveller


def signed_up(app, class_id: str, people: list[tuple[str, str]], capacity: int | None = None) -> None:
    """Residents who signed up in WeChat, in this order (the class shrunk to `capacity` first)."""
    services = app.extensions["community"].library.current().services
    klass = services.klass(class_id)
    if capacity is not None:
        klass = klass.model_copy(update={"capacity": capacity})
    with db(app).transaction() as session:
        for i, (name, phone) in enumerate(people):
            user = User(openid=f"o-{class_id}-{i}", subscribed=True, name=name, phone=phone, created_at=utcnow(),
                        last_message_at=utcnow())
            session.add(user)
            session.flush()
            enrollments.sign_up(session, user=user, klass=klass, name=name, phone=phone, age=66, now=utcnow())


def audited(app, action: str) -> list[AuditEntry]:
    with db(app).transaction() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_roster_shows_seats_and_the_waiting_list_with_phones_masked(app, staff_of):
    signed_up(app, "taiji", [("王桂芳", "13900001234"), ("李大明", "13800005678")], capacity=1)
    clerk = staff_of("staff")
    listing = clerk.get("/console/classes").get_data(as_text=True)
    assert "太极拳班" in listing and "已报1/30" in listing and "候补1人" in listing
    page = clerk.get("/console/classes/taiji").get_data(as_text=True)
    seats, waiting = page.split('id="waiting"')
    assert "王桂芳" in seats and "139****1234" in seats and "13900001234" not in page
    assert "李大明" in waiting and "候补1" in waiting
    assert [e.target for e in audited(app, "roster.view")] == ["class:taiji"]


def test_a_phone_on_the_roster_is_shown_on_a_click_and_logged(app, staff_of):
    signed_up(app, "taiji", [("王桂芳", "13900001234")])
    clerk = staff_of("staff")
    with db(app).transaction() as session:
        enrollment_id = session.scalars(select(Enrollment.id)).one()
    shown = clerk.post(f"/console/classes/taiji/phone/{enrollment_id}", {}, "/console/classes/taiji")
    assert "13900001234" in shown.get_data(as_text=True)
    assert [e.target for e in audited(app, "phone.view")] == [f"enrollment:{enrollment_id}"]


def test_the_roster_exports_to_excel_with_both_lists(app, staff_of):
    signed_up(app, "taiji", [("王桂芳", "13900001234"), ("李大明", "13800005678"), ("张秀英", "13700009999")],
              capacity=2)
    response = staff_of("staff").get("/console/classes/taiji.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    seats = [row for row in book["已报名"].iter_rows(values_only=True)]
    assert seats[0][:4] == ("序号", "状态", "姓名", "电话")
    assert [(r[0], r[2], r[3]) for r in seats[1:]] == [(1, "王桂芳", "139****1234"), (2, "李大明", "138****5678")]
    assert [r[:3] for r in book["候补"].iter_rows(min_row=2, values_only=True)] == [("候补1", "候补", "张秀英")]
    assert audited(app, "export")[0].target == "roster:taiji" and "3行" in audited(app, "export")[0].detail


def test_a_bad_term_edit_keeps_the_old_term_and_says_why(app, staff_of):
    signed_up(app, "taiji", [("王桂芳", "13900001234"), ("李大明", "13800005678")])
    clerk = staff_of("staff")
    refused = clerk.post("/console/classes/taiji/term", {"term_start": "2026-12-01", "weeks": "12", "capacity": "1"},
                         "/console/classes/taiji")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "名额不能少于2" in page and "没有保存" in page
    assert 'name="capacity" type="number" min="1" required value="1"' in page  # what was typed, to correct it
    garbled = clerk.post("/console/classes/taiji/term", {"term_start": "明天", "weeks": "12", "capacity": "30"},
                         "/console/classes/taiji")
    assert garbled.status_code == 400 and "没填对" in garbled.get_data(as_text=True)
    assert "已报2/30" in clerk.get("/console/classes").get_data(as_text=True)


def test_raising_the_capacity_fills_seats_from_the_waiting_list(app, staff_of):
    signed_up(app, "taiji", [("王桂芳", "13900001234"), ("李大明", "13800005678")], capacity=1)
    clerk = staff_of("staff")
    saved = clerk.post("/console/classes/taiji/term", {"term_start": "2026-12-01", "weeks": "12", "capacity": "31"},
                       "/console/classes/taiji")
    assert saved.status_code == 302
    page = clerk.get("/console/classes/taiji").get_data(as_text=True)
    assert "候补的1人已经补上" in page and "已报2/31" in page and "没有人候补" in page
    with db(app).transaction() as session:
        assert session.scalars(select(Outbox.openid)).all() == ["o-taiji-1"]
    assert "30个名额 → 2026-12-01起12周，31个名额" in audited(app, "class.term")[0].detail


def test_rain_needs_a_confirmation_on_the_console(app, staff_of):
    signed_up(app, "taiji", [("王桂芳", "13900001234")])
    with db(app).transaction() as session:
        session.add(Reminder(key="class:taiji:2026-12-01", openid="o-taiji-0", status="queued", text="明天太极",
                             fire_at=utcnow() - timedelta(hours=1)))
    clerk = staff_of("staff")
    plan = clerk.get("/console/classes/taiji/rain").get_data(as_text=True)
    assert "太极拳班12月1日（星期二）07:30的课改到居民学校，已经提醒过的1人会再收到一条通知" in plan
    with db(app).transaction() as session:
        assert session.get(KeyValue, "rain:taiji") is None
    stale = clerk.post("/console/classes/taiji/rain", {"day": "2026-12-03"}, "/console/classes/taiji/rain")
    assert "下一次课已经是12月1日了" in clerk.get(stale.headers["Location"]).get_data(as_text=True)
    done = clerk.post("/console/classes/taiji/rain", {"day": "2026-12-01"}, "/console/classes/taiji/rain")
    assert "已改：太极拳班12月1日在居民学校上课" in clerk.get(done.headers["Location"]).get_data(as_text=True)
    with db(app).transaction() as session:
        assert session.get(KeyValue, "rain:taiji").value == "2026-12-01"
        assert "居民学校" in session.scalars(select(Outbox.text)).one()
    assert "改到居民学校，通知1人" in audited(app, "class.rain")[0].detail


def test_attendance_is_taken_for_a_session_and_exported(app, staff_of, clock):
    signed_up(app, "yangge", [("王桂芳", "13900001234"), ("李大明", "13800005678")])
    clock.move_to(datetime(2026, 12, 2, 20, 30, tzinfo=TZ))  # Wednesday evening, after the second session
    clerk = staff_of("staff")
    page = clerk.get("/console/classes/yangge/attendance").get_data(as_text=True)
    assert "12月2日（还没点名）" in page and "11月30日" in page
    with db(app).transaction() as session:
        first = session.scalars(select(Enrollment.id).where(Enrollment.name == "王桂芳")).one()
    clerk.client.post("/console/classes/yangge/attendance",
                      data={"day": "2026-12-02", "came": [str(first)],
                            "csrf_token": _token(clerk, "/console/classes/yangge/attendance")})
    assert "到了1人，没到1人" in clerk.get("/console/classes/yangge/attendance?day=2026-12-02").get_data(as_text=True)
    refused = clerk.post("/console/classes/yangge/attendance", {"day": "2026-12-04"},
                         "/console/classes/yangge/attendance")
    assert "还没到" in clerk.get(refused.headers["Location"]).get_data(as_text=True)
    assert "1/2" in clerk.get("/console/classes/yangge").get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(clerk.get("/console/classes/yangge/attendance.xlsx").data))["出勤"]
    assert list(sheet.iter_rows(values_only=True)) == [("序号", "姓名", "11月30日", "12月2日"),
                                                       (1, "王桂芳", None, "到"), (2, "李大明", None, "没到")]


def _token(staff, page: str) -> str:
    return csrf_token(staff.get(page).get_data(as_text=True))


@pytest.mark.parametrize("role", ["grid", "viewer"])
def test_people_without_the_office_role_cannot_open_classes_announcements_or_residents(app, staff_of, role):
    member = staff_of(role)
    for path in ("/console/classes", "/console/classes/taiji", "/console/classes/taiji.xlsx",
                 "/console/announcements", "/console/residents"):
        assert member.get(path).status_code == 403, path
    assert "班级" not in member.get("/console/").get_data(as_text=True)


def test_an_announcement_to_taiji_ban_previews_the_class_with_its_count_and_quota(app, staff_of):
    signed_up(app, "taiji", [("王桂芳", "13900001234"), ("李大明", "13800005678")])
    clerk = staff_of("staff")
    typed = {"text": "周四太极拳暂停一次。", "audience": "太极班", "when": "now"}
    preview = clerk.post("/console/announcements/preview", typed, "/console/announcements")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "【羊木社区公告】周四太极拳暂停一次。" in page
    assert "太极拳班学员（2人）" in page and "不占群发额度（每人每月4次）" in page
    assert 'name="audience" value="class:taiji"' in page
    with db(app).transaction() as session:
        assert session.scalars(select(Announcement)).all() == []  # a preview sends nothing
    sent = clerk.post("/console/announcements", {"text": "周四太极拳暂停一次。", "audience": "class:taiji",
                                                 "when": "now"}, "/console/announcements")
    assert sent.status_code == 302
    report = clerk.get(sent.headers["Location"]).get_data(as_text=True)
    assert "共2人：已发0，失败0，未发0，待发2" in report and "王*" in report
    assert audited(app, "announce")[0].detail.startswith("太极拳班学员 2人")


@pytest.mark.parametrize(("form", "why"), [
    ({"text": "周三停水。", "audience": "老人家属", "when": "now"}, "没有一个人能收到"),
    ({"text": "周三停水。", "audience": "广场舞队", "when": "now"}, "没有“广场舞队”这个对象"),
    ({"text": "周三停水。", "audience": "所有人", "when": "later", "at": ""}, "请填上定时发送的日期和时间"),
    ({"text": "周三停水。", "audience": "所有人", "when": "later", "at": "2026-11-29T09:00"}, "已经过了"),
    ({"text": "停水", "audience": "所有人", "when": "now"}, "太短"),
])
def test_a_refused_announcement_keeps_what_staff_typed(app, staff_of, form, why):
    signed_up(app, "taiji", [("王桂芳", "13900001234")])
    refused = staff_of("staff").post("/console/announcements/preview", form, "/console/announcements")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and why in page and form["text"] in page


def test_a_scheduled_announcement_says_when_and_the_list_exports(app, staff_of):
    signed_up(app, "taiji", [("王桂芳", "13900001234")])
    clerk = staff_of("staff")
    sent = clerk.post("/console/announcements", {"text": "下周一社区义诊。", "audience": "所有人", "when": "later",
                                                 "at": "2026-12-01T09:00"}, "/console/announcements")
    assert "定时12月01日 09:00发送" in clerk.get(sent.headers["Location"]).get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(clerk.get("/console/announcements.xlsx").data))["公告"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "写于", "发布人", "发给", "内容")
    assert rows[1][3:5] == ("所有关注的居民", "下周一社区义诊。")
    assert rows[1][5] == datetime(2026, 12, 1, 9, 0)


def test_residents_are_found_masked_and_tagged_with_an_audit_row(app, staff_of):
    signed_up(app, "taiji", [("王桂芳", "13900001234")])
    with db(app).transaction() as session:
        user = session.scalars(select(User)).one()
        residents.set_tag(session, user, "老人家属", True)
        user_id = user.id
    clerk = staff_of("staff")
    found = clerk.get("/console/residents?q=1234").get_data(as_text=True)
    assert "王*" in found and "139****1234" in found and "王桂芳" not in found and "老人家属" in found
    page = clerk.get(f"/console/residents/{user_id}").get_data(as_text=True)
    assert "太极拳班：已报名" in page and "没有订阅" in page
    clerk.post(f"/console/residents/{user_id}/tags", {"tag": "志愿者", "action": "add"}, "/console/residents")
    clerk.post(f"/console/residents/{user_id}/tags", {"tag": "老人家属", "action": "remove"}, "/console/residents")
    refused = clerk.post(f"/console/residents/{user_id}/tags", {"tag": "广场舞", "action": "add"},
                         "/console/residents")
    assert "没有“广场舞”这个标签" in clerk.get(refused.headers["Location"]).get_data(as_text=True)
    with db(app).transaction() as session:
        assert session.get(User, user_id).tag_names == {"志愿者"}
    assert [e.detail for e in audited(app, "resident.tag")] == ["加上志愿者", "去掉老人家属"]
    sheet = load_workbook(io.BytesIO(clerk.get("/console/residents.xlsx?tag=志愿者").data))["居民"]
    assert list(sheet.iter_rows(values_only=True)) == [("姓名", "电话", "标签", "关注中"),
                                                       ("王*", "139****1234", "志愿者", "是")]


def test_an_announcement_made_in_wechat_shows_the_staff_members_name(app, staff_of):
    with db(app).transaction() as session:
        session.add(Announcement(author="dev-staff-chen", text="周三停水。", audience="all", status="done",
                                 created_at=utcnow()))
    listing = staff_of("staff").get("/console/announcements").get_data(as_text=True)
    assert "陈主任" in listing and "dev-staff-chen" not in listing


def test_a_corrected_term_gets_the_reminders_of_its_sessions_even_after_the_scheduler_planned_ahead(app, staff_of):
    from bot.services import class_terms, reminders

    assistant = app.extensions["community"]
    signed_up(app, "taiji", [("王桂芳", "13900001234")])
    with db(app).transaction() as session:  # the term was entered a week late
        class_terms.change(session, assistant.library.current().services, assistant.library.current().calendar,
                           assistant.library.current().services.klass("taiji"), term_start=datetime(2026, 12, 8).date(),
                           weeks=12, capacity=30, new_term=False, who="陈", now=utcnow())
    reminders.plan(db(app), assistant.library.current().calendar, assistant.settings, utcnow())  # planned to Wed
    staff_of("staff").post("/console/classes/taiji/term", {"term_start": "2026-12-01", "weeks": "12",
                                                           "capacity": "30"}, "/console/classes/taiji")
    with db(app).transaction() as session:
        planned = session.scalars(select(Reminder).where(Reminder.key == "class:taiji:2026-12-01")).all()
    assert [(r.openid, r.status) for r in planned] == [("o-taiji-0", "pending")]
