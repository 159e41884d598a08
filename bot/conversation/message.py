"""What handlers see and return: plain data, free of Flask, XML and wechatpy."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Message:
    openid: str
    kind: str  # text voice image video shortvideo location link event unknown
    created_at: datetime
    text: str = ""  # typed text, or the voice recognition
    event: str = ""  # subscribe unsubscribe scan location click view ... (lowercase)
    key: str = ""  # menu key, or the QR scene without its qrscene_ prefix
    media_id: str = ""
    pic_url: str = ""
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""  # a location's address, a link's title
    url: str = ""
    msg_id: int | None = None


@dataclass(frozen=True)
class Article:
    title: str
    description: str
    url: str
    image: str = ""


@dataclass(frozen=True)
class Reply:
    kind: str  # text transfer news none
    text: str = ""
    article: Article | None = None
    source: str = ""  # what answered: faq:<id>, clarify, unknown, eligibility:<rule>, form:<name>, handoff

    @staticmethod
    def say(text: str, source: str = "") -> Reply:
        return Reply("text", text, source=source)

    @staticmethod
    def nothing() -> Reply:
        """WeChat shows nothing and does not retry."""
        return Reply("none")

    @staticmethod
    def transfer() -> Reply:
        return Reply("transfer", source="handoff")

    @staticmethod
    def news(article: Article) -> Reply:
        return Reply("news", article=article)
