"""Command words residents use, typed or spoken (faq/lexicon.yaml ``commands``), by what they do.

``CANCEL`` and the others read the lexicon of the snapshot bound to the message being handled,
so a community's own words are data; ``said`` and the other helpers live with the Chinese
language helpers and are named here for the conversation code.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Set
from functools import lru_cache

from bot.config import PROJECT_ROOT
from bot.content import current
from bot.content.loader import COMMAND_GROUPS, load_lexicon
from bot.knowledge.chinese import choice_number, command_word, looks_like_question, said

__all__ = [
    "ACKNOWLEDGE",
    "BACK",
    "CANCEL",
    "CONFIRM",
    "END_HANDOFF",
    "GREETING",
    "HANDOFF",
    "HELP",
    "LEAVE",
    "MENU",
    "MORE",
    "NOT_A_NAME",
    "NOT_IN_NAMES",
    "NOT_SATISFIED",
    "SEND_LATER",
    "SEND_NOW",
    "THANKS",
    "WordSet",
    "backs_out",
    "choice_number",
    "command_word",
    "is_sticker",
    "looks_like_question",
    "said",
    "satisfied",
]


@lru_cache(maxsize=1)
def _default() -> Mapping[str, frozenset[str]]:
    return load_lexicon(PROJECT_ROOT / "faq").commands


class WordSet(Set[str]):
    """The words of one or more ``commands`` groups, read when used, never frozen at import."""

    def __init__(self, *groups: str) -> None:
        if unknown := set(groups) - set(COMMAND_GROUPS):  # the lexicon model requires what is read here
            raise ValueError(f"command groups not in the lexicon model: {sorted(unknown)}")
        self.groups = groups
        self._cached: tuple[object, frozenset[str]] = (None, frozenset())

    def _words(self) -> frozenset[str]:
        """Made once per version of the lexicon (a message asks a dozen times); a new version makes them anew."""
        snapshot = current.bound()
        commands = snapshot.knowledge.lexicon.commands if snapshot is not None else _default()
        source, words = self._cached
        if source is not commands:
            words = frozenset().union(*(commands.get(group, ()) for group in self.groups))
            self._cached = (commands, words)  # one tuple: a thread reads both from the same version
        return words

    @classmethod
    def _from_iterable(cls, words: Iterable[str]) -> frozenset[str]:
        return frozenset(words)

    def __contains__(self, word: object) -> bool:
        return word in self._words()

    def __iter__(self) -> Iterator[str]:
        return iter(self._words())

    def __len__(self) -> int:
        return len(self._words())


MENU = WordSet("menu")
CANCEL = WordSet("cancel")
HANDOFF = WordSet("handoff")
END_HANDOFF = WordSet("end_handoff", "cancel")
MORE = WordSet("more")
CONFIRM = WordSet("confirm")
BACK = WordSet("back")
HELP = WordSet("help")
GREETING = WordSet("greeting")
THANKS = WordSet("thanks")
ACKNOWLEDGE = WordSet("acknowledge")
NOT_A_NAME = WordSet("confirm", "acknowledge", "greeting", "thanks", "not_a_name", "cancel", "menu", "handoff",
                     "back", "help", "more")
NOT_IN_NAMES = WordSet("not_in_names", "leave")
LEAVE = WordSet("leave")
NOT_SATISFIED = WordSet("not_satisfied")
TOPICS = WordSet("topics")
RELATIVES = WordSet("relatives")
SEND_NOW = WordSet("send_now")  # staff choosing when an announcement goes out
SEND_LATER = WordSet("send_later")


LEAVE_LONGEST = 20  # a longer message holding 算了 is about something else (a report, a story)


def backs_out(text: str) -> bool:
    """取消 said in a sentence: 哎算了，下次再说 / 我不想办了 / 先不报了 (short replies only)."""
    word = command_word(text)
    return len(word) <= LEAVE_LONGEST and any(phrase in word for phrase in LEAVE)


_STICKER = re.compile(r"^(\[[^\[\]\s]{1,4}\]|/:\S{1,6}?(?=/:|$)|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D])+$")


def is_sticker(text: str) -> bool:
    """WeChat's little faces come as text ([捂脸], /::), emoji): no answer to any question."""
    return bool(_STICKER.match(text.replace(" ", "")))


def satisfied(text: str) -> bool:
    """Only a clear 满意 is satisfied; 不太满意, 一般般, 满意但是太慢 are not (staff follow them up)."""
    word = command_word(text)
    return "满意" in word and not any(hedge in word for hedge in NOT_SATISFIED)
