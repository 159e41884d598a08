"""删除我的信息: a confirmation, then nothing left that points to the resident; logs never hold it."""
from __future__ import annotations

import logging

from bot.models import Booking, Enrollment, ProcessedMessage, Ticket, User
from tests.conftest import converse
from tests.services.conftest import rows


def test_delete_my_data_cancels_future_visits_and_anonymises_rows(app, resident, caplog):
    caplog.set_level(logging.INFO)
    converse(resident, [
        ("我想办低保", "请选预约时间"), ("1", "删除我的信息"), ("张三", "手机"), ("13812345678", "请核对"),
        ("1", "预约成功"),
        ("报名秧歌", "用上次的"), ("1", "年纪"), ("跳过", "请核对"), ("1", "报名成功"),
        ("路灯坏了", "在哪里"), ("安置小区门口", "照片"), ("跳过", "请核对"), ("1", "已受理"),
    ])
    converse(resident, [
        ("删除我的信息", ["预约和报名会一起取消", "回复1：确定删除", "回复2：不删了"]),
        ("2", "已经取消了"),
    ])
    assert rows(app, User)[0].phone == "13812345678"
    converse(resident, [("删除我的信息", "确定删除"), ("1", "已删除")])
    user = rows(app, User)[0]
    assert (user.name, user.phone, user.consent_at) == (None, None, None)
    [booking], [enrollment], [ticket] = rows(app, Booking), rows(app, Enrollment), rows(app, Ticket)
    assert (booking.status, booking.seat) == ("cancelled", None)
    assert (booking.name, booking.phone, booking.user_id) == (None, None, None)
    assert (enrollment.status, enrollment.name, enrollment.phone, enrollment.user_id) == ("cancelled", None, None, None)
    assert ticket.user_id is None and ticket.status == "已受理"
    cached = [row.reply for row in rows(app, ProcessedMessage) if row.reply]
    assert not any("13812345678" in reply or "张三" in reply for reply in cached)
    converse(resident, [("我的预约", "没有预约"), ("报名太极拳", ["回复“删除我的信息”", "请问您的姓名"])])
    assert "用上次的" not in resident.says("返回")
    logged = caplog.text
    assert "13812345678" not in logged and "张三" not in logged and "138****5678" in logged


def test_nothing_to_delete_says_so(resident):
    converse(resident, [("删除我的信息", "不用删除")])
