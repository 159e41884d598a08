"""The community assistant: `create_app` builds the Flask app that answers WeChat."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, redirect, url_for

from bot.config import load_settings

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None, *, migrate: bool = True) -> Flask:
    """The server migrates an empty or older database by itself; commands pass migrate=False and refuse one."""
    from bot import console
    from bot.content.library import open_library, semantic_channel
    from bot.conversation import router
    from bot.conversation.assistant import Assistant
    from bot.db import Database
    from bot.outbound import health as scheduler_health
    from bot.services.knowledge import DatabaseEdits
    from bot.wechat import webhook
    from bot.wechat.protocol import MAX_BODY_BYTES

    settings = load_settings(config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask(__name__, instance_path=settings.INSTANCE_DIR)
    app.config.from_mapping(settings.model_dump(), MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    db = Database(settings.DATABASE_URL)
    if migrate:
        db.upgrade()  # before the library, which reads the console's FAQ edits from the database
    library = open_library(Path(settings.FAQ_DIR), DatabaseEdits(db), semantic_channel(
        settings.EMBEDDINGS, Path(settings.EMBEDDINGS_CACHE_DIR or settings.INSTANCE_DIR)))
    dispatcher = router.Dispatcher(router.FEATURES)
    dispatcher.check(Path(settings.FAQ_DIR))  # words with no handler, or a handler with no words: refused
    app.extensions["community"] = Assistant(db, settings, library, dispatcher)
    if migrate:
        seed_staff(app)
    app.register_blueprint(webhook.bp)
    app.register_blueprint(scheduler_health.bp)
    console.init_app(app)

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


def seed_staff(app: Flask) -> None:
    """faq/staff.yaml's openids become accounts; an empty development database gets a demo admin."""
    from sqlalchemy.exc import IntegrityError

    from bot.models import utcnow
    from bot.services import accounts

    assistant = app.extensions["community"]
    try:
        with assistant.db.transaction() as session:
            accounts.seed_from_file(session, assistant.library.current().calendar.staff, utcnow())
            if assistant.settings.APP_ENV == "development":
                accounts.ensure_demo_admin(session, utcnow())
    except IntegrityError:
        pass  # another worker starting at the same moment seeded them
