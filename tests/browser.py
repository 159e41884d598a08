"""Browser tests with Debian's Chromium: they never skip silently, and never skip at all under CI=true."""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SKIP_REASON = "browser test: Debian's chromium is not installed (apt-get install -y chromium fonts-noto-cjk)"


def launch() -> Iterator[Any]:
    """A headless Chromium; skipped locally without one, a failure under CI=true."""
    if not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true and Debian's chromium is missing: browser tests must run in CI")
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def serve(app: Any) -> Iterator[str]:
    """The app on a loopback port in a thread, for the browser to open."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
