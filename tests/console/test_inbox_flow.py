"""人工 end to end: the resident's case reaches staff, staff answer, and the case ends as people expect."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from bot.models import HandoffRequest, HandoffStatus, MessageLog, Outbox, StaffAccount, utcnow
from bot.outbound.scheduler import Worker
from bot.services import accounts
from tests.conftest import Resident, converse
from tests.console.conftest import add_account, db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE_HOURS = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)  # a Friday morning


def cases(app) -> list[HandoffRequest]:
    with db(app).transaction() as session:
        return list(session.scalars(select(HandoffRequest).order_by(HandoffRequest.id)))


def outbox_to(app, openid: str) -> list[str]:
    with db(app).transaction() as session:
        return list(session.scalars(select(Outbox.text).where(Outbox.openid == openid).order_by(Outbox.id)))


def bind(app, wechat, username: str, role: str, openid: str) -> Resident:
    """A console account whose owner sends the console's code from their WeChat."""
    add_account(app, username, role)
    with db(app).transaction() as session:
        account = session.scalars(select(StaffAccount).where(StaffAccount.username == username)).one()
        code = accounts.new_bind_code(session, account, utcnow())
    member = Resident(app.test_client(), wechat, openid)
    assert "绑定成功" in member.says(f"绑定 {code}")
    return member


def test_while_a_case_is_open_the_resident_talks_to_staff_not_to_a_form(app, resident):
    with time_machine.travel(OFFICE_HOURS, tick=False):
        converse(resident, [("我想办居住证", "预约"), ("人工", "回复“结束”回到小助手")])
        assert resident.says("我想问问居住证要不要社保记录") == ""  # the assistant stays out of the way
        assert "已经转给工作人员" in resident.says("人工")
    case = cases(app)[0]
    assert case.status == HandoffStatus.OPEN and "我想办居住证" in case.text
    with db(app).transaction() as session:
        in_case = session.scalars(select(MessageLog.text).where(MessageLog.case_id == case.id,
                                                                MessageLog.direction == "in")).all()
    assert "我想问问居住证要不要社保记录" in in_case


def test_the_resident_ends_the_case_and_the_assistant_answers_again(app, resident):
    with time_machine.travel(OFFICE_HOURS, tick=False):
        resident.says("人工")
        assert "人工已结束" in resident.says("结束")
        assert "21" in resident.says("日间照料中心晚上几点关门")
    assert cases(app)[0].status == HandoffStatus.CLOSED


def test_a_menu_tap_ends_the_case(app, resident):
    with time_machine.travel(OFFICE_HOURS, tick=False):
        resident.says("人工")
        reply = resident.taps("BOOKING")
    assert "人工已结束" in reply and cases(app)[0].status == HandoffStatus.CLOSED


def test_a_quiet_case_ends_by_itself_and_the_resident_is_told(app, resident):
    with time_machine.travel(OFFICE_HOURS, tick=False):
        resident.says("人工")
    with time_machine.travel(OFFICE_HOURS + timedelta(hours=2), tick=False):
        reply = resident.says("日间照料中心晚上几点关门")
    assert "人工服务已结束" in reply and "21" in reply


def test_the_scheduler_closes_quiet_cases_and_tells_the_resident(app, resident):
    with time_machine.travel(OFFICE_HOURS, tick=False):
        resident.says("人工")
    Worker(app).handoffs(now=OFFICE_HOURS + timedelta(hours=2))
    assert cases(app)[0].status == HandoffStatus.CLOSED
    assert any("人工服务已结束" in text for text in outbox_to(app, resident.openid))


def test_bound_staff_hear_of_a_new_case_and_admins_of_a_late_one(app, resident, wechat):
    bind(app, wechat, "clerk", "staff", "wx-clerk")
    bind(app, wechat, "boss", "admin", "wx-boss")
    with time_machine.travel(OFFICE_HOURS, tick=False):
        resident.says("高龄津贴要怎么领")
        resident.says("人工")
    case_id = cases(app)[0].id
    for openid in ("wx-clerk", "wx-boss"):
        assert any("高龄津贴要怎么领" in text and f"/console/inbox/{case_id}" in text
                   for text in outbox_to(app, openid))
    Worker(app).handoffs(now=OFFICE_HOURS + timedelta(minutes=20))
    assert any("已经等了20分钟" in text for text in outbox_to(app, "wx-boss"))
    assert not any("已经等了" in text for text in outbox_to(app, "wx-clerk"))


def test_a_bound_account_may_use_the_staff_commands_and_a_resident_may_not(app, wechat, resident):
    assert "发布公告" not in resident.says("发布公告")  # a resident's words go to the FAQ
    clerk = bind(app, wechat, "clerk", "staff", "wx-clerk")
    assert "好的，发布公告" in clerk.says("发布公告")
    viewer = bind(app, wechat, "street", "viewer", "wx-street")
    assert "好的，发布公告" not in viewer.says("发布公告")


def test_a_wrong_or_used_code_binds_nothing(app, wechat):
    someone = Resident(app.test_client(), wechat, "wx-someone")
    assert "绑定码不对" in someone.says("绑定 123456")
