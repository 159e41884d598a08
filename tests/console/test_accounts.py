"""Signing in, roles, the lock-out, the first password, binding WeChat, and the audit trail."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.console.permissions import PERMISSIONS, allowed
from bot.models import AuditEntry, StaffAccount, utcnow
from bot.services import accounts
from tests.console.conftest import PASSWORD, Staff, add_account, csrf_token


def audit_actions(app) -> list[str]:
    with app.extensions["community"].db.transaction() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_page_asks_to_sign_in_first(client):
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_sign_in_needs_the_form_token(app, client):
    add_account(app, "clerk", "staff")
    response = client.post("/console/login", data={"username": "clerk", "password": PASSWORD})
    assert response.status_code == 400  # no CSRF token: refused
    assert Staff(client, "clerk").sign_in().status_code == 302
    assert "工作台" in client.get("/console/").get_data(as_text=True)
    assert "signin" in audit_actions(app)


def test_first_sign_in_forces_a_new_password(app, client):
    add_account(app, "newcomer", "staff", changed=False)
    clerk = Staff(client, "newcomer")
    clerk.sign_in()
    assert client.get("/console/").headers["Location"].endswith("/console/password")
    page = client.get("/console/password").get_data(as_text=True)
    assert "第一次登录" in page
    weak = clerk.post("/console/password", {"old": PASSWORD, "new": "123", "again": "123"}, "/console/password")
    assert "至少8位" in weak.get_data(as_text=True)
    done = clerk.post("/console/password", {"old": PASSWORD, "new": "my-own-secret", "again": "my-own-secret"},
                      "/console/password")
    assert done.status_code == 302
    assert client.get("/console/").status_code == 200
    assert "password.change" in audit_actions(app)


def test_five_wrong_passwords_lock_the_account(app, client):
    add_account(app, "clerk", "staff")
    clerk = Staff(client, "clerk")
    for _ in range(accounts.MAX_FAILURES):
        assert clerk.sign_in("wrong-password").status_code == 401
    refused = clerk.sign_in()  # even the right password now
    assert refused.status_code == 401 and "已锁定" in refused.get_data(as_text=True)
    assert audit_actions(app).count("signin.fail") == accounts.MAX_FAILURES


def test_an_admin_creates_an_account_and_its_first_password_works(app, staff_of):
    admin = staff_of("admin")
    page = admin.post("/console/accounts", {"username": "liu", "name": "刘网格", "role": "grid", "grids": "3,4"},
                      "/console/accounts").get_data(as_text=True)
    first = page.split("初始密码：<b>")[1].split("</b>")[0]
    assert "刘网格" in page and "第3、4网格" in page
    newcomer = Staff(app.test_client(), "liu")
    assert newcomer.sign_in(first).status_code == 302
    assert "account.create" in audit_actions(app)


def test_a_grid_worker_needs_a_grid(app, staff_of):
    page = staff_of("admin").post("/console/accounts", {"username": "x", "name": "某人", "role": "grid"},
                                  "/console/accounts").get_data(as_text=True)
    assert "要指定负责的网格" in page


ROLES = ("admin", "staff", "grid", "viewer")


def console_pages(app) -> list[tuple[str, str, str]]:
    """Every console page and action with the permission its view declares."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        permission = getattr(view, "permission", None)
        if permission is None:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        url = re.sub(r"<int:\w+>", "1", rule.rule)
        found.append((url, method, permission))
    return found


def test_every_page_declares_a_permission(app):
    open_pages = {"console.login", "console.logout", "console.static"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("console.") and rule.endpoint not in open_pages:
            assert getattr(app.view_functions[rule.endpoint], "permission", None) in PERMISSIONS, rule.endpoint


@pytest.mark.parametrize("role", ROLES)
def test_the_permission_table_decides_every_page(app, staff_of, role):
    member = staff_of(role)
    pages = console_pages(app)
    assert len(pages) >= 6
    for url, method, permission in pages:
        response = member.get(url) if method == "GET" else member.post(url, {"role": "admin", "active": "1"})
        if allowed(role, permission):
            assert response.status_code in (200, 302, 400, 404), (role, url)  # 404: no record 1
        else:
            assert response.status_code == 403, (role, url)


def test_binding_wechat_with_a_one_time_code(app):
    add_account(app, "clerk", "staff")
    db = app.extensions["community"].db
    now = utcnow()
    with db.transaction() as session:
        clerk = session.scalars(select(StaffAccount).where(StaffAccount.username == "clerk")).one()
        code = accounts.new_bind_code(session, clerk, now)
    with db.transaction() as session:
        assert accounts.bind(session, "000000", "wx-clerk", now) is None
        assert accounts.bind(session, code, "wx-clerk", now).username == "clerk"
        assert accounts.bind(session, code, "wx-other", now) is None  # used once
        assert accounts.by_openid(session, "wx-clerk").username == "clerk"


def test_the_staff_file_seeds_linked_accounts(app):
    with app.extensions["community"].db.transaction() as session:
        chen = accounts.by_openid(session, "dev-staff-chen")
    assert chen is not None and chen.name == "陈主任" and chen.role == "staff"


def test_the_audit_log_exports_and_the_export_is_audited(app, staff_of):
    admin = staff_of("admin")
    response = admin.get("/console/audit.xlsx?action=signin")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("时间", "操作人", "操作") and {row[2] for row in rows[1:]} == {"signin"}
    assert audit_actions(app)[-1] == "export"
    page = admin.get("/console/audit?action=export").get_data(as_text=True)
    assert "audit_log" in page


def test_the_login_page_needs_no_outside_asset(client):
    page = client.get("/console/login").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page
    assert client.get("/console/static/console.css").status_code == 200
    assert csrf_token(page)


def test_only_a_response_that_changes_the_session_sends_it(staff_of):
    """A slow response begun before a change (a photo, the simulator's poll) must not put the older session
    back: a lost 已保存 message, an undone sign-out."""
    clerk = staff_of("staff")
    for path in ("/console/", "/console/static/console.css", "/dev/pushed"):
        assert "Set-Cookie" not in clerk.get(path).headers, path
    assert "Set-Cookie" in clerk.post("/console/logout").headers


def test_staff_who_keep_working_stay_signed_in(staff_of):
    """A page viewed ten minutes after the session was last sent sends it again, starting its 8 hours anew."""
    clerk = staff_of("staff")
    with clerk.client.session_transaction() as session:
        session["renewed"] -= 10 * 60
    assert "Set-Cookie" in clerk.get("/console/").headers
    assert "Set-Cookie" not in clerk.get("/console/").headers


def test_staff_accounts_from_the_server_command_line(app):
    from tests.conftest import command

    made = command(app, "staff", "add", "刘网格", "--role", "grid", "--grid", "3", "--grid", "4")
    assert made.exit_code == 0 and "初始密码" in made.stdout
    first = made.stdout.split("初始密码 ")[1].split("（")[0]
    assert Staff(app.test_client(), "刘网格").sign_in(first).status_code == 302
    listed = command(app, "staff", "list").stdout
    assert "刘网格" in listed and "第3、4网格" in listed
    assert command(app, "staff", "add", "某人", "--role", "grid").exit_code == 2  # a grid worker needs a grid
    reset = command(app, "staff", "reset", "刘网格")
    assert reset.exit_code == 0 and first not in reset.stdout
