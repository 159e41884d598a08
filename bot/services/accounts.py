"""Staff accounts: roles, passwords with a lock-out, and binding a WeChat account by a one-time code."""
from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from bot.models import StaffAccount
from bot.services import audit

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
BIND_CODE_VALID = timedelta(minutes=10)
MIN_PASSWORD = 8
DEMO_ADMIN = ("admin", "yangmu-demo")
WRONG = "登录名或密码不对。"


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    GRID = "grid"
    VIEWER = "viewer"


WECHAT_COMMAND_ROLES = (Role.ADMIN, Role.STAFF)  # who may say 发布公告 / 下雨 太极 in WeChat
ROLE_NAMES = {Role.ADMIN: "管理员（书记/主任）", Role.STAFF: "工作人员", Role.GRID: "网格员",
              Role.VIEWER: "只看统计（街道）"}


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why, in Chinese."""


def create(session: Session, *, username: str, name: str, role: str, now: datetime,
           grids: Iterable[int] = (), password: str | None = None, by: StaffAccount | str = "系统") -> str:
    """Returns the first password (generated unless given); it must be changed at first sign-in."""
    username, name = username.strip(), name.strip()
    if not username or not name:
        raise AccountError("登录名和姓名都要填。")
    if role not in set(Role):
        raise AccountError(f"没有“{role}”这个角色。可选：{'、'.join(Role)}")
    if session.scalar(select(func.count()).where(StaffAccount.username == username)):
        raise AccountError(f"登录名“{username}”已经有人用了。")
    grid_list = sorted({int(g) for g in grids})
    if role == Role.GRID and not grid_list:
        raise AccountError("网格员要指定负责的网格（例如 1）。")
    first = password or _readable_password()
    _check_strength(first)
    session.add(StaffAccount(username=username, name=name, role=role, grids=grid_list,
                             password_hash=generate_password_hash(first), must_change_password=True,
                             created_at=now))
    audit.record(session, who=by, action="account.create", now=now, target=username, detail=f"{name} {role}")
    return first


def sign_in(session: Session, username: str, password: str, now: datetime,
            ip: str = "") -> tuple[StaffAccount | None, str]:
    """The account, or None and why not. Five wrong passwords lock it for 15 minutes; every attempt is
    audited. A refusal is returned, not raised, so the caller commits the failure count and the audit row."""
    account = session.scalars(select(StaffAccount).where(StaffAccount.username == username.strip())).first()
    if account is None or not account.active:
        audit.record(session, who=username[:64] or "?", action="signin.fail", now=now, ip=ip, detail="未知账号")
        return None, WRONG
    if account.locked_until is not None and account.locked_until > now:
        audit.record(session, who=account, action="signin.locked", now=now, ip=ip)
        minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
        return None, f"密码错误次数太多，账号已锁定，请{minutes}分钟后再试，或请管理员重置密码。"
    if not check_password_hash(account.password_hash, password):
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILURES:
            account.locked_until, account.failed_logins = now + LOCKOUT, 0
        audit.record(session, who=account, action="signin.fail", now=now, ip=ip)
        return None, WRONG
    account.failed_logins, account.locked_until, account.last_login_at = 0, None, now
    audit.record(session, who=account, action="signin", now=now, ip=ip)
    return account, ""


def change_password(session: Session, account: StaffAccount, old: str, new: str, now: datetime) -> None:
    if not check_password_hash(account.password_hash, old):
        raise AccountError("原密码不对。")
    if new == old:
        raise AccountError("新密码不能和原密码一样。")
    _check_strength(new)
    account.password_hash, account.must_change_password = generate_password_hash(new), False
    audit.record(session, who=account, action="password.change", now=now)


def reset_password(session: Session, account: StaffAccount, by: StaffAccount | str, now: datetime) -> str:
    """An admin gives a new first password and unlocks the account."""
    first = _readable_password()
    account.password_hash, account.must_change_password = generate_password_hash(first), True
    account.failed_logins, account.locked_until = 0, None
    audit.record(session, who=by, action="password.reset", now=now, target=account.username)
    return first


def update(session: Session, account: StaffAccount, *, by: StaffAccount, now: datetime, role: str | None = None,
           grids: Iterable[int] | None = None, active: bool | None = None) -> None:
    if account.id == by.id and (active is False or (role is not None and role != Role.ADMIN)):
        raise AccountError("不能停用自己或取消自己的管理员角色。")
    changes = []
    if role is not None and role != account.role:
        if role not in set(Role):
            raise AccountError(f"没有“{role}”这个角色。")
        changes.append(f"角色 {account.role}→{role}")
        account.role = role
    if grids is not None:
        new_grids = sorted({int(g) for g in grids})
        if new_grids != account.grids:
            changes.append(f"网格 {account.grids}→{new_grids}")
            account.grids = new_grids
    if account.role == Role.GRID and not account.grids:
        raise AccountError("网格员要指定负责的网格（例如 1）。")
    if active is not None and active != account.active:
        changes.append("启用" if active else "停用")
        account.active = active
    if changes:
        audit.record(session, who=by, action="account.update", now=now, target=account.username,
                     detail="；".join(changes))


def new_bind_code(session: Session, account: StaffAccount, now: datetime) -> str:
    """Six digits the staff member sends to the 公众号 as “绑定 123456” within ten minutes."""
    while True:
        code = f"{secrets.randbelow(900000) + 100000}"
        if not session.scalar(select(func.count()).where(StaffAccount.bind_code == code)):
            break
    account.bind_code, account.bind_code_expires = code, now + BIND_CODE_VALID
    return code


def bind(session: Session, code: str, openid: str, now: datetime) -> StaffAccount | None:
    """Links the WeChat that sent a valid code; None when the code is unknown or expired."""
    account = session.scalars(select(StaffAccount).where(StaffAccount.bind_code == code.strip())).first()
    if account is None or account.bind_code_expires is None or account.bind_code_expires < now:
        return None
    previous = session.scalars(select(StaffAccount).where(StaffAccount.openid == openid)).first()
    if previous is not None and previous.id != account.id:
        previous.openid = None  # one WeChat belongs to one account
    account.openid, account.bind_code, account.bind_code_expires = openid, None, None
    audit.record(session, who=account, action="wechat.bind", now=now, target=account.username)
    return account


def by_openid(session: Session, openid: str) -> StaffAccount | None:
    return session.scalars(select(StaffAccount).where(StaffAccount.openid == openid,
                                                      StaffAccount.active.is_(True))).first()


def bound(session: Session, roles: Iterable[Role]) -> list[StaffAccount]:
    """Active accounts of these roles with a bound WeChat: the people a notice can reach."""
    return list(session.scalars(select(StaffAccount).where(
        StaffAccount.role.in_(list(roles)), StaffAccount.active.is_(True), StaffAccount.openid.is_not(None))
        .order_by(StaffAccount.id)))


def seed_from_file(session: Session, staff: Mapping[str, str], now: datetime) -> int:
    """Openids listed in faq/staff.yaml become (or stay linked to) staff accounts; returns how many were new."""
    created = 0
    for openid, name in staff.items():
        if session.scalar(select(func.count()).where(StaffAccount.openid == openid)):
            continue
        username = _free_username(session, name)
        session.add(StaffAccount(username=username, name=name, role=Role.STAFF, grids=[], openid=openid,
                                 password_hash=generate_password_hash(secrets.token_urlsafe(16)),
                                 must_change_password=True, created_at=now))
        audit.record(session, who="系统", action="account.create", now=now, target=username,
                     detail=f"{name} staff（来自 staff.yaml）")
        created += 1
    return created


def ensure_demo_admin(session: Session, now: datetime) -> tuple[str, str] | None:
    """On an empty development database: an admin to sign in with (the password must be changed)."""
    if session.scalar(select(func.count()).select_from(StaffAccount).where(StaffAccount.role == Role.ADMIN)):
        return None
    username, password = DEMO_ADMIN
    create(session, username=username, name="演示管理员", role=Role.ADMIN, now=now, password=password)
    return username, password


def demo_login(session: Session) -> tuple[str, str] | None:
    """The demo admin's login while its first password still works (development shows it at start)."""
    username, password = DEMO_ADMIN
    account = session.scalars(select(StaffAccount).where(StaffAccount.username == username)).first()
    if account is None or not account.must_change_password:
        return None
    return (username, password) if check_password_hash(account.password_hash, password) else None


def _free_username(session: Session, wanted: str) -> str:
    name, n = wanted, 1
    while session.scalar(select(func.count()).where(StaffAccount.username == name)):
        n += 1
        name = f"{wanted}{n}"
    return name


def _check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少{MIN_PASSWORD}位。")
    if len(set(password)) < 4:
        raise AccountError("密码太简单了，请换一个。")


def _readable_password() -> str:
    """No 0/O or 1/l to misread when it is read out over the phone."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))
