"""The 幼儿园 page as office staff use it: the places left (edit, audit, refusals), the waiting list by autumn,
phones on an audited click, status changes that tell the parent, the 台账; who may see it."""
from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from bot.models import AuditEntry, Outbox, PreRegistration, PreRegistrationStatus, User, utcnow
from bot.services import kindergarten
from tests.console.conftest import db

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=TZ)
PAGE = "/console/kindergarten"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY_NOON, tick=True) as traveller:
        yield traveller


def queued(app, children: list[tuple[str, date, int, str, str]]) -> list[int]:
    """Parents who pre-registered in WeChat, in this order: (child, birth, start autumn, parent, phone)."""
    ids = []
    with db(app).transaction() as session:
        for i, (child, birth, start, name, phone) in enumerate(children):
            user = User(openid=f"o-kinder-{i}", subscribed=True, name=name, phone=phone, created_at=utcnow(),
                        last_message_at=utcnow())
            session.add(user)
            session.flush()
            ids.append(kindergarten.register(session, user=user, child=child, birth=birth, start=date(start, 9, 1),
                                             name=name, phone=phone, now=utcnow()).id)
    return ids


def audited(app, action: str) -> list[AuditEntry]:
    with db(app).transaction() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


FAMILIES = [("王小宝", date(2024, 8, 3), 2027, "李红", "13900001234"),
            ("张小花", date(2022, 5, 12), 2026, "张伟", "13800005678"),
            ("刘星", date(2024, 3, 1), 2027, "刘芳", "13700009999")]


def test_the_places_left_are_saved_dated_and_audited_and_residents_get_that_number(app, staff_of, resident):
    clerk = staff_of("staff")
    page = clerk.get(PAGE).get_data(as_text=True)
    assert "2026年秋季学期：<b>还剩12个</b>（11月20日更新，faq/kindergarten.yaml 的默认数）" in page
    saved = clerk.post(f"{PAGE}/places", {"year": "2026", "left": "0"}, PAGE)
    assert saved.status_code == 302
    assert "已保存：2026年秋季学期还剩0个学位（11月30日更新）" in clerk.get(PAGE).get_data(as_text=True)
    assert audited(app, "kindergarten.places")[0].detail == "2026年秋季学期剩余学位 12 → 0"
    assert "学位已经满了（11月30日更新）" in resident.says("幼儿园还有没有学位")


@pytest.mark.parametrize(("typed", "why"), [("很多", "要填一个整数"), ("-2", "0到999之间"), ("", "要填一个整数")])
def test_a_bad_number_keeps_the_old_one_and_says_why(app, staff_of, typed, why):
    clerk = staff_of("staff")
    refused = clerk.post(f"{PAGE}/places", {"year": "2026", "left": typed}, PAGE)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and why in page and "没有保存" in page
    assert f'value="{typed}"' in page  # what was typed, to correct it
    assert "还剩12个" in clerk.get(PAGE).get_data(as_text=True) and audited(app, "kindergarten.places") == []


def test_the_waiting_list_is_grouped_by_autumn_with_ages_and_phones_masked(app, staff_of):
    queued(app, FAMILIES)
    page = staff_of("staff").get(PAGE).get_data(as_text=True)
    autumn_2026, autumn_2027 = page.split('id="autumn-2026"')[1].split('id="autumn-2027"')
    assert "2026年秋季入园：1人" in page and "张小花" in autumn_2026 and "4岁6个月" in autumn_2026
    assert autumn_2027.index("1. 王小宝") < autumn_2027.index("2. 刘星") and "2岁3个月" in autumn_2027
    assert "139****1234" in page and "13900001234" not in page
    assert [e.target for e in audited(app, "roster.view")] == ["kindergarten"]


def test_a_phone_is_shown_on_a_click_and_logged(app, staff_of):
    [first] = queued(app, FAMILIES[:1])
    shown = staff_of("staff").post(f"{PAGE}/{first}/phone", {}, PAGE)
    assert "13900001234" in shown.get_data(as_text=True)
    assert [e.target for e in audited(app, "phone.view")] == [f"preregistration:{first}"]


def test_notified_tells_the_parent_in_wechat_and_entered_takes_the_child_off_the_list(app, staff_of):
    first, second, _ = queued(app, FAMILIES)
    clerk = staff_of("staff")
    told = clerk.post(f"{PAGE}/{first}/status", {"status": "notified"}, PAGE)
    assert "已给家长发微信消息" in clerk.get(told.headers["Location"]).get_data(as_text=True)
    with db(app).transaction() as session:
        [message] = session.scalars(select(Outbox)).all()
    assert message.openid == "o-kinder-0" and "王小宝" in message.text and "预防接种证" in message.text
    clerk.post(f"{PAGE}/{second}/status", {"status": "entered"}, PAGE)
    listed = clerk.get(PAGE).get_data(as_text=True).split("预登记（排队）")[1]
    assert "张小花" not in listed and "已通知" in listed and "王小宝" in listed
    again = clerk.post(f"{PAGE}/{second}/status", {"status": "cancelled"}, PAGE)
    assert "已经是“已入园”了" in clerk.get(again.headers["Location"]).get_data(as_text=True)
    assert [e.detail for e in audited(app, "kindergarten.status")] == ["王* 排队中 → 已通知", "张* 排队中 → 已入园"]
    with db(app).transaction() as session:
        assert session.get(PreRegistration, second).status == PreRegistrationStatus.ENTERED


def test_the_waiting_list_exports_to_excel_with_phones_masked(app, staff_of):
    queued(app, FAMILIES)
    response = staff_of("staff").get("/console/kindergarten.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data))["预登记"].iter_rows(values_only=True))
    assert rows[0][:3] == ("入园秋季", "顺序", "孩子")
    assert [(r[0], r[1], r[2], r[6]) for r in rows[1:]] == [
        ("2026年", 1, "张小花", "138****5678"), ("2027年", 1, "王小宝", "139****1234"),
        ("2027年", 2, "刘星", "137****9999")]
    assert audited(app, "export")[0].target == "kindergarten"


@pytest.mark.parametrize("role", ["viewer", "grid"])
def test_only_office_staff_see_the_children(staff_of, role):
    member = staff_of(role)
    assert member.get(PAGE).status_code == 403
    assert "幼儿园" not in member.get("/console/").get_data(as_text=True)
    assert "幼儿园" in staff_of("staff").get("/console/").get_data(as_text=True)
