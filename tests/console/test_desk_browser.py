"""The 代办 desk in a real browser: a resident books in the simulator, the clerk at a PC finds the booking by
its number, takes the papers in and marks it 可领取; the resident's chat hears it and 我的代办 tells the status."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.console import test_console_browser as console_browser
from tests.console.conftest import add_account
from tests.console.test_console_browser import DESK, PHONE, say, sign_in

open_page = console_browser.open_page  # the same fixture: each page in its own browser context

GRANDMA = "王婆婆（70岁，文笔村）"


def test_a_booking_is_found_at_the_desk_taken_in_and_ready_and_the_resident_is_told(app, served, open_page):
    add_account(app, "xiaoli", "staff")
    chat = open_page(f"{served}/dev/chat", PHONE)
    say(chat, GRANDMA, "我想办居住证")
    say(chat, GRANDMA, "1")
    say(chat, GRANDMA, "王秀英")
    say(chat, GRANDMA, "13812345678")
    say(chat, GRANDMA, "1")
    expect(chat.locator(".msg.bot").last).to_contain_text("预约成功")
    number = re.search(r"DB\d{8}-\d{3}", chat.locator(".msg.bot").last.inner_text()).group()

    desk = open_page(f"{served}/console/login", DESK)
    sign_in(desk, "xiaoli")
    desk.get_by_role("link", name="代办", exact=True).click()
    desk.fill("#q", number)
    desk.get_by_role("button", name="查看").click()
    booking = desk.locator("li.booking").filter(has_text=number)
    expect(booking).to_contain_text("居住证")
    expect(booking).to_contain_text("138****5678")
    booking.get_by_role("button", name="到了，材料已收").click()
    expect(desk.get_by_role("alert")).to_contain_text("已建办件")
    expect(desk.locator("h2").first).to_contain_text("材料已收")
    desk.select_option("#status", "可领取")
    desk.get_by_role("button", name="保存并通知居民").click()
    expect(desk.get_by_role("alert")).to_contain_text("已改为“可领取”")

    expect(chat.locator(".msg.staff").last).to_contain_text("您的居住证已办好，可以来领了，带上身份证")
    say(chat, GRANDMA, "我的代办")
    expect(chat.locator(".msg.bot").last).to_contain_text("居住证：可领取，带上身份证来领")

    desk.get_by_role("link", name="办件", exact=True).click()
    expect(desk.locator("ul.list li").first).to_contain_text("可领取")
    with desk.expect_download() as download:
        desk.get_by_role("link", name="导出Excel").click()
    header, *rows = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.values)
    assert header[0] == "办件号" and [(r[1], r[2], r[3], r[4], r[9]) for r in rows] == [
        ("居住证", "王秀英", "138****5678", "可领取", "预约")]


def test_the_desk_pages_fit_a_phone(app, served, open_page):
    add_account(app, "xiaoli", "staff")
    page = open_page(f"{served}/console/login", PHONE)
    sign_in(page, "xiaoli")
    for path in ("/console/desk", "/console/cases", "/console/cases/new", "/console/desk/settings"):
        page.goto(f"{served}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
