"""The simulator page in a real browser: a person types, taps the menu and follows, and sees replies."""
from __future__ import annotations

import pytest


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    yield page
    page.close()


def last_bot_message(page) -> str:
    return page.locator(".msg.bot").last.inner_text()


def test_a_person_chats_through_the_simulator(served, page, tmp_path):
    page.goto(f"{served}/dev/chat")
    page.get_by_role("button", name="关注", exact=True).click()
    page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 1")
    assert "欢迎" in last_bot_message(page)

    page.fill("#text", "日间照料中心晚上几点关门")
    page.press("#text", "Enter")
    page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 2")
    assert "21" in last_bot_message(page)

    page.select_option("select[aria-label='办事服务']", label="联系人工")
    page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 3")
    assert "工作人员" in last_bot_message(page)

    page.fill("#text", "结束")  # back from the person to the assistant
    page.press("#text", "Enter")
    page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 4")
    assert "人工已结束" in last_bot_message(page)

    page.fill("#text", "明天会不会下雨")
    page.press("#text", "Enter")
    page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 5")
    assert "人工" in last_bot_message(page)
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
