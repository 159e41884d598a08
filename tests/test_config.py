"""A wrong setting stops the start with one line that names it."""
import subprocess
import sys

import pytest

from bot.config import DEV_SECRET_KEY, DEV_TOKEN, ConfigError, load_settings
from tests.conftest import PRODUCTION


@pytest.mark.parametrize("config, named", [
    ({"WECHAT_ENCODING_AES_KEY": "tooshort"}, "WECHAT_ENCODING_AES_KEY"),
    ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
    ({"APP_ENV": "production", "WECHAT_TOKEN": "", "SECRET_KEY": "s"}, "WECHAT_TOKEN"),
    ({"APP_ENV": "production", "WECHAT_TOKEN": "short", "SECRET_KEY": "s"}, "WECHAT_TOKEN"),
    ({"WECHAT_TOKEN": "has space"}, "WECHAT_TOKEN"),
    ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
    ({"FORM_TIMEOUT_MINUTES": "soon"}, "FORM_TIMEOUT_MINUTES"),
    ({"WECHAT_CUSTOMER_SERVICE": "maybe"}, "WECHAT_CUSTOMER_SERVICE"),
    ({"APP_ENV": "staging"}, "APP_ENV"),
])
def test_bad_setting_is_named(config, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(config)


def test_environment_is_read_and_mapping_wins(monkeypatch):
    monkeypatch.setenv("FORM_TIMEOUT_MINUTES", "45")
    monkeypatch.setenv("WECHAT_CUSTOMER_SERVICE", "true")
    settings = load_settings({"FORM_TIMEOUT_MINUTES": 10})
    assert settings.FORM_TIMEOUT_MINUTES == 10 and settings.WECHAT_CUSTOMER_SERVICE is True


def test_development_has_a_token_and_sqlite_default():
    settings = load_settings({})
    assert settings.WECHAT_TOKEN and settings.DATABASE_URL.startswith("sqlite:///")
    assert not settings.encrypted


def test_production_with_strong_settings_starts():
    settings = load_settings({**PRODUCTION, "WECHAT_ENCODING_AES_KEY": "k" * 43})
    assert settings.production and settings.encrypted


@pytest.mark.parametrize("weak, named", [
    ({"WECHAT_TOKEN": DEV_TOKEN}, "WECHAT_TOKEN"),
    ({"WECHAT_TOKEN": "a" * 20}, "WECHAT_TOKEN"),
    ({"SECRET_KEY": "x"}, "SECRET_KEY"),
    ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
    ({"SECRET_KEY": "ab" * 10}, "SECRET_KEY"),
    ({"WECHAT_APP_ID": "wx-dev-app"}, "WECHAT_APP_ID"),
    ({"WECHAT_APP_SECRET": "dev-secret"}, "WECHAT_APP_SECRET"),
])
def test_production_refuses_published_or_guessable_settings(weak, named):
    with pytest.raises(ConfigError, match=named):
        load_settings({**PRODUCTION, "WECHAT_ENCODING_AES_KEY": "k" * 43, **weak})


def test_command_line_reports_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot.cli", "faq", "gaps"], capture_output=True, text=True,
                            env={"WECHAT_ENCODING_AES_KEY": "bad", "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "WECHAT_ENCODING_AES_KEY" in result.stderr


def test_the_app_config_holds_the_settings(make_app):
    app = make_app(FORM_TIMEOUT_MINUTES="12", WECHAT_CUSTOMER_SERVICE="yes")
    assert app.config["FORM_TIMEOUT_MINUTES"] == 12 and app.config["WECHAT_CUSTOMER_SERVICE"] is True
    assert app.config["TIMEZONE"] == app.extensions["community"].settings.TIMEZONE == "Asia/Shanghai"
    assert app.config["SECRET_KEY"]
