"""The one permission table: which roles may open each console page or do each action."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from bot.services.accounts import Role

ALL = frozenset(Role)
OFFICE = frozenset({Role.ADMIN, Role.STAFF})
PERMISSIONS: dict[str, frozenset[Role]] = {
    "dashboard": ALL,
    "profile": ALL,
    "inbox": OFFICE,
    "inbox.reply": OFFICE,
    "reports": frozenset({Role.ADMIN, Role.STAFF, Role.GRID}),
    "reports.work": frozenset({Role.ADMIN, Role.STAFF, Role.GRID}),
    "phone.reveal": OFFICE,
    "accounts": frozenset({Role.ADMIN}),
    "audit": frozenset({Role.ADMIN}),
    "statistics": frozenset({Role.ADMIN, Role.STAFF, Role.VIEWER}),
    "statistics.export": OFFICE,  # the 台账's rows name records and residents (masked)
    "privacy": OFFICE,
    "classes": OFFICE,
    "classes.edit": OFFICE,
    "announce": OFFICE,
    "residents": OFFICE,
    "residents.tags": OFFICE,
    "desk": OFFICE,
    "desk.edit": OFFICE,
    "desk.settings": OFFICE,
    "knowledge": OFFICE,
    "knowledge.edit": OFFICE,
    "kindergarten": OFFICE,  # names of children and parents: office staff, as for the class rosters
    "kindergarten.edit": OFFICE,
}
View = TypeVar("View", bound=Callable[..., Any])


def allowed(role: str, permission: str) -> bool:
    return role in PERMISSIONS[permission]


def requires(permission: str) -> Callable[[View], View]:
    """Declared on the view; a role outside the table gets 403."""
    if permission not in PERMISSIONS:
        raise KeyError(f"permission {permission!r} is not in the table")

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not allowed(current_user.role, permission):
                abort(403)
            return view(*args, **kwargs)

        guarded.permission = permission  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate
