"""The production recipe under deploy/ names real settings, real commands, and starts as written."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot.config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def example_env() -> dict[str, str]:
    lines = (DEPLOY / "community.env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_environment_example_names_only_real_settings_and_passes_production_checks():
    env = example_env()
    known = set(Settings.model_fields)
    assert set(env) <= known and env["APP_ENV"] == "production"
    settings = load_settings({**env, "FAQ_DIR": str(ROOT / "faq")})
    assert settings.production and settings.encrypted


def test_the_units_run_the_wsgi_app_and_the_one_scheduler_command():
    web = (DEPLOY / "community-web.service").read_text(encoding="utf-8")
    scheduler = (DEPLOY / "community-scheduler.service").read_text(encoding="utf-8")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert "wsgi:app" in web and (ROOT / "wsgi.py").exists() and "--bind 127.0.0.1:8000" in web
    assert "/bin/community-bot scheduler" in scheduler and "community-bot" in scripts
    assert all("Restart=always" in unit and "EnvironmentFile=/etc/community-bot/community.env" in unit
               for unit in (web, scheduler))


def test_each_thread_of_the_web_units_workers_gets_a_database_connection_without_waiting():
    """Threaded workers (gthread): a message waiting on PostgreSQL's commit does not hold back the next."""
    from bot.db import Database

    web = (DEPLOY / "community-web.service").read_text(encoding="utf-8")
    threads = int(re.search(r"--threads (\d+)", web).group(1))  # type: ignore[union-attr]
    pool = Database("postgresql+psycopg://community@127.0.0.1/community").engine.pool  # connects to nothing
    assert 1 < threads <= pool.size()  # type: ignore[attr-defined]


def test_nginx_buffers_requests_and_limits_bodies_in_front_of_the_webhook():
    site = (DEPLOY / "nginx-community.conf").read_text(encoding="utf-8")
    for directive in ("listen 443 ssl", "proxy_request_buffering on", "client_max_body_size",
                      "client_body_timeout", "proxy_pass http://127.0.0.1:8000", "return 301 https://"):
        assert directive in site


def test_the_backup_timer_runs_the_backup_command_every_night_with_the_units_settings():
    service = (DEPLOY / "community-backup.service").read_text(encoding="utf-8")
    timer = (DEPLOY / "community-backup.timer").read_text(encoding="utf-8")
    assert "/bin/community-bot backup" in service and "User=community" in service
    assert "EnvironmentFile=/etc/community-bot/community.env" in service and "Type=oneshot" in service
    assert "OnCalendar=*-*-* 03:00:00" in timer and "Persistent=true" in timer


def test_every_command_the_recipes_name_exists():
    from bot.cli import cli

    text = (DEPLOY / "README.md").read_text(encoding="utf-8") + (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?:community-bot|\bcb) ([a-z]+)", text)) - {"command", "commands"}
    assert {"backup", "restore", "doctor", "scheduler", "status"} <= named
    assert named <= set(cli.commands), named - set(cli.commands)
