"""The community assistant: `create_app` builds the Flask app that answers WeChat."""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, redirect, url_for

from bot.config import ConfigError, Settings, load_settings

__all__ = ["create_app"]
ALLOW_PLAINTEXT = "WECHAT_ALLOW_PLAINTEXT"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    from bot.content.library import open_library
    from bot.conversation.assistant import Assistant
    from bot.db import Database
    from bot.outbound import health as scheduler_health
    from bot.wechat import webhook
    from bot.wechat.protocol import MAX_BODY_BYTES

    settings = load_settings(config)
    _refuse_plaintext_production(settings, config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask(__name__, instance_path=settings.INSTANCE_DIR)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, SECRET_KEY=settings.SECRET_KEY)
    db = Database(settings.DATABASE_URL)
    db.upgrade()
    app.extensions["community"] = Assistant(db, settings, open_library(Path(settings.FAQ_DIR)))
    app.register_blueprint(webhook.bp)
    app.register_blueprint(scheduler_health.bp)

    @app.get("/healthz")
    def health() -> Any:
        if not db.reachable():
            return jsonify(status="down", database="unreachable"), 503
        return jsonify(status="ok", database="ok")

    if not settings.production:
        from bot.wechat import devtools, simulator

        app.register_blueprint(simulator.bp)
        app.register_blueprint(devtools.bp)

        @app.get("/")
        def home() -> Any:
            """Development: whoever opens the server in a browser lands on the simulator."""
            return redirect(url_for("simulator.chat"))
    return app


def _refuse_plaintext_production(settings: Settings, config: Mapping[str, Any] | None) -> None:
    """In plaintext mode the signature does not cover the body, so production needs safe mode or a decision."""
    raw = (config or {}).get(ALLOW_PLAINTEXT, os.environ.get(ALLOW_PLAINTEXT, ""))
    if settings.production and not settings.encrypted and str(raw).strip().lower() not in ("1", "true", "yes", "on"):
        raise ConfigError(f"production needs safe mode: set WECHAT_ENCODING_AES_KEY (安全模式), "
                          f"or {ALLOW_PLAINTEXT}=true to accept plaintext messages knowingly")
