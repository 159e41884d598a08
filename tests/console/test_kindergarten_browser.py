"""In a real browser, on a 390 px phone and a PC: the 幼儿园 page's places edit, the waiting list, 看号码,
已通知, and the 台账 download."""
from __future__ import annotations

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.console.conftest import add_account
from tests.console.test_console_browser import DESK, PHONE, open_page, sign_in  # noqa: F401  (open_page: fixture)
from tests.console.test_kindergarten_pages import FAMILIES, queued


def test_office_staff_keep_the_places_and_the_waiting_list_on_a_phone_and_a_pc(app, served, open_page,  # noqa: F811
                                                                               tmp_path):
    queued(app, FAMILIES)
    add_account(app, "xiaoli", "staff")

    phone = open_page(f"{served}/console/login", PHONE)
    sign_in(phone, "xiaoli")
    phone.get_by_role("link", name="幼儿园").click()
    expect(phone.get_by_role("heading", name="幼儿园", exact=True)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.fill("#left", "两个")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_role("alert")).to_contain_text("没有保存")
    expect(phone.locator("#left")).to_have_value("两个")
    phone.fill("#left", "2")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_role("alert")).to_contain_text("还剩2个学位（")
    first = phone.locator("li.registration", has_text="王小宝")
    expect(first).to_contain_text("139****1234")
    first.get_by_role("button", name="看号码").click()
    expect(phone.locator("li.registration", has_text="王小宝")).to_contain_text("13900001234")
    phone.locator("li.registration", has_text="王小宝").get_by_role("button", name="已通知").click()
    expect(phone.get_by_role("alert")).to_contain_text("已给家长发微信消息")
    expect(phone.locator("li.registration", has_text="王小宝").locator(".state")).to_have_text("已通知")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    desk = open_page(f"{served}/console/login", DESK)
    sign_in(desk, "xiaoli")
    desk.goto(f"{served}/console/kindergarten")
    expect(desk.locator("#autumn-2027")).to_have_text("2027年秋季入园：2人")
    with desk.expect_download() as download:
        desk.get_by_role("link", name="导出Excel").click()
    saved = tmp_path / "kindergarten.xlsx"
    download.value.save_as(saved)
    assert load_workbook(saved)["预登记"].max_row == 4  # a header and the three children
