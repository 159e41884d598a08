"""The privacy desk: find a resident, hand them everything held (a file), delete on their behalf; all audited."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from bot.models import AuditEntry, User
from tests.conftest import converse
from tests.services.conftest import every_table_as_text
from tests.services.test_erasure import NAME, PHONE, tells_everything


def audited(app) -> list[tuple[str, str, str]]:
    with app.extensions["community"].db.transaction() as session:
        return [(e.action, e.target, e.detail) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("privacy.%") | (AuditEntry.action == "export"))
            .order_by(AuditEntry.id))]


def resident_id(app) -> int:
    with app.extensions["community"].db.transaction() as session:
        return session.scalars(select(User.id).where(User.openid == "o-resident-1")).one()


def test_a_resident_is_found_by_masked_phone_or_name_and_shown_masked(app, resident, staff_of):
    tells_everything(resident)
    clerk = staff_of("staff")
    for query in ("138****5678", "13812345678", "张三"):
        page = clerk.get(f"/console/privacy?q={query}").get_data(as_text=True)
        results = page.split('<ul class="list">')[1]
        assert f"居民{resident_id(app)}" in results and "张*" in results and "138****5678" in results, query
        assert PHONE not in results and NAME not in results
    assert "没有找到" in clerk.get("/console/privacy?q=李四").get_data(as_text=True)
    assert [a[:2] for a in audited(app)] == [("privacy.lookup", "users")] * 4
    assert all(PHONE not in detail and NAME not in detail for _, _, detail in audited(app))


def test_the_access_request_export_holds_everything_about_the_resident(app, resident, staff_of):
    tells_everything(resident)
    user_id = resident_id(app)
    response = staff_of("staff").get(f"/console/privacy/{user_id}.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:5] == ["基本信息", "预约", "报名", "代办", "上报问题"]
    [profile] = book["基本信息"].iter_rows(min_row=2, values_only=True)
    assert (profile[1], profile[2]) == (NAME, PHONE)
    [report] = book["上报问题"].iter_rows(min_row=2, values_only=True)
    assert report[5] == "路灯不亮了，我是张三，电话138 1234 5678"
    said = [row[2] for row in book["对话记录"].iter_rows(min_row=2, values_only=True)]
    assert f"我电话是{PHONE}" in said
    written = sum(sheet.max_row - 1 for sheet in book)
    assert audited(app) == [("export", f"user:{user_id}", f"{written}行")]


def test_the_desk_deletes_on_the_residents_behalf_after_the_word_is_typed(app, resident, staff_of):
    tells_everything(resident)
    user_id = resident_id(app)
    clerk = staff_of("staff")
    page = f"/console/privacy/{user_id}"
    refused = clerk.post(f"{page}/delete", {"confirm": "好"}, from_page=page)
    assert "没有删除" in clerk.get(refused.headers["Location"]).get_data(as_text=True)
    assert NAME in every_table_as_text(app)

    done = clerk.post(f"{page}/delete", {"confirm": "删除", "reason": "本人到窗口申请"}, from_page=page)
    assert "已删除" in clerk.get(done.headers["Location"]).get_data(as_text=True)
    after = every_table_as_text(app)
    assert NAME not in after and PHONE not in after
    assert ("privacy.delete", f"user:{user_id}", "应居民申请 本人到窗口申请") in audited(app)
    converse(resident, [("我的预约", "没有预约")])


def test_the_privacy_notice_is_public_and_the_consent_line_links_to_it(make_app, wechat):
    from tests.conftest import Resident

    app = make_app(PUBLIC_URL="https://yangmu.example", PHOTO_LOCATION_DAYS=120)
    page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "个人信息处理说明" in page and "照片和位置：120天" in page and "对话记录和发给您的消息内容：30天" in page
    resident = Resident(app.test_client(), wechat, "o-new")
    converse(resident, [("我想办低保", "请选预约时间"), ("1", "说明：https://yangmu.example/privacy")])
