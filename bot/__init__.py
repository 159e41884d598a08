"""The community assistant: `create_app` builds the Flask app that answers WeChat."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, jsonify

from bot.config import load_settings

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    from bot import console
    from bot.content.library import open_library
    from bot.conversation.assistant import Assistant
    from bot.db import Database
    from bot.outbound import health as scheduler_health
    from bot.wechat import webhook
    from bot.wechat.protocol import MAX_BODY_BYTES

    settings = load_settings(config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask(__name__, instance_path=settings.INSTANCE_DIR)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, SECRET_KEY=settings.SECRET_KEY)
    db = Database(settings.DATABASE_URL)
    db.upgrade()
    app.extensions["community"] = Assistant(db, settings, open_library(Path(settings.FAQ_DIR)))
    app.register_blueprint(webhook.bp)
    app.register_blueprint(scheduler_health.bp)
    console.init_app(app)
    _seed_staff(app)

    @app.get("/healthz")
    def health() -> Any:
        return jsonify(status="ok")

    if not settings.production:
        from bot.wechat import devtools, simulator

        app.register_blueprint(simulator.bp)
        app.register_blueprint(devtools.bp)
    return app


def _seed_staff(app: Flask) -> None:
    """faq/staff.yaml's openids become accounts; an empty development database gets a demo admin."""
    from sqlalchemy.exc import IntegrityError

    from bot.models import utcnow
    from bot.services import accounts

    assistant = app.extensions["community"]
    try:
        with assistant.db.transaction() as session:
            accounts.seed_from_file(session, assistant.library.current().calendar.staff, utcnow())
            if assistant.settings.APP_ENV == "development":
                app.config["DEMO_ADMIN"] = accounts.ensure_demo_admin(session, utcnow())
    except IntegrityError:
        pass  # another worker starting at the same moment seeded them
