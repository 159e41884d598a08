"""Settings from a mapping and the environment, checked once at start so a bad value fails loudly."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_TOKEN = "communitydevtoken"
ENVIRONMENTS = ("development", "testing", "production")
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


class ConfigError(ValueError):
    """A setting is wrong; the message names it in one line."""


@dataclass(frozen=True)
class Settings:
    APP_ENV: str = "development"
    WECHAT_TOKEN: str = ""
    WECHAT_APP_ID: str = "wx-dev-app"
    WECHAT_APP_SECRET: str = "dev-secret"
    WECHAT_ENCODING_AES_KEY: str = ""
    WECHAT_API_BASE_URL: str = "https://api.weixin.qq.com/cgi-bin/"
    WECHAT_CUSTOMER_SERVICE: bool = False
    WECHAT_TEMPLATE_ID: str = ""
    DATABASE_URL: str = ""
    REDIS_URL: str = ""
    TIMEZONE: str = "Asia/Shanghai"
    FAQ_DIR: str = str(PROJECT_ROOT / "faq")
    INSTANCE_DIR: str = str(PROJECT_ROOT / "instance")
    FORM_TIMEOUT_MINUTES: int = 30
    SEND_RATE_PER_SECOND: float = 20.0
    REMINDER_GRACE_MINUTES: int = 30
    SECRET_KEY: str = ""
    PUBLIC_URL: str = "http://127.0.0.1:8000"
    MESSAGE_LOG_DAYS: int = 30
    HANDOFF_QUIET_MINUTES: int = 60
    HANDOFF_ESCALATE_MINUTES: int = 15

    @property
    def production(self) -> bool:
        return self.APP_ENV == "production"

    @property
    def encrypted(self) -> bool:
        return bool(self.WECHAT_ENCODING_AES_KEY)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.TIMEZONE)


def _coerce(name: str, kind: type, raw: Any) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    try:
        return kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a {kind.__name__}, not {raw!r}") from None


def load_settings(config: Mapping[str, Any] | None = None) -> Settings:
    """Mapping values win over the environment, which wins over defaults."""
    config = dict(config or {})
    kinds = {"bool": bool, "int": int, "float": float, "str": str}
    values: dict[str, Any] = {}
    for field in fields(Settings):
        if field.name in config:
            raw = config[field.name]
        elif field.name in os.environ:
            raw = os.environ[field.name]
        else:
            continue
        values[field.name] = _coerce(field.name, kinds[field.type], raw)
    settings = Settings(**values)
    settings = _fill_defaults(settings)
    validate(settings)
    return settings


def _fill_defaults(settings: Settings) -> Settings:
    changes: dict[str, Any] = {}
    if not settings.DATABASE_URL:
        changes["DATABASE_URL"] = f"sqlite:///{Path(settings.INSTANCE_DIR) / 'community.db'}"
    if not settings.WECHAT_TOKEN and not settings.production:
        changes["WECHAT_TOKEN"] = DEV_TOKEN
    if not settings.SECRET_KEY and not settings.production:
        changes["SECRET_KEY"] = "dev-secret-key"
    if not changes:
        return settings
    return Settings(**{**settings.__dict__, **changes})


def validate(settings: Settings) -> None:
    if settings.APP_ENV not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {settings.APP_ENV!r}")
    if settings.production and len(settings.WECHAT_TOKEN) < 16:
        raise ConfigError(
            "WECHAT_TOKEN must be at least 16 characters in production "
            "(an empty or short token lets anyone forge a signature)"
        )
    token = settings.WECHAT_TOKEN
    if not token or len(token) > 32 or not token.isascii() or not token.isalnum():
        raise ConfigError("WECHAT_TOKEN must be 1 to 32 letters and digits, as the 公众平台 requires")
    key = settings.WECHAT_ENCODING_AES_KEY
    if key and (len(key) != 43 or not key.isascii() or not key.isalnum()):
        raise ConfigError(
            f"WECHAT_ENCODING_AES_KEY must be 43 letters and digits (got {len(key)} characters)"
        )
    if settings.production and not settings.SECRET_KEY:
        raise ConfigError("SECRET_KEY must be set in production (it signs the staff console session)")
    scheme = settings.DATABASE_URL.split(":", 1)[0]
    if scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL scheme must be one of {', '.join(DATABASE_SCHEMES)}, not {scheme!r}"
        )
    try:
        ZoneInfo(settings.TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE {settings.TIMEZONE!r} is not a known time zone") from None
    if settings.FORM_TIMEOUT_MINUTES < 1:
        raise ConfigError("FORM_TIMEOUT_MINUTES must be at least 1")
    if settings.SEND_RATE_PER_SECOND <= 0:
        raise ConfigError("SEND_RATE_PER_SECOND must be positive")
    if not Path(settings.FAQ_DIR).is_dir():
        raise ConfigError(f"FAQ_DIR {settings.FAQ_DIR!r} is not a folder")
