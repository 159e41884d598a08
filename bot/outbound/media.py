"""The background worker's media job: report photos and voice are copied from WeChat into MEDIA_DIR,
and deleted after PHOTO_LOCATION_DAYS or once the resident is forgotten. Never run inside a webhook request."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.db import Database
from bot.models import Attachment, utcnow
from bot.outbound.client import MEDIA_GONE, MEDIA_NOT_A_FILE, ApiError, WeChatApi
from bot.services import media

log = logging.getLogger(__name__)


class MediaKeeper:
    def __init__(self, db: Database, settings: Settings, api: WeChatApi | None) -> None:
        """api None: development, where nothing can be fetched from WeChat."""
        self.db, self.api = db, api
        self.folder = Path(settings.MEDIA_DIR)
        self.keep = timedelta(days=settings.PHOTO_LOCATION_DAYS)

    def fetch(self, now: datetime | None = None) -> int:
        """Downloads happen outside any transaction; each result is written on its own. Development
        fetches nothing and says so on the report, rather than promising a photo forever."""
        now = now or utcnow()
        with self.db.transaction() as session:
            waiting = media.to_fetch(session, now)
            if self.api is None:
                for attachment in waiting:
                    media.failed(attachment, media.NOT_IN_DEVELOPMENT, permanent=True)
                return 0
            due = [(a.id, a.media_id) for a in waiting]
        saved = 0
        for attachment_id, media_id in due:
            try:
                data, content_type = self.api.download_media(media_id)
            except ApiError as error:
                log.warning("media %s of attachment %s not fetched: %s", media_id, attachment_id, error)
                with self.db.transaction() as session:
                    media.failed(session.get(Attachment, attachment_id), str(error),
                                 permanent=error.errcode in MEDIA_GONE or error.errcode == MEDIA_NOT_A_FILE)
                continue
            with self.db.transaction() as session:
                attachment = session.get(Attachment, attachment_id)
                name = media.file_name(attachment, content_type)
                self._write(name, data)
                media.stored(attachment, name, content_type, len(data), now)
            saved += 1
        return saved

    def purge(self, now: datetime | None = None) -> int:
        """Files past the retention period are deleted; the report keeps a line saying so."""
        now = now or utcnow()
        with self.db.transaction() as session:
            old = media.expired(session, now, self.keep)
            for attachment in old:
                (self.folder / attachment.path).unlink(missing_ok=True)
                media.purged(attachment, now)
            kept = media.stored_paths(session)
        orphans = [path for path in self.folder.rglob("*") if path.is_file() and not path.name.endswith(".part")
                   and path.relative_to(self.folder).as_posix() not in kept]
        for path in orphans:  # their rows went with a resident's deletion
            path.unlink(missing_ok=True)
        return len(old) + len(orphans)

    def _write(self, name: str, data: bytes) -> None:
        """Written beside, then renamed: a crash never leaves half a photo under the real name."""
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(data)
        os.replace(partial, target)
