"""Teaching the assistant in a real browser on a phone: a missed question becomes a phrasing and is answered;
an answer with a stray list marker is refused on the page."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.console import test_console_browser as console_browser
from tests.console.conftest import add_account
from tests.console.test_console_browser import PHONE, say, sign_in

open_page = console_browser.open_page  # the same fixture: a page in its own browser context

QUESTION = "跳坝坝舞的地方在哪"
RESIDENT = "王婆婆（70岁，文笔村）"


def test_a_missed_question_is_taught_and_answered_and_a_stray_list_marker_is_refused(app, served, open_page):
    add_account(app, "xiaoli", "staff")
    chat = open_page(f"{served}/dev/chat")
    say(chat, RESIDENT, QUESTION)
    expect(chat.locator(".msg.bot").last).to_contain_text("人工")

    clerk = open_page(f"{served}/console/login", PHONE)
    sign_in(clerk, "xiaoli")
    clerk.get_by_role("link", name="没答上").click()
    gap = clerk.locator("li.gap").filter(has_text=QUESTION)
    expect(gap).to_contain_text("问了1次")
    gap.locator("select").select_option("plaza.location")  # one of the matcher's suggestions
    gap.get_by_role("button", name="加为问法").first.click()
    expect(clerk.get_by_text(f"已把“{QUESTION}”加为“文化广场在哪里”的问法")).to_be_visible()

    say(chat, RESIDENT, QUESTION)
    expect(chat.locator(".msg.bot").last).to_contain_text("市场街东边")

    clerk.get_by_role("link", name="问答").click()
    clerk.fill("#q", "文化广场")
    clerk.get_by_role("button", name="找", exact=True).click()
    clerk.get_by_role("link", name="文化广场在哪里").click()
    clerk.fill("#answer", "文化广场在：\n- 市场街东边")
    clerk.get_by_role("button", name="保存").click()
    expect(clerk.get_by_role("alert")).to_contain_text("以“- ”开头")
    expect(clerk.locator("#answer")).to_have_value("文化广场在：\n- 市场街东边")  # nothing the clerk typed is lost

    say(chat, RESIDENT, "文化广场在哪里")
    expect(chat.locator(".msg.bot").last).to_contain_text("文化广场在市场街东边")
