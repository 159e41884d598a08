"""A grid worker works a report from WeChat with its number, through the same services as the console."""
from __future__ import annotations

from sqlalchemy import select

from bot.models import AuditEntry, Outbox, StaffAccount, Ticket, utcnow
from bot.services import accounts
from tests.conftest import Resident, converse
from tests.console.conftest import add_account
from tests.services.conftest import rows

NUMBER = "WG20261127-001"


def bound(app, client, wechat, username: str, role: str, grids: tuple[int, ...] = ()) -> Resident:
    """A console account whose owner bound their WeChat with the console's code."""
    add_account(app, username, role, grids)
    with app.extensions["community"].db.transaction() as session:
        account = session.scalars(select(StaffAccount).where(StaffAccount.username == username)).one()
        code = accounts.new_bind_code(session, account, utcnow())
    member = Resident(client, wechat, f"wx-{username}")
    assert "绑定成功" in member.says(f"绑定 {code}")
    return member


def streetlight(resident: Resident) -> None:
    converse(resident, [("路灯坏了", "在哪里"), ("老街农贸市场门口", "照片"), ("跳过", "请核对"), ("1", NUMBER)])


def test_the_grid_worker_reads_the_report_and_sets_its_status_and_the_resident_is_told(app, client, wechat, resident):
    worker = bound(app, client, wechat, "wangge", "grid", (1,))
    streetlight(resident)
    converse(worker, [
        (NUMBER, ["第1网格 路灯/亮化：已受理", "老街农贸市场门口", "/console/reports/1"]),
        (f"{NUMBER} 处理中 已联系电工，明天上午来修", f"{NUMBER}：处理中，已记下"),
        (f"{NUMBER} 备注 电工说要换灯头", "备注，已记下"),
        (f"{NUMBER} 处理中 再说一次", "只能改为：已办结"),
    ])
    told = [o.text for o in rows(app, Outbox, Outbox.openid == resident.openid)]
    assert any("处理中" in text and "已联系电工" in text for text in told)
    assert not any("换灯头" in text for text in told)  # internal notes stay internal
    [ticket] = rows(app, Ticket)
    assert ticket.status == "处理中" and ticket.events[-1].internal and ticket.events[-1].by == "wangge的名字"
    actions = [a.action for a in rows(app, AuditEntry, AuditEntry.action.like("report.%"))]
    assert actions == ["report.status", "report.note"]


def test_another_grids_worker_and_other_residents_learn_nothing_and_the_reporter_sees_the_status(
        app, client, wechat, resident):
    other = bound(app, client, wechat, "li", "grid", (3,))
    streetlight(resident)
    assert "没有找到这个编号" in other.says(f"{NUMBER} 处理中 我来")
    assert "没有找到这个编号" in Resident(client, wechat, "o-neighbour").says(NUMBER)
    assert f"您反映的问题（{NUMBER}，路灯/亮化）：已受理" in resident.says(f"{NUMBER} 已办结")
    assert rows(app, Ticket)[0].status == "已受理"


def test_an_unhappy_residents_follow_up_is_closed_from_wechat(app, client, wechat, resident):
    clerk = bound(app, client, wechat, "clerk", "staff")
    streetlight(resident)
    converse(clerk, [(f"{NUMBER} 办结 灯修好了", "已办结，已记下")])
    resident.says("不满意")
    converse(clerk, [(f"{NUMBER} 回访", "请写上回访的结果"),
                     (f"{NUMBER} 回访 居民说灯还是暗，已约电工复查", "回访，已记下")])
    assert "灯还是暗" in rows(app, Ticket)[0].follow_up_note
