"""`community-bot doctor`: every check of a deployment, one line each in Chinese and English; exit 1 if any failed."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, Settings, problems, read_settings
from bot.content.workdays import calendar_out_of_date
from bot.db import Database
from bot.outbound.client import ApiError, make_api, sends_for_real
from bot.outbound.readiness import template_warning
from bot.outbound.scheduler import STALE_AFTER, heartbeat

API_TIMEOUT = (3.05, 5.0)  # connect, read: the doctor answers within seconds even when WeChat does not
IP_NOT_ALLOWED = 40164
BAD_CREDENTIALS = {40013, 40125, 41002, 41004}
CALENDAR_AHEAD = timedelta(days=30)


@dataclass(frozen=True)
class Finding:
    ok: bool
    chinese: str
    english: str

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.chinese} / {self.english}"


@click.command(help="检查部署：设置、数据库、定时发送、微信接口、节假日日历；用中文和英文说明问题。")
def doctor() -> None:
    try:
        findings = list(examine(read_settings()))
    except ConfigError as error:
        findings = [Finding(False, "设置读不出来", str(error))]
    for finding in findings:
        click.echo(finding.line())
    if not all(finding.ok for finding in findings):
        raise SystemExit(1)


def examine(settings: Settings) -> Iterator[Finding]:
    """The start-up checks reported instead of raised, then what start-up cannot see."""
    wrong = list(problems(settings))
    for problem in wrong:
        yield Finding(False, "设置有误", problem)
    if wrong:
        yield Finding(False, "设置改好以前，其余检查没有做", "other checks skipped until the settings are right")
        return
    yield Finding(True, f"设置没有问题（{settings.APP_ENV}）", f"settings valid ({settings.APP_ENV})")
    database = Database(settings.DATABASE_URL)
    try:
        yield from _database(database, settings)
    finally:
        database.dispose()
    yield _calendar(settings)


def _database(database: Database, settings: Settings) -> Iterator[Finding]:
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        yield Finding(False, f"数据库连不上：{reason}", f"database unreachable: {reason}")
        yield Finding(False, "定时发送、微信接口和模板的检查要用数据库，没有做",
                      "scheduler, WeChat and template checks need the database; skipped")
        return
    yield Finding(True, "数据库可以连接", "database reachable")
    if not database.is_current():
        yield Finding(False, "数据库结构不是最新的：请运行 community-bot db upgrade",
                      "database schema is behind: run community-bot db upgrade")
        yield Finding(False, "定时发送、微信接口和模板的检查要最新的数据库，没有做",
                      "scheduler, WeChat and template checks need an up-to-date database; skipped")
        return
    yield Finding(True, "数据库结构是最新的", "database schema up to date")
    yield _scheduler(database)
    yield _wechat(database, settings)
    warning = template_warning(database, settings)
    yield Finding(True, "模板消息已配置", "template id set") if warning is None else Finding(
        False, warning, "WECHAT_TEMPLATE_ID is empty: residents silent for 48 hours get no reminders or announcements")


def _scheduler(database: Database) -> Finding:
    age, who = heartbeat(database)
    if age is None:
        return Finding(False, "定时发送从没运行过：请启动 community-bot scheduler",
                       "the scheduler has never run: start community-bot scheduler")
    if age >= STALE_AFTER.total_seconds():
        minutes = age / 60
        return Finding(False, f"定时发送已停止：{minutes:.0f} 分钟没有心跳（{who.get('host')}）",
                       f"the scheduler stopped: no heartbeat for {minutes:.0f} min (on {who.get('host')})")
    return Finding(True, f"定时发送正常（{age:.0f} 秒前有心跳）", f"scheduler alive (heartbeat {age:.0f} s ago)")


def _wechat(database: Database, settings: Settings) -> Finding:
    """Through the shared token store, so the doctor never replaces the token the server uses."""
    if not sends_for_real(settings):
        return Finding(True, "开发环境不连接微信接口（消息只显示在 /dev/outbox）",
                       "development does not call the WeChat API (messages only show at /dev/outbox)")
    base = settings.WECHAT_API_BASE_URL
    try:
        make_api(settings, database, timeout=API_TIMEOUT, attempts=1).ping()
    except RedisError as error:
        return Finding(False, f"连不上 Redis（REDIS_URL，存放 access token）：{error}",
                       f"Redis (REDIS_URL, holds the access token) unreachable: {error}")
    except ApiError as error:
        if error.errcode == IP_NOT_ALLOWED:
            return Finding(False, "微信不接受这台服务器的IP（40164）：请在公众平台 基本配置 → IP白名单 加上本机公网IP",
                           "WeChat refused this server's IP (40164): add it to the IP whitelist (IP白名单)")
        if error.errcode in BAD_CREDENTIALS:
            return Finding(False, f"AppID 或 AppSecret 不对（{error.errcode}）：请核对公众平台 开发者ID/开发者密码",
                           f"WECHAT_APP_ID or WECHAT_APP_SECRET is wrong ({error.errcode}: {error.errmsg})")
        if error.errcode is None:
            return Finding(False, f"连不上微信接口 {base}（{error.errmsg}）",
                           f"WeChat API unreachable at {base} ({error.errmsg})")
        return Finding(False, f"微信接口报错 {error.errcode}：{error.errmsg}",
                       f"WeChat API error {error.errcode}: {error.errmsg}")
    return Finding(True, "微信接口可以连接，access token 有效", "WeChat API reachable, access token valid")


def _calendar(settings: Settings) -> Finding:
    today = datetime.now(settings.tz).date()
    unknown = [day for day in (today, today + CALENDAR_AHEAD) if calendar_out_of_date(day)]
    if unknown:
        year = unknown[0].year
        return Finding(False, f"节假日日历还不知道 {year} 年的放假安排：请升级（pip install -U chinesecalendar）",
                       f"chinese_calendar does not know {year}'s holidays: upgrade the chinesecalendar package")
    return Finding(True, "节假日日历覆盖未来30天", "holiday calendar covers the next 30 days")


COMMANDS = (doctor,)
