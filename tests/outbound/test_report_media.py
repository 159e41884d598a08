"""Report photos and voice: fetched from WeChat's media API by the background worker (never in the
webhook request) into MEDIA_DIR, shown from there, retried or given up honestly, deleted after the
retention period."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.models import Attachment, Ticket, User, utcnow
from bot.outbound.scheduler import Worker
from bot.services import media
from tests.conftest import Resident
from tests.outbound.conftest import db_of

JPEG = b"\xff\xd8\xff\xe0 a photo of a broken streetlight"
AMR = b"#!AMR\n the resident speaking"


def report_with_photo(app, media_id: str = "img-light") -> Ticket:
    resident = Resident(app.test_client(), app.wechat_side, "o-light")
    resident.says("路灯坏了")
    resident.says("老街农贸市场门口")
    resident.post(app.wechat_side.image("o-light", media_id=media_id))
    assert "已受理" in resident.says("1")
    with db_of(app).transaction() as session:
        return session.scalars(select(Ticket)).one()


def attachments(app) -> list[Attachment]:
    with db_of(app).transaction() as session:
        return list(session.scalars(select(Attachment).where(Attachment.ticket_id.is_not(None))
                                    .order_by(Attachment.id)))


def test_the_photo_is_fetched_by_the_worker_not_the_webhook_and_kept_in_our_folder(out_app, wechat):
    out_app.wechat_side = wechat
    out_app.fake.has_media("img-light", JPEG)
    ticket = report_with_photo(out_app)
    assert out_app.fake.sent("media/get") == []  # the resident's request never waits for WeChat
    Worker(out_app).keep_media()
    [photo] = attachments(out_app)
    assert photo.ticket_id == ticket.id and photo.content_type == "image/jpeg" and photo.size == len(JPEG)
    stored = Path(out_app.extensions["community"].settings.MEDIA_DIR) / photo.path
    assert stored.read_bytes() == JPEG
    assert [call.body["media_id"] for call in out_app.fake.sent("media/get")] == ["img-light"]
    Worker(out_app).keep_media()
    assert len(out_app.fake.sent("media/get")) == 1  # fetched once


def test_a_voice_message_said_while_reporting_is_kept_with_the_report(out_app, wechat):
    out_app.fake.has_media("voice-media", AMR, "audio/amr")
    resident = Resident(out_app.test_client(), wechat, "o-light")
    resident.says("路灯坏了")
    resident.speaks("老街农贸市场门口")
    resident.says("跳过")
    resident.says("1")
    Worker(out_app).keep_media()
    [voice] = attachments(out_app)
    assert (voice.kind, voice.content_type, voice.path.endswith(".amr")) == ("voice", "audio/amr", True)


def test_media_wechat_no_longer_has_is_given_up_at_once_and_staff_are_told_why(out_app, wechat):
    out_app.wechat_side = wechat
    report_with_photo(out_app, media_id="img-expired")  # the fake answers 40007 for unknown media
    Worker(out_app).keep_media()
    Worker(out_app).keep_media()
    [photo] = attachments(out_app)
    assert photo.path is None and "40007" in photo.fetch_error
    assert len(out_app.fake.sent("media/get")) == 1  # asked once: WeChat would say the same again
    assert media.status(photo) == "没能从微信取回（微信只保存3天）"


def test_a_failed_download_is_tried_again(out_app, wechat):
    out_app.wechat_side = wechat
    out_app.fake.has_media("img-light", JPEG)
    out_app.fake.fail("http500", endpoint="media/get", times=3)  # three tries inside one call, all fail
    report_with_photo(out_app)
    Worker(out_app).keep_media()
    assert attachments(out_app)[0].path is None
    Worker(out_app).keep_media()
    assert attachments(out_app)[0].path is not None


def test_files_are_deleted_after_the_retention_period(make_app, fake_api, wechat):
    app = make_app(WECHAT_API_BASE_URL=fake_api.base_url, PHOTO_LOCATION_DAYS=30)
    app.fake, app.wechat_side = fake_api, wechat
    fake_api.has_media("img-light", JPEG)
    report_with_photo(app)
    worker = Worker(app)
    worker.keep_media()
    [photo] = attachments(app)
    stored = Path(app.extensions["community"].settings.MEDIA_DIR) / photo.path
    worker.keep_media(now=utcnow() + timedelta(days=29))
    assert stored.exists()
    worker.keep_media(now=utcnow() + timedelta(days=31))
    [photo] = attachments(app)
    assert not stored.exists() and photo.purged_at is not None
    assert media.status(photo) == "已超过保存期限，文件已删除"


def test_the_console_shows_the_photo_from_our_storage(out_app, wechat):
    from tests.console.conftest import PASSWORD, Staff, add_account

    out_app.wechat_side = wechat
    out_app.fake.has_media("img-light", JPEG)
    ticket = report_with_photo(out_app)
    add_account(out_app, "li", "grid", (1,))
    worker = Staff(out_app.test_client(), "li")
    worker.sign_in(PASSWORD)
    assert "正在从微信取回" in worker.get(f"/console/reports/{ticket.id}").get_data(as_text=True)
    Worker(out_app).keep_media()
    page = worker.get(f"/console/reports/{ticket.id}").get_data(as_text=True)
    [photo] = attachments(out_app)
    src = f"/console/reports/{ticket.id}/media/{photo.id}"
    assert f'src="{src}"' in page
    served = worker.get(src)
    assert served.status_code == 200 and served.data == JPEG and served.mimetype == "image/jpeg"
    assert "private" in served.headers["Cache-Control"] and "public" not in served.headers["Cache-Control"]
    add_account(out_app, "zhao", "grid", (2,))
    other = Staff(out_app.test_client(), "zhao")
    other.sign_in(PASSWORD)
    assert other.get(src).status_code == 404  # another grid's worker


def test_development_fetches_nothing_and_the_report_says_so(app, wechat):
    app.wechat_side = wechat
    report_with_photo(app)
    Worker(app).keep_media()
    [photo] = attachments(app)
    assert photo.path is None and media.status(photo) == "开发环境不连接微信，照片和语音不会取回"


def test_a_deleted_residents_photo_file_goes_with_them(out_app, wechat):
    from bot.services import residents

    out_app.wechat_side = wechat
    out_app.fake.has_media("img-light", JPEG)
    report_with_photo(out_app)
    Worker(out_app).keep_media()
    [photo] = attachments(out_app)
    stored = Path(out_app.extensions["community"].settings.MEDIA_DIR) / photo.path
    assert stored.exists()
    with db_of(out_app).transaction() as session:
        user = session.scalars(select(User).where(User.openid == "o-light")).one()
        residents.forget(session, user, out_app.extensions["community"].library.current().services)
    Worker(out_app).keep_media()
    assert not stored.exists() and attachments(out_app) == []
