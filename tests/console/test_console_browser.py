"""The staff console in a real browser: sign-in, binding WeChat, a 人工 case end to end, 403, the lock-out."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bot.services import outbox
from tests import browser as browsers
from tests.console.conftest import PASSWORD, add_account

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}
WAIT = 8000  # ms; the simulator polls /dev/pushed every 2 s


@pytest.fixture
def open_page(browser):
    """open_page(url, size) → a page in its own context (its own cookies and storage), closed afterwards."""
    contexts = []

    def make(url: str, size: dict[str, int] = PHONE):
        context = browser.new_context(viewport=size)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.goto(url)
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="登录").click()


def say(chat, resident: str, text: str) -> None:
    """A resident, chosen in the simulator's select, types a message and waits for the answer."""
    chat.select_option("#openid", label=resident)
    answers = chat.locator(".msg.bot").count()
    chat.fill("#text", text)
    chat.press("#text", "Enter")
    expect(chat.locator(".msg.bot")).to_have_count(answers + 1)


@pytest.fixture
def development(make_app):
    """A development server: an empty database gets the demo admin."""
    yield from browsers.serve(make_app(APP_ENV="development"))


def test_the_demo_admin_signs_in_through_the_form_and_must_change_the_password(development, open_page):
    page = open_page(f"{development}/console/")
    expect(page).to_have_url(re.compile("/console/login"))
    assert page.locator("input[name=csrf_token]").get_attribute("value")
    sign_in(page, "admin", "yangmu-demo")
    expect(page).to_have_url(re.compile("/console/password"))
    expect(page.get_by_text("第一次登录，请先设置您自己的密码")).to_be_visible()
    page.goto(f"{development}/console/inbox")  # nothing else opens before the password is changed
    expect(page).to_have_url(re.compile("/console/password"))
    page.fill("#old", "yangmu-demo")
    page.fill("#new", "river-bridge-2026")
    page.fill("#again", "river-bridge-2026")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()
    expect(page.locator("nav.menu a.here")).to_have_text("工作台")


def test_a_staff_member_binds_their_wechat_from_the_simulator(app, served, open_page):
    add_account(app, "xiaoli", "staff")
    console = open_page(f"{served}/console/login")
    sign_in(console, "xiaoli")
    console.goto(f"{served}/console/me")
    expect(console.get_by_text("还没有绑定微信")).to_be_visible()
    console.get_by_role("button", name="生成绑定码").click()
    command = console.locator(".code").inner_text()
    assert re.fullmatch(r"绑定 \d{6}", command)

    chat = open_page(f"{served}/dev/chat")
    say(chat, "张大哥（老街）", command)
    expect(chat.locator(".msg.bot").last).to_contain_text("绑定成功")

    console.reload()
    expect(console.get_by_text("已绑定微信")).to_be_visible()


def test_a_residents_handoff_reaches_the_inbox_and_the_staff_reply_reaches_their_chat(app, served, open_page):
    add_account(app, "xiaoli", "staff")
    chat = open_page(f"{served}/dev/chat")
    say(chat, "王婆婆（70岁，文笔村）", "高龄津贴怎么领")
    say(chat, "王婆婆（70岁，文笔村）", "人工")
    expect(chat.locator(".msg.bot").last).to_contain_text("工作人员")

    clerk = open_page(f"{served}/console/login", DESK)
    sign_in(clerk, "xiaoli")
    clerk.get_by_role("link", name="人工").first.click()
    case = clerk.locator("ul.list li").first
    expect(case).to_contain_text("等了")
    expect(case).to_contain_text("高龄津贴怎么领")
    case.get_by_role("link").click()
    clerk.fill("#reply", "王婆婆您好，带上身份证和户口簿来便民服务中心就能办。")
    clerk.get_by_role("button", name="发送").click()
    expect(clerk.get_by_text("已发给居民")).to_be_visible()

    reply = chat.locator(".msg.staff").last
    expect(reply).to_contain_text("带上身份证和户口簿")
    expect(reply).to_contain_text("工作人员 → 王婆婆")
    expect(reply).to_be_in_viewport()


def test_a_grid_worker_is_refused_other_areas_pages(app, served, open_page):
    add_account(app, "wangge", "grid", grids=(2,))
    page = open_page(f"{served}/console/login")
    sign_in(page, "wangge")
    expect(page.locator("nav.menu")).to_be_visible()
    for area in ("/console/inbox", "/console/accounts", "/console/audit"):
        response = page.goto(f"{served}{area}")
        assert response.status == 403, area


def test_five_wrong_passwords_lock_the_account(app, served, open_page):
    add_account(app, "xiaoli", "staff")
    page = open_page(f"{served}/console/login")
    for _ in range(5):
        sign_in(page, "xiaoli", "not-my-password")
        expect(page.get_by_role("alert")).to_contain_text("登录名或密码不对")
    sign_in(page, "xiaoli")
    expect(page.get_by_role("alert")).to_contain_text("已锁定")
    expect(page).to_have_url(re.compile("/console/login"))


def test_the_simulator_shows_what_was_queued_after_the_page_was_made(app):
    """The page carries where the queue stood when it was made, so nothing queued later is missed
    (even row 1 of an empty queue, even one queued before the first poll) and no backlog replays."""
    client = app.test_client()
    with app.extensions["community"].db.transaction() as session:
        outbox.enqueue(session, openid="dev-grandma-wang", text="旧通知", key="old")
    page = client.get("/dev/chat").get_data(as_text=True)
    start = int(re.search(r'\?\? (\d+)\), ', page).group(1))
    with app.extensions["community"].db.transaction() as session:
        outbox.enqueue(session, openid="dev-grandma-wang", text="工作人员：您好", key="first")
    assert [r["text"] for r in client.get(f"/dev/pushed?after={start}").get_json()["rows"]] == ["工作人员：您好"]


def test_every_page_fits_a_phone(app, served, open_page):
    """At 390 px nothing is wider than the screen: the console's pages and the simulator's outbox."""
    add_account(app, "zhuren", "admin")
    with app.extensions["community"].db.transaction() as session:
        outbox.enqueue(session, openid="dev-staff-chen", key="long",  # a link does not wrap by itself
                       text="【人工】王婆婆需要帮助：高龄津贴怎么领\n打开：http://127.0.0.1:8000/console/inbox/1")
    page = open_page(f"{served}/console/login")
    sign_in(page, "zhuren")
    for path in ("/console/", "/console/inbox", "/console/accounts", "/console/audit", "/console/me", "/dev/outbox"):
        page.goto(f"{served}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
