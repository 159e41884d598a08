"""What handlers see and return: plain data, free of Flask, XML and wechatpy."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

Choice = dict[str, str]  # {"label": shown, "say"|"faq"|"eligibility": what a bare digit stands for}


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
    choices: tuple[Choice, ...] = ()  # numbered choices in the text; the router keeps them for the next digit

    @staticmethod
    def say(text: str, source: str = "", choices: Sequence[Choice] = ()) -> Reply:
        return Reply("text", text, source=source, choices=tuple(choices))

    @staticmethod
    def offering(offer: Offer, source: str = "") -> Reply:
        return Reply.say(offer.text, source, offer.choices)

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


@dataclass(frozen=True)
class Offer:
    """Text that may end in numbered choices; whoever sends it decides to keep the choices."""

    text: str
    choices: tuple[Choice, ...] = ()


def offer(options: Sequence[tuple[str, str]], key: str = "say") -> Offer:
    """Numbered lines; a later bare digit acts as the paired text (or FAQ id, or check)."""
    lines = "\n".join(f"回复{i}：{label}" for i, (label, _) in enumerate(options, 1))
    return Offer(lines, tuple({"label": label, key: value} for label, value in options))


def join(*parts: str | Offer) -> Offer:
    """Lines joined, blank parts left out; the last part that offers choices keeps them."""
    texts = [p if isinstance(p, str) else p.text for p in parts]
    offered = [p.choices for p in parts if isinstance(p, Offer) and p.choices]
    return Offer("\n".join(t for t in texts if t), offered[-1] if offered else ())
