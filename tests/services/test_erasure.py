"""删除我的信息 leaves the name and phone in no table, free text included; reports go on, anonymised."""
from __future__ import annotations

from sqlalchemy import select

from bot.models import Attachment, Ticket
from tests.conftest import converse
from tests.services.conftest import every_table_as_text, rows

NAME, PHONE = "张三", "13812345678"


def tells_everything(resident) -> None:
    """A resident who books, sends a photo and a location, writes their contact into a report and a question,
    and gives their phone to a person in 人工."""
    converse(resident, [("我想办低保", "请选预约时间"), ("1", "姓名"), (NAME, "手机"), (PHONE, "请核对"),
                        ("1", "预约成功")])
    resident.sends_location("羊木镇老街12号")
    resident.sends_image()
    converse(resident, [("路灯坏了", "在哪里"), ("老街口", "请核对"), ("4", "情况"),
                        ("路灯不亮了，我是张三，电话138 1234 5678", "请核对"), ("1", "已受理"),
                        (f"{NAME} {PHONE} 这个咋个整", "还不会回答"), ("人工", "工作人员")])
    resident.says(f"我电话是{PHONE}")
    converse(resident, [("结束", "")])


def test_after_deletion_no_table_holds_the_name_or_the_phone(make_app, backend, wechat):
    from tests.conftest import Resident

    app = make_app(backend)
    resident = Resident(app.test_client(), wechat, "o-resident-1")
    tells_everything(resident)
    before = every_table_as_text(app)
    assert NAME in before and PHONE in before and "138 1234 5678" in before

    converse(resident, [("删除我的信息", "确定删除"), ("1", "已删除")])

    after = every_table_as_text(app)
    for value in (NAME, PHONE, "138 1234 5678", "老街12号"):
        assert value not in after, [line for line in after.splitlines() if value in line]
    [ticket] = rows(app, Ticket)
    assert ticket.user_id is None and ticket.media_id is None and ticket.latitude is None
    assert ticket.status == "已受理" and ticket.description == "路灯不亮了，我是***，电话***"  # still handled
    with app.extensions["community"].db.transaction() as session:
        assert session.scalars(select(Attachment)).all() == []
