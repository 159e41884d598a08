"""The waiting list holds a child's name and birth date and a parent's phone: the privacy desk finds and shows
them, 删除我的信息 takes them out of every table, and a closed line keeps them no longer than other past contacts."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from bot.models import AuditEntry, PreRegistration, PreRegistrationStatus, User
from bot.outbound.scheduler import Worker
from bot.services import kindergarten, privacy
from tests.conftest import Resident, converse
from tests.services.conftest import every_table_as_text

CHILD, NAME, PHONE = "王小宝", "李红", "13900001234"


def pre_registered(resident: Resident) -> None:
    converse(resident, [("我想给娃儿报名幼儿园", "名字"), (CHILD, "出生"), ("2024年8月", "住在"), ("1", "姓名"),
                        (f"{NAME} {PHONE}", "请核对"), ("1", "已预登记")])


def test_the_privacy_desk_finds_the_parent_and_shows_the_line(app, resident):
    pre_registered(resident)
    with app.extensions["community"].db.transaction() as session:
        [found] = privacy.find(session, "139****1234")
        sheets = {title: rows for title, _, rows in privacy.held_about(session, found.user)}
    assert found.name == "李*" and found.records >= 1
    [line] = sheets["幼儿园预登记"]
    assert line[:6] == (CHILD, date(2024, 8, 1), 2027, NAME, PHONE, "排队中")


def test_delete_my_data_takes_the_child_off_the_list_and_out_of_every_table(make_app, backend, wechat):
    app = make_app(backend)
    resident = Resident(app.test_client(), wechat, "o-parent")
    pre_registered(resident)
    assert CHILD in every_table_as_text(app)
    converse(resident, [("删除我的信息", "确定删除"), ("1", "已删除")])
    after = every_table_as_text(app)
    for value in (CHILD, NAME, PHONE):
        assert value not in after, [line for line in after.splitlines() if value in line]
    with app.extensions["community"].db.transaction() as session:
        [line] = session.scalars(select(PreRegistration)).all()
        assert (line.status, line.user_id, line.birth) == (PreRegistrationStatus.CANCELLED, None, None)
    assert "没有幼儿园预登记" in resident.says("我的预登记")


def test_a_closed_line_loses_its_personal_data_after_the_past_contact_period(make_app, backend):
    app = make_app(backend)
    start = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with app.extensions["community"].db.transaction() as session:
        user = User(openid="o-parent", name=NAME, phone=PHONE, created_at=start)
        session.add(user)
        session.flush()
        lines = [kindergarten.register(session, user=user, child=child, birth=date(2023, 5, 1),
                                       start=date(2026, 9, 1), name=NAME, phone=PHONE, now=start)
                 for child in ("王小宝", "王小贝", "王小美")]
        lines[0].status = PreRegistrationStatus.ENTERED  # entered in March, long ago by June's end
        lines[1].status = PreRegistrationStatus.CANCELLED
        lines[1].updated_at = start + timedelta(days=85)  # cancelled late in May: within the period
    days = app.extensions["community"].settings.PAST_CONTACT_DAYS
    with time_machine.travel(start + timedelta(days=days + 1), tick=False):
        Worker(app).retention()
    with app.extensions["community"].db.transaction() as session:
        kept = {row.id: (row.child, row.phone) for row in session.scalars(select(PreRegistration))}
        detail = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "retention")).one()
    assert kept == {lines[0].id: (None, None), lines[1].id: ("王小贝", PHONE), lines[2].id: ("王小美", PHONE)}
    assert "幼儿园预登记（已入园或取消）1条" in detail
