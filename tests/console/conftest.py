"""Console fixtures: accounts of each role and a browser-like client that signs in through the form."""
from __future__ import annotations

import re
from typing import Any

import pytest

from bot.models import StaffAccount, utcnow
from bot.services import accounts

PASSWORD = "green-tea-2026"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page: str) -> str:
    return CSRF.search(page).group(1)


def db(app: Any) -> Any:
    """The app's database, for a test to read what a page stored."""
    return app.extensions["community"].db


class Staff:
    """A staff member at a browser: signs in through the login form, posts forms with their CSRF token."""

    def __init__(self, client: Any, username: str) -> None:
        self.client, self.username = client, username

    def sign_in(self, password: str = PASSWORD) -> Any:
        token = csrf_token(self.client.get("/console/login").get_data(as_text=True))
        return self.client.post("/console/login", data={"username": self.username, "password": password,
                                                        "csrf_token": token})

    def get(self, url: str) -> Any:
        return self.client.get(url)

    def post(self, url: str, data: dict[str, Any] | None = None, from_page: str = "/console/") -> Any:
        token = csrf_token(self.client.get(from_page).get_data(as_text=True))
        return self.client.post(url, data={**(data or {}), "csrf_token": token})


def add_account(app: Any, username: str, role: str, grids: tuple[int, ...] = (), changed: bool = True) -> None:
    """An account whose owner has already set their own password (unless changed=False)."""
    with app.extensions["community"].db.transaction() as session:
        accounts.create(session, username=username, name=f"{username}的名字", role=role, grids=grids,
                        password=PASSWORD, now=utcnow())
        if changed:
            session.query(StaffAccount).filter_by(username=username).one().must_change_password = False


@pytest.fixture
def staff_of(app):
    """staff_of("admin") → a signed-in Staff of that role (accounts are made on first use)."""
    made: dict[str, Staff] = {}

    def make(role: str, grids: tuple[int, ...] = ()) -> Staff:
        username = f"{role}-{'-'.join(map(str, grids)) or 'all'}"
        if username not in made:
            add_account(app, username, role, grids or ((1,) if role == "grid" else ()))
            member = Staff(app.test_client(), username)
            assert member.sign_in().status_code == 302
            made[username] = member
        return made[username]

    return make
