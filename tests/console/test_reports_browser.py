"""A grid report in real browsers: a resident reports with a photo in the simulator, the grid worker's
WeChat notice goes out, the worker opens it on a 390 px phone, sees the photo, sets 处理中 with a note,
and the resident's chat shows it; the queue's Excel export opened with openpyxl."""
from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from bot.models import StaffAccount, utcnow
from bot.outbound.scheduler import Worker
from bot.services import accounts
from tests import browser as browsers
from tests.conftest import Resident
from tests.console.conftest import add_account
from tests.console.test_console_browser import PHONE, WAIT, say, sign_in
from tests.fake_wechat_api import fake_api  # noqa: F401  (the fixture)

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
                       "AAAABJRU5ErkJggg==")  # one pixel
ZHANG = "张大哥（老街）"


@pytest.fixture
def wired(make_app, fake_api):  # noqa: F811  (the imported fixture)
    """The app sends through the fake WeChat API, which holds the simulator's photo; served on a port."""
    app = make_app(WECHAT_API_BASE_URL=fake_api.base_url)
    fake_api.has_media("img-media", PNG, "image/png")
    for url in browsers.serve(app):
        yield app, fake_api, url


def test_a_photo_report_reaches_the_grid_worker_who_answers_from_a_phone(wired, wechat, browser):
    app, fake, served = wired
    add_account(app, "wangge", "grid", (1,))
    with app.extensions["community"].db.transaction() as session:
        account = session.scalars(select(StaffAccount).where(StaffAccount.username == "wangge")).one()
        code = accounts.new_bind_code(session, account, utcnow())
    assert "绑定成功" in Resident(app.test_client(), wechat, "wx-wangge").says(f"绑定 {code}")

    resident = browser.new_context(viewport=PHONE)  # two people, two phones: their own cookies
    phone = browser.new_context(viewport=PHONE, accept_downloads=True)
    try:
        chat = resident.new_page()
        chat.set_default_timeout(WAIT)
        chat.goto(f"{served}/dev/chat")
        say(chat, ZHANG, "路灯坏了")
        say(chat, ZHANG, "老街农贸市场门口")
        answers = chat.locator(".msg.bot").count()
        chat.get_by_role("button", name="发图片").click()
        expect(chat.locator(".msg.bot")).to_have_count(answers + 1)
        expect(chat.locator(".msg.bot").last).to_contain_text("照片：已收到")
        say(chat, ZHANG, "1")
        expect(chat.locator(".msg.bot").last).to_contain_text("已受理")

        worker = Worker(app)
        worker.send()  # the scheduler's jobs: the notice goes out, the photo comes in
        worker.keep_media()
        [notice] = [c.body["text"]["content"] for c in fake.sent("message/custom/send")
                    if c.body["touser"] == "wx-wangge"]
        assert "【新上报】" in notice and "老街农贸市场门口" in notice
        link = re.search(r"/console/reports/\d+", notice).group()

        console = phone.new_page()
        console.set_default_timeout(WAIT)
        console.goto(f"{served}{link}")
        sign_in(console, "wangge")  # and back to the report the link named
        expect(console.get_by_text("路灯坏了").first).to_be_visible()
        photo = console.locator("img.photo")
        expect(photo).to_be_visible()
        assert photo.evaluate("img => img.complete && img.naturalWidth") == 1
        assert console.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        console.select_option("#status", "处理中")
        console.fill("#status-note", "已联系电工，明天上午来修")
        console.get_by_role("button", name="保存状态").click()
        expect(console.get_by_text("已发消息告诉居民")).to_be_visible()

        told = chat.locator(".msg.staff").last
        expect(told).to_contain_text("处理中")
        expect(told).to_contain_text("已联系电工，明天上午来修")

        console.goto(f"{served}/console/reports?status=")
        assert console.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        with console.expect_download() as download:
            console.get_by_role("link", name="导出Excel").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        rows = list(sheet.iter_rows(values_only=True))
        assert [(r[2], r[3], r[4], r[6]) for r in rows[1:]] == [("第1网格", "路灯/亮化", "处理中", "老街农贸市场门口")]
    finally:
        resident.close()
        phone.close()
