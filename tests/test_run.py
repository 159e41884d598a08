"""`make run` and `community-bot serve` listen where HOST and PORT say, 127.0.0.1:8000 otherwise."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from bot.cli import cli
from bot.outbound import scheduler
from tests.conftest import TOKEN

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def listened(monkeypatch, tmp_path) -> list[tuple[str, int]]:
    """Where the development server would listen; it returns at once and starts no scheduler."""
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(Flask, "run", lambda app, host, port, **options: calls.append((host, port)))
    monkeypatch.setattr(scheduler, "start", lambda app: None)
    monkeypatch.setenv("APP_ENV", "testing")
    monkeypatch.setenv("WECHAT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "instance"))
    return calls


def test_serve_listens_on_host_and_port_from_the_environment(listened):
    result = CliRunner().invoke(cli, ["serve"], env={"HOST": "0.0.0.0", "PORT": "9000"})
    assert result.exit_code == 0, result.output
    assert listened == [("0.0.0.0", 9000)] and "http://0.0.0.0:9000/dev/chat" in result.stdout


def test_serve_listens_on_localhost_8000_by_default(listened, monkeypatch):
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0
    assert listened == [("127.0.0.1", 8000)]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("args", "expected"), [([], "--host 127.0.0.1 --port 8000"),
                                                (["HOST=0.0.0.0", "PORT=9000"], "--host 0.0.0.0 --port 9000")])
def test_make_run_passes_host_and_port_to_serve(args, expected, monkeypatch):
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    dry = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    assert f"community-bot serve --dev {expected}" in dry.stdout


def test_make_run_on_an_empty_database_prints_the_demo_admin_login(listened, monkeypatch):
    monkeypatch.setenv("APP_ENV", "development")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert "/console/" in result.stdout and "登录名 admin 密码 yangmu-demo" in result.stdout
