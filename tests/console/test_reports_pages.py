"""Grid reports in the console: the queue and its filters, a report's page, the work on it, the Excel export."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from bot.models import AuditEntry, Outbox, Ticket, User
from tests.conftest import Resident, converse
from tests.console.conftest import db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
THURSDAY = MONDAY + timedelta(days=3, hours=1)  # 10:00, when staff look at the queue


@pytest.fixture(autouse=True)
def clock():
    """Staff sign in and work on Thursday morning; the reports were made earlier that week."""
    with time_machine.travel(THURSDAY, tick=True):
        yield


def report(resident: Resident, problem: str, place: str) -> str:
    """A resident reports through the webhook (no photo); the ticket's number."""
    resident.says(problem)
    resident.says(place)
    resident.says("跳过")
    answer = resident.says("1")
    assert "已受理" in answer, answer
    return answer.split("编号：")[1].split()[0]


def ticket(app, number: str) -> Ticket:
    with db(app).transaction() as session:
        return session.scalars(select(Ticket).where(Ticket.number == number)).one()


def told(app, openid: str) -> list[str]:
    with db(app).transaction() as session:
        return list(session.scalars(select(Outbox.text).where(Outbox.openid == openid).order_by(Outbox.id)))


@pytest.fixture
def two_reports(app, client, wechat):
    """A streetlight in grid 1 on Monday 9:00 and a burst pipe in grid 2 on Thursday 9:00."""
    with time_machine.travel(MONDAY, tick=False):
        light = report(Resident(client, wechat, "o-light"), "路灯坏了", "老街农贸市场门口")
    with time_machine.travel(THURSDAY - timedelta(hours=1), tick=False):
        pipe = report(Resident(client, wechat, "o-pipe"), "停水了", "新区小区5栋")
    return ticket(app, light), ticket(app, pipe)


def test_the_queue_puts_late_reports_first_and_filters_by_grid_category_status_and_age(two_reports, staff_of):
    light, pipe = two_reports
    admin = staff_of("admin")
    page = admin.get("/console/reports").get_data(as_text=True)
    assert page.index(light.number) < page.index(pipe.number)  # late first, though older
    assert "超时未接手" in page.split(pipe.number)[0]
    by_grid = admin.get("/console/reports?grid=第2网格").get_data(as_text=True)
    by_category = admin.get("/console/reports?category=路灯/亮化").get_data(as_text=True)
    old = admin.get("/console/reports?age=old1").get_data(as_text=True)
    late = admin.get("/console/reports?late=1").get_data(as_text=True)
    done = admin.get("/console/reports?status=已办结").get_data(as_text=True)
    assert pipe.number in by_grid and light.number not in by_grid
    assert light.number in by_category and pipe.number not in by_category
    assert light.number in old and pipe.number not in old
    assert light.number in late and pipe.number not in late
    assert "没有符合条件的上报" in done


def test_a_grid_worker_sees_only_the_reports_of_their_grids(two_reports, staff_of):
    light, pipe = two_reports
    worker = staff_of("grid", (2,))
    queue = worker.get("/console/reports").get_data(as_text=True)
    assert pipe.number in queue and light.number not in queue
    assert worker.get(f"/console/reports/{light.id}").status_code == 404
    assert worker.post(f"/console/reports/{light.id}/status", {"status": "处理中"}).status_code == 404
    assert worker.get(f"/console/reports/{pipe.id}").status_code == 200


def test_a_viewer_sees_no_reports(two_reports, staff_of):
    assert staff_of("viewer").get("/console/reports").status_code == 403


def test_the_report_page_shows_what_the_resident_said_and_the_timeline_and_the_view_is_audited(
        app, two_reports, staff_of):
    light, _ = two_reports
    page = staff_of("staff").get(f"/console/reports/{light.id}").get_data(as_text=True)
    for shown in ("路灯坏了", "老街农贸市场门口", "第1网格", "第1网格网格员", "已受理", "小助手", "接手期限"):
        assert shown in page, shown
    with db(app).transaction() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "report.view")).first().target \
            == f"ticket:{light.number}"


def test_a_status_change_with_a_note_reaches_the_resident_and_a_wrong_one_changes_nothing(
        app, two_reports, staff_of):
    _, pipe = two_reports
    worker = staff_of("grid", (2,))
    page = f"/console/reports/{pipe.id}"
    worker.post(f"{page}/status", {"status": "处理中", "note": "已联系水务站，下午来修"}, page)
    assert any("处理中" in text and "已联系水务站" in text for text in told(app, "o-pipe"))
    assert ticket(app, pipe.number).responded_at is not None
    worker.post(f"{page}/status", {"status": "已办结", "note": ""}, page)
    refused = worker.post(f"{page}/status", {"status": "处理中", "note": "重开"}, page)
    assert "只能改为" in worker.get(refused.headers["Location"]).get_data(as_text=True)
    assert ticket(app, pipe.number).status == "已办结"
    with db(app).transaction() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action == "report.status")).all()
    assert len(actions) == 2


def test_an_internal_note_is_on_the_timeline_and_never_sent_to_the_resident(app, two_reports, staff_of):
    _, pipe = two_reports
    before = told(app, "o-pipe")
    clerk = staff_of("staff")
    clerk.post(f"/console/reports/{pipe.id}/note", {"note": "居民脾气急，先打电话"}, f"/console/reports/{pipe.id}")
    page = clerk.get(f"/console/reports/{pipe.id}").get_data(as_text=True)
    assert "居民脾气急，先打电话" in page and "内部" in page
    assert told(app, "o-pipe") == before
    empty = clerk.post(f"/console/reports/{pipe.id}/note", {"note": "  "}, f"/console/reports/{pipe.id}")
    assert "备注不能是空的" in clerk.get(empty.headers["Location"]).get_data(as_text=True)


def test_a_report_is_handed_to_a_grid_worker_account(app, two_reports, staff_of):
    light, _ = two_reports
    staff_of("grid", (1,))
    clerk = staff_of("staff")
    clerk.post(f"/console/reports/{light.id}/assign", {"worker": "grid-1"}, f"/console/reports/{light.id}")
    handed = ticket(app, light.number)
    assert handed.assignee == "grid-1的名字" and handed.assignee_id is not None
    clerk.post(f"/console/reports/{light.id}/assign", {"worker": "grid-1", "other": "供电所小李"},
               f"/console/reports/{light.id}")
    assert (ticket(app, light.number).assignee, ticket(app, light.number).assignee_id) == ("供电所小李", None)


def test_an_unhappy_resident_gets_a_follow_up_task_that_staff_close_with_a_note(
        app, client, wechat, two_reports, staff_of):
    _, pipe = two_reports
    worker = staff_of("grid", (2,))
    page = f"/console/reports/{pipe.id}"
    worker.post(f"{page}/status", {"status": "已办结", "note": "已修好"}, page)
    converse(Resident(client, wechat, "o-pipe"), [("不满意", "")])
    queue = worker.get("/console/reports?status=待回访").get_data(as_text=True)
    assert pipe.number in queue and "待回访" in queue
    assert "请联系居民，记下回访结果" in worker.get(page).get_data(as_text=True)
    worker.post(f"{page}/follow-up", {"note": "居民说水压还小，已约水务站复查"}, page)
    closed = ticket(app, pipe.number)
    assert closed.follow_up_closed_at is not None and "水压还小" in closed.follow_up_note
    assert pipe.number not in worker.get("/console/reports?status=待回访").get_data(as_text=True)


def test_the_queue_exports_to_excel_with_its_filters_and_the_export_is_audited(app, two_reports, staff_of):
    _, pipe = two_reports
    admin = staff_of("admin")
    response = admin.get("/console/reports.xlsx?grid=第2网格&status=")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "上报时间", "网格", "类别", "状态")
    assert [(r[0], r[2], r[3], r[4]) for r in rows[1:]] == [(pipe.number, "第2网格", "水电气", "已受理")]
    with db(app).transaction() as session:
        export = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert export.target == "reports" and "1行" in export.detail and "grid=" in export.detail


def test_the_dashboard_counts_reports_nobody_took_up_in_time_and_links_the_queue(two_reports, staff_of):
    page = staff_of("staff").get("/console/").get_data(as_text=True)
    assert "2</b>新上报问题" in page and "1个超时未接手" in page and 'href="/console/reports"' in page


def test_a_report_taken_up_late_is_no_longer_late_until_its_resolution_limit(two_reports, staff_of):
    light, _ = two_reports  # no one took it up Monday; it must be finished by Friday
    clerk = staff_of("staff")
    clerk.post(f"/console/reports/{light.id}/status", {"status": "处理中", "note": ""}, f"/console/reports/{light.id}")
    assert light.number not in clerk.get("/console/reports?late=1").get_data(as_text=True)
    assert "办结期限 11-27" in clerk.get(f"/console/reports/{light.id}").get_data(as_text=True)


def test_office_staff_see_the_reporters_number_only_by_an_audited_click(app, client, wechat, staff_of):
    resident = Resident(client, wechat, "o-phone")
    with time_machine.travel(MONDAY, tick=False):
        resident.says("路灯坏了")
        resident.says("老街农贸市场门口")
        resident.says("跳过")
        resident.says("1")
    with db(app).transaction() as session:
        session.scalars(select(User).where(User.openid == "o-phone")).one().phone = "13900001234"
    row = ticket(app, "WG20261123-001")
    clerk, worker = staff_of("staff"), staff_of("grid", (1,))
    page = clerk.get(f"/console/reports/{row.id}").get_data(as_text=True)
    assert "139****1234" in page and "13900001234" not in page and "查看完整号码" in page
    assert "查看完整号码" not in worker.get(f"/console/reports/{row.id}").get_data(as_text=True)
    assert worker.post(f"/console/reports/{row.id}/phone").status_code == 403
    shown = clerk.post(f"/console/reports/{row.id}/phone").get_data(as_text=True)
    assert "13900001234" in shown
    with db(app).transaction() as session:
        [seen] = session.scalars(select(AuditEntry).where(AuditEntry.action == "phone.view")).all()
    assert "WG20261123-001" in seen.detail
