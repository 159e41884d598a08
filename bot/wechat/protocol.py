"""WeChat's wire format: signatures, safe XML parsing, message conversion, reply rendering."""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from wechatpy.replies import ArticlesReply, EmptyReply, TextReply, TransferCustomerServiceReply

from bot.conversation.message import Message, Reply
from bot.conversation.replies import MAX_BYTES, clean

TIMESTAMP_WINDOW_SECONDS = 300
MAX_BODY_BYTES = 1024 * 1024
# Longer than WeChat ever sends, and than the columns that keep them (users.openid, users.scene, media_id).
MAX_FIELD_CHARS = {"FromUserName": 64, "ToUserName": 64, "MediaId": 128, "ThumbMediaId": 128}
MAX_SCENE_CHARS = 64


class Rejected(Exception):
    """A request we refuse; `status` is the HTTP answer, the message is for the log (no secrets)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def signature_of(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def verify(token: str, signature: str, timestamp: str, nonce: str, *extra: str, now: float) -> None:
    """Constant-time signature check plus a timestamp window that still admits WeChat's retries."""
    if not token:
        raise Rejected(403, "no token configured")
    expected = signature_of(token, timestamp, nonce, *extra)
    if not hmac.compare_digest(expected, (signature or "").lower()):
        raise Rejected(403, "bad signature")
    try:
        age = abs(now - int(timestamp))
    except ValueError:
        raise Rejected(403, "timestamp is not a number") from None
    if age > TIMESTAMP_WINDOW_SECONDS:
        raise Rejected(403, f"timestamp {age:.0f}s away from now")


def parse_xml(body: bytes | str) -> dict[str, str]:
    """defusedxml refuses DTDs and entities before anything else reads the body."""
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise Rejected(400, f"unreadable XML: {type(error).__name__}") from None
    if root.tag != "xml":
        raise Rejected(400, "XML root is not <xml>")
    fields = {child.tag: (child.text or "") for child in root}
    if len(fields) != len(root):
        raise Rejected(400, "an XML element is repeated")
    return fields


def to_message(fields: dict[str, str]) -> Message:
    """The message of the already parsed XML (what wechatpy's parse_message reads, without a second parse)."""
    if not fields.get("FromUserName") or not fields.get("MsgType"):
        raise Rejected(400, "message without FromUserName or MsgType")
    for name, limit in MAX_FIELD_CHARS.items():
        if len(fields.get(name, "")) > limit:
            raise Rejected(400, f"{name} longer than {limit} characters")
    data = {name: value.strip() for name, value in fields.items()}  # as xmltodict reads the text
    kind = data["MsgType"].lower()
    try:
        created = datetime.fromtimestamp(int(data.get("CreateTime") or 0), UTC)
    except (ValueError, OverflowError):
        raise Rejected(400, "bad CreateTime") from None
    base = dict(openid=data["FromUserName"], created_at=created, msg_id=_int(data.get("MsgId")))
    if kind == "event":
        event = (data.get("Event") or "").lower()
        key = data.get("EventKey") or ""
        if event == "subscribe" and key.startswith(("scanbarcode|", "scanimage|")):
            event = "subscribe_scan_product"
        elif event == "subscribe" and key.startswith("qrscene_"):
            event, key = "subscribe_scan", key[len("qrscene_"):]
        elif event == "scan" and key.startswith("qrscene_"):
            key = key[len("qrscene_"):]
        if event in ("subscribe", "subscribe_scan", "scan") and len(key.removeprefix("qrscene_")) > MAX_SCENE_CHARS:
            raise Rejected(400, f"QR scene longer than {MAX_SCENE_CHARS} characters")
        return Message(kind="event", event=event, key=key, **base,
                       latitude=_float(data.get("Latitude")), longitude=_float(data.get("Longitude")))
    if kind == "text":
        return Message(kind="text", text=data.get("Content") or "", **base)
    if kind == "voice":
        return Message(kind="voice", text=data.get("Recognition") or "", media_id=data.get("MediaId") or "", **base)
    if kind == "image":
        return Message(kind="image", media_id=data.get("MediaId") or "", pic_url=data.get("PicUrl") or "", **base)
    if kind == "location":
        return Message(kind="location", latitude=_float(data.get("Location_X")),
                       longitude=_float(data.get("Location_Y")), label=data.get("Label") or "", **base)
    if kind == "link":
        return Message(kind="link", label=data.get("Title") or "", url=data.get("Url") or "", **base)
    if kind in ("video", "shortvideo"):
        return Message(kind=kind, media_id=data.get("MediaId") or "", **base)
    return Message(kind="unknown", **base)


def render(reply: Reply, openid: str, account: str, now: int) -> str:
    """The reply XML; "" means answer `success` (nothing shown, no retry)."""
    common = dict(source=account, target=openid, time=now)
    if reply.kind == "text":
        return TextReply(content=_cdata_safe(_cap(clean(reply.text))), **common).render()
    if reply.kind == "transfer":
        return TransferCustomerServiceReply(**common).render()
    if reply.kind == "news" and reply.article:
        article = reply.article
        return ArticlesReply(articles=[{  # one article only: WeChat answers 45008 to more
            "title": _cdata_safe(clean(article.title)),
            "description": _cdata_safe(clean(article.description)),
            "url": _cdata_safe(article.url),
            "image": _cdata_safe(article.image),
        }], **common).render()
    return EmptyReply().render()


def _cdata_safe(text: str) -> str:
    """wechatpy puts text in CDATA unescaped; split any ]]> so it cannot close the section."""
    return text.replace("]]>", "]]]]><![CDATA[>")


def _cap(text: str) -> str:
    encoded = text.encode()
    if len(encoded) <= MAX_BYTES:
        return text
    return encoded[:MAX_BYTES].decode(errors="ignore")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
