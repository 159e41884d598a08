"""The community-bot command: one group, the app from the click context, the schema migrated only on purpose."""
from __future__ import annotations

import logging
import re

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.models import Outbox
from tests.conftest import TOKEN, command


@pytest.fixture
def environment(make_db_url, tmp_path, backend):
    """What an operator's shell holds: settings in the environment, a database nobody has migrated yet."""
    return {"APP_ENV": "testing", "WECHAT_TOKEN": TOKEN, "INSTANCE_DIR": str(tmp_path / "instance"),
            "DATABASE_URL": make_db_url(backend)}


def test_a_command_on_an_empty_database_says_to_run_db_upgrade(environment):
    result = CliRunner().invoke(cli, ["faq", "gaps"], env=environment)
    assert result.exit_code != 0
    assert result.stderr.strip() == "数据库还没有升级，请先运行 community-bot db upgrade"
    assert result.stdout == ""


def test_after_db_upgrade_commands_work_and_print_no_migration_log(environment, caplog):
    caplog.set_level(logging.INFO)
    upgraded = CliRunner().invoke(cli, ["db", "upgrade"], env=environment)
    assert upgraded.exit_code == 0 and upgraded.stdout == "数据库已是最新结构。\n"
    gaps = CliRunner().invoke(cli, ["faq", "gaps"], env=environment)
    assert gaps.exit_code == 0 and gaps.output == "还没有答不上的问题。\n"
    assert not [record for record in caplog.records if record.name.startswith("alembic")]


def test_the_server_app_still_creates_its_tables_on_an_empty_database(make_app):
    assert make_app().extensions["community"].db.is_current()


def test_help_lists_every_group_even_before_db_upgrade(environment):
    result = CliRunner().invoke(cli, ["--help"], env=environment)
    assert result.exit_code == 0
    listed = set(re.findall(r"^  (\S+)", result.stdout.split("Commands:")[1], re.MULTILINE))
    assert listed == {"announce", "backup", "bookings", "chat", "db", "doctor", "faq", "menu", "rain", "reports",
                      "restore", "roster", "scheduler", "serve", "staff", "status", "tag"}


def test_status_speaks_chinese_to_staff(app):
    with app.extensions["community"].db.transaction() as session:
        session.add_all(Outbox(key=f"k{i}", openid="o-1", text="通知", status=status, reason="用户拒收")
                        for i, status in enumerate(("pending", "sent", "failed", "unknown", "skipped")))
    out = command(app, "status").stdout
    assert "消息：待发 1，已发 1，失败 1，不确定是否送达 1，未发 1" in out
    words = set(re.findall(r"[A-Za-z_]{2,}", out)) - {"WECHAT_TEMPLATE_ID"}  # a setting's name is not a word
    assert words <= {"community", "bot", "scheduler"}, out


def test_a_wrong_setting_stops_a_command_with_one_line(environment):
    result = CliRunner().invoke(cli, ["status"], env={**environment, "WECHAT_ENCODING_AES_KEY": "bad"})
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "WECHAT_ENCODING_AES_KEY" in result.stderr
