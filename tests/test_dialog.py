"""The form engine through the real webhook, with a small form made for the test."""
from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.conversation import dialog, router
from bot.conversation.routes import Router
from bot.models import Conversation
from tests.conftest import Resident, converse

FAQ = Path(__file__).resolve().parent.parent / "faq"
SUBMITTED: list[dict] = []


def parse_day(ctx, text, values):
    if text not in ("明天", "后天"):
        raise dialog.Invalid("请说明天还是后天。")
    return text


def parse_name(ctx, text, values):
    if not 1 <= len(text) <= 6 or any(c.isdigit() for c in text):
        raise dialog.Invalid("名字好像不对。")
    return text


def submit(ctx, values):
    SUBMITTED.append(dict(values))
    return f"登记好了，编号V{len(SUBMITTED)}。"


visit = Router("visit")
visit.form(dialog.Form(
    name="visit", title=lambda: "来访登记",
    slots=(
        dialog.Slot("day", lambda: "哪天", "哪天来？", parse_day,
                    choices=lambda ctx, v: [("明天", "明天"), ("后天", "后天")]),
        dialog.Slot("name", lambda: "姓名", "您贵姓？", parse_name),
    ),
    submit=submit,
))


@visit.intent("visit", form="visit")
def start_visit(ctx, text):
    return dialog.start(ctx, "visit", intro="好的，来访登记。")


@pytest.fixture
def visitor(make_app, tmp_path, wechat, monkeypatch):
    faq = tmp_path / "faq"
    shutil.copytree(FAQ, faq)
    with open(faq / "intents.yaml", "a", encoding="utf-8") as intents:
        intents.write("visit:\n  - 登记来访\n")
    monkeypatch.setattr(router, "FEATURES", (*router.FEATURES, visit))
    SUBMITTED.clear()
    app = make_app(FAQ_DIR=str(faq))
    resident = Resident(app.test_client(), wechat, "o-visitor")
    resident.app = app
    return resident


def test_happy_path_ends_in_a_numbered_summary_then_a_number(visitor):
    converse(visitor, [
        ("我要登记来访", ["来访登记", "哪天来"]),
        ("明天", "您贵姓"),
        ("王秀英", ["请核对来访登记", "哪天：明天", "姓名：王秀英", "回复1：确认提交", "回复2：改哪天"]),
        ("1", "编号V1"),
    ])
    assert SUBMITTED == [{"day": "明天", "name": "王秀英"}]


def test_a_repeated_confirmation_never_submits_twice(visitor):
    for said in ("登记来访", "明天", "王秀英"):
        visitor.says(said)
    confirm = visitor.side.text(visitor.openid, "1")
    first = visitor.post(confirm)["Content"]
    assert visitor.post(confirm)["Content"] == first  # WeChat's retry of the same message
    again = visitor.says("1")  # the resident sends 1 once more
    assert "已经提交过了" in again and "V1" in again
    assert len(SUBMITTED) == 1


def test_change_a_field_from_the_summary(visitor):
    converse(visitor, [("登记来访", "哪天"), ("明天", "贵姓"), ("王秀英", "请核对"),
                       ("2", "哪天来"), ("后天", ["哪天：后天", "姓名：王秀英"]), ("确认", "V1")])
    assert SUBMITTED == [{"day": "后天", "name": "王秀英"}]


def test_cancel_back_and_help(visitor):
    converse(visitor, [
        ("登记来访", "哪天"),
        ("明天", "贵姓"),
        ("上一步", "哪天来"),
        ("帮助", ["哪天来", "回复1：明天"]),
        ("2", "贵姓"),
        ("不办了", "已经取消"),
        ("取消", "现在没有正在办的事"),
    ])
    assert SUBMITTED == []


def test_two_failures_show_choices_and_a_third_offers_a_person(visitor):
    converse(visitor, [("登记来访", "哪天")])
    first = visitor.says("大后天")
    assert "请说明天还是后天" in first and "回复1" not in first
    assert "回复1：明天" in visitor.says("下个月")
    third = visitor.says("不晓得")
    assert "人工" in third and "回复1：明天" in third
    assert "贵姓" in visitor.says("1")


def test_a_question_in_the_middle_is_answered_and_the_form_goes_on(visitor):
    converse(visitor, [
        ("登记来访", "哪天"),
        ("日间照料中心晚上几点关门", ["21", "哪天来"]),
        ("明天", "贵姓"),
    ])


def test_a_form_left_silent_expires_and_the_resident_is_told(visitor):
    converse(visitor, [("登记来访", "哪天")])
    with visitor.app.extensions["community"].db.transaction() as session:
        conversation = session.scalars(select(Conversation)).one()
        conversation.updated_at -= timedelta(minutes=31)
    reply = visitor.says("明天")
    assert "太久没有回复" in reply
    assert SUBMITTED == []


def test_menu_tap_leaves_the_form(visitor):
    visitor.says("登记来访")
    assert "工作人员" in visitor.taps("HANDOFF")
    reply = visitor.says("明天")
    assert "贵姓" not in reply
