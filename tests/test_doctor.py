"""`community-bot doctor`: a healthy deployment passes every check; each fault fails with its own line."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from alembic import command as alembic
from click.testing import CliRunner

from bot.cli import cli
from bot.db import alembic_config
from bot.outbound.scheduler import Worker
from tests.conftest import PRODUCTION
from tests.fake_wechat_api import FakeWeChatApi, fake_api  # noqa: F401  (the fixture)

KNOWN_YEAR = datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # chinese_calendar knows June 2026
SETTINGS = ("APP_ENV", "WECHAT_TOKEN", "DATABASE_URL", "INSTANCE_DIR", "WECHAT_API_BASE_URL", "WECHAT_TEMPLATE_ID")


@pytest.fixture
def deployment(make_app, fake_api: FakeWeChatApi) -> Iterator[Any]:  # noqa: F811  (the imported fixture)
    """A migrated database, the fake WeChat API, a template id; the settings as an operator's environment."""
    with time_machine.travel(KNOWN_YEAR, tick=True):
        app = make_app(WECHAT_API_BASE_URL=fake_api.base_url, WECHAT_TEMPLATE_ID="tpl-notice")
        app.env = {name: str(app.config[name]) for name in SETTINGS}
        app.fake = fake_api
        yield app


def doctor(env: dict[str, str]) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["doctor"], env=env)
    return result.exit_code, result.stdout.splitlines()


def failed(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("✗")]


def test_a_healthy_deployment_passes_every_check(deployment):
    Worker(deployment).beat()
    code, lines = doctor(deployment.env)
    assert code == 0, lines
    assert len(lines) == 7 and all(line.startswith("✓ ") and " / " in line for line in lines)
    assert any("access token" in line for line in lines) and deployment.fake.token_fetches == 1


def test_a_wrong_api_base_url_says_wechat_cannot_be_reached(deployment):
    Worker(deployment).beat()
    code, lines = doctor({**deployment.env, "WECHAT_API_BASE_URL": "http://127.0.0.1:9/cgi-bin"})
    assert code == 1
    assert failed(lines) == [
        "✗ 连不上微信接口 http://127.0.0.1:9/cgi-bin（ConnectionError） / "
        "WeChat API unreachable at http://127.0.0.1:9/cgi-bin (ConnectionError)"]


def test_error_40164_says_to_add_the_servers_ip_to_the_whitelist(deployment):
    Worker(deployment).beat()
    deployment.fake.fail(40164, "token")
    code, lines = doctor(deployment.env)
    [line] = failed(lines)
    assert code == 1 and "IP白名单" in line and "IP whitelist" in line


def test_a_database_that_is_behind_says_to_run_db_upgrade(deployment):
    Worker(deployment).beat()
    with deployment.extensions["community"].db.engine.begin() as connection:
        alembic.downgrade(alembic_config(connection), "-1")
    code, lines = doctor(deployment.env)
    assert code == 1
    assert failed(lines)[0] == ("✗ 数据库结构不是最新的：请运行 community-bot db upgrade / "
                                "database schema is behind: run community-bot db upgrade")


def test_a_missing_heartbeat_says_to_start_the_scheduler(deployment):
    code, lines = doctor(deployment.env)
    assert code == 1
    assert failed(lines) == ["✗ 定时发送从没运行过：请启动 community-bot scheduler / "
                             "the scheduler has never run: start community-bot scheduler"]


def test_a_missing_template_id_is_a_failed_check(deployment):
    Worker(deployment).beat()
    code, lines = doctor({**deployment.env, "WECHAT_TEMPLATE_ID": ""})
    [line] = failed(lines)
    assert code == 1 and "WECHAT_TEMPLATE_ID" in line and "收不到提醒" in line


def test_an_out_of_date_holiday_calendar_says_to_upgrade_it(deployment):
    with time_machine.travel(datetime(2031, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        Worker(deployment).beat()
        code, lines = doctor(deployment.env)
    [line] = failed(lines)
    assert code == 1 and "2031" in line and "chinesecalendar" in line


def test_unsafe_production_settings_are_all_listed_not_just_the_first(deployment):
    env = {**deployment.env, **PRODUCTION, "WECHAT_TOKEN": "communitydevtoken", "SECRET_KEY": "x"}
    code, lines = doctor(env)
    assert code == 1 and len(failed(lines)) == len(lines) == 4  # token, secret, plaintext mode, "skipped"
    assert all(line.startswith("✗ 设置") for line in lines[:3]) and "SECRET_KEY" in lines[1]


def test_an_unreachable_redis_for_the_token_is_a_failed_check(deployment):
    Worker(deployment).beat()
    code, lines = doctor({**deployment.env, "REDIS_URL": "redis://127.0.0.1:9/0"})
    [line] = failed(lines)
    assert code == 1 and "Redis" in line and "REDIS_URL" in line
