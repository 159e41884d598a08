"""Text normalisation shared by the FAQ matcher and intent detection.

Residents type or dictate colloquial Sichuan Mandarin; FAQ phrasings are written by staff.
Both sides go through exactly the same pipeline so that what is compared is the meaning
rather than the surface: width and case folding, punctuation/emoji removal, the dialect
lexicon and place-name aliases (one longest-match-first pass, fillers map to nothing),
Chinese numerals to digits, and sentence-final particles.

The lexicon is data (``faq/lexicon.yaml``), so staff can add a word without touching code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .chinese import cn_number

__all__ = ["EMPTY_LEXICON", "Lexicon", "LongestFirst", "Normalizer", "convert_numerals"]


@dataclass(frozen=True)
class Lexicon:
    """The vocabulary the normaliser and the topic gate need (see ``faq/lexicon.yaml``)."""

    replacements: Mapping[str, str] = field(default_factory=dict)  # dialect/alias/filler → text
    final_particles: tuple[str, ...] = ()  # stripped only at the end of a question
    generic: frozenset[str] = frozenset()  # words that say nothing about the topic
    domain_words: frozenset[str] = frozenset()  # kept whole by the segmenter
    off_topic: frozenset[str] = frozenset()  # things the community explicitly does not handle
    # Matcher only (intent detection keeps the plain normalisation): words and situations
    # that mean the same thing for the FAQ (灯不亮 → 路灯, 矛盾 → 邻里纠纷), canonical → [words];
    concepts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # … and what a question asks about a topic (hours, where, fee …), aspect → [cue words].
    aspects: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Long, voice-style messages (matcher only): words that start a new clause (然后, 听说 …),
    # and what makes a clause the question: cue words anywhere (咋个, 找哪个 …) or at its end
    # (不, 嘛 …). Empty: a message is matched as one piece.
    clause_breaks: tuple[str, ...] = ()
    question_cues: tuple[str, ...] = ()
    question_finals: tuple[str, ...] = ()
    # Matcher only: words after 多大 that make it ask an age, not a size (多大岁数, 多大能上);
    # verbs asking for a document to be issued (补办身份证): then it is the topic, not the aspect.
    age_after: tuple[str, ...] = ()
    obtain_verbs: tuple[str, ...] = ()
    # Matcher only: questions for a specific fact (money → [多少钱 …], phone, hours, name) that
    # an answer must contain, or say it does not have (``not_registered``: 没有登记 …).
    facts_asked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    person_words: tuple[str, ...] = ()  # a name is asked of these (书记, 网格员 …)
    not_registered: tuple[str, ...] = ()
    # Matcher only: words asking whether something may be done at a place (能不能, 可以 …:
    # 照料中心晚上能不能住), and words referring back to a thing a long message named (那里, 那个班).
    deed_cues: tuple[str, ...] = ()
    referring_words: tuple[str, ...] = ()
    # Matcher only: desks that do other services for residents (代办): a message naming one
    # of those services too (残疾人证社区能代办不) is about that service.
    desk_words: tuple[str, ...] = ()
    # Short messages that are commands (取消, 人工, 菜单 …), by what they do: cancel → [words].
    commands: Mapping[str, frozenset[str]] = field(default_factory=dict)


EMPTY_LEXICON = Lexicon()

# Kept characters: CJK ideographs, latin letters, digits. Everything else (punctuation,
# whitespace, emoji, symbols) separates nothing for our purposes and is dropped.
_DROP_RE = re.compile(r"[^0-9a-z\u3007\u3400-\u4dbf\u4e00-\u9fff]+")
_CLOCK_RE = re.compile(r"(\d{1,2})\s*[:：]\s*(\d{2})")
# "1–2组" → "1组2组", so that "2组" finds it; only short ranges of numbered groups/buildings.
_RANGE_RE = re.compile(r"(\d{1,3})\s*[-–—~～到至]\s*(\d{1,3})\s*(组|号楼|栋|单元|楼|层)")


def _expand_range(m: re.Match[str]) -> str:
    lo, hi, unit = int(m.group(1)), int(m.group(2)), m.group(3)
    if not 0 < hi - lo <= 4:
        return m.group(0)
    return "".join(f"{i}{unit}" for i in range(lo, hi + 1))

# Characters that mostly stand next to words rather than inside them.
FUNCTION_CHARS = frozenset("不没的了是在有也都就和跟吗呢吧啊嘛哦么个这那我你他她它们去来到给")

_CN_RUN_RE = re.compile("[零〇一二两三四五六七八九十百千万]+")
_CLOCK_WORDS = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    (r"(\d)点钟", r"\1点"), (r"(\d)点半", r"\g<1>点30"), (r"(\d)点(\d{1,2})分", r"\1点\2"),
    (r"(\d)点0+(?!\d)", r"\1点")))  # 八点钟, 八点半, 8点30分, 8点00 → one spelling
# A lone numeral is only a number when a measure word follows or a counting word precedes;
# elsewhere (一起, 一样, 一站式, 万一) it is part of a word and stays.
# Only measures of times, dates, ages, money and places: 一天 一个 一次 stay words, which is
# what the segmenter expects.
_MEASURES = set("点岁号月日年元块楼组层寸张")
_COUNTING_PREFIX = ("周", "第", "初", "星期", "礼拜")


def convert_numerals(text: str) -> str:
    """Chinese numerals → digits; 八点半 → 8点30; consistent for questions and phrasings."""

    def repl(m: re.Match[str]) -> str:
        run = m.group(0)
        start, end = m.span()
        nxt = text[end : end + 1]
        before = text[max(0, start - 2) : start]
        if len(run) == 1:
            standalone_ok = nxt in _MEASURES or any(before.endswith(p) for p in _COUNTING_PREFIX)
            if not standalone_ok or run in "千万百":
                return run
            if run == "十":
                return "10"
        value = None if run[0] in "百千万" else cn_number(run)  # 千万 (must), 万一: words
        return run if value is None else str(value)

    text = _CN_RUN_RE.sub(repl, text)
    if "点" in text:
        for pattern, replacement in _CLOCK_WORDS:
            text = pattern.sub(replacement, text)
    return text


class LongestFirst:
    """Replace the words of ``table`` by their values in one left-to-right pass, the longest word
    at a position first; the output is not rescanned. What a regex alternation of the words
    sorted longest first does, at half its cost: it tries only the lengths of the words that
    start with the character at hand, where the regex tries every alternative."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table = {k: v for k, v in table.items() if k}
        lengths: dict[str, set[int]] = {}
        for word in self._table:
            lengths.setdefault(word[0], set()).add(len(word))
        self._lengths = {c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()}

    def __bool__(self) -> bool:
        return bool(self._table)

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, value) of each word found, left to right."""
        table, lengths = self._table, self._lengths
        found: list[tuple[int, int, str]] = []
        i, n = 0, len(text)
        while i < n:
            for length in lengths.get(text[i], ()):
                word = table.get(text[i : i + length]) if i + length <= n else None
                if word is not None:
                    found.append((i, i + length, word))
                    i += length
                    break
            else:
                i += 1
        return found

    def sub(self, text: str) -> str:
        found = self.matches(text)
        if not found:
            return text
        out: list[str] = []
        done = 0
        for start, end, word in found:
            out.append(text[done:start])
            out.append(word)
            done = end
        out.append(text[done:])
        return "".join(out)


class Normalizer:
    """Callable normaliser bound to one lexicon (immutable once built)."""

    def __init__(
        self, lexicon: Lexicon = EMPTY_LEXICON, sound_words: Mapping[str, str] | None = None,
        is_word: Callable[[str], bool] | None = None,
    ) -> None:
        """``sound_words`` maps sound-alike codes (see ``phonetic``) of known words to the word
        to write instead (words of two characters or more): 幼耳园 → 幼儿园, 照料中新 → 日间照料中心,
        医宝 → 医保. A two-character one is only corrected where no dictionary word (``is_word``) is
        written: 一包 and 以保证 are words of their own, 医宝 is a typo."""
        self.lexicon = lexicon
        self._is_word = is_word
        # Longest match first; one pass, output is not rescanned.
        self._replacer = LongestFirst(lexicon.replacements)
        finals = sorted(set(lexicon.final_particles), key=len, reverse=True)
        self._finals_re = (
            re.compile("(?:" + "|".join(map(re.escape, finals)) + ")+$") if finals else None
        )
        self._sound_words = dict(sound_words or {})
        if self._sound_words:  # local: pypinyin is only needed once a lexicon has words
            from .phonetic import codes, other_codes

            self._codes, self._other_codes = codes, other_codes
        self._memo: dict[str, str] | None = None  # see ``remember``
        self._folds: dict[str, str] | None = None
        # The lengths of the words whose codes start with each two codes, longest first, so
        # that a position no word starts at costs one lookup per reading.
        starts: dict[str, set[int]] = {}
        for k in self._sound_words:
            starts.setdefault(k[:2], set()).add(len(k))
        self._sound_starts = {p: tuple(sorted(ls, reverse=True)) for p, ls in starts.items()}

    def fold(self, text: str) -> str:
        """Width/case folding and punctuation removal only (no lexicon)."""
        text = unicodedata.normalize("NFKC", text or "").lower()
        text = _CLOCK_RE.sub(r"\1点\2", text)
        text = _RANGE_RE.sub(_expand_range, text)
        text = text.replace("+", "加")
        return _DROP_RE.sub("", text)

    def _replace(self, text: str) -> str:
        return self._replacer.sub(text)

    def _correct_sounds(self, text: str) -> str:
        """Replace sound-alikes of known words (longest first, left to right) where they are
        typos (see ``_typo``); a character with two readings is tried by the other too (照了中心)."""
        starts = self._sound_starts
        if not starts or len(text) < 2:
            return text
        code = self._codes(text)
        other = self._other_codes(text) or code
        out: list[str] = []
        done = 0
        for i in range(len(text) - 1):  # (most positions start no known word: two lookups each)
            if i < done or (code[i : i + 2] not in starts and other[i : i + 2] not in starts):
                continue
            found = self._word_at(text, i, code) or (other is not code and self._word_at(text, i, other))
            if found:
                out += text[done:i], found[0]
                done = i + found[1]
        return "".join([*out, text[done:]]) if out else text

    def _word_at(self, text: str, i: int, code: str) -> tuple[str, int] | None:
        """The longest known word ``text`` says (by ``code``) at ``i``, and its length there."""
        for length in self._sound_starts.get(code[i : i + 2], ()):
            if i + length <= len(text):
                word = self._sound_words.get(code[i : i + length])
                if word is not None and (text[i : i + length] == word or self._typo(text, i, i + length, word)):
                    return word, length
        return None

    def _typo(self, text: str, i: int, end: int, word: str) -> bool:
        """Whether ``text[i:end]`` misspells ``word`` (it sounds the same): no character written
        instead of the word's is a function character (户口不 is no 户口簿, 去那里 no 去哪里; 就叶登记
        is 就业登记; of a name of four or more, only its ends count: 照了中心), or for a stretch of
        another length (太及 → 太极拳), neither end is one; and a two-character stretch is none of
        the words the dictionary knows, nor overlaps one (一包, 以保证)."""
        written = text[i:end]
        if len(written) == len(word):
            # (inside a name of four or more, a function character is a mishearing: 照了中心; so it is
            # inside one of three whose ends are written and are none: 网个员, not 去那里)
            inside = len(word) >= 4 or (len(word) == 3 and written[::2] == word[::2]
                                        and not set(word[::2]) & FUNCTION_CHARS)
            checked = (0, len(word) - 1) if inside else range(len(word))
            if any(written[k] != word[k] and written[k] in FUNCTION_CHARS for k in checked):
                return False
        elif written[0] in FUNCTION_CHARS or written[-1] in FUNCTION_CHARS:
            return False
        is_word = self._is_word
        return len(written) != 2 or is_word is None or not (
            is_word(written) or (i > 0 and is_word(text[i - 1 : i + 1]))
            or (end < len(text) and is_word(text[end - 1 : end + 1])))

    def remember(self, memo: dict[str, str] | None, folds: dict[str, str] | None = None) -> None:
        """Share ``memo`` (None: stop) with the other normalisers of the same lexicon while an
        index is built: each phrasing is normalised with and without the sound-alike words, and
        what follows the correction is the same when it corrected nothing; ``folds`` likewise
        shares ``fold``, which is the same for every lexicon."""
        self._memo = memo
        self._folds = folds if memo is not None else None

    def __call__(self, text: str) -> str:
        folds = self._folds
        if folds is None:
            text = self.fold(text)
        else:
            folded = folds.get(text)
            if folded is None:
                folded = folds[text] = self.fold(text)
            text = folded
        # Sound-alikes first, so that an alias that is part of a longer name (太极 → 太极拳)
        # does not turn a typo of the longer name (太极全) into 太极拳全.
        if self._sound_words:
            text = self._correct_sounds(text)
        memo = self._memo
        if memo is None:
            return self._finish(text)
        out = memo.get(text)
        if out is None:
            out = memo[text] = self._finish(text)
        return out

    def _finish(self, text: str) -> str:
        # Twice, so that a dialect word feeding an alias (啥子地方 → 什么地方 → 哪里) lands.
        once = self._replace(text)
        text = once if once is text else self._replace(once)  # (unchanged: the same again)
        text = convert_numerals(text)
        if self._finals_re is not None:
            stripped = self._finals_re.sub("", text)
            if stripped:  # a bare "不" or "没有" stays: it is an answer, not a particle
                text = stripped
        return text


def build_replacements(
    dialect: Mapping[str, str],
    aliases: Mapping[str, Iterable[str]],
    fillers: Iterable[str],
    particles: Iterable[str],
) -> dict[str, str]:
    """One replacement table: fillers and particles map to the empty string."""
    table: dict[str, str] = {}
    for word in list(fillers) + list(particles):
        table[word] = ""
    for src, dst in dialect.items():
        table[src] = dst
    for canonical, names in aliases.items():
        table.setdefault(canonical, canonical)  # protects the canonical name from sub-aliases
        for name in names:
            table[name] = canonical
    return table
