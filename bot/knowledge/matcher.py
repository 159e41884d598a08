"""FAQ index and matcher.

Every phrasing is kept as its normalised text, its sound-alike codes (``phonetic``) and its
words (jieba). A question is compared with a short list of candidate phrasings, found
through an inverted index of sound-alike bigrams, on three *surface* channels:

* characters: rapidfuzz similarity of the normalised texts;
* sound: the same on the sound-alike codes (幼耳园 = 幼儿园, 居主证 = 居住证);
* words: IDF-weighted overlap of the words, words compared by sound.

An entry's surface score is the best over its phrasings. Two *vocabulary* measures then
decide whether the entry is really about what was asked:

* coverage: the share of the question's content (its words minus generic ones such as 几点
  开门 在哪里, weighted by how telling each word is) that the entry's vocabulary — its
  questions, and with less credit its answer — contains. A word no entry knows weighs the
  most, so a question about something the community does not handle (银行, 驾照, 火车站 …)
  is not answered on the strength of 几点开门 alone, without a list of off-topic nouns.
  It gates the score, and the same measure counting generic words too is a channel.
* substitution: when the question has content the entry lacks *and* the entry's best
  phrasing has content the question lacks (小学 for 幼儿园), the score is lowered.

Three more measures let it answer phrasings it has never seen (all data in the lexicon):

* concepts (``concepts:``): words and situations that mean the same for the FAQ (灯不亮,
  黑黢黢 → 路灯; 矛盾, 吵架 → 邻里纠纷; 学位 → 名额) are rewritten to one name on both
  sides, for the matcher only (``Knowledge.normalize`` stays as intent detection expects).
* aspect (``aspects:``): what a question asks about its topic — hours, where, fee,
  documents, who, how, duration … — by cue words. Each entry's aspect profile is learnt
  from its own phrasings; agreement (weighted by how rare the aspect is among entries)
  raises or lowers the score. It re-ranks entries but does not make an unknown question
  known: the threshold is applied to the score before it (``Candidate.base``).
* topic: the community's names (domain words, places, concept names) that most of an
  entry's phrasings mention. A question with content that names none of them is less
  likely about that entry (小学几点放学 is not the kindergarten's hours).

Long, voice-style messages tell a situation before (or instead of) asking ("楼下路灯又不亮了
前天我妈差点摔一跤 这种找哪个嘛"). Such a message is cut into clauses (pauses, punctuation,
``clause_breaks:`` such as 然后 听说); the clause(s) with a question cue (``question_cues:``,
``question_finals:``) are the question. Besides the whole message, its *focus* is scored: the
question with the clauses that name one of the community's things, each such clause with the
question, and the question alone when it names one itself. Each entry keeps its best score;
a part that leaves out community names the message has is marked down, and in a part the
story's words no entry knows count less. A message naming nothing of the community's has no
focus, so its unknown words (火车站, 银行) still decide, as for a short question.

Coverage also credits, less, words from the entry's *family* (entries whose ids share a
prefix: kindergarten.age, kindergarten.fee …), and an answer's words make its entry a
candidate too.

The weights were tuned with ``benchmarks/eval_matcher.py``: cross-validation over the
FAQ's own phrasings (index built without the held-out ones), the development set
(``tests/data/faq_dev.yaml``) and its off-topic questions. The optimum is flat, so they are
rounded, not squeezed.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from .model import Entry, Match
from .normalize import FUNCTION_CHARS, Lexicon, LongestFirst, Normalizer
from .phonetic import codes
from .segment import Segmenter
from .semantic import PhrasingVectors

__all__ = ["FACT_KINDS", "Analysis", "Index", "Settings"]

Words = list[tuple[list[str], float]]  # content words: (sound-alike units, weight)
MAX_FAMILY = 40  # entries sharing an id prefix (kindergarten.*) count as a family up to this
MIN_UNKNOWN_WEIGHT = 0.5  # a word of the question this telling (a thing) can make it unknown
MIN_DEED_WEIGHT = 0.45  # … and this telling (a deed: 住, 接送) asked of a place, an entry about it must mention
MAX_TOLD = 3  # situations of a long message scored each with its question (see ``focus``)
MAX_THING_ENTRIES = 12  # a name more entries mention than this (工作日) singles nothing out
NAMED_PART_SHARE = 0.7  # a part's score an entry about the thing named needs to answer it (see ``match``)
# A longer message is scored on its question clause(s) and the clauses nearest them that name
# one of the community's things, this many characters in all (see ``bounded``).
MAX_QUESTION_CHARS = 80
LONG_MESSAGE_CHARS = 30  # a message this long (normalised) tells a story around its question
MAX_CACHED = 100_000  # tokens (and runs of them) whose codes and weights are remembered
MAX_WEIGHED = 2_000_000  # per-entry weights remembered by what questions name or ask: sets × entries (16 MB)
MAX_RECENT = 64  # texts (a message, its clauses and parts) whose analysis is remembered
MODEL_CHARS = 48  # the model reads a long message's last clauses up to this: its cost grows with length


@dataclass(frozen=True)
class Settings:
    answer_threshold: float = 42.0  # best score needed to answer (or to offer choices)
    # … by a long message, whose story dilutes the score of the question told in it
    long_answer_threshold: float = 38.0
    answer_margin: float = 2.0  # lead over the next entry needed to answer outright
    clarify_window: float = 6.0  # entries this close to the best are offered as choices
    content_free_threshold: float = 56.0  # a question that names no topic at all (几点开门)
    content_free_margin: float = 8.0  # … needs this score, and this lead to be answered
    content_free_lead: float = 24.0  # … or this lead whatever its phrasing names (中午去办事有人吗)
    candidates: int = 80  # phrasings scored in full per question
    answer_candidates: bool = True  # an answer's words also make its entry a candidate
    # surface channels of one phrasing (relative weights)
    w_char: float = 0.25
    w_sound: float = 0.1
    w_words: float = 0.4
    # entry score: surface vs. all-words coverage (relative weights)
    w_surface: float = 0.6
    w_vocab: float = 0.4
    generic_weight: float = 0.3  # a generic word counts this much in the words channel
    vocab_generic_weight: float = 0.8  # … and this much in the all-words coverage
    answer_vocab_credit: float = 0.8  # content found only in the answer counts this much
    gate_full: float = 0.4  # content coverage from which the gate no longer penalises
    gate_power: float = 2.0
    substitution_penalty: float = 0.5
    # aspect (hours, where, fee …): score × (1 + aspect_penalty × (agreement − aspect_neutral)),
    # agreement 0..1 between what the question asks and what the entry's phrasings ask
    aspect_penalty: float = 0.4
    aspect_neutral: float = 0.5  # also the agreement of an entry none of whose phrasings has one
    # content found only in the phrasings of the entry's family (ids with the same prefix:
    # kindergarten.age, kindergarten.fee …: the same place or service) counts this much
    family_vocab_credit: float = 0.3
    # topic: the community's names (places, services, concepts) that most of an entry's
    # phrasings mention; a question naming none of them loses up to this share of the score
    topic_penalty: float = 0.2
    topic_conflict_penalty: float = 0.15  # … and more when it names another place or service (see rank)
    topic_share: float = 0.5  # a name in this share of the phrasings is the entry's topic
    unseen_factor: float = 0.5  # weight of a content word no entry knows, relative to IDF
    # a long message is also scored on parts of it (see ``Index.focus``); a part that leaves
    # out community names the message has loses up to this share of its score
    focus_topic_penalty: float = 0.3
    # … and in such a part, the story's words no entry knows (老婆, 腿脚) count this much
    focus_unseen_factor: float = 0.35
    focus_candidates: int = 40  # phrasings scored in full per part (parts are short)
    # semantic channel (``PhrasingVectors``), asked only when the lexical one is not sure:
    semantic_skip: float = 50.0  # a lexical answer this confident does not ask the model
    semantic_floor: float = 20.0  # … nor does a question the lexical channel finds this far off
    sem_low: float = 0.88  # cosine similarity mapped to 0 …
    sem_high: float = 0.97  # … and to 100
    w_semantic: float = 0.6  # fused = (1 − w) × lexical + w × semantic
    fused_threshold: float = 45.0  # best fused score needed to answer (or offer choices)
    fused_margin: float = 2.0  # lead over the next entry needed to answer outright
    agree_reverse: float = 0.3  # the model answers a lexical don't-know only with this much agreement


@dataclass
class Analysis:
    """A text as the matcher sees it."""

    normalized: str  # after the matcher's concept words (灯不亮 → 路灯)
    codes: str
    tokens: list[str]  # words of the normalised text
    token_codes: list[str]
    generic_mask: list[bool]  # per token: says nothing about the topic
    plain: str = ""  # the shared normalisation (what ``Knowledge.normalize`` returns)
    aspects: frozenset[str] = frozenset()  # what is asked: hours, where, fee …
    topics: frozenset[str] = frozenset()  # the community names it mentions (see ``Index.topics``)

    @property
    def has_content(self) -> bool:
        return not all(self.generic_mask)


@dataclass(slots=True)
class Candidate:
    """Why an entry scored what it did (for staff tooling, tests and tuning). Made for every
    entry a question reaches, so a plain dataclass with slots: five times cheaper to create than
    a frozen one; nothing changes one once made (``dataclasses.replace`` copies)."""

    entry: int
    score: float
    surface: float
    coverage: float
    vocab: float
    reverse: float
    exact: bool
    aspect: float = 1.0  # agreement of what is asked (hours, where …) with the entry's phrasings
    base: float = -1.0  # the score before the aspect adjustment (-1: none was made)

    @property
    def confidence(self) -> float:
        """How sure the question is about this entry's topic at all (aspect aside)."""
        return self.score if self.base < 0 else self.base

    def scaled(self, f: float) -> Candidate:
        """The score (and the one before the aspect) times ``f``; made directly, not with
        ``dataclasses.replace``: four times cheaper."""
        return Candidate(self.entry, self.score * f, self.surface, self.coverage, self.vocab, self.reverse,
                         self.exact, self.aspect, self.base * f if self.base >= 0 else self.base)


def _family(entry_id: str) -> str:
    """``kindergarten`` for ``kindergarten.age``: entries about the same place or service."""
    return entry_id.rsplit(".", 1)[0] if "." in entry_id else entry_id


# A number names something when a counted place follows it: 第2网格, 文笔村3组, 5号楼.
# What to bring is asked with these (要带, 拿什么, 准备): the other ``documents`` cues are things
# (身份证, 照片), which a verb before asks to be issued (办身份证); 在这里办要带啥 asks what to bring.
_BRINGING_RE = re.compile("带|拿|准备")
_END = "\n"  # marks the end of a text for the concept words read only there (normalised text has no \n)
_NUMBERED = frozenset(("组", "网格", "号楼", "栋", "单元", "楼", "层", "号"))


# An ordinal (第1, 第1个) names nothing: it picks from a list (see ``_join_numbered``).
_ORDINAL_RE = re.compile(r"^第\d+$")


def _join_numbered(tokens: list[str]) -> list[str]:
    if not any(map(str.isdigit, tokens)):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i].isdigit() and i + 1 < len(tokens) and tokens[i + 1] in _NUMBERED:
            out.append(tokens[i] + tokens[i + 1])
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    # 第 + a bare number (第1, 第1个) is an ordinal: one word that names nothing. Before a
    # counted place (第|1网格) 第 stays apart, as it always was.
    joined: list[str] = []
    for tok in out:
        if joined and joined[-1] == "第" and tok.isdigit():
            joined[-1] += tok
        else:
            joined.append(tok)
    return joined


# A question put to the assistant itself (你吃饭了没, 你几岁了), not 你们 (the community) nor
# a request to it (你帮我…, 你知道…吗).
_ADDRESSED_RE = re.compile(
    r"^(?:你|您)(?!们|帮|给|替|告诉|知道|晓得|说说|查|看看|能不能帮|能帮|可以帮|可不可以帮|这里|这边|那里|那边)"
)

# 得一等奖的是谁: who did something is a person's name, though no person word (书记) is said.
_DOER_RE = re.compile("的(?:人)?是(?:谁|哪位|哪个人|哪个(?![\u4e00-\u9fff])|哪个(?=[嘛呢哦啊]))")

# What an answer must contain to answer a question for a specific fact (``facts_asked:``):
# an amount of money, a phone number, a clock time, a person's name, a count (几本), the day money
# is paid, a share (报销百分之多少), a last day (最晚哪天), who provides a thing (要自己买吗), an
# age, an address.
_FACT_IN_ANSWER = {
    "money": re.compile(r"\d+(?:\.\d+)?\s*(?:元|块)|免费|不收|不要钱"),
    "phone": re.compile(r"\d{3,4}-\d{7,8}|1\d{10}|\d{7,8}"),
    "hours": re.compile(r"\d{1,2}\s*[:：点]"),
    # when something ends (开到几点, 几点散会): only an answer giving a span of hours says so
    "end": re.compile(r"\d{1,2}\s*[:：点]\s*\d{0,2}\s*(?:[—–~～\-至]|到(?:早上|上午|中午|下午|晚上)?)"
                      r"\s*\d{1,2}\s*[:：点]"),
    "name": re.compile(r"[\u4e00-\u9fff](?:书记|主任|老师|医生|园长|站长|会长)[，,。、：:（(]"),
    "date": re.compile(r"\d+\s*[号日]|每(?:个)?月\d|每年\d"),
    "count": re.compile(r"\d+\s*[余多]?\s*(?:本|个(?!工作日|月|星期|小时)|人|名|次|件|张|户|条|支|期|节)|不限"),
    # how many times a week (一周上几次): a weekly schedule (每周二、周四) says so
    "weekly": re.compile(r"每(?:周|个?星期|个?礼拜)|周[一二三四五六日天]"),
    "share": re.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之|\d+\s*成"),
    "deadline": re.compile(r"\d+\s*月\s*\d+\s*[日号]|截止|之前|以前|月底|年底"),
    "provided": re.compile(r"自备|自带|自己(?:买|带|准备|出)|统一(?:发|配|提供|购买)|发给|配发|提供"),
    "age": re.compile(r"\d+\s*(?:周岁|岁)|不限年龄|(?:所有|任何)居民"),
    # when someone comes (网格员好久来走访, 党代表哪天来): a day, a weekday or a clock time
    "comes": re.compile(r"\d+\s*[号日月]|每(?:个)?(?:周|星期|礼拜|月|年|季度|天)|[周期拜][一二三四五六日天]"
                        r"|\d{1,2}\s*[:：点]|随时|农历|工作日"),
    # how long it takes or lasts (要多久, 能借好久, 放好多天), or how often (多久开一次) — not a clock time
    "duration": re.compile(r"(?<!\d)(?:\d{1,3}|[一二两三四五六七八九十半]+)\s*个?(?:工作日|天|小时|钟头|分钟)"
                           r"|(?<!\d)(?:\d{1,2}|[一二两三四五六七八九十半]+)\s*(?:个星期|周(?!岁)|个月|年(?!\d))"
                           r"|当天|当场|随到随办|每(?:个)?(?:季度|月|年|周|星期)"),
    # how long a paper stays valid (有效期, 能用好久) — not how long it takes to make
    "validity": re.compile(r"有效期|\d+\s*年(?:内)?有效|长期有效"),
    # what is cooked (吃什么菜): only an answer listing dishes or a menu says so, not the meal times
    "menu": re.compile(r"菜单|菜谱|荤|素菜|[一二两三四\d]\s*菜"),
    "address": re.compile(r"[东西南北]侧|[东西南北]边|旁边|挨着|隔壁|对面|设在|位于|\d+\s*[号楼层组]"
                          r"|[\u4e00-\u9fff]{1,6}(?:街|镇|小区)"),
}
FACT_KINDS = tuple(_FACT_IN_ANSWER)
# A number asked of counted things (报好多人, 是多少个) asks a count or an age, not money or a share.
_COUNTED_AFTER = "[人个名本次件张户位岁天年周]"
_COUNTING_KINDS = frozenset(("count", "age"))


class Parts(NamedTuple):
    """The two questions of a message (see ``Index.parts``)."""

    first: str
    second: str
    lent: bool = False  # the second names nothing of its own: it borrowed the first's names


# "A和B各是星期几": one question about two things (see ``Index.parts``).
_EACH_RE = re.compile(r"^(.{2,12}?)(?:和|跟|与|还有)(.{2,12}?)(?:各|分别|都)(.+)$")
# 想报A又想报B，两个班各是啥时间: what is asked of each of two things named before it.
_EACH_ASKED_RE = re.compile("(?:各|分别)(.+)$")

# Aspects that ask who to turn to or when, not whether something can be done at a place: a
# question asking one of them that its answer's entry answers is not "something to do there
# that no entry mentions" (路灯黑了好几天了找哪个: 黑 is the trouble, 找哪个 the question).
_ASKS_WHO_OR_WHEN = frozenset(("contact", "when", "duration", "progress"))

# Clause boundaries of a long message: whitespace (voice input's pauses) and punctuation.
_CLAUSE_SPLIT_RE = re.compile(r"[\s,.;:!?，。；：！？、…~～]+")

# 开不开, 去没去: a verb and its negation asks whether (a question of its own, whatever the verb).
_A_NOT_A_RE = re.compile(r"([\u4e00-\u9fff])[不没]\1")

# 住一晚上, 洗一回澡: a deed counted once (a one-character verb, then 一 and one of these), whose price a
# question may ask.
_ONCE = ("晚上", "晚", "夜", "回", "次", "趟", "道")

# 是不是, 好不好, 远不远: a verb and its negation asking whether it is so, not whether a deed is done.
_NOT_DEEDS = "是会归要在好难远近贵多大快"

# 就是晚上在广场上扭的那个: what the thing named before is, not another thing (the 广场 it is done on).
_DESCRIBES_RE = re.compile("就是.*(?:那个|那种|的)$")

# 这种情况, 这样的: what the story told, referred back to.
_STORY_REF_RE = re.compile("这种|这样的|这号")

# 哪些, 哪几类: which things (asked of a desk: its list).
_WHICH_RE = re.compile("哪些|哪几")

# 收进去, 借得出来: the direction a deed goes in says nothing of what is asked of a place.
_DIRECTION_RE = re.compile("得?[进出回过上下起][来去]$")

# 汽车站那边, 我们那里: 那边 after a word names that word's side, it refers back to nothing
# (after 在, 去, 到 … it does: 去那边咋个走).
_LOCATIVE_RE = re.compile("[^\\W\\d在去到往从来回走进问找送带了是的个把跟和给过就还也都上下哈]那(?:里|儿|边|头|哈|点)")

# 我们这种刚搬来的能不能报名: whether someone like the resident may, whatever they say they are.
_LIKE_ME_RE = re.compile(r"(?:这种|这样的|这号)[\u4e00-\u9fff]{1,8}?(?:能不能|可不可以|能不|可以不|得不得行|行不行)")

# 坏了好久了, 排了好久的队 (not 报了好久有人来), 好多了, 打工好多年了, 劝了他好多年, 好多手续都没人跑, 前几天,
# 问了好几个人 (好几 is always "several"):
# a question word telling how long or how much, not asking it; 也不晓得是啥子情况 tells that one does not know,
# 也没啥子朋友 that one has none, 连个说话的人都没得 not even one, 搬来没多久 not long ago; 我走哪点它跟哪点,
# 有啥说啥: said twice, a question word means whatever.
_TOLD_RE = re.compile("(?:好久|多久|好多|好几)(?:年|天|个月|个星期|回|次|遍)?了|好多[\u4e00-\u9fff]{0,3}都"
                      "|了好久(?=的|$)|了[\u4e00-\u9fff]{0,2}?(?:好多|好几)(?:年|天|个月|个星期|回|次|遍)|(?:前|这|那|过|好)几天"
                      "|(?:不晓得|不知道|搞不清楚?)是?(?:啥子|什么|啥)情况|(?<!有)没(?:有|得)?(?:啥子|什么|啥)"
                      "|好几(?:个|位|家|样|趟|回|次|遍|年|天)|都没(?:有|得)$"
                      "|[没不](?:有|得)?(?:多久|好久)"
                      "|(?P<any>哪(?:里|点|儿|个|哈)|啥子?|什么)[\u4e00-\u9fff]{1,4}?(?P=any)")


def _csr(keys: list[str], *columns: np.ndarray) -> tuple[dict[str, int], np.ndarray, list[np.ndarray]]:
    """Rows grouped by key as one sparse table: (key → row, where each row starts (and the
    next ends), each column in row order); the keys in the order they first occur, each row's
    values in theirs: what appending to a list per key gives, in a few array operations."""
    ids = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    at = np.fromiter(map(ids.__getitem__, keys), np.int64, len(keys))
    order = np.argsort(at, kind="stable")
    indptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(at, minlength=len(ids)), out=indptr[1:])
    return ids, indptr, [column[order] for column in columns]


def _cells(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the cells of some rows of a ``_csr`` table are, in one flat array, and how many
    each row has."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    ends = np.add.accumulate(lengths)  # (ufuncs and methods: numpy's functions cost more here)
    return np.arange(ends[-1] if len(ends) else 0) + (starts - ends + lengths).repeat(lengths), lengths


def _bigrams(s: str) -> list[str]:
    return [s[i : i + 2] for i in range(len(s) - 1)]


def _vocab_units(c: str) -> set[str]:
    """Everything a text 'knows': all sound-alike bigrams and characters of its codes."""
    out: set[str] = set(c)
    out.update(map(str.__add__, c, c[1:]))
    return out


def _recent(recent: dict[str, Any], text: str, make: Callable[[str], Any]) -> Any:
    """``make(text)``, remembered among the last few texts (bounded; a dict's get, set and
    clear are each atomic, so threads may share it)."""
    out = recent.get(text)
    if out is None:
        out = make(text)
        if len(recent) >= MAX_RECENT:
            recent.clear()
        recent[text] = out
    return out


class LastNormalized:
    """The normalizer, remembering its recent texts: one message's clauses and ranking ask for
    each of them several times (focus, parts, honesty)."""

    def __init__(self, normalizer: Normalizer) -> None:
        self._normalizer = normalizer
        self._recent: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        return _recent(self._recent, text, self._normalizer)

    def forget(self) -> None:
        self._recent.clear()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._normalizer, name)


class Index:
    def __init__(
        self,
        entries: Sequence[Entry],
        lexicon: Lexicon,
        normalizer: Normalizer,
        segmenter: Segmenter,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.normalize = LastNormalized(normalizer)
        self.entries = list(entries)
        self.vectors: PhrasingVectors | None = None  # see ``use_vectors``
        self.segmenter = segmenter
        self.generic = {normalizer.fold(w) for w in lexicon.generic} | {
            normalizer(w) for w in lexicon.generic
        }
        self.generic.discard("")
        self._generic_cache: dict[str, bool] = {}
        self._token_cache: dict[str, tuple[str, bool]] = {}  # token → (sound code, generic)
        self._analyses: dict[str, Analysis] = {}  # see ``analyze``
        self._clauses: dict[str, tuple[str, ...]] = {}  # see ``clauses``
        self._asked: dict[str, bool] = {}  # see ``_asks``
        self._rewrites: dict[str, str] = {}  # see ``_rewritten``
        self._run_cache: dict[str, tuple[list[str], float, bool, bool]] = {}  # see _content_words
        # Per entry, by what a question names or asks (few sets of them recur): see ``_weighed``.
        self._max_sets = max(64, MAX_WEIGHED // max(1, len(self.entries)))
        self._weighed_cache: dict[tuple[str, Hashable], Any] = {}
        phrases = {g: g for g in self.generic if len(g) >= 2}
        self._generic_phrases = LongestFirst(phrases) if phrases else None
        self._concepts = self._concept_table(lexicon, normalizer)
        self._aspect_cues: list[tuple[str, tuple[str, ...]]] = []
        for aspect, cues in lexicon.aspects.items():
            forms: set[str] = set()
            for cue in cues:
                plain = normalizer(cue)
                forms.update(f for f in (plain, self._rewrite(plain), normalizer.fold(cue)) if f)
            if forms:
                self._aspect_cues.append((aspect, tuple(sorted(forms))))
        # One pass over a text for all aspects: the cues by their first character.
        cue_aspects: dict[str, set[str]] = defaultdict(set)
        for aspect, cues in self._aspect_cues:
            for cue in cues:
                cue_aspects[cue].add(aspect)
        self._cues_at: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for cue, aspects in sorted(cue_aspects.items()):
            self._cues_at[cue[0]].append((cue, frozenset(aspects)))
        self._cues_at = dict(self._cues_at)
        self._cue_starts = frozenset(self._cues_at)
        names = {self._rewrite(normalizer(w)) for w in lexicon.domain_words}
        names |= {self._rewrite(normalizer(w)) for w in lexicon.concepts}
        names = {n for n in names if len(n) >= 2 and not self._generic_word(n)}
        ordered = sorted(names, key=lambda n: (-len(n), n))
        self._topic_re = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        # The community's own names (places, services, documents it issues), without the
        # concepts (吃饭, 多少钱): what a remark to the assistant must name to be a question.
        own = {self._rewrite(normalizer(w)) for w in lexicon.domain_words}
        own = sorted((n for n in own if len(n) >= 2 and not self._generic_word(n)),
                     key=lambda n: (-len(n), n))
        self._name_re = re.compile("|".join(map(re.escape, own))) if own else None
        # Names that only ask (几点开门, 等多久, 进度): without the aspects' cues at most a character is left.
        cue_re = re.compile("|".join(sorted({re.escape(c) for _, forms in self._aspect_cues for c in forms},
                                            key=lambda c: (-len(c), c))))
        self._asking_names = frozenset(n for n in own if len(cue_re.sub("", n)) <= 1)
        # 多大 right after a place (服务中心多大, 照料中心有多大) asks its size; about a person
        # (孩子多大, 多大岁数, 多大能上) it is age, the ``who`` aspect's cue.
        age_after = "|".join(map(re.escape, lexicon.age_after))
        self._size_re = (
            re.compile("(?:" + "|".join(map(re.escape, own)) + ")(?:有|占地|面积)?多大"
                       + (f"(?!{age_after})" if age_after else ""))
            if own and any(aspect == "size" for aspect, _ in self._aspect_cues) else None
        )
        # Things a resident brings (the ``documents`` aspect's nouns: 身份证, 照片 …). Asked to
        # be *issued* (办身份证, 补办身份证) they are the question's topic, not its aspect.
        brought = {
            f for aspect, cues in self._aspect_cues if aspect == "documents"
            for f in cues if len(f) >= 2 and not self._generic_word(f) and not _BRINGING_RE.search(f)
        }
        obtain = sorted(lexicon.obtain_verbs, key=lambda v: (-len(v), v))
        self._obtain_re = (
            re.compile(
                "(?:" + "|".join(map(re.escape, obtain)) + ")(?:一个|一张|个|张|新的?)?("
                + "|".join(map(re.escape, sorted(brought, key=lambda b: (-len(b), b)))) + ")"
            )
            if brought and obtain else None
        )
        breaks = sorted({b for b in lexicon.clause_breaks if b}, key=lambda b: (-len(b), b))
        self._break_re = re.compile("|".join(map(re.escape, breaks))) if breaks else None
        # Any question cue in a clause, in one search (the cues are many, clauses many more).
        cues = [c for c in lexicon.question_cues if c]
        self._question_cues = re.compile("|".join(map(re.escape, cues))) if cues else None
        self._question_finals = tuple(c for c in lexicon.question_finals if c)
        # Matched on the folded text: the normalisation makes 免费 and 要钱 both 多少钱. One
        # pattern per kind; a cue of money or a share followed by counted things (报好多人, 是多少个)
        # asks how many instead.
        self._fact_cues: list[tuple[str, re.Pattern[str]]] = []
        for kind, cues in lexicon.facts_asked.items():
            folded = sorted({normalizer.fold(c) for c in cues} - {""}, key=lambda c: (-len(c), c))
            if folded:
                counted = "" if kind in _COUNTING_KINDS else f"(?!{_COUNTED_AFTER})"
                self._fact_cues.append((kind, re.compile(f"(?:{'|'.join(map(re.escape, folded))}){counted}")))
        self._person_words = tuple({normalizer.fold(w) for w in lexicon.person_words} - {""})
        self._not_registered = tuple(w for w in lexicon.not_registered if w)
        referring = {w: w for w in lexicon.referring_words if w}
        self._referring = LongestFirst(referring) if referring else None
        self._desks = frozenset(self._rewrite(normalizer(w)) for w in lexicon.desk_words)
        # (not a cue cut short as the end of a message would be: 有没有 → 有)
        self._deed_cues = tuple({f for c in lexicon.deed_cues for f in (normalizer(c), normalizer.fold(c))
                                 if f and not (len(f) < len(c) and c.startswith(f))})
        self._off_topic_units: set[str] = set()
        for word in lexicon.off_topic:
            c = codes(normalizer(word))
            self._off_topic_units.update(_bigrams(c) if len(c) >= 2 else [c])
        self._off_topic_units.discard("")

        self.p_entry: list[int] = []
        self.exact: dict[str, int] = {}  # normalised phrasing → entry index
        self.exact_codes: dict[str, int] = {}

        p_analyses: list[Analysis] = []
        self.entry_aspects: list[dict[str, float]] = []
        self.entry_topics: list[frozenset[str]] = []
        # names a good share of its phrasings use (志愿服务队 beside 志愿者): a fact asked of them is its
        self.entry_about: list[frozenset[str]] = []
        self.entry_q_units: list[frozenset[str]] = []
        self.entry_a_units: list[frozenset[str]] = []
        # what an entry is *about*: its phrasings that do not ask what to bring (see _obtain)
        self.entry_subject_units: list[frozenset[str]] = []
        self.entry_addressed: list[bool] = []  # some phrasing asks the assistant itself (你是谁)
        self.entry_names: list[frozenset[str]] = []  # the community's names its text uses
        self.entry_people: list[frozenset[str]] = []  # the people (网格员, 书记) its text mentions
        self.entry_q_words: list[frozenset[str]] = []  # its phrasings' words (sound codes)
        self.entry_index = {e.id: ei for ei, e in enumerate(self.entries)}
        phrasing_names: list[frozenset[str]] = []
        answer_names: list[frozenset[str]] = []
        aspect_df: Counter[str] = Counter()
        exact, exact_codes = self.exact, self.exact_codes
        p_grams: list[set[str]] = []  # each phrasing's bigrams (its code if it has none): the postings'
        for ei, entry in enumerate(self.entries):
            subject_units: set[str] = set()
            document_units: set[str] = set()  # of phrasings asking what to bring
            addressed = False
            q_toks: set[str] = set()
            aspects_asked: list[str] = []  # counted once per entry: cheaper than a Counter's update
            topics_named: list[str] = []
            n_phrasings = 0
            said: set[str] = set()  # the community's names its phrasings use
            for question in entry.questions:
                a = self.analyze(question)
                norm = a.normalized
                if not norm:
                    continue
                said.update(self.names(norm))
                aspects_asked.extend(a.aspects)
                topics_named.extend(a.topics)
                n_phrasings += 1
                p_analyses.append(a)
                self.p_entry.append(ei)
                exact.setdefault(norm, ei)
                exact_codes.setdefault(a.codes, ei)
                c = a.codes
                grams = set(map(str.__add__, c, c[1:]))
                p_grams.append(grams or {c})
                units = document_units if "documents" in a.aspects else subject_units
                units |= grams
                units.update(c)  # (with the bigrams: ``_vocab_units``)
                addressed = addressed or bool(_ADDRESSED_RE.match(a.plain))
                q_toks.update(a.token_codes)
            aspect_count, topic_count = Counter(aspects_asked), Counter(topics_named)
            share = self.settings.topic_share * n_phrasings
            self.entry_topics.append(frozenset(t for t, c in topic_count.items() if c >= share))
            self.entry_about.append(frozenset(t for t, c in topic_count.items() if c >= share / 2))
            top = max(aspect_count.values(), default=0)
            self.entry_aspects.append({k: v / top for k, v in aspect_count.items()})
            aspect_df.update(aspect_count.keys())
            # Of an answer only its words' sounds and its names count: no aspects, not remembered.
            _, answer, _, known = self._read(entry.answer)
            subject = frozenset(subject_units)
            q_units = subject | document_units if document_units else subject
            a_units = _vocab_units("".join([code for code, _ in known])) - q_units
            self.entry_q_units.append(q_units)
            self.entry_subject_units.append(subject)
            self.entry_addressed.append(addressed)
            phrasing_names.append(frozenset(said))
            answer_names.append(self.names(answer))
            self.entry_names.append(phrasing_names[-1] | answer_names[-1])
            text = "\n".join((entry.answer, *entry.questions))  # (a person word is one line)
            self.entry_people.append(frozenset(p for p in self._person_words if p in text))
            self.entry_a_units.append(frozenset(a_units))
            self.entry_q_words.append(frozenset(q_toks))
        # How many entries know each unit (an answer's units are none of its phrasings') and each
        # word: counted in one pass each, not entry by entry.
        unit_df = Counter(chain(chain.from_iterable(self.entry_q_units), chain.from_iterable(self.entry_a_units)))
        tok_df = Counter(chain.from_iterable(self.entry_q_words))

        # Vocabulary of each family of entries (one shared set per family, not per entry).
        # A "family" of hundreds of entries (ids without a topic prefix) says nothing.
        members: dict[str, list[int]] = defaultdict(list)
        for ei, entry in enumerate(self.entries):
            members[_family(entry.id)].append(ei)
        self.entry_family: list[frozenset[str]] = [frozenset()] * len(self.entries)
        for group in members.values():
            if 1 < len(group) <= MAX_FAMILY:
                vocab = frozenset().union(*(self.entry_q_units[ei] for ei in group))
                for ei in group:
                    self.entry_family[ei] = vocab
        n = max(1, len(self.entries))
        # An aspect most entries are asked about (what, how) tells less than a rare one (fee).
        self.aspect_idf = {k: math.log((n + 1) / (df + 0.5)) for k, df in aspect_df.items()}
        self.unit_idf = {u: math.log((n + 1) / (df + 0.5)) for u, df in unit_df.items()}
        self.unit_idf_unseen = math.log((n + 1) / 0.5)
        self.tok_idf = {t: math.log((n + 1) / (df + 0.5)) + 0.5 for t, df in tok_df.items()}
        self.tok_idf_unseen = math.log((n + 1) / 0.5) + 0.5
        self.p_norm: list[str] = [a.normalized for a in p_analyses]
        self.p_codes: list[str] = [a.codes for a in p_analyses]
        p_units: list[tuple[dict[str, float], float]] = []  # content units and weights, likewise
        p_tokens: list[dict[str, float]] = []  # token code → weight, once IDF is known
        for a in p_analyses:
            p_units.append(self.unit_weights(self._content_words(a)))
            p_tokens.append(self._token_weights(a))

        # Things are what answers and topics name (超市, 卫生站), not a resident's 我母亲.
        name_df = Counter(n for names in phrasing_names for n in names)
        answered = frozenset().union(*self.entry_topics, *answer_names)
        cues = [c for _, forms in self._aspect_cues for c in forms]
        things = {n: df for n, df in name_df.items() if n in answered and not any(c in n for c in cues)}
        self._thing_names = frozenset(n for n, df in things.items() if df <= MAX_THING_ENTRIES)
        # the places and services an entry is about, and all its family (kindergarten.*) is about
        own_things = [own & self._thing_names for own in self.entry_topics]
        family_of: dict[str, frozenset[str]] = {}
        for e, own in zip(self.entries, own_things, strict=True):
            family_of[_family(e.id)] = family_of.get(_family(e.id), frozenset()) | own
        self._family_things = [family_of[_family(e.id)] if own else frozenset()
                               for e, own in zip(self.entries, own_things, strict=True)]
        # the desk (代办, 上报) a family's entries are about, for all its entries
        desks_of: dict[str, frozenset[str]] = defaultdict(frozenset)
        for e, about in zip(self.entries, self.entry_about, strict=True):
            desks_of[_family(e.id)] |= about & self._desks
        self._family_desks = [desks_of[_family(e.id)] for e in self.entries]
        # The thing a whole family is about (center.* : 社区服务中心), for its members whose own
        # phrasings say only 社区 (社区中午关门不); a family of many things (report.*) has none.
        self.family_things: list[frozenset[str]] = [frozenset()] * len(self.entries)
        for group in members.values():
            shared = [self.entry_topics[ei] & self._thing_names for ei in group if self.entry_topics[ei]]
            if 1 < len(group) <= MAX_FAMILY and shared:
                for ei in group:
                    self.family_things[ei] = frozenset.intersection(*shared)
        # What ``faq check`` warns of: names too many entries' phrasings mention to single out a place.
        self.crowded_things = {n: df for n, df in things.items() if df > MAX_THING_ENTRIES}
        # What the honesty checks read of each entry (see ``gives_facts``), made once: the things many
        # of its phrasings name, and the facts its answer gives (all when it says they are not
        # registered); and which entries give each fact, so that a question for a fact no entry
        # gives is found without going through them all.
        self._about_things = [about & self._thing_names for about in self.entry_about]
        self._entry_facts = [
            frozenset(FACT_KINDS) if any(m in e.answer for m in self._not_registered)
            else frozenset(k for k, pattern in _FACT_IN_ANSWER.items() if pattern.search(e.answer))
            for e in self.entries]
        self._giving = {k: frozenset(ei for ei, given in enumerate(self._entry_facts) if k in given)
                        for k in FACT_KINDS}

        grams = list(chain.from_iterable(p_grams))  # each phrasing's bigrams (and then answers'), with its number
        pids: list[int] = []
        for pid, own in enumerate(p_grams):
            pids += [pid] * len(own)
        if self.settings.answer_candidates:
            # Words only the answer has (承诺时限, 敬老院) find the entry too, through its
            # first phrasing.
            first: dict[int, int] = {}
            for pid, ei in enumerate(self.p_entry):
                first.setdefault(ei, pid)
            for ei, units in enumerate(self.entry_a_units):
                if ei in first:
                    for u in units:
                        if len(u) == 2:
                            grams.append(u)
                            pids.append(first[ei])
        # Arrays (slices of one), so that counting a question's bigrams over them is one ``bincount``.
        rows, indptr, (column,) = _csr(grams, np.array(pids, dtype=np.int32))
        self.postings = {g: column[indptr[r] : indptr[r + 1]] for g, r in rows.items()}
        # A bigram in more phrasings than this says little and costs a lot: skipped when
        # looking for candidates (unless nothing else is left).
        self._skip_df = max(200, len(self.p_codes) // 10)
        self._index_arrays(p_units, p_tokens)
        self.label_aspects()

    def _index_arrays(
        self, p_units: list[tuple[dict[str, float], float]], p_tokens: list[dict[str, float]]
    ) -> None:
        """What scoring reads for all candidates at once, as ``_csr`` tables: token →
        (phrasings having it, its weight in each); the unit × entry credits of ``coverage`` (1
        for a unit of the entry's phrasings, less for one of its answer or family); each
        phrasing's content units (rows of the former) and weights, for ``_reverses``; and
        what ``_rank`` reads per entry (its phrasings' topics; its aspect profile: ``label_aspects``)."""
        pids = np.repeat(np.arange(len(p_tokens)), [len(w) for w in p_tokens])
        tokens = list(chain.from_iterable(p_tokens))
        weights = np.fromiter(chain.from_iterable(map(dict.values, p_tokens)), np.float64, len(tokens))
        self._token_row, self._token_indptr, (self._token_pid, self._token_weight) = _csr(tokens, pids, weights)
        self._p_weight = np.fromiter(map(sum, map(dict.values, p_tokens)), np.float64, len(p_tokens))
        self._p_entry = np.array(self.p_entry, dtype=np.int64)
        s = self.settings
        units: list[str] = []
        sizes: list[tuple[int, int, int]] = []  # per entry: how many units of its phrasings, answer, family
        for in_q, in_a, in_f in zip(self.entry_q_units, self.entry_a_units, self.entry_family, strict=True):
            only_a = in_a - in_q
            only_f = in_f - in_q - in_a
            units += [*in_q, *only_a, *only_f]
            sizes.append((len(in_q), len(only_a), len(only_f)))
        per_kind = np.array(sizes, dtype=np.int64).reshape(-1, 3)
        entries = np.repeat(np.arange(len(sizes)), per_kind.sum(axis=1))
        credits = np.repeat(np.tile([1.0, s.answer_vocab_credit, s.family_vocab_credit], len(sizes)), per_kind.ravel())
        self._unit_row, self._unit_indptr, (self._unit_entry, self._unit_credit) = _csr(units, entries, credits)
        # A phrasing's units are its entry's, so each has a row above.
        self._p_unit_indptr = np.zeros(len(p_units) + 1, dtype=np.int64)
        per_units = [per_unit for per_unit, _ in p_units]
        np.cumsum(np.fromiter(map(len, per_units), np.int64, len(p_units)), out=self._p_unit_indptr[1:])
        size = int(self._p_unit_indptr[-1])
        self._p_unit_row = np.fromiter(map(self._unit_row.__getitem__, chain.from_iterable(per_units)), np.int64, size)
        self._p_unit_weight = np.fromiter(chain.from_iterable(map(dict.values, per_units)), np.float64, size)
        totals = np.array([total for _, total in p_units])
        self._p_unit_empty = totals <= 0  # (a phrasing of generic words only: all of it is mentioned)
        self._p_unit_total = np.where(self._p_unit_empty, 1.0, totals)
        topic_entries = [(t, ei) for ei, own in enumerate(self.entry_topics) for t in own]
        self._topic_row, self._topic_indptr, (self._topic_entry,) = _csr(
            [t for t, _ in topic_entries], np.array([ei for _, ei in topic_entries], dtype=np.int64))
        self._topic_count = np.array([len(own) for own in self.entry_topics], dtype=np.int64)

    def _aspect_arrays(self) -> None:
        """``entry_aspects`` as an entry × aspect table (and which entries have a profile)."""
        self._aspect_column = {x: i for i, x in enumerate(sorted({x for p in self.entry_aspects for x in p}))}
        self._aspect_profile = np.zeros((len(self.entry_aspects), len(self._aspect_column)))
        for ei, profile in enumerate(self.entry_aspects):
            for x, v in profile.items():
                self._aspect_profile[ei, self._aspect_column[x]] = v
        self._has_profile = np.array([bool(p) for p in self.entry_aspects], dtype=bool)
        self._weighed_cache.clear()  # (the agreements read the profiles)

    def _weighed(self, kind: str, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()``, a value for every entry that depends only on ``key`` (what a question names
        or asks), remembered: few such keys recur; at most ``MAX_WEIGHED`` entry values in all."""
        cache = self._weighed_cache
        try:
            return cache[kind, key]
        except KeyError:
            value = make()
            if len(cache) < self._max_sets:
                cache[kind, key] = value
            return value

    def _agreements(self, asked: tuple[str, ...]) -> np.ndarray | None:
        """Every entry's agreement (0..1) with the aspects a question asks, in the order it asks
        them; None when none of them tells anything."""
        def make() -> np.ndarray | None:
            weights = [(x, self.aspect_idf.get(x, 0.0)) for x in asked]
            total = sum(w for _, w in weights)
            if total <= 0:
                return None
            agrees = np.zeros(len(self.entries))
            for x, w in weights:
                column = self._aspect_column.get(x)
                if column is not None:
                    agrees += w * self._aspect_profile[:, column]
            return np.where(self._has_profile, agrees / total, 0.5)
        return self._weighed("agreements", asked, make)

    # -- analysis ---------------------------------------------------------------------------
    @staticmethod
    def _concept_table(
        lexicon: Lexicon, normalizer: Normalizer
    ) -> LongestFirst:
        """Concept words → their concept name, one longest-first pass like the lexicon's.

        The community's own names (domain words, place names) map to themselves first, so a
        concept word inside one (调解 in 人民调解委员会) is left alone; so do the questions asked
        as a verb and its negation (有没有电梯: no 没有电 in it)."""
        table: dict[str, str] = {}
        if not lexicon.concepts:
            return LongestFirst(table)
        for word in lexicon.domain_words:
            form = normalizer(word)
            if len(form) >= 2:
                table[form] = form
        for cue in (*lexicon.question_cues, *lexicon.deed_cues):
            if _A_NOT_A_RE.fullmatch(cue):
                table[cue] = cue
        cut: dict[str, str] = {}
        for name, words in lexicon.concepts.items():
            canon = normalizer(name) or name
            table[canon] = canon
            for word in words:
                folded, form = normalizer.fold(word), normalizer(word)
                if folded and folded != canon:
                    table[folded] = canon
                if not form or form in (canon, folded):
                    continue
                if folded.startswith(form):
                    # a final particle cut off (贵吗 → 贵, 打工的 → 打工): the word where one was,
                    # at the end of a text; not in 贵州, 出去打工回来
                    cut[form + _END] = canon + _END
                else:
                    table[form] = canon
        table.update((k, v) for k, v in cut.items() if k[:-1] not in table)
        return LongestFirst(table)

    def _rewrite(self, norm: str) -> str:
        return self._concepts.sub(norm + _END)[:-1] if norm else norm

    def _rewritten(self, text: str) -> str:
        """A text normalised and with the matcher's concept words (灯不亮 → 路灯), remembered like
        its analysis: a message's focus, parts and honesty checks each ask."""
        return _recent(self._rewrites, text, lambda t: self._rewrite(self.normalize(t)))

    def _generic_word(self, word: str) -> bool:
        return word in self.generic

    def topics(self, norm: str) -> frozenset[str]:
        """The community names (places, services, concepts) a normalised text mentions."""
        if self._topic_re is None:
            return frozenset()
        return frozenset(self._topic_re.findall(norm))

    def names(self, norm: str) -> frozenset[str]:
        """The community's own names (places, services, documents) in a normalised text."""
        return frozenset(self._name_re.findall(norm)) if self._name_re is not None else frozenset()

    def _aspects(self, *texts: str) -> frozenset[str]:
        """The aspects of every cue the texts contain (cues overlapping at a position all count):
        only the cues starting with one of a text's characters are looked for."""
        cues_at = self._cues_at
        found: set[str] = set()
        for t in dict.fromkeys(texts):
            for ch in self._cue_starts.intersection(t):
                for cue, aspects in cues_at[ch]:
                    if cue in t:
                        found |= aspects
        return frozenset(found)

    def analyze(self, text: str) -> Analysis:
        """How the matcher reads a text; one message's ranking, focus and honesty checks ask
        for the same texts (the message, its clauses) more than once."""
        return _recent(self._analyses, text, self._analyze)

    def forget_recent(self) -> None:
        """Drop the texts remembered for the current message (benchmarks: every question new)."""
        for recent in (self._analyses, self._clauses, self._asked, self._rewrites):
            recent.clear()
        self.normalize.forget()

    def _read(self, text: str) -> tuple[str, str, list[str], list[tuple[str, bool]]]:
        """A text normalised, then with the concept words, its words, and each word's sound code
        and whether it is generic."""
        plain = self.normalize(text)
        norm = self._rewrite(plain)
        tokens = _join_numbered(self.segmenter.cut(norm))
        cache = self._token_cache
        return plain, norm, tokens, [cache.get(t) or self._token(t) for t in tokens]

    def _analyze(self, text: str) -> Analysis:
        plain, norm, tokens, known = self._read(text)
        token_codes = [k[0] for k in known]
        generic = [k[1] for k in known]
        if self._generic_phrases is not None and not all(generic):
            # Generic phrases jieba cut apart (周|几) count too: a token inside one is generic.
            covered = [False] * len(norm)
            for start, end, _ in self._generic_phrases.matches(norm):
                covered[start:end] = [True] * (end - start)
            pos = 0
            for i, tok in enumerate(tokens):
                if not generic[i] and all(covered[pos : pos + len(tok)]):
                    generic[i] = True
                pos += len(tok)
        if self._aspect_cues:
            # 办身份证 asks for the card, not what to bring: its object is no aspect cue.
            ob = self._obtain_re
            texts = (norm,) if norm == plain else (norm, plain)
            aspects = self._aspects(*(ob.sub("", t) for t in texts) if ob else texts)
            if self._size_re is not None and "多大" in norm and self._size_re.search(norm):  # (cheap test first)
                aspects = (aspects - {"who"}) | {"size"}
            if "who" not in aspects and _LIKE_ME_RE.search(plain):
                aspects |= {"who"}
        else:
            aspects = frozenset()
        return Analysis(norm, "".join(token_codes), tokens, token_codes, generic, plain, aspects, self.topics(norm))

    def _token(self, token: str) -> tuple[str, bool]:
        """A token's sound code and whether it is generic, remembered per token."""
        known = (codes(token), self._is_generic(token))
        if len(self._token_cache) < MAX_CACHED:
            self._token_cache[token] = known
        return known

    def _is_generic(self, token: str) -> bool:
        """A generic word, a number, or a compound of generic words (几点关门 = 几点 + 关门)."""
        known = self._generic_cache.get(token)
        if known is None:
            known = (
                token.isdigit() or bool(_ORDINAL_RE.match(token)) or self._splits_into_generic(token)
            )
            if len(self._generic_cache) < MAX_CACHED:
                self._generic_cache[token] = known
        return known

    def _splits_into_generic(self, token: str) -> bool:
        ok = [True] + [False] * len(token)  # ok[i]: token[:i] splits into generic words
        for end in range(1, len(token) + 1):
            ok[end] = any(ok[start] and token[start:end] in self.generic for start in range(end))
        return ok[-1]

    def _content_words(
        self, a: Analysis, generic_factor: float = 0.0, unseen_factor: float = 1.0
    ) -> Words:
        """Content words as (sound-alike units, weight); generic words too if generic_factor.

        Adjacent single characters are joined first, so that a typo jieba cut into characters
        (幼|耳|园) still forms its bigrams. A word's weight is how telling it is: the mean IDF
        of its units over the entries (a word no entry knows gets the highest) times its
        part-of-speech weight (things count more than actions, times hardly at all)."""
        runs: list[tuple[str, float]] = []
        chars = ""
        char_weight = 0.0
        topic_weight = self.segmenter.topic_weight
        for tok, tc, generic in zip(a.tokens, a.token_codes, a.generic_mask, strict=True):
            if not generic and len(tc) == 1:
                chars += tc
                char_weight = max(char_weight, topic_weight(tok))
                continue
            if chars:
                runs.append((chars, char_weight))
                chars, char_weight = "", 0.0
            if not generic:
                runs.append((tc, topic_weight(tok)))
            elif generic_factor > 0 and not tok.isdigit():
                runs.append((tc, generic_factor))
        if chars:
            runs.append((chars, char_weight))
        words: Words = []
        cache = self._run_cache
        for run, pos_weight in runs:
            units, w, off, unknown = cache.get(run) or self._run(run)
            if off:
                w *= 2
            elif unknown:
                w *= unseen_factor  # a word no entry knows: a new way of saying, or off topic
            words.append((units, w * pos_weight))
        return words

    def _run(self, run: str) -> tuple[list[str], float, bool, bool]:
        """A run's units, their mean IDF, whether one is off topic, whether no entry knows any."""
        idf = self.unit_idf
        unseen = self.unit_idf_unseen
        units = _bigrams(run) if len(run) >= 2 else [run]
        known = (
            units,
            sum(idf.get(u, unseen) for u in units) / len(units),
            any(u in self._off_topic_units for u in units),
            all(u not in idf for u in units),
        )
        if len(self._run_cache) < MAX_CACHED:
            self._run_cache[run] = known
        return known

    def _token_weights(self, a: Analysis) -> dict[str, float]:
        weights: dict[str, float] = {}
        g = self.settings.generic_weight
        idf, unseen = self.tok_idf.get, self.tok_idf_unseen  # (looked up once: a build asks 80,000 times)
        for tc, generic in zip(a.token_codes, a.generic_mask, strict=True):
            w = idf(tc, unseen)
            if generic:
                w *= g
            weights[tc] = max(weights.get(tc, 0.0), w)
        return weights

    @staticmethod
    def unit_weights(words: Words) -> tuple[dict[str, float], float]:
        """Spread each word's weight over its units: coverage becomes set intersections."""
        per_unit: dict[str, float] = {}
        total = 0.0
        for units, w in words:
            total += w
            share = w / len(units)
            for u in units:
                per_unit[u] = per_unit.get(u, 0.0) + share
        return per_unit, total

    def obtained(self, a: Analysis) -> frozenset[str]:
        """Units of a thing residents bring that the question asks to be issued (办身份证)."""
        if self._obtain_re is None:
            return frozenset()
        out: set[str] = set()
        for m in self._obtain_re.finditer(a.normalized):
            c = codes(m.group(1))
            out.update(c)
            out.update(_bigrams(c))
        return frozenset(out)

    def coverage(
        self, per_unit: dict[str, float], total: float, ei: int, strict: frozenset[str] = frozenset()
    ) -> float:
        """Share of the question's (content) words that entry ``ei`` knows about (0..1): in
        its phrasings fully, in its answer or its family's phrasings with less credit.

        Units in ``strict`` (a document asked to be issued: 办身份证) count only when the entry
        is about them: a phrasing that does not ask what to bring names them. The entry that
        says "bring your 身份证" does not issue one."""
        if total <= 0:
            return 1.0
        in_q, in_a, in_f = self.entry_q_units[ei], self.entry_a_units[ei], self.entry_family[ei]
        s = self.settings
        covered = 0.0
        subject = self.entry_subject_units[ei] if strict else in_q
        for u, w in per_unit.items():
            if strict and u in strict:
                if u in subject:
                    covered += w
                continue
            if u in in_q:
                covered += w
            elif u in in_a:
                covered += s.answer_vocab_credit * w
            elif u in in_f:
                covered += s.family_vocab_credit * w
        return covered / total

    def _coverages(self, *weighted: tuple[dict[str, float], float]) -> list[np.ndarray]:
        """``coverage`` (without ``strict``) of every entry at once, for each (units' weights,
        total): the units' rows of the unit × entry credits, weighted and summed per entry."""
        n = len(self.entries)
        get = self._unit_row.get
        rows: dict[int, int] = {}  # row → position among the rows read
        found = [  # per text: (position of the unit's row, its weight)
            [(rows.setdefault(r, len(rows)), w)
             for r, w in zip(map(get, per_unit), per_unit.values(), strict=True) if r is not None]
            for per_unit, _ in weighted
        ]
        flat, lengths = _cells(self._unit_indptr, np.fromiter(rows, np.int64, len(rows)))
        entry, credit = self._unit_entry[flat], self._unit_credit[flat]
        weights = [[0.0] * len(rows) for _ in weighted]  # per text, each row's (0: not its unit)
        for w, known in zip(weights, found, strict=True):
            for at, weight in known:
                w[at] = weight
        cells = credit * np.array(weights).repeat(lengths, axis=1)  # (all texts at once)
        return [np.bincount(entry, weights=c, minlength=n) / total if total > 0 else np.ones(n)
                for c, (_, total) in zip(cells, weighted, strict=True)]

    def _reverses(self, pids: np.ndarray, q_units: set[str]) -> np.ndarray:
        """Share of each phrasing's content that the question mentions (0..1)."""
        rows = self._unit_row
        asked = np.zeros(len(rows), dtype=bool)
        asked[np.fromiter(map(rows.__getitem__, rows.keys() & q_units), np.int64)] = True
        flat, lengths = _cells(self._p_unit_indptr, pids)
        found = self._p_unit_weight[flat] * asked[self._p_unit_row[flat]]
        sums = np.bincount(np.arange(len(pids)).repeat(lengths), weights=found, minlength=len(pids))
        shares = sums / self._p_unit_total[pids]  # (numpy's where= and ones cost more than the rest)
        shares[self._p_unit_empty[pids]] = 1.0
        return shares

    # -- matching ---------------------------------------------------------------------------
    def _candidates(self, qcodes: str, k: int = 0) -> np.ndarray:
        """The phrasings sharing the most sound-alike bigrams with the question (at most ``k``)."""
        k = k or self.settings.candidates
        n = len(self.p_codes)
        if n <= k:
            return np.arange(n)
        grams = set(_bigrams(qcodes)) or {qcodes}
        postings = self.postings
        lists = [postings[g] for g in grams if g in postings]
        informative = [lst for lst in lists if len(lst) <= self._skip_df]
        if not informative:  # only very common bigrams: use the rarest few
            informative = sorted(lists, key=len)[:3]
        if not informative:
            return np.arange(0)
        pool = np.concatenate(informative)
        # Counting over every phrasing costs their number; sorting the postings found, about
        # 3 × theirs + 3,000 (measured): the cheaper (a large FAQ: 10,000 entries, 80,000 phrasings).
        if 3 * len(pool) + 3000 < n:
            found, counts = np.unique(pool, return_counts=True)
        else:
            counts = np.bincount(pool, minlength=n)
            found = counts.nonzero()[0]
            counts = counts[found]
        # Most shared bigrams first, ties broken by phrasing number, so the same question
        # always gets the same list: one integer key per phrasing.
        key = found - counts * n
        if len(found) > k:
            top = key.argpartition(k)[:k]
            found, key = found[top], key[top]
        return found[key.argsort()]

    # -- long messages ---------------------------------------------------------------------
    def clauses(self, text: str) -> list[str]:
        """A message cut at pauses, punctuation and clause words (然后, 听说 …); a message's
        ranking, focus, parts and honesty checks each ask."""
        return list(_recent(self._clauses, text, self._clauses_of))

    def _clauses_of(self, text: str) -> tuple[str, ...]:
        out: list[str] = []
        for part in _CLAUSE_SPLIT_RE.split(text):
            if not part:
                continue
            if self._break_re is None:
                out.append(part)
                continue
            start = 0
            for m in self._break_re.finditer(part):
                if m.start() > start:
                    out.append(part[start : m.start()])
                    start = m.start()
            out.append(part[start:])
        return tuple(c for c in out if c)

    def _asks(self, clause: str) -> bool:
        """Whether a clause is (part of) the question: a cue word, or a cue at its end."""
        return _recent(self._asked, clause, self._clause_asks)

    def _clause_asks(self, clause: str) -> bool:
        clause = _TOLD_RE.sub("", clause)
        cues = self._question_cues
        return (cues is not None and cues.search(clause) is not None) or clause.endswith(
            self._question_finals
        ) or bool(_A_NOT_A_RE.search(clause))

    def focus(self, text: str) -> list[str]:
        """The part of a long message that matters: the question clause(s) and the clauses
        naming one of the community's things (路灯, 住院费, 照料中心 …), without the story
        around them (前天晚上, 儿女在外头打工); and the question clause(s) alone when they
        name one themselves (… 社区服务中心在哪个位置). Empty when there is nothing to drop,
        or when what is kept names nothing of the community's (then the whole message
        decides: an unknown word in the story may be what it is about)."""
        if not (self._question_cues or self._question_finals):
            return []
        clauses = self.clauses(text)
        if len(clauses) < 2:
            return []
        keep: list[str] = []
        asked: list[str] = []
        told: list[str] = []  # clauses that name something but do not ask
        named = asked_named = False
        for clause in clauses:
            topical = bool(self.topics(self._rewritten(clause)))
            asks = self._asks(clause)
            if topical or asks:
                keep.append(clause)
                named = named or topical
            if asks:
                asked.append(clause)
                asked_named = asked_named or topical
            elif topical:
                told.append(clause)
        if self._unknown_asked(asked):
            return []
        question = " ".join(asked)
        if not named:
            return [question] if self._asks_on_its_own(text, asked, clauses) else []
        if self._asks_a_desks_list(question):
            return [question]  # the story's things are examples of what the desk takes
        out = [" ".join(keep)] if len(keep) < len(clauses) else []
        if asked and len(told) > 1:
            # Each situation with the question (路灯不亮 + 这种找哪个): a story may name two.
            out.extend(f"{clause} {question}" for clause in told[-MAX_TOLD:])
        if asked_named and len(asked) < len(keep):
            out.append(question)
        return out[: MAX_TOLD + 2]

    def _asks_on_its_own(self, text: str, asked: list[str], clauses: list[str]) -> bool:
        """Whether the question of a long message that names nothing of the community's says what it
        is about itself (社区一年有哪些节日活动), not by referring back to the story (这个该找哪个部门,
        这种情况能去不): then it is what the message asks, and the story's words dilute it."""
        if not asked or len(asked) == len(clauses) or len(self.analyze(text).plain) < LONG_MESSAGE_CHARS:
            return False
        question = " ".join(asked)
        # (a demonstrative: 一年里面 is no reference back)
        if _STORY_REF_RE.search(question) or any(
                question[start] in "这那它" for start, _, _ in self._references(question)):
            return False
        return self.analyze(question).has_content

    def _references(self, clause: str) -> list[tuple[int, int, str]]:
        """The words of a clause referring back (这个证, 那里), not a word's own side (学校那边)."""
        found = self._referring.matches(clause) if self._referring is not None else []
        return [f for f in found if not _LOCATIVE_RE.match(clause, max(f[0] - 1, 0), f[1])]

    def _asked_aspects(self, text: str) -> frozenset[str] | None:
        """What a message that tells before it asks wants to know (hours, documents …): the
        aspects of its question clauses, not of the story (材料交了 … 办到哪一步了 asks no
        documents). None for a message that is all question or all story, or whose question
        clause asks no aspect of its own (晚上七八点还让进不: the story's 下班了 tells it)."""
        clauses = self.clauses(text)
        asked = [c for c in clauses if self._asks(c)]
        if not asked or len(asked) == len(clauses):
            return None
        return self.analyze(" ".join(asked)).aspects or None

    def _unknown_asked(self, asked: list[str]) -> bool:
        """Whether the question clauses name a thing no entry knows (…附近哪个药店开门): then
        the question is about that, whatever community things the story mentions."""
        if not asked:
            return False
        a = self.analyze(" ".join(asked))
        idf, off = self.unit_idf, self._off_topic_units
        for tok, tc, generic in zip(a.tokens, a.token_codes, a.generic_mask, strict=True):
            if generic or self.segmenter.topic_weight(tok) < MIN_UNKNOWN_WEIGHT:
                continue
            units = _bigrams(tc) if len(tc) >= 2 else [tc]
            if any(u in off for u in units) or all(u not in idf for u in units):
                return True
        return False

    def rank(self, text: str) -> tuple[Analysis, list[Candidate]]:
        """All candidate entries of a question, best first.

        A long message is also scored on its focus (see ``focus``); each entry keeps the
        better of the two scores."""
        text = self.bounded(text)
        parts = self.focus(text)
        s = self.settings
        aspects = self._asked_aspects(text)
        # A message with parts is long: its parts find the candidates the whole would.
        a, ranked = self._rank(text, candidates=s.focus_candidates if parts else 0, aspects=aspects)
        if not parts or not ranked:
            return a, self._other_things(a, ranked, text)
        best = {c.entry: c for c in ranked}
        named = a.topics
        penalty = s.focus_topic_penalty
        for part in parts:
            pa, scored = self._rank(part, s.focus_unseen_factor, s.focus_candidates, aspects)
            missing = len(named - pa.topics) / len(named) if named and not self._asks_a_desks_list(part) else 0.0
            f = 1.0 - penalty * missing
            for c in scored:
                old = best.get(c.entry)
                if old is None or c.score * f > old.score:
                    best[c.entry] = c if f == 1.0 else c.scaled(f)
        out = sorted(best.values(), key=lambda c: (-c.score, c.entry))
        return a, self._other_things(a, out, text)

    def _other_things(self, a: Analysis, ranked: list[Candidate], text: str) -> list[Candidate]:
        """An entry about a place or service whose family is about none the message names (幼儿园
        for a question about 青少年宫 asking 外地户口的孩子能去不), or of a family of one desk when
        the message names only another (代办's progress for 上报了 … 怎么知道处理到哪一步了), loses
        ``topic_conflict_penalty``."""
        q_things = a.topics & self._thing_names
        if len(a.plain) >= LONG_MESSAGE_CHARS and q_things:
            # (a long message: the things its question is about, not its story's: 图书室 … 借不借给我, not 外地人)
            q_things = self._asked_things(text, a) & q_things or q_things
        q_desks = a.topics & self._desks
        if not ((q_things or q_desks) and a.has_content):
            return ranked
        other = self._conflicting(q_things) if q_things else frozenset()
        if q_desks:
            desks = self._family_desks
            other |= {c.entry for c in ranked if desks[c.entry] and not desks[c.entry] & q_desks}
        if not other:
            return ranked  # (best first already)
        f = 1.0 - self.settings.topic_conflict_penalty
        out = [c.scaled(f) if c.entry in other else c for c in ranked]
        return sorted(out, key=lambda c: (-c.score, c.entry))

    def _conflicting(self, q_things: frozenset[str]) -> frozenset[int]:
        """The entries whose family is about places or services, none of them ``q_things``."""
        return self._weighed("conflicting", q_things, lambda: frozenset(
            ei for ei, things in enumerate(self._family_things) if things and not things & q_things))

    def bounded(self, text: str) -> str:
        """The message, or when it is longer than ``MAX_QUESTION_CHARS`` (a story told before
        the question), its question clause(s) and the clauses nearest them that name one of the
        community's things, in their order: the question is never cut off, and the cost of a
        long message grows with its length only through finding its clauses."""
        if len(text) <= MAX_QUESTION_CHARS:
            return text
        clauses = self.clauses(text)
        keep: set[int] = set()
        room = MAX_QUESTION_CHARS

        def fits(i: int) -> bool:
            return len(clauses[i]) + (1 if keep else 0) <= room

        def take(i: int) -> bool:
            nonlocal room
            if not fits(i):
                return False
            room -= len(clauses[i]) + (1 if keep else 0)
            keep.add(i)
            return True

        asked = [i for i, clause in enumerate(clauses) if self._asks(clause)]
        for i in reversed(asked[-2:]):  # the last question(s), as ``parts`` reads them
            take(i)
        # Then what the story names, nearest before the last question first; then the
        # questions before.
        last = asked[-1] if asked else len(clauses) - 1
        for i in [*range(last, -1, -1), *range(last + 1, len(clauses))]:
            if room < 3:
                break
            # (a clause too long for the room left is not read: normalising it is the cost)
            if i not in keep and fits(i) and self.topics(self._rewritten(clauses[i])):
                take(i)
        for i in reversed(asked[:-2]):
            if room < 3:
                break
            take(i)
        if not keep:  # nothing asked, nothing named: the end of the message
            for i in range(len(clauses) - 1, -1, -1):
                if not take(i):
                    break
        if not keep:  # one clause longer than the room
            return clauses[-1][-MAX_QUESTION_CHARS:] if clauses else text[-MAX_QUESTION_CHARS:]
        return " ".join(clauses[i] for i in sorted(keep))

    def _rank(
        self, text: str, unseen_factor: float | None = None, candidates: int = 0,
        aspects: frozenset[str] | None = None,
    ) -> tuple[Analysis, list[Candidate]]:
        s = self.settings
        a = self.analyze(text)
        if aspects is not None:  # what the question clause asks, not the story (see ``rank``)
            a = replace(a, aspects=aspects)
        if not a.normalized:
            return a, []
        q_weights = self._token_weights(a)
        q_weight = sum(q_weights.values())
        w_sum = s.w_char + s.w_sound + s.w_words
        qn, qc = a.normalized, a.codes
        p_norm, p_codes = self.p_norm, self.p_codes
        cand = self._candidates(qc, candidates)
        if not len(cand):
            return a, []
        # All candidates at once: both similarities in one call each (the same numbers as
        # ``fuzz.ratio``), the shared words' weights through the token postings.
        pids = cand.tolist()
        chars = cdist([qn], list(map(p_norm.__getitem__, pids)), scorer=fuzz.ratio, dtype=np.float64)[0]
        sounds = cdist([qc], list(map(p_codes.__getitem__, pids)), scorer=fuzz.ratio, dtype=np.float64)[0]
        known = [(r, w) for r, w in zip(map(self._token_row.get, q_weights), q_weights.values(), strict=True)
                 if r is not None]
        flat, lengths = _cells(self._token_indptr, np.array([r for r, _ in known], dtype=np.int64))
        shared = np.bincount(self._token_pid[flat], minlength=len(p_norm), weights=self._token_weight[flat]
                             + np.array([w for _, w in known], dtype=np.float64).repeat(lengths))
        denom = q_weight + self._p_weight[cand]
        words = (100.0 * shared[cand] / denom if q_weight > 0  # (then no denominator is 0: the cheap way)
                 else np.divide(100.0 * shared[cand], denom, out=np.zeros(len(pids)), where=denom != 0))
        surfaces = (s.w_char * chars + s.w_sound * sounds + s.w_words * words) / w_sum
        # Each entry's best phrasing (of equal ones, the first candidate).
        owner = self._p_entry[cand]
        order = np.lexsort((-surfaces, owner))  # (stable)
        first = np.empty(len(order), dtype=bool)
        first[0] = True
        first[1:] = owner[order[1:]] != owner[order[:-1]]
        best = order[first]
        entries, surfaces = owner[best], surfaces[best]
        is_exact = np.zeros(len(entries), dtype=bool)
        for e in {self.exact.get(qn), self.exact_codes.get(qc)} - {None}:
            is_exact |= entries == e
        # A word no entry knows, in a question that names one of the community's things, is
        # probably a new way of saying something; in a question naming none, it is what the
        # question is about (银行, 小学): full weight.
        q_topics = a.topics
        unseen = (s.unseen_factor if unseen_factor is None else unseen_factor) if q_topics else 1.0
        content, content_total = self.unit_weights(self._content_words(a, unseen_factor=unseen))
        everything, everything_total = self.unit_weights(
            self._content_words(a, generic_factor=s.vocab_generic_weight, unseen_factor=unseen)
        )
        w_total = s.w_surface + s.w_vocab
        strict = self.obtained(a)
        if strict:  # (a document asked to be issued is rare: entry by entry, see ``coverage``)
            covs = np.array([self.coverage(content, content_total, ei, strict) for ei in entries.tolist()])
            vocabs = np.array([self.coverage(everything, everything_total, ei, strict) for ei in entries.tolist()])
        else:
            covs, vocabs = (c[entries] for c in self._coverages(
                (content, content_total), (everything, everything_total)))
        reverses = self._reverses(cand[best], _vocab_units(a.codes))
        gate = np.minimum(1.0, covs / s.gate_full) ** s.gate_power if s.gate_full > 0 else 1.0
        raw = (s.w_surface * surfaces + s.w_vocab * 100.0 * vocabs) / w_total
        scores = raw * gate * (1.0 - s.substitution_penalty * ((1.0 - covs) * (1.0 - reverses)))
        if a.has_content:  # (a question that names nothing (几点开门) is offered the places instead)
            scores *= self._topic_factors(entries, q_topics)
        scores[is_exact] = 100.0
        agrees = bases = None
        agreement = self._agreements(tuple(a.aspects))
        if agreement is not None:
            agrees = agreement[entries]
            # An entry asked about what the question asks gains, one never asked about it
            # loses; ``base`` keeps the score without it (see ``match``).
            adjusted = np.minimum(100.0, scores * (1.0 + s.aspect_penalty * (agrees - s.aspect_neutral)))
            bases = np.where(is_exact, -1.0, scores)
            scores = np.where(is_exact, scores, adjusted)
        order = np.lexsort((entries, -scores))
        fields = [c[order].tolist() for c in (entries, scores, surfaces, covs, vocabs, reverses, is_exact)]
        if agrees is not None:
            fields += [agrees[order].tolist(), bases[order].tolist()]
        return a, list(map(Candidate, *fields))

    def _topic_factors(self, entries: np.ndarray, q_topics: frozenset[str]) -> np.ndarray:
        """What naming none of an entry's topics costs it: the share of them the question does
        not name, times the topic penalty."""
        def make() -> np.ndarray:
            named = np.zeros(len(self.entries), dtype=np.int64)
            for t in q_topics:
                r = self._topic_row.get(t)
                if r is not None:
                    named[self._topic_entry[self._topic_indptr[r] : self._topic_indptr[r + 1]]] += 1
            own = self._topic_count
            missing = (own - named) / np.maximum(own, 1)  # (0 of 0 named: nothing missing)
            return 1.0 - self.settings.topic_penalty * missing
        return self._weighed("topic factors", q_topics, make)[entries]

    def chit_chat(self, a: Analysis) -> bool:
        """A remark to the assistant itself (你吃饭了没, 你几岁了) that names none of the
        community's own things: only an entry about the assistant (你是谁) may answer it.
        吃饭 or 几岁 alone do not make it a question about the day-care centre's meals or the
        kindergarten's age limit."""
        if not _ADDRESSED_RE.match(a.plain):
            return False
        return self._name_re is None or not self._name_re.search(a.normalized)

    def score_all(self, text: str) -> tuple[Analysis, list[tuple[float, int]]]:
        """(analysis, [(score, entry index)] best first)."""
        a, ranked = self.rank(text)
        return a, [(c.score, c.entry) for c in ranked]

    def label_aspects(self) -> None:
        """Entries labelled in faq/qa with what they answer (``aspect: fee``) have that aspect fully;
        what their phrasings ask besides counts half, so siblings (kindergarten.hours / .fee /
        .documents) are told apart by the label. Unlabelled entries keep the learnt profile."""
        known = {aspect for aspect, _ in self._aspect_cues}
        for ei, entry in enumerate(self.entries):
            labels = [x for x in entry.aspects if x in known]
            if labels:
                learnt = {x: 0.5 * v for x, v in self.entry_aspects[ei].items()}
                self.entry_aspects[ei] = learnt | dict.fromkeys(labels, 1.0)
        self._aspect_arrays()

    # -- semantic channel ------------------------------------------------------------------
    @property
    def phrasings(self) -> list[str]:
        """Every entry's phrasings in entry order: what ``use_vectors`` must embed."""
        return [q for e in self.entries for q in e.questions]

    def use_vectors(self, vectors: PhrasingVectors) -> None:
        """Attach the semantic channel (once, before the index is shared)."""
        if vectors.phrasings != tuple(self.phrasings):
            raise ValueError("the vectors are of other phrasings")
        self.vectors = vectors
        self._vector_entry = np.array(
            [ei for ei, e in enumerate(self.entries) for _ in e.questions], dtype=np.int64
        )

    def semantic_scores(self, text: str) -> dict[int, float] | None:
        """Each entry's semantic score 0..100 (its best phrasing against the whole message: one
        model call; its question clauses alone did worse); None while the channel is not ready.
        The model reads the message normalised (no fillers, dialect in plain words): fewer
        characters cost less (model p95 73 → 60 ms) and answer as well."""
        if self.vectors is None or self.vectors.matrix is None:
            return None
        read = self._model_text(self.bounded(text))
        sims = self.vectors.similarities([self.analyze(read).plain or read])
        if sims is None:
            return None
        best = np.full(len(self.entries), -1.0, dtype=np.float32)
        np.maximum.at(best, self._vector_entry, sims)
        s = self.settings
        scaled = np.clip((best - s.sem_low) / (s.sem_high - s.sem_low), 0.0, 1.0) * 100.0
        return {ei: float(v) for ei, v in enumerate(scaled) if v > 0.0}

    def _model_text(self, text: str) -> str:
        """What the model reads of a message: all of a short one; of a long voice message its last
        clauses up to ``MODEL_CHARS`` (the question comes last; 8 ms for 6 characters, 48 ms for
        64), never less than its last clause, cut at twice the limit."""
        if len(text) <= MODEL_CHARS:
            return text
        kept: list[str] = []
        size = 0
        for clause in reversed(self.clauses(text)):
            if kept and size + len(clause) > MODEL_CHARS:
                break
            kept.append(clause)
            size += len(clause) + 1
        return " ".join(reversed(kept))[-2 * MODEL_CHARS :]

    def skips_semantic(self, text: str, a: Analysis, ranked: list[Candidate], lexical: Match) -> bool:
        """Whether the lexical channel alone decides: a confident answer, a question far from
        everything, one that names a thing no entry knows (银行, 驾照), or one for a fact no
        entry gives."""
        s = self.settings
        if self.vectors is None or self.vectors.matrix is None or not ranked:
            return True
        if lexical.outcome == "answer" and (ranked[0].exact or lexical.score >= s.semantic_skip):
            return True
        confidence = max(c.confidence for c in ranked[:5])
        if confidence < s.semantic_floor or self.chit_chat(a) or not a.has_content:
            return True  # 几点开门, 今天星期几: the lexical channel offers the places
        clauses = self.clauses(text)  # the message as sent: normalising drops its pauses
        return self._unknown_asked([c for c in clauses if self._asks(c)] or clauses) or self._fact_nowhere(text, a)

    def _fact_nowhere(self, text: str, a: Analysis) -> bool:
        """A fact asked of a thing or person named that no entry gives (书记的电话): ``_honest``
        makes any answer, choice or don't-know of it "not registered", so the model cannot matter."""
        kinds, people = self.facts_asked(text)
        if not kinds or not (people or self.things(a.normalized)):
            return False
        asked = self._asked_things(text, a)
        giving = frozenset.intersection(*(self._giving[k] for k in kinds))
        return not any(self.gives_facts(ei, kinds, people, asked) for ei in giving)

    def match(self, text: str) -> Match:
        """The answer, a choice, or don't-know; a question in two parts gets both answers
        (or the one known and the other named as needing a person)."""
        sent, text = text, self.resolved(self.bounded(text))
        whole = self._match_one(text)
        parts = self.parts(text)
        if not parts:
            return whole
        # The parts are short questions of their own: lexical, so the model runs once a message.
        first, second = (self._match_one(part, semantic=False) for part in (parts.first, parts.second))
        if first.outcome == "answer" and second.outcome == "answer":
            if whole.outcome == "unregistered" and self._asks_of_people_unmentioned(text, first, second):
                return whole  # (兼职委员 … 叫啥名字, 是哪些单位的: both borrowed 大党委, not the people asked of)
            named = self.things(self._rewritten(text))
            if first.candidates[0] == second.candidates[0]:
                # … unless the whole message went to an entry about nothing in particular (what to
                # bring to the 代办 desk) and both parts to the one about the thing named
                if whole.outcome != "answer" or (self._about(whole, named) is None and self._about(first, named)):
                    return first
                return whole
            # A second part naming nothing that asks only how (办到哪一步了，咋个查嘛), or, with the story
            # going on after it, nothing its answer is asked about (会不会只是看着娃儿耍，我怕白花时间),
            # goes on with the first: one question, when the whole message is answered as the first part is.
            if (parts.lent and whole.outcome == "answer" and whole.candidates[0] == first.candidates[0]
                    and (self.analyze(parts.second).aspects == {"how"} or (
                        # (the message's last clause as sent: ``bounded`` may drop the story's end)
                        not parts.second.endswith((self.clauses(sent) or [sent])[-1])
                        and not self._asks_its_aspect(parts.second, second)))):
                return whole
            # Two parts both asking who may (我能不能报名志愿服务队，有没有啥要求) are one question:
            # the whole message's answer, when it is one of the two.
            if (whole.outcome == "answer" and whole.candidates[0] in first.candidates + second.candidates
                    and "who" in self.analyze(parts.first).aspects & self.analyze(parts.second).aspects):
                return whole
            # A part answered by an entry about something the message does not name (居住证 …
            # 要多久办好: the 代办 desk's time limits) is the other part's entry's to answer.
            about = [self._about(m, named) for m in (first, second)]
            if about.count(False) == 1:
                return replace(first if about[0] is not False else second, normalized=whole.normalized)
            # Neither part won by an entry about the thing named, the whole message by one (残疾证在哪里办，
            # 办下来要等好久: the 残疾人证 entry, not where the desk hands out and how long a report waits).
            if True not in about and whole.outcome == "answer" and self._about(whole, named):
                return whole
            # A part an entry of another family about nothing in particular won (残疾人证 … 好久办好:
            # where the 代办 desk hands things out) is the named thing's entry's when that one is
            # nearly as close to it, or the whole message's answer.
            if None in about and True in about and len({_family(m.candidates[0].id) for m in (first, second)}) == 2:
                own, other = (first, parts.second) if about[0] else (second, parts.first)
                scores = {c.entry: c.score for c in self.rank(other)[1]}
                kept = scores.get(self.entry_index[own.candidates[0].id], 0.0)
                if kept >= NAMED_PART_SHARE * max(scores.values(), default=0.0) or (
                        whole.outcome == "answer" and whole.candidates[0] == own.candidates[0]):
                    return replace(own, normalized=whole.normalized)
            first, second = (self._sibling_naming(m, part, self.things(self._rewritten(self.clauses(other)[-1])))
                             for m, part, other in ((first, parts.first, parts.second),
                                                    (second, parts.second, parts.first)))
            return Match("answer", first.candidates + second.candidates,
                         min(first.score, second.score), whole.normalized)
        known = [(m, other) for m, other in ((first, parts.second), (second, parts.first))
                 if m.outcome == "answer"]
        if len(known) == 1 and whole.outcome != "answer":
            m, other = known[0]
            # 服务中心有没有停车场，车停哪里: a second part naming nothing of its own asks on about
            # what the first asked, which we lack; the place's address is no answer to it (unless the
            # fact the whole message lacks is the one the second part asks, and it was found: 要多久).
            lent = m is second and parts.lent
            kinds = self.facts_asked(text)[0] if lent and whole.outcome == "unregistered" else None
            if kinds is not None and not (kinds and kinds <= self.facts_asked(parts.second)[0]):
                return whole
            # …议题是啥子 (not registered), 已经定下来没有: one asking no aspect of its own
            # goes on with the first.
            if lent and first.outcome == "unregistered" and not self.analyze(parts.second).aspects:
                return replace(first, normalized=whole.normalized)
            return replace(m, normalized=whole.normalized, unanswered=other)
        return whole

    def _asks_of_people_unmentioned(self, text: str, *found: Match) -> bool:
        """Whether a message asks a fact of people (委员, 网格员) that no entry its parts found mentions."""
        kinds, people = self.facts_asked(text)
        return bool(kinds and people) and not any(
            people & self.entry_people[self.entry_index[e.id]] for m in found for e in m.candidates)

    def _asks_its_aspect(self, part: str, m: Match) -> bool:
        """Whether a part asks something (beyond how) that its answer's entry is asked about: 要不要钱
        of the fee's entry is a question of its own; 是搞些啥子主题的 asks none."""
        asked = self.analyze(part).aspects - {"how"}
        profile = self.entry_aspects[self.entry_index[m.candidates[0].id]]
        return any(profile.get(x, 0.0) >= 0.5 for x in asked)

    def _sibling_naming(self, m: Match, part: str, other: frozenset[str]) -> Match:
        """A part's answer, or its sibling whose text names the thing the other part's question asks
        about, when that one is nearly as close to the part (居住证要啥材料 … 孩子能上幼儿园不: the
        kindergarten's entry for children living here on a 居住证, not its age limit); not a sibling
        listing that thing among what to bring, unless the part asks what to bring."""
        own = self.entry_index[m.candidates[0].id]
        other = other - self.things(self._rewritten(part)) - self.entry_names[own]
        if not other:
            return m
        a, ranked = self.rank(part)
        top = next((c.score for c in ranked if c.entry == own), 0.0)
        family = _family(self.entries[own].id)
        for c in ranked:
            if c.score < NAMED_PART_SHARE * top:
                break
            if (c.entry != own and other & self.entry_names[c.entry] and _family(self.entries[c.entry].id) == family
                    and ("documents" in a.aspects or self.entry_aspects[c.entry].get("documents", 0.0) < 0.5)):
                return replace(m, candidates=(self.entries[c.entry],))
        return m

    def _about(self, m: Match, named: frozenset[str]) -> bool | None:
        """Whether a part's answer is about a thing the message names (党代表 in 党代表工作室), about
        another, or (None) about no thing in particular (the 代办 desk's time limits)."""
        own = self.entry_about[self.entry_index[m.candidates[0].id]] & self._thing_names - self._desks
        return any(o in n or n in o for o in own for n in named) if own else None

    def resolved(self, text: str) -> str:
        """A long message whose question refers back (我妈在照料中心 … 想问一下那里几点开门)
        with the thing it refers to written in: a question clause naming none of the
        community's things gets the thing named nearest before it instead of its
        ``referring_words:`` word (那里, 那个班), or, asking nothing but an aspect (几点开门), the
        thing the clause just before it names (not the story's 儿女在外头打工 … 我能去不).
        The message itself when nothing refers back."""
        asked = self.clauses(text)
        if len(asked) < 2:
            return text
        clauses = list(asked)
        names: list[str] = []  # the things the clauses so far named, the last one last
        named = ""  # the thing the clauses so far named last
        just_named = False  # … in the clause just before
        for i, clause in enumerate(clauses):
            if _DESCRIBES_RE.match(clause):
                continue  # (what the thing just named is: 就是晚上在广场上扭的那个)
            norm = self._rewritten(clause)
            things = self.things(norm)
            if things:
                names += sorted(things, key=norm.rfind)
                # the service named, not the desk that does it (居住证 … 社区能代办吧 … 要带啥)
                named, just_named = next((n for n in reversed(names) if n not in self._desks), names[-1]), True
                continue
            before, just_named = just_named, False
            if not named or not self._asks(clause) or self._asks_a_desks_list(clause):
                continue
            found = self._references(clause)
            if found:
                start, end, _ = found[0]
                # 这个证 is the certificate named last, not the 打工 told after it
                word = clause[start:end]
                kind = word.removeprefix("那个").removeprefix("这个")
                ref = next((n for n in reversed(names) if n.endswith(kind)), named) if kind != word else named
                clauses[i] = clause[:start] + ref + clause[end:]
            elif before and not self.analyze(clause).has_content and not (
                    self._asks(clauses[i - 1]) and self._what_to_do(clause)):
                clauses[i] = named + clause
        return " ".join(clauses) if clauses != asked else text

    def _what_to_do(self, clause: str) -> bool:
        """不晓得咋个办, 现在咋个办: what to do, naming nothing; right after a question it asks that one again."""
        a = self.analyze(clause)
        return not a.has_content and a.aspects == {"how"}

    def parts(self, text: str) -> Parts | None:
        """The two questions of a message that asks two (太极和秧歌各是星期几; 在哪里报名，
        要不要钱); a part that names nothing borrows what the other names."""
        plain = self.normalize(text)
        each = _EACH_RE.match(plain)
        if each and self.topics(self._rewrite(each.group(1))) and self.topics(self._rewrite(each.group(2))):
            rest = each.group(3)
            return Parts(f"{each.group(1)}{rest}", f"{each.group(2)}{rest}")
        each = _EACH_ASKED_RE.search(plain)
        if each and len(two := self.things(self._rewrite(plain[: each.start()]))) == 2:
            first, second = sorted(two, key=self._rewrite(plain).find)
            return Parts(f"{first}{each.group(1)}", f"{second}{each.group(1)}")
        clauses = self.clauses(text)
        asked = [i for i, c in enumerate(clauses) if self._asks(c)]
        asked = [i for i in asked if not (i - 1 in asked and self._what_to_do(clauses[i]))]
        if len(asked) < 2:
            return None
        # The last two questions asked, each with the clauses it follows; one naming nothing
        # of the community's borrows the names of the clause nearest before it that names one
        # (太极拳 … 要不要钱), not of the story further back (娃儿在成都打工 … 那个地方能不能去).
        # A desk (代办) is borrowed only when no service is named: 残疾人证 … 社区能代办不 … 要带啥.
        i, j = asked[-2], asked[-1]
        before = clauses[i::-1]
        named = next(filter(None, map(self._subjects, before)), frozenset()) or next(
            filter(None, (self.names(self._rewritten(c)) & self._desks for c in before)), frozenset())
        if not named:
            return None
        borrowed = "".join(sorted(named))
        first, second = " ".join(clauses[: i + 1]), " ".join(clauses[i + 1 : j + 1])
        if not self._subjects(clauses[i]):
            first = borrowed + clauses[i]  # 这种情况能不能去: the question, about what was named
        if lent := not self._subjects(second):
            second = borrowed + second  # 要等好久, 在哪里看进度: asked of the thing named
        return Parts(first, second, lent)

    def _subjects(self, clause: str) -> frozenset[str]:
        """The names a clause says what it is about with: not a desk (代办) nor a way of asking (等多久, 进度),
        but a desk asked which things it takes (上报能报哪些, 能代办哪几样) is what the clause is about."""
        rewritten = self._rewritten(clause)
        names = self.names(rewritten) - self._desks - self._asking_names
        return names | (self.topics(rewritten) & self._desks) if self._asks_a_desks_list(clause) else names

    def _asks_a_desks_list(self, clause: str) -> bool:
        """上报能报哪几类, 代办能办哪些: which things a desk takes, its own list (not a deed at a place,
        not the story's 路灯 or a thing referred back to)."""
        return bool(_WHICH_RE.search(clause) and self.topics(self._rewritten(clause)) & self._desks)

    def _match_one(self, text: str, semantic: bool = True) -> Match:
        a, ranked = self.rank(text)
        general = self._general(a, ranked)
        ranked = self._named_first(ranked, general)
        m = self._decide(a, ranked) if not semantic else self._fused(text, a, ranked, general)
        return self._honest(text, a, self._named_chosen(m, general))

    def _named_chosen(self, m: Match, general: frozenset[int]) -> Match:
        """A choice between general entries and the one entry about the thing named is that one
        (残疾证要准备啥子材料: the 残疾人证 entry, not also the desk's general list)."""
        if m.outcome != "clarify" or not general:
            return m
        named = [e for e in m.candidates if self.entry_index[e.id] not in general]
        return replace(m, outcome="answer", candidates=tuple(named)) if len(named) == 1 else m

    def _general(self, a: Analysis, ranked: list[Candidate]) -> frozenset[int]:
        """Entries about no thing in particular (what to bring to the 代办 desk in general) that
        give way to a close one about the thing the question names (低保要准备哪些东西: the 低保
        application) …"""
        q_topics = a.topics
        topics = self.entry_topics
        # … not when it names nothing but a desk or asks the desk's list (你们能代办哪些事: that answers)
        named = [c for c in ranked[:3] if topics[c.entry] & q_topics] if (
            q_topics - self._desks and a.aspects and not self._asks_a_desks_list(a.plain)) else []
        if not named:
            return frozenset()
        # … when that one answers the aspect asked as well (一期多久 is no question of 太极拳's 名额)
        agree = max(c.aspect for c in named)
        # … and is not of a family about the thing named (社区中午关门不 is the service centre's)
        named_entries = self._about_named(q_topics)
        return frozenset(c.entry for c in ranked
                         if not (c.entry in named_entries or c.exact or c.aspect > agree + 0.25))

    def _about_named(self, q_topics: frozenset[str]) -> frozenset[int]:
        """The entries about a thing beyond a desk, or of a family about one of ``q_topics``: not
        general ones (see ``_general``)."""
        family = self.family_things
        return self._weighed("about named", q_topics, lambda: frozenset(
            ei for ei, topics in enumerate(self.entry_topics) if topics - self._desks or family[ei] & q_topics))

    def _named_first(self, ranked: list[Candidate], general: frozenset[int]) -> list[Candidate]:
        """The general entries lose the topic penalty a named entry would for naming the wrong thing."""
        if not general:
            return ranked
        f = 1.0 - self.settings.topic_penalty
        out = [c.scaled(f) if c.entry in general else c for c in ranked]
        return sorted(out, key=lambda c: (-c.score, c.entry))

    def _fused(self, text: str, a: Analysis, ranked: list[Candidate],
               general: frozenset[int] = frozenset()) -> Match:
        """The lexical decision, or when it is not sure, the lexical and semantic scores fused."""
        lexical = self._decide(a, ranked)
        if self.skips_semantic(text, a, ranked, lexical):
            return lexical
        semantic = self.semantic_scores(text)
        if semantic is None:
            return lexical
        s = self.settings
        lex = {c.entry: c for c in ranked}
        # Whether the message is known at all is the fused confidence (aspect aside); which of
        # an entry's siblings answers is then the fused score times the aspect agreement.
        known = {ei: (1.0 - s.w_semantic) * (lex[ei].confidence if ei in lex else 0.0)
                 + s.w_semantic * semantic.get(ei, 0.0)
                 for ei in lex.keys() | semantic.keys()}
        # The model reads a long message's last clauses: a general entry (what to bring in
        # general) gives way to the named one there too (… 养老保险 … 认证要带什么证件).
        f = 1.0 - s.topic_penalty
        fused = sorted(((score * self._aspect_factor(lex.get(ei)) * (f if ei in general else 1.0), ei)
                        for ei, score in known.items()), key=lambda t: (-t[0], t[1]))
        confident = max(known.values())
        top, best = fused[0]
        second = fused[1][0] if len(fused) > 1 else 0.0
        shown = round(confident, 1)
        if confident < s.fused_threshold:
            # The model helps choose and rescue, it does not veto: a lexical answer or choice stays.
            return lexical if lexical.outcome != "unknown" else Match("unknown", (), shown, a.plain)
        if lexical.outcome == "unknown" and not self._agrees(a, ranked, best):
            return lexical  # the model's pick is not what the message talks about (小学 ≠ 幼儿园)
        if top - second >= s.fused_margin:
            return Match("answer", (self.entries[best],), shown, a.plain)
        close = [ei for score, ei in fused[:3] if top - score <= s.clarify_window]
        return Match("clarify", tuple(self.entries[ei] for ei in close), shown, a.plain)

    def _aspect_factor(self, c: Candidate | None) -> float:
        """What the aspect (hours, fee …) does to a lexical score, for the fused one."""
        if c is None or c.base < 0:
            return 1.0
        return 1.0 + self.settings.aspect_penalty * (c.aspect - self.settings.aspect_neutral)

    def _agrees(self, a: Analysis, ranked: list[Candidate], ei: int) -> bool:
        """Lexical topic agreement, needed before the model may answer what the lexical channel
        did not know: the message names what the entry is about, if the entry is about one of the
        community's things (小学几点放学 names no 幼儿园), and its best phrasing's content is partly
        in the message (结婚证怎么办 shares none of 生育登记's, only a word of its answer)."""
        own = self.entry_topics[ei]
        if own and not own & a.topics:
            return False
        c = next((c for c in ranked if c.entry == ei), None)
        # … and it answers what is asked (图书室借几本、要多久还: not the borrowing rules)
        if c is None:
            profile = self.entry_aspects[ei]
            return not (a.aspects and profile) or any(profile.get(x, 0.0) > 0.0 for x in a.aspects)
        if c.base >= 0 and c.aspect <= 0.0:
            return False
        return c.reverse >= self.settings.agree_reverse

    # -- honesty ------------------------------------------------------------------------------
    def facts_asked(self, text: str) -> tuple[frozenset[str], frozenset[str]]:
        """The specific facts a question wants (money, phone, hours, name; ``facts_asked:``),
        and the people it asks them of (网格员, 书记)."""
        asked = self._question_part(text)
        folded = self.normalize.fold(asked)
        kinds = {kind for kind, cues in self._fact_cues if cues.search(folded)}
        read = self.normalize(asked)  # a person misheard (网格源 = 网格员) is still asked of
        people = frozenset(p for p in self._person_words if p in folded or p in read)
        if "name" in kinds and (_ADDRESSED_RE.match(folded) or not (people or _DOER_RE.search(folded))):
            kinds.discard("name")  # 你叫什么 / 这个活动叫什么: not a person's name
        if "weekly" in kinds:
            kinds.discard("count")  # 一周上几次: the days of a weekly schedule, not a number
        if "validity" in kinds:
            kinds.discard("duration")  # 能用多久: how long a paper is valid
        return frozenset(kinds), people

    def _question_part(self, text: str) -> str:
        """The clauses of a message that ask (all of it when none seems to)."""
        clauses = self.clauses(text)
        return " ".join([c for c in clauses if self._asks(c)] or clauses)

    def _asked_things(self, text: str, a: Analysis) -> frozenset[str]:
        """The things a question clause names, not the story's (我在深圳打工 asks nothing of 流动人口);
        for one naming none, those of the clause nearest before it that names one (听说社区有太极拳班 …
        一个班能收好多人), not all the story's (查出高血压); failing those, all the message names."""
        clauses = self.clauses(text)
        asked = [i for i, c in enumerate(clauses) if self._asks(c)]
        found = self.things(self.analyze(" ".join(clauses[i] for i in asked) or text).normalized)
        if not found and asked:
            found = next(filter(None, (self.things(self._rewritten(c)) for c in reversed(clauses[: asked[0]])
                                       if not _DESCRIBES_RE.match(c))), found)
        return found or self.things(a.normalized)

    def gives_facts(self, ei: int, kinds: frozenset[str], people: frozenset[str], asked: frozenset[str]) -> bool:
        """Whether entry ``ei`` answers a question for these facts: it is about the things
        ``asked`` of, one of them at least (广场上有人教太极拳 … 一期学多久: the class's term, not the square's)
        (not the 服务中心's hours for the 超市, not the meals for 低保) and the
        people it asks of, and its answer gives the facts or says they are not registered."""
        if not kinds <= self._entry_facts[ei]:
            return False
        about = self._about_things[ei]  # what many of its phrasings name
        if (asked and not asked & self.entry_names[ei]) or (
                asked and about and not any(o in n or n in o for o in about for n in asked)):  # 党代表(工作室)
            return False
        return not people - self.entry_people[ei]

    def things(self, norm: str) -> frozenset[str]:
        """The names in a text that single out one place or service: not those that say what
        is asked (几点开门, 去哪里) nor those many entries mention (工作日, 我母亲)."""
        return frozenset(n for n in self.names(norm) if n in self._thing_names)

    def _asked_of_a_place(self, clause: str) -> tuple[frozenset[str], list[tuple[str, str]], list[str]]:
        """照料中心能洗澡吗, 幼儿园有没有校车接送: the places a question names and what it asks
        of them: the content words after the last of them as (word, sound code), and the deeds
        asked whether they may be done there (晚上能不能住: 住), the sound codes of the telling
        words after a ``deed_cues:`` word that are no aspect (准备, 包括)."""
        things = self.things(self._rewritten(clause))
        if not (self._asks(clause) and things):
            return frozenset(), [], []
        a = self.analyze(clause)
        norm = a.normalized
        cue_end = max((norm.rfind(c) + len(c) for c in self._deed_cues if c in norm), default=-1)
        # 招不招厨师, 收不收瘫痪老人: a verb and its negation asks whether that is done there too
        # (not 是不是, 会不会, 归不归, 要不要, 在不在, 好不好, 远不远: they ask whether it is so)
        split = max((m.end() for m in _A_NOT_A_RE.finditer(norm) if m.group(1) not in _NOT_DEEDS), default=-1)
        straddles = split > cue_end  # (then a verb its negation splits is the deed: 负不负责)
        cue_end = max(cue_end, split)
        words: list[tuple[str, str]] = []
        deeds: list[str] = []
        asked = 0  # how many of the last words were said after the cue
        place = False
        pos = 0
        for tok, code, generic in zip(a.tokens, a.token_codes, a.generic_mask, strict=True):
            pos += len(tok)
            if tok in things:
                # a thing the cue asks to bring there is asked of it too (能不能把狗带到照料中心去)
                brought = [(t, c) for t, c in words[len(words) - asked :] if self._deed_word(t, 1.0)]
                place, words, deeds, asked = True, brought, [c for _, c in brought], 0
            elif not generic:
                bare = _DIRECTION_RE.sub("", tok)
                if not bare:
                    continue
                if bare != tok:
                    tok, code = bare, codes(bare)
                words.append((tok, code))
                # (负不负责: 责 completes the verb; 借不借给我: 给 leads on to the person)
                after = 0 <= cue_end < pos and (
                    cue_end <= pos - len(tok) or (straddles and tok[-1] not in FUNCTION_CHARS))
                asked = asked + 1 if after else 0
                # (能报吗, 能办不: what a desk does with the thing, asked of its entry, not of the place)
                if after and self._deed_word(tok, MIN_DEED_WEIGHT):
                    deeds.append(code)
        return (things, words, deeds) if place else (things, [], [])

    def _deed_word(self, tok: str, weight: float) -> bool:
        """Whether a word telling at least ``weight`` is something done or brought at a place, not an
        aspect asked (几点) or a desk's own word (代办)."""
        return (self.segmenter.topic_weight(tok) >= weight and not self._aspects(tok)
                and not any(tok in d for d in self._desks))

    def _unknown(self, code: str) -> bool:
        """A word no entry knows."""
        return all(u not in self.unit_idf for u in (_bigrams(code) if len(code) >= 2 else [code]))

    def _beyond_the_place(self, clause: str, found: Sequence[Entry]) -> bool:
        """Whether a question asks of a place something no entry mentions: a word no entry knows
        (its last word, or a thing: 校车), or whether a deed may be done there that neither the
        entries found nor those about the place mention (照料中心晚上能不能住: neither the
        opening hours nor the admission rules say so)."""
        if self._asks_a_desks_list(clause):
            return False
        things, words, deeds = self._asked_of_a_place(clause)
        if not words:
            return False
        last, last_code = words[-1]
        if (self._unknown(last_code) and not self._aspects(last)) or any(  # (在哪个方向: what is asked)
                self._unknown(code) for tok, code in words[:-1] if self.segmenter.topic_weight(tok) >= 1.0):
            return True
        if not deeds:
            return False
        about = self._about_the_place(things, found)
        return not all(any(self._mentions(ei, code) for ei in about) for code in deeds)

    def _prices_an_unmentioned_deed(self, text: str, found: Sequence[Entry]) -> bool:
        """Whether a question asks the price of a deed done once (在照料中心住一晚上要好多钱, 洗一回澡收好多钱)
        that neither the entries found nor the place's mention: the meals' price is no price of a night's stay."""
        tokens = self.analyze(self._question_part(text)).tokens
        deeds = set()
        for k, verb in enumerate(tokens):
            rest = tokens[k + 1 : k + 4]  # (住 一 晚上 要, 洗 一回 澡)
            if len(verb) != 1 or not rest or not rest[0].startswith("一"):
                continue
            if len(rest[0]) > 1:
                counted, after = rest[0][1:], rest[1:]
            else:
                counted, after = (rest[1] if len(rest) > 1 else ""), rest[2:]
            if counted in _ONCE:
                deeds.add((verb, verb + (after[0][:1] if after else "")))
        if not deeds:
            return False
        # (the place's own entries too: 上一次课, 跳一回 are what its class is for; the place asked of,
        # not the story's: 我住文笔村 … 在照料中心住一晚上)
        about = self._about_the_place(self._asked_things(text, self.analyze(text)), found)
        return any(not any(self._mentions(ei, codes(word)) for ei in about for word in deed) for deed in deeds)

    def _about_the_place(self, things: frozenset[str], found: Sequence[Entry]) -> set[int]:
        """The entries found, unless about another place (the service centre's lunch hour for the youth
        centre's lunch), and those about the places named: what may mention a deed done there."""
        about, family = self._about_things, self.family_things
        return {ei for ei in map(self.entry_index.__getitem__, (e.id for e in found))
                if not (about[ei] or family[ei]) or (about[ei] | family[ei]) & things} | {
            ei for ei, topics in enumerate(self.entry_topics) if things & topics}

    def _mentions(self, ei: int, code: str) -> bool:
        """Whether entry ``ei`` mentions a word: a longer one anywhere in its text, a single
        character (住, 玩) as a word of its phrasings (the answer's 住在本社区 asks no 住)."""
        if len(code) == 1:
            return code in self.entry_q_words[ei]
        units = self.entry_q_units[ei] | self.entry_a_units[ei]
        return all(u in units for u in _bigrams(code))

    def _answers_who_or_when(self, a: Analysis, m: Match) -> bool:
        """Whether the answer found is to who to turn to or when, as the question asks (找哪个,
        什么时候): then its last word is the situation told, not something to do at the place."""
        asked = a.aspects & _ASKS_WHO_OR_WHEN
        return m.outcome == "answer" and bool(asked) and all(
            any(self.entry_aspects[self.entry_index[e.id]].get(x, 0.0) >= 0.5 for x in asked)
            for e in m.candidates)

    def _honest(self, text: str, a: Analysis, m: Match) -> Match:
        """A question for a fact no entry gives (低保 amount, a person's phone, the 超市's
        hours) is "not registered", never a neighbouring entry's answer; so is something to do
        at a place that no entry mentions (照料中心能洗澡吗: not the admission rules)."""
        kinds, people = self.facts_asked(text)
        if (not kinds and not self._answers_who_or_when(a, m)
                and any(self._beyond_the_place(clause, m.candidates) for clause in self.clauses(text))):
            return Match("unregistered", (), m.score, m.normalized)
        if not kinds:
            return m
        if m.outcome == "unknown":
            # A fact asked of the community's people or things (书记的名字) is one we lack.
            named = people or self.things(a.normalized)
            return replace(m, outcome="unregistered") if named else m
        asked = self._asked_things(text, a)
        kept = tuple(e for e in m.candidates
                     if self.gives_facts(self.entry_index[e.id], kinds, people, asked))
        if not kept or ("money" in kinds and self._prices_an_unmentioned_deed(text, kept)):
            return Match("unregistered", (), m.score, m.normalized)
        if len(kept) == len(m.candidates):
            return m
        return replace(m, outcome="answer" if len(kept) == 1 else "clarify", candidates=kept)

    def _decide(self, a: Analysis, ranked: list[Candidate]) -> Match:
        """The lexical channel's answer, choice or don't-know."""
        s = self.settings
        if not ranked:
            return Match("unknown", (), 0.0, a.plain)
        top = ranked[0].score
        second = ranked[1].score if len(ranked) > 1 else 0.0
        # The aspect decides between entries, not whether the question is one we know.
        confidence = max(c.confidence for c in ranked[:5])
        shown = round(min(top, confidence), 1)
        threshold = s.answer_threshold if a.has_content else s.content_free_threshold
        if a.has_content and len(a.plain) >= LONG_MESSAGE_CHARS:
            threshold = s.long_answer_threshold
        if confidence < threshold:
            return Match("unknown", (), shown, a.plain)
        best = ranked[0]
        if self.chit_chat(a) and not self.entry_addressed[best.entry]:
            return Match("unknown", (), shown, a.plain)
        if best.exact:
            return Match("answer", (self.entries[best.entry],), shown, a.plain)
        if a.has_content:
            if top - second >= s.answer_margin:
                return Match("answer", (self.entries[best.entry],), shown, a.plain)
            close = [c for c in ranked[:3] if top - c.score <= s.clarify_window]
            return Match("clarify", tuple(self.entries[c.entry] for c in close), shown, a.plain)
        # Nothing but generic words (几点开门, 你能做什么). Answer only an entry whose own
        # phrasing names nothing more (你是谁 → the assistant) and that clearly leads;
        # otherwise the place is missing, so offer the likely ones.
        close = [c for c in ranked[:3] if c.score >= threshold]
        if len(close) == 1 or top - second >= s.content_free_lead or (
                best.reverse >= 0.99 and top - second >= s.content_free_margin):
            return Match("answer", (self.entries[best.entry],), shown, a.plain)
        return Match("clarify", tuple(self.entries[c.entry] for c in close), shown, a.plain)
