"""Plays WeChat's side of the webhook: builds, signs and encrypts messages, reads replies."""
from __future__ import annotations

import itertools
import random
import string
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from wechatpy.crypto import WeChatCrypto

from bot.wechat.protocol import parse_xml, signature_of

ACCOUNT = "gh_community_dev"
_msg_ids = itertools.count(int(time.time() * 1000))


@dataclass(frozen=True)
class SignedRequest:
    query: str  # "signature=…&timestamp=…" — the same on each of WeChat's retries
    body: bytes

    @property
    def url(self) -> str:
        return f"/wechat?{self.query}"


class WeChatSide:
    def __init__(self, token: str, aes_key: str = "", app_id: str = "wx-dev-app") -> None:
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None

    # --- messages, as WeChat sends them ---------------------------------------------
    def text(self, openid: str, content: str, **kw: Any) -> SignedRequest:
        return self.build(openid, "text", Content=content, MsgId=next(_msg_ids), **kw)

    def voice(self, openid: str, recognition: str | None, **kw: Any) -> SignedRequest:
        fields: dict[str, Any] = {"MediaId": "voice-media", "Format": "amr", "MsgId": next(_msg_ids)}
        if recognition is not None:
            fields["Recognition"] = recognition
        return self.build(openid, "voice", **fields, **kw)

    def image(self, openid: str, media_id: str = "img-media", pic_url: str = "http://127.0.0.1/p.jpg",
              **kw: Any) -> SignedRequest:
        return self.build(openid, "image", MediaId=media_id, PicUrl=pic_url, MsgId=next(_msg_ids), **kw)

    def location(self, openid: str, lat: float, lon: float, label: str, **kw: Any) -> SignedRequest:
        return self.build(openid, "location", Location_X=lat, Location_Y=lon, Scale=15, Label=label,
                          MsgId=next(_msg_ids), **kw)

    def message(self, openid: str, msg_type: str, **fields: Any) -> SignedRequest:
        return self.build(openid, msg_type, MsgId=next(_msg_ids), **fields)

    def event(self, openid: str, event: str, key: str | None = None, **fields: Any) -> SignedRequest:
        if key is not None:
            fields["EventKey"] = key
        return self.build(openid, "event", Event=event, **fields)

    # --- the wire -------------------------------------------------------------------
    def build(self, openid: str, msg_type: str, create_time: int | None = None,
              timestamp: int | None = None, **fields: Any) -> SignedRequest:
        created = create_time or int(time.time())
        parts = {"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": created,
                 "MsgType": msg_type, **fields}
        xml = "<xml>" + "".join(_node(k, v) for k, v in parts.items()) + "</xml>"
        return self.sign(xml, timestamp=timestamp, openid=openid)

    def sign(self, xml: str, timestamp: int | None = None, openid: str = "") -> SignedRequest:
        stamp = str(timestamp or int(time.time()))
        nonce = "".join(random.choices(string.digits, k=10))
        query = {"signature": signature_of(self.token, stamp, nonce), "timestamp": stamp,
                 "nonce": nonce, "openid": openid}
        if self.crypto is None:
            return SignedRequest(urlencode(query), xml.encode())
        envelope = parse_xml(self.crypto.encrypt_message(xml, nonce, stamp))
        encrypt = envelope["Encrypt"]
        query.update(encrypt_type="aes", msg_signature=signature_of(self.token, stamp, nonce, encrypt))
        body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        return SignedRequest(urlencode(query), body.encode())

    def read_reply(self, body: bytes | str, request: SignedRequest | None = None) -> dict[str, str]:
        """The reply's fields ({} for `success`); an encrypted reply is checked and decrypted."""
        text = body.decode() if isinstance(body, bytes) else body
        if text in ("", "success"):
            return {}
        if self.crypto is not None:
            envelope = parse_xml(text)
            text = self.crypto.decrypt_message(
                {"Encrypt": envelope["Encrypt"]}, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
            )
        fields = parse_xml(text)
        if "ArticleCount" in fields:
            fields["Articles"] = text
        return fields


def _node(key: str, value: Any) -> str:
    if isinstance(value, (int, float)):
        return f"<{key}>{value}</{key}>"
    return f"<{key}><![CDATA[{str(value).replace(']]>', ']]]]><![CDATA[>')}]]></{key}>"
