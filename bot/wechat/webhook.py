"""GET/POST /wechat exactly as WeChat calls it; nothing here knows what a handler does."""
from __future__ import annotations

import functools
import hashlib
import logging
import time
from typing import Any

from flask import Blueprint, Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from sqlalchemy.exc import SQLAlchemyError
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

from bot.conversation.message import Message, Reply
from bot.wechat.protocol import MAX_BODY_BYTES, Rejected, parse_xml, render, to_message, verify

log = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__)
URL_CHECK = "url-check"  # stands for the body of a GET, which has none


class NoSessionForWeChat(SecureCookieSessionInterface):
    """WeChat's calls carry no cookie and sign in to nothing: no session is opened for them (Flask would
    build a cookie signer per message); every other path keeps the console's signed cookie."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path == "/wechat":
            return None  # Flask then uses its null session, which it never saves
        return super().open_session(app, request)


@bp.record_once
def _no_session_for_wechat(state: Any) -> None:
    state.app.session_interface = NoSessionForWeChat()


def _settings() -> Any:
    return current_app.extensions["community"].settings


def _crypto(s: Any) -> AccountCrypto:
    return _crypto_for(s.WECHAT_TOKEN, s.WECHAT_ENCODING_AES_KEY, s.WECHAT_APP_ID)


@functools.cache
def _crypto_for(token: str, aes_key: str, app_id: str) -> AccountCrypto:
    """One per process and account: decoding the key is not redone per message."""
    return AccountCrypto(token, aes_key, app_id)


class AccountCrypto(WeChatCrypto):
    """wechatpy builds an AES cipher for each message (its crypto_class hook); the account's one serves all
    (each use takes a fresh encryptor or decryptor from it, so threads may share it)."""

    def __init__(self, token: str, aes_key: str, app_id: str) -> None:
        super().__init__(token, aes_key, app_id)
        cipher = PrpCrypto(self.key)
        self._cipher = lambda _key: cipher

    def encrypt_message(self, msg: str, nonce: str, timestamp: str | None = None) -> str:
        return self._encrypt_message(msg, nonce, timestamp, self._cipher)

    def decrypt_message(self, msg: dict[str, str], signature: str, timestamp: str, nonce: str) -> str:
        return self._decrypt_message(msg, signature, timestamp, nonce, self._cipher)


@bp.get("/wechat")
def echo() -> Response:
    """The 公众平台's URL check: answer echostr when the signature is ours.

    Its (timestamp, nonce) is recorded like a message's, so its signature cannot carry a body later.
    """
    args = request.args
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    try:
        verify(_settings().WECHAT_TOKEN, args.get("signature", ""), timestamp, nonce, now=time.time())
        if not current_app.extensions["community"].first_time_seen(timestamp, nonce, URL_CHECK):
            raise Rejected(403, "a message's timestamp and nonce reused for the URL check")
    except Rejected as rejected:
        return _refuse(rejected)
    except SQLAlchemyError as error:
        log.error("URL check not answered, the database failed: %s", type(error).__name__)
        return Response("database unavailable", status=503, mimetype="text/plain")
    return Response(args.get("echostr", ""), mimetype="text/plain")


@bp.post("/wechat")
def receive() -> Response:
    try:
        return _receive()
    except Rejected as rejected:
        return _refuse(rejected)
    except Exception:  # the resident must never see WeChat's "service unavailable"
        log.exception("webhook failed before a reply could be made")
        return Response("success", mimetype="text/plain")


def _receive() -> Response:
    args, assistant = request.args, current_app.extensions["community"]
    settings = assistant.settings
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    # The query is checked before a byte of the body is read: a stranger's slow body holds no worker.
    verify(settings.WECHAT_TOKEN, args.get("signature", ""), timestamp, nonce, now=time.time())
    encrypted = args.get("encrypt_type", "raw").lower() == "aes"
    if encrypted != settings.encrypted:
        raise Rejected(403, f"encrypt_type={args.get('encrypt_type', 'raw')} but the account is "
                            f"{'safe' if settings.encrypted else 'plaintext'} mode")
    length = request.content_length
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        raise Rejected(411, "chunked body (refused rather than silently truncated)")
    if not length:
        raise Rejected(400, "empty body")
    if length > MAX_BODY_BYTES:
        raise Rejected(413, f"body of {length} bytes")
    body = request.get_data(cache=False)
    if encrypted:
        envelope = parse_xml(body)
        encrypt = envelope.get("Encrypt", "")
        verify(settings.WECHAT_TOKEN, args.get("msg_signature", ""), timestamp, nonce, encrypt, now=time.time())
        try:
            xml_text = _crypto(settings).decrypt_message({"Encrypt": encrypt}, args.get("msg_signature", ""),
                                                         timestamp, nonce)
        except (InvalidSignatureException, InvalidAppIdException, ValueError) as error:
            raise Rejected(403, f"cannot decrypt: {type(error).__name__}") from None
    else:
        xml_text = body.decode("utf-8", errors="replace")
    fields = parse_xml(xml_text)
    message = to_message(fields)
    account = fields.get("ToUserName", "")
    if encrypted:
        reply = assistant.handle(message)
    else:
        reply = _handle_plaintext(assistant, message, timestamp, nonce, hashlib.sha256(body).hexdigest())
    xml = render(reply, message.openid, account, int(time.time()))
    if not xml:
        return Response("success", mimetype="text/plain")
    if encrypted:
        xml = _crypto(settings).encrypt_message(xml, nonce, timestamp)
    return Response(xml, mimetype="application/xml")


def _handle_plaintext(assistant: Any, message: Message, timestamp: str, nonce: str, body_sha256: str) -> Reply:
    """The signature does not cover a plaintext body: one (timestamp, nonce) may carry one body only."""
    try:
        fresh = assistant.first_time_seen(timestamp, nonce, body_sha256)
    except SQLAlchemyError as error:
        return assistant.unavailable(message, error)  # nothing runs without the database; the apology does
    if not fresh:
        raise Rejected(403, "replayed timestamp and nonce with a different body")
    return assistant.handle(message)


def _refuse(rejected: Rejected) -> Response:
    log.warning("webhook refused %s %s from %s: %s", request.method, request.path,
                request.remote_addr, rejected)
    return Response(str(rejected.status), status=rejected.status, mimetype="text/plain")
