"""The clocks on a report: response and resolution limits in working hours (weekends, holidays, 调休),
the grid worker told at once, and late reports escalated to the admins once."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from bot.models import Outbox, StaffAccount, Ticket
from bot.outbound.scheduler import Worker
from bot.services import accounts, tickets
from tests.conftest import Resident
from tests.console.conftest import add_account
from tests.services.conftest import rows

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("start", "hours", "due"), [
    (at(11, 27, 10), 8, at(11, 27, 18)),  # Friday: exactly the rest of the day
    (at(11, 27, 17), 2, at(11, 30, 9, 30)),  # Friday evening → Monday: the weekend does not count
    (at(11, 28, 11), 2, at(11, 30, 10, 30)),  # reported on a Saturday: the clock starts on Monday
    (at(9, 24, 17, 30), 2, at(9, 28, 10)),  # 中秋 Friday to Sunday off
    (at(9, 30, 17), 2, at(10, 8, 9, 30)),  # 国庆 1–7 October off
    (at(10, 9, 17), 4, at(10, 10, 12)),  # 调休: Saturday 10 October is a working day, 9:00–17:00
    (at(11, 27, 7), 1, at(11, 27, 9, 30)),  # before office hours: counted from 8:30
])
def test_limits_count_only_office_hours_on_working_days(data, start, hours, due):
    assert tickets.working_deadline(start, hours, data.catalog.staff_hours, SHANGHAI) == due


def bound(app, username: str, role: str, openid: str, grids: tuple[int, ...] = ()) -> None:
    add_account(app, username, role, grids)
    with app.extensions["community"].db.transaction() as session:
        session.scalars(select(StaffAccount).where(StaffAccount.username == username)).one().openid = openid


def told(app, openid: str) -> list[str]:
    return [row.text for row in rows(app, Outbox, Outbox.openid == openid)]


def burst_pipe(client, wechat, when: datetime) -> Ticket:
    resident = Resident(client, wechat, "o-pipe")
    with time_machine.travel(when, tick=False):
        for said in ("停水了", "新区小区5栋", "跳过"):
            resident.says(said)
        assert "已受理" in resident.says("1")
    return rows(client.application, Ticket)[-1]


def test_the_grid_worker_is_told_at_once_and_late_reports_reach_the_admins_once(app, client, wechat):
    bound(app, "wang", "grid", "wx-wang", (2,))
    bound(app, "li", "grid", "wx-li", (1,))
    bound(app, "boss", "admin", "wx-boss")
    ticket = burst_pipe(client, wechat, at(11, 27, 17))  # 水电气: 2 working hours to respond, 8 to finish
    assert (ticket.respond_by, ticket.resolve_by) == (at(11, 30, 9, 30), at(11, 30, 15, 30))
    [notice] = told(app, "wx-wang")
    assert ticket.number in notice and "新区小区5栋" in notice and "11月30日09:30前接手" in notice
    assert f"/console/reports/{ticket.id}" in notice
    assert told(app, "wx-li") == [] and told(app, "wx-boss") == []  # another grid; admins only when late

    worker = Worker(app)
    assert worker.reports(now=at(11, 28, 12)) == 0  # Saturday: nothing is late yet
    assert worker.reports(now=at(11, 30, 9, 31)) == 1
    [late] = told(app, "wx-boss")
    assert "到11月30日09:30还没人接手" in late and f"/console/reports/{ticket.id}" in late
    assert worker.reports(now=at(11, 30, 9, 45)) == 0 and len(told(app, "wx-boss")) == 1

    with app.extensions["community"].db.transaction() as session:
        row = session.get(Ticket, ticket.id)
        tickets.change_status(session, row, "处理中", "水务站在修", "wang", at(11, 30, 10))
    assert worker.reports(now=at(11, 30, 15, 31)) == 1
    assert "还没办结" in told(app, "wx-boss")[-1]
    assert len(told(app, "wx-wang")) == 1  # workers are not sent the escalations


def test_with_no_grid_worker_bound_the_office_hears_of_the_report(app, client, wechat):
    bound(app, "clerk", "staff", "wx-clerk")
    add_account(app, "wang", "grid", (2,))  # has an account, but no WeChat bound
    ticket = burst_pipe(client, wechat, at(11, 27, 10))
    assert any(ticket.number in text for text in told(app, "wx-clerk"))


def test_a_finished_report_is_never_late(app, client, wechat):
    bound(app, "boss", "admin", "wx-boss")
    ticket = burst_pipe(client, wechat, at(11, 27, 10))
    with app.extensions["community"].db.transaction() as session:
        tickets.change_status(session, session.get(Ticket, ticket.id), "已办结", "", "wang", at(11, 27, 11))
    assert Worker(app).reports(now=at(12, 7, 10)) == 0
    assert not any("超时" in text for text in told(app, "wx-boss"))


def test_handing_over_to_an_account_tells_that_worker(app, client, wechat, session):
    bound(app, "zhao", "grid", "wx-zhao", (2,))
    ticket = burst_pipe(client, wechat, at(11, 27, 10))
    row = session.get(Ticket, ticket.id)
    tickets.assign(session, row, "zhao", "陈主任", at(11, 27, 11), "http://console/reports/{id}")
    assert row.assignee_id == accounts.by_openid(session, "wx-zhao").id
    assert any("【转给您】" in o.text and f"/reports/{ticket.id}" in o.text
               for o in session.scalars(select(Outbox).where(Outbox.openid == "wx-zhao")))


def test_the_resident_is_promised_the_time_the_clock_holds_staff_to(client, wechat):
    resident = Resident(client, wechat, "o-pipe")
    for when, promise in ((at(11, 27, 10), "今天12:00前会有人接手处理"),
                          (at(11, 27, 17), "11月30日9:30前会有人接手处理")):
        with time_machine.travel(when, tick=False):
            for said in ("停水了", "新区小区5栋", "跳过"):
                resident.says(said)
            assert promise in resident.says("1")
