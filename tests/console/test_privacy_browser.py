"""In a real browser: the monthly page of a month built by a fixture, its 台账, and a deletion at the desk."""
from __future__ import annotations

import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.console.conftest import add_account
from tests.console.test_console_browser import DESK, PHONE, open_page, sign_in  # noqa: F401  (open_page: fixture)
from tests.month import build_month
from tests.services.conftest import every_table_as_text


def test_the_monthly_page_its_workbook_and_a_deletion_at_the_desk(app, served, open_page, tmp_path):  # noqa: F811
    with app.extensions["community"].db.transaction() as session:
        build_month(session)  # 王秀英 (13812345678) booked a 居住证 visit and reported a broken lamp
    add_account(app, "xiaoli", "staff")

    desk = open_page(f"{served}/console/login", DESK)
    sign_in(desk, "xiaoli")
    desk.get_by_role("link", name="统计").click()
    desk.fill("#month", "2026-11")
    desk.get_by_role("button", name="看这个月").click()
    expect(desk.get_by_role("heading", name="统计 · 2026年11月")).to_be_visible()
    reports = desk.locator("section.area", has_text="上报问题")
    expect(reports.locator("div", has_text="收到上报（社情民意）").locator("dd")).to_have_text("3件")
    expect(reports.locator("div", has_text="按时响应").locator("dd")).to_have_text("33%")
    expect(desk.get_by_role("img", name="各网格上报")).to_be_visible()
    with desk.expect_download() as download:
        desk.get_by_role("link", name="导出台账").click()
    saved = tmp_path / "ledger.xlsx"
    download.value.save_as(saved)
    book = load_workbook(saved)
    assert "上报问题" in book.sheetnames and book["上报问题"].max_row == 4  # a header and the month's 3 reports

    phone = open_page(f"{served}/console/login", PHONE)
    sign_in(phone, "xiaoli")
    phone.goto(f"{served}/console/privacy")
    phone.fill("#q", "138****5678")
    phone.get_by_role("button", name="查找").click()
    phone.locator("ul.list a.item").first.click()
    expect(phone).to_have_url(re.compile(r"/console/privacy/\d+$"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.fill("#reason", "本人到窗口申请")
    phone.fill("#confirm", "删除")
    phone.get_by_role("button", name="删除这位居民的信息").click()
    expect(phone.get_by_role("alert")).to_contain_text("已删除")
    after = every_table_as_text(app)
    assert "王秀英" not in after and "13812345678" not in after
    for path in ("/console/statistics", "/console/privacy"):
        phone.goto(f"{served}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
