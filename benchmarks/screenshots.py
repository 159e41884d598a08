"""Screenshots of the staff console and the simulator at 390 px (a phone) and 1280 px (a desk PC).

    .venv/bin/python benchmarks/screenshots.py [--out docs/screenshots]

Starts the app on a throw-away SQLite database, lets three residents chat in the simulator (one
asks for 人工 and gets a staff reply), signs in as an admin and saves one PNG of the viewport per
page and width. For each page it also prints what makes it hard to use on a phone: a page wider
than the screen, and tap targets lower than 44 px. Needs Debian's chromium, as the browser tests do.
Not a test: it writes the files and exits 0.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from bot import create_app  # noqa: E402
from bot.models import StaffAccount, utcnow  # noqa: E402
from bot.services import accounts  # noqa: E402
from tests.browser import CHROMIUM, FLAGS, serve  # noqa: E402

PASSWORD = "green-tea-2026"
REPLY = "王婆婆您好，80岁以上的高龄津贴带身份证、户口簿到便民服务中心办，我们明天上午也可以上门。"
WIDTHS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}
PROBLEMS = """() => {
  const out = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) out.push(`page is ${document.documentElement.scrollWidth}px wide`);
  for (const el of document.querySelectorAll("a, button, input, select, textarea, summary")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || el.type === "checkbox") continue;
    const name = (el.innerText || el.value || "").slice(0, 12);
    if (box.height < 44) out.push(`${el.tagName.toLowerCase()} "${name}" is ${Math.round(box.height)}px high`);
  }
  return out;
}"""


def prepare(app) -> None:
    """An admin and a grid worker who have set their own passwords (陈主任 comes from faq/staff.yaml)."""
    with app.extensions["community"].db.transaction() as session:
        accounts.create(session, username="zhuren", name="李书记", role="admin", password=PASSWORD, now=utcnow())
        accounts.create(session, username="wangge1", name="赵网格员", role="grid", grids=(1,), password=PASSWORD,
                        now=utcnow())
        for account in session.query(StaffAccount):
            account.must_change_password = False


def say(chat: Page, resident: str, text: str) -> None:
    chat.select_option("#openid", label=resident)
    answers = chat.locator(".msg:not(.me)").count()
    chat.fill("#text", text)
    chat.press("#text", "Enter")
    chat.wait_for_function(f"document.querySelectorAll('.msg:not(.me)').length > {answers}")


def shoot(page: Page, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    page.screenshot(path=str(path))
    problems = page.evaluate(PROBLEMS)
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size // 1024} KB"
          + "".join(f"\n  ! {p}" for p in problems))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"APP_ENV": "testing", "WECHAT_TOKEN": "screenshots2026", "INSTANCE_DIR": folder,
                          "DATABASE_URL": f"sqlite:///{folder}/screens.db"})
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the page list below, not every request
        prepare(app)
        server = serve(app)
        url = next(server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            chat = browser.new_page(viewport=WIDTHS["390"])
            chat.goto(f"{url}/dev/chat")
            say(chat, "张大哥（老街）", "日间照料中心晚上几点关门")
            say(chat, "李师傅（流动人口家长）", "孩子转学要什么材料")
            say(chat, "王婆婆（70岁，文笔村）", "高龄津贴怎么领")
            say(chat, "王婆婆（70岁，文笔村）", "人工")
            say(chat, "王婆婆（70岁，文笔村）", "我今年八十了，户口在文笔村")
            for text in ("我想给娃儿报名幼儿园", "李小军", "2024年8月", "1", "李师傅 13900001234", "1"):
                say(chat, "李师傅（流动人口家长）", text)  # a line on the kindergarten's waiting list

            desk = browser.new_page(viewport=WIDTHS["1280"])
            desk.goto(f"{url}/console/login")
            desk.fill("#username", "zhuren")
            desk.fill("#password", PASSWORD)
            desk.get_by_role("button", name="登录").click()
            desk.goto(f"{url}/console/inbox")
            desk.locator("ul.list li a").first.click()
            case_url = desk.url
            desk.fill("#reply", REPLY)
            desk.get_by_role("button", name="发送").click()
            desk.wait_for_selector("text=已发给居民")
            chat.wait_for_selector(".msg.staff")

            pages = {"dashboard": "/console/", "inbox": "/console/inbox", "case": case_url.removeprefix(url),
                     "accounts": "/console/accounts", "outbox": "/dev/outbox",
                     "statistics": "/console/statistics", "privacy": "/console/privacy?q=138****5678",
                     "reports": "/console/reports", "desk": "/console/desk", "cases": "/console/cases",
                     "classes": "/console/classes", "announcements": "/console/announcements",
                     "knowledge": "/console/knowledge", "gaps": "/console/gaps",
                     "kindergarten": "/console/kindergarten"}
            for width, size in WIDTHS.items():
                desk.set_viewport_size(size)
                for name, path in pages.items():
                    desk.goto(f"{url}{path}")
                    shoot(desk, args.out, f"{name}-{width}")
                chat.set_viewport_size(size)
                shoot(chat, args.out, f"simulator-{width}")
                login = browser.new_page(viewport=size)
                login.goto(f"{url}/console/login")
                shoot(login, args.out, f"login-{width}")
                login.close()
            browser.close()
        next(server, None)


if __name__ == "__main__":
    main()
