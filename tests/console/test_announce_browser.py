"""A staff member on a phone: an announcement to a class and its delivery report, the roster in Excel, rain."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from bot.models import KeyValue, User, utcnow
from bot.outbound.scheduler import Worker
from bot.services import enrollments
from tests import browser as browsers
from tests.console.conftest import PASSWORD, add_account
from tests.fake_wechat_api import fake_api  # noqa: F401  (the fixture)

PHONE = {"width": 390, "height": 844}
TZ = ZoneInfo("Asia/Shanghai")


def enrol(app, name: str, phone: str, *, wrote: timedelta, following: bool = True) -> None:
    """A resident who signed up for 太极 and last wrote `wrote` ago."""
    assistant = app.extensions["community"]
    with assistant.db.transaction() as session:
        user = User(openid=f"o-{phone}", subscribed=following, name=name, phone=phone, created_at=utcnow(),
                    last_message_at=utcnow() - wrote)
        session.add(user)
        session.flush()
        enrollments.sign_up(session, user=user, klass=assistant.library.current().services.klass("taiji"),
                            name=name, phone=phone, age=68, now=utcnow())


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_a_class_announcement_its_delivery_report_the_roster_in_excel_and_rain(make_app, fake_api, browser):  # noqa: F811
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=TZ), tick=True):
        app = make_app(WECHAT_API_BASE_URL=fake_api.base_url, WECHAT_TEMPLATE_ID="tpl-notice",
                       SEND_RATE_PER_SECOND=500)
        enrol(app, "王桂芳", "13900001234", wrote=timedelta(hours=2))  # customer-service message
        enrol(app, "李大明", "13800005678", wrote=timedelta(days=5))  # template message, which WeChat refuses
        enrol(app, "张秀英", "13700009999", wrote=timedelta(days=1), following=False)  # skipped
        fake_api.fail(40003, "message/template/send")
        add_account(app, "xiaoli", "staff")
        context = browser.new_context(viewport=PHONE, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(8000)
        for base in browsers.serve(app):
            page.goto(f"{base}/console/login")
            page.fill("#username", "xiaoli")
            page.fill("#password", PASSWORD)
            page.get_by_role("button", name="登录").click()

            page.get_by_role("link", name="公告").click()
            page.fill("#text", "周四太极拳暂停一次，下周二照常。")
            page.fill("#audience", "太极班")
            page.get_by_role("button", name="预览").click()
            expect(page.locator("#preview")).to_have_text("【羊木社区公告】周四太极拳暂停一次，下周二照常。")
            reach = page.locator("#reach")
            expect(reach).to_contain_text("太极拳班学员（3人）")
            expect(reach).to_contain_text("能收到：2人（另有1人已取消关注，收不到）")
            expect(reach).to_contain_text("不占群发额度（每人每月4次）")
            fits_the_phone(page)
            page.get_by_role("button", name="确认发送").click()
            expect(page.locator("#progress")).to_contain_text("共3人：已发0，失败0，未发0，待发3")

            worker = Worker(app)
            worker.sender.api.backoff = 0.01
            worker.send(budget_seconds=None)
            page.get_by_role("link", name="刷新").click()
            progress = page.locator("#progress")
            expect(progress).to_contain_text("已发完")
            expect(progress).to_contain_text("共3人：已发1，失败1，未发1，待发0")
            expect(progress).to_contain_text("未发：已取消关注，不发送，1人")
            expect(progress).to_contain_text("失败：40003")
            expect(page.locator("#recipients")).to_contain_text("张*")
            fits_the_phone(page)

            page.get_by_role("link", name="班级").click()
            page.get_by_role("link", name="太极拳班").click()
            expect(page.locator("#enrolled")).to_contain_text("139****1234")
            fits_the_phone(page)
            with page.expect_download() as download:
                page.get_by_role("link", name="导出Excel").click()
            book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
            assert [row[:4] for row in book["已报名"].iter_rows(min_row=2, values_only=True)] == [
                (1, "已报名", "王桂芳", "139****1234"), (2, "已报名", "李大明", "138****5678"),
                (3, "已报名", "张秀英", "137****9999")]

            page.get_by_role("link", name="下雨改室内").click()
            expect(page.locator("#rain-plan")).to_contain_text("太极拳班12月1日（星期二）07:30的课改到居民学校")
            with app.extensions["community"].db.transaction() as session:
                assert session.get(KeyValue, "rain:taiji") is None  # shown, not done
            page.get_by_role("button", name="确认改到居民学校").click()
            expect(page.get_by_role("alert")).to_contain_text("已改：太极拳班12月1日在居民学校上课")
            with app.extensions["community"].db.transaction() as session:
                assert session.scalars(select(KeyValue.value).where(KeyValue.key == "rain:taiji")).one() == "2026-12-01"
        context.close()
