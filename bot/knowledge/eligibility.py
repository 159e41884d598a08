"""Eligibility rule engine ("能不能上幼儿园", "我妈能去照料中心不", "我能领高龄津贴吗").

Pure: no web, no database, no clock (``today`` is passed in). The rules are data
(``faq/eligibility.yaml``): for each rule the facts it needs (with the question to ask), and
an ordered list of verdicts with conditions. ``next_step`` returns the first verdict whose
conditions all hold, provided every verdict above it is known not to hold; otherwise it asks
for one missing fact (the earliest declared one that a still-possible verdict needs). So a
resident who already said "娃儿两岁半" is never asked the age again, and one who is too young
is not asked where they live.

The 户口 rules of the community are written into the data: community services (幼儿园,
照料中心, 青少年活动, 志愿服务) never ask for 户口; subsidies (高龄津贴, 低保) are decided
where the 户口 is, and the verdict says the community files the application (代办).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .chinese import (
    AGE_LOOSE_RE,
    AGE_RE,
    BARE_YEAR_RE,
    DOTTED_RE,
    NUMBER_RE,
    YEAR_RE,
    YM_RE,
    looks_like_question,
    safe_date,
    subtract_months,
    years_between,
)
from .normalize import Normalizer, convert_numerals

__all__ = ["FACT_KINDS", "Case", "Choice", "Condition", "Fact", "Question", "Rule", "Rules", "Verdict", "birth_range",
           "old_enough_from", "render"]

FACT_KINDS = ("age", "birthdate", "yesno", "choice")
_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
_FOLD = Normalizer()  # width/case folding only, for replies
_CLAUSE = re.compile(r"[\s,，。.!！、;；~～…]+")
_PARTICLES = "啊吧呀嘛噻哦哈了的嗯"
_NEGATIONS = ("不", "没", "没有", "未", "莫")
_ADVERBS = re.compile("就|都|也|还|一直|本来|现在|目前")
_FILLER = _PARTICLES + "吗呢不没也都还再让给帮把能"  # around a can-word: 能不能让我妈去, 可以吗


@dataclass(frozen=True)
class Question:
    """What to ask next. ``prompt`` is ready to send (numbered choices included);
    ``choices`` lists the options in order, so "1" means ``choices[0]``."""

    fact: str
    prompt: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    eligible: bool | None  # None: decided by someone else (户口所在地, 入户调查)
    text: str  # verdict + reason + documents + next step, ≤ 300 characters


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Fact:
    name: str
    kind: str
    prompt: str
    choices: tuple[Choice, ...] = ()
    mentions: Mapping[Any, tuple[str, ...]] = field(default_factory=dict)  # value → phrases
    age_on: tuple[int, int] | None = None  # (month, day) the age is counted on


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str
    value: Any


@dataclass(frozen=True)
class Case:
    conditions: tuple[Condition, ...]
    eligible: bool | None
    verdict: str
    reason: str
    documents: tuple[str, ...]
    next: str


@dataclass(frozen=True)
class Rule:
    """One rule of faq/eligibility.yaml: the facts it asks for and its verdicts in order."""

    id: str
    title: str
    topics: tuple[str, ...]
    facts: tuple[Fact, ...]
    cases: tuple[Case, ...]
    window: tuple[tuple[int, int], tuple[int, int]] | None
    window_open: str
    window_closed: str
    summary: str = ""  # the rule in one sentence, said before the questions

    def fact(self, name: str) -> Fact:
        for f in self.facts:
            if f.name == name:
                return f
        raise KeyError(f"rule '{self.id}' has no fact '{name}'")


# -- dates and numbers --------------------------------------------------------------------------


def _reference_date(fact: Fact, today: date) -> date:
    """The day an age is counted on: for 08-31, this calendar year's 8月31日 — ahead of the
    autumn enrolment until then, and afterwards the start of the school year now running
    (a child asked about in November joins this year's classes, not next year's)."""
    if fact.age_on is None:
        return today
    month, day = fact.age_on
    return safe_date(today.year, month, day)


def _prepare(text: str) -> str:
    """Digits for Chinese numerals, punctuation kept for dates (2022.5)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text or "").lower().strip()
    return convert_numerals(text)


def _full_year(y: str) -> int:
    year = int(y)
    return year + 2000 if year < 100 else year


# -- the rules ----------------------------------------------------------------------------------


class Rules:
    """The loaded rule set (immutable)."""

    def __init__(
        self,
        rules: list[Rule],
        cues: tuple[str, ...],
        not_if: tuple[str, ...],
        yes_words: tuple[str, ...],
        no_words: tuple[str, ...],
        normalize: Normalizer = _FOLD,
        joins: tuple[str, ...] = (),
        skipped: tuple[str, ...] = (),
    ) -> None:
        self._normalize = normalize
        self._rules = {r.id: r for r in rules}
        self.ids: tuple[str, ...] = tuple(r.id for r in rules)
        self.titles: Mapping[str, str] = {r.id: r.title for r in rules}
        self.summaries: Mapping[str, str] = {r.id: r.summary for r in rules}
        self._cues = cues
        self._not_if = not_if
        self._yes = tuple(sorted(yes_words, key=len, reverse=True))
        self._no = tuple(sorted(no_words, key=len, reverse=True))
        self._joins = tuple(sorted(joins, key=len, reverse=True))
        self._skipped = tuple(sorted(skipped, key=len, reverse=True))
        self._topics = tuple(sorted({t for r in rules for t in r.topics}, key=len, reverse=True))
        # 我妈六十五，能自理…: a bare age right after the person it is of (not 我家3栋, 我妈65块)
        people = "|".join(re.escape(w) for w in self._skipped if len(w) > 1 or w in "我他她")
        self._person_age = re.compile(f"(?:{people})(\\d{{2,3}})()(?![\\d.年月日号点块元斤个层栋楼分岁多米])"
                                      if people else "$^")
        self._cue_re = re.compile("|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)) or "$^")

    def fact_names(self, rule_id: str) -> tuple[str, ...]:
        """The facts a rule may ask about, in the order it asks them."""
        return tuple(f.name for f in self._rule(rule_id).facts)

    def _rule(self, rule_id: str) -> Rule:
        try:
            return self._rules[rule_id]
        except KeyError:
            raise KeyError(f"unknown eligibility rule '{rule_id}'") from None

    # -- which rule -------------------------------------------------------------------------
    def detect(self, normalized_text: str) -> str | None:
        """The rule a question asks about, or None if it is not a "can I/they …" question.

        Needs a topic of the rule, and either a "can" word (能, 可以, 够不够, 资格 …) or an
        age/birth date; a question word (几点, 哪里, 什么材料, 哪些 …) hands it to the FAQ."""
        text = normalized_text or ""
        if not text or any(w in text for w in self._not_if):
            return None
        if not (any(c in text for c in self._cues) or AGE_RE.search(text) or YM_RE.search(text)):
            return None
        if self._joins and not self._about_a_person(text):
            return None  # 照料中心能吃饭吗 asks what the place offers: the FAQ answers it
        best: tuple[int, int, str] | None = None
        for rule in self._rules.values():
            for topic in rule.topics:
                pos = text.find(topic)
                if pos >= 0:
                    key = (pos, -len(topic), rule.id)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None

    def _about_a_person(self, text: str) -> bool:
        """Does a "can" word ask whether someone may go, join or receive (我妈能去照料中心不, 娃儿能上幼儿园不,
        我家能吃低保不), rather than what one can do there (照料中心能吃饭吗, 幼儿园能带午饭不)? Read from the
        words right after the can-word (a joining verb or the place itself), or before it when it ends the
        clause (我妈去照料中心行不行); an age or birth date alone (娃儿3岁半) also asks about a person."""
        asked = [(clause, found.start(), found.end()) for clause in _CLAUSE.split(text)
                 for found in self._cue_re.finditer(clause)]
        if not asked:
            return True
        return any(self._joins_after(after) if (after := self._skip(clause[end:]))
                   else self._joins_before(clause[:start]) for clause, start, end in asked)

    def _skip(self, text: str) -> str:
        """The words with the leading people (我妈, 外地的娃), ages and particles left out."""
        while True:
            rest = text.lstrip(_FILLER)
            rest = re.sub(r"^\d+(岁半?|周岁|多岁)?", "", rest)
            person = next((p for p in self._skipped if rest.startswith(p)), None)
            rest = rest[len(person):] if person else rest
            if rest == text:
                return rest
            text = rest

    def _starts(self, text: str, words: tuple[str, ...]) -> str | None:
        return next((w for w in words if text.startswith(w)), None)

    def _joins_after(self, after: str) -> bool:
        """去日间照料中心, 上幼儿园, 低保, 领: joining the place or service; 吃饭, 带午饭, 打牌: something to do."""
        join = self._starts(after, self._joins)
        if join is None:
            topic = self._starts(after, self._topics)
            return topic is not None and not self._skip(after[len(topic):])
        rest = self._skip(after[len(join):])  # 能领, 能收外地娃: nothing else to do
        topic = self._starts(rest, self._topics)
        return not (self._skip(rest[len(topic):]) if topic else rest)  # 去照料中心看望, 吃饭: something to do

    def _joins_before(self, before: str) -> bool:
        """我妈去照料中心行不行 / 照料中心吃饭可以吗: the words after the last place named before the can-word."""
        places = [(before.rfind(t), t) for t in self._topics if t in before]
        if not places:
            return True
        at, topic = max(places, key=lambda found: (found[0], len(found[1])))
        return not self._skip(before[at + len(topic):])

    # -- facts from free text ---------------------------------------------------------------
    def extract(self, rule_id: str, normalized_text: str, today: date) -> dict[str, object]:
        """Facts the resident already stated ("娃儿3岁半", "2022年5月生的", "户口不在这里")."""
        rule = self._rule(rule_id)
        text = _prepare(normalized_text)
        facts: dict[str, object] = {}
        for fact in rule.facts:
            value: object | None = None
            if fact.kind in ("age", "birthdate"):
                value = self._parse_time(rule, fact, text, today, free_text=True)
            else:
                value = self._mentioned(fact, text)
            if value is not None:
                facts[fact.name] = value
        return facts

    @staticmethod
    def _mentioned(fact: Fact, text: str) -> object | None:
        """The value whose phrase occurs earliest (longest first at the same place); a yes/no
        phrase right after 不/没 ("没在这边住") says the opposite."""
        for said in (text, _ADVERBS.sub("", text)):  # 户口就在朝天区 says 户口在朝天区
            best: tuple[int, int] | None = None
            found: object | None = None
            for value, phrases in fact.mentions.items():
                for phrase in phrases:
                    pos = said.find(phrase)
                    if pos >= 0 and (best is None or (pos, -len(phrase)) < best):
                        negated = isinstance(value, bool) and said[:pos].endswith(_NEGATIONS)
                        best, found = (pos, -len(phrase)), (not value if negated else value)
            if found is not None:
                return found
        return None

    # -- one reply --------------------------------------------------------------------------
    def parse_answer(self, rule_id: str, fact: str, text: str, today: date) -> object | None:
        """The value of ``fact`` in a reply; None when the reply does not answer that question.

        A question or a remark ("中心在哪里", "那里有没有人照顾吃药") is no answer, whatever
        yes-like characters it holds; a yes/no counts only as a whole answer ("能", "不是的")
        or a phrase of the fact ("住在社区"; "没在这边住" is its negation)."""
        rule = self._rule(rule_id)
        f = rule.fact(fact)
        reply = _prepare(text)
        if f.kind in ("age", "birthdate"):
            return self._parse_time(rule, f, reply, today, free_text=False)
        compact = _FOLD.fold(reply)  # keeps 不/没, which the FAQ normalisation drops at the end
        normalized = self._normalize(text)
        if f.kind == "yesno":
            if compact in ("1", "2"):
                return compact == "1"
            whole = self._yes_no(compact)
            if whole is not None or looks_like_question(text):
                return whole
            mentioned = self._mentioned(f, normalized)
            return mentioned if mentioned is not None else self._yes_no(compact, clauses=True)
        # choice
        if compact.isdigit():
            n = int(compact)
            return f.choices[n - 1].key if 1 <= n <= len(f.choices) else None
        if looks_like_question(text):
            return None
        mentioned = self._mentioned(f, normalized)
        if mentioned is not None:
            return mentioned
        best: tuple[int, int] | None = None
        found: str | None = None
        for choice in f.choices:
            for word in (_FOLD.fold(choice.label), *choice.words):
                pos = normalized.find(word)
                if pos >= 0 and (best is None or (pos, -len(word)) < best):
                    best, found = (pos, -len(word)), choice.key
        return found

    def _yes_no(self, compact: str, clauses: bool = False) -> bool | None:
        """A whole reply that is a yes or no word ("能", "不是的"); with ``clauses``, also a clause of it
        ("能，自己走得动") when every such clause agrees. A word inside a sentence never counts."""
        parts = [p for p in _CLAUSE.split(compact) if p] if clauses else [_CLAUSE.sub("", compact)]
        found = {value for part in parts for words, value in ((self._no, False), (self._yes, True))
                 if part in words or part.rstrip(_PARTICLES) in words}
        return found.pop() if len(found) == 1 else None

    def _parse_time(
        self, rule: Rule, fact: Fact, text: str, today: date, *, free_text: bool
    ) -> object | None:
        """An age (int, 周岁) or a birth date; ranges that cannot decide a condition → None."""
        born_lo, born_hi = birth_range(text, today) or (None, None)  # earliest and latest possible birth dates
        if born_lo is None:
            m = AGE_RE.search(text) or (AGE_LOOSE_RE.search(text) or self._person_age.search(text)
                                        if fact.kind == "age" else None)
            if m:
                years = int(m.group(1))
                extra = 6 if m.group(2) == "半" else 0
                if m.group(2) == "多":  # "80多岁": at least that many
                    born_lo, born_hi = subtract_months(today, (years + 1) * 12 - 1), \
                        subtract_months(today, years * 12)
                else:
                    born = subtract_months(today, years * 12 + extra)
                    born_lo = born_hi = born
        if born_lo is None:
            m = YEAR_RE.search(text) or (None if free_text else BARE_YEAR_RE.search(text))
            if m:
                year = int(m.group(1))
                born_lo, born_hi = date(year, 1, 1), date(year, 12, 31)
        if born_lo is None and not free_text:
            m = NUMBER_RE.search(text)  # a bare "85" answers "多少岁"; "3" answers 出生年月 too
            if m and (fact.kind == "age" or int(m.group(1)) <= 20):
                born_lo = born_hi = subtract_months(today, int(m.group(1)) * 12)
        if born_lo is None or born_hi is None or born_hi > today:
            return None
        ref = _reference_date(fact, today)
        if fact.kind == "birthdate":
            if born_lo == born_hi or self._same_outcome(rule, fact, born_lo, born_hi, ref):
                return born_lo if born_lo == born_hi else born_hi
            return None
        age_hi, age_lo = years_between(born_lo, today), years_between(born_hi, today)
        if not 0 <= age_lo <= 130:
            return None
        if age_lo == age_hi or self._same_outcome(rule, fact, born_lo, born_hi, today):
            return age_lo
        return None

    @staticmethod
    def _same_outcome(rule: Rule, fact: Fact, lo: date, hi: date, ref: date) -> bool:
        """Would both ends of a birth-date range decide every condition on the fact alike?"""
        a, b = years_between(lo, ref), years_between(hi, ref)
        for case in rule.cases:
            for c in case.conditions:
                if c.fact == fact.name and _OPS[c.op](a, c.value) != _OPS[c.op](b, c.value):
                    return False
        return True

    # -- the conversation -------------------------------------------------------------------
    def _value(self, fact: Fact, raw: object, today: date) -> object:
        if fact.kind == "birthdate" and isinstance(raw, date):
            return years_between(raw, _reference_date(fact, today))
        if fact.kind == "age" and isinstance(raw, date):
            return years_between(raw, today)
        return raw

    def next_step(
        self, rule_id: str, facts: Mapping[str, object], today: date
    ) -> Question | Verdict:
        """The verdict if the facts suffice, else the one question still needed."""
        rule = self._rule(rule_id)
        known = {
            f.name: self._value(f, facts[f.name], today)
            for f in rule.facts
            if facts.get(f.name) is not None
        }
        needed: set[str] = set()
        for case in rule.cases:
            outcome = True
            missing = []
            for c in case.conditions:
                if c.fact not in known:
                    missing.append(c.fact)
                    continue
                try:
                    holds = _OPS[c.op](known[c.fact], c.value)
                except TypeError:
                    holds = False
                if not holds:
                    outcome = False
                    break
            if not outcome:
                continue
            if not missing and not needed:
                return self._verdict(rule, case, facts, today)
            needed.update(missing)
        for f in rule.facts:
            if f.name in needed:
                return Question(f.name, f.prompt, self._choices(f))
        return Verdict(None, "这个情况我判断不了，请回复“人工”联系工作人员。")

    @staticmethod
    def _choices(f: Fact) -> tuple[str, ...]:
        if f.kind == "choice":
            return tuple(c.label for c in f.choices)
        if f.kind == "yesno":
            return tuple(c.label for c in f.choices) or ("是", "不是")
        return ()

    def _verdict(
        self, rule: Rule, case: Case, facts: Mapping[str, object], today: date
    ) -> Verdict:
        values = self._placeholders(rule, today)
        values["ready"] = self._ready(rule, case, facts, today)
        return Verdict(case.eligible, render(rule, case, values))

    @staticmethod
    def _ready(rule: Rule, case: Case, facts: Mapping[str, object], today: date) -> str:
        """When a child too young today is old enough ("2027年9月"), for a "birth < 3" verdict."""
        for c in case.conditions:
            fact = rule.fact(c.fact)
            born = facts.get(c.fact)
            if fact.age_on is None or c.op != "<" or not isinstance(born, date):
                continue
            start = old_enough_from(fact, int(c.value), born, today)
            return f"{start.year}年{start.month}月"
        return ""

    def start_date(self, rule_id: str, fact_name: str, born: date, today: date) -> date | None:
        """The day a child born on ``born`` may start (2027-09-01), by the same counting as the verdicts:
        the youngest age a "fact < N" verdict turns away; None when a "fact >= M" verdict already does."""
        rule = self._rule(rule_id)
        fact = rule.fact(fact_name)
        conditions = [c for case in rule.cases for c in case.conditions if c.fact == fact_name]
        youngest = max((int(c.value) for c in conditions if c.op == "<"), default=0)
        oldest = min((int(c.value) for c in conditions if c.op == ">="), default=None)
        if fact.age_on is None:
            return None
        start = old_enough_from(fact, youngest, born, today)
        if oldest is not None and years_between(born, start - timedelta(days=1)) >= oldest:
            return None
        return start

    def question(self, rule_id: str, fact_name: str) -> Question:
        """A fact's question as the check asks it (its words and numbered choices)."""
        fact = self._rule(rule_id).fact(fact_name)
        return Question(fact.name, fact.prompt, self._choices(fact))

    @staticmethod
    def _placeholders(rule: Rule, today: date) -> dict[str, str]:
        values = {"ref_date": f"{today.year}年{today.month}月{today.day}日", "window": ""}
        for f in rule.facts:
            if f.age_on is not None:
                ref = _reference_date(f, today)
                values["ref_date"] = f"{ref.year}年{ref.month}月{ref.day}日"
        if rule.window is not None:
            (m1, d1), (m2, d2) = rule.window
            open_now = (m1, d1) <= (today.month, today.day) <= (m2, d2)
            values["window"] = rule.window_open if open_now else rule.window_closed
        return values


def birth_range(text: str, today: date) -> tuple[date, date] | None:
    """2022年5月, 22年5月, 2022.5.12 (full-width digits too): the earliest and latest birth days the words
    allow; None when they name no month of a past year."""
    text = _prepare(text)  # 二〇二三年五月 as 2023年5月
    m = YM_RE.search(text) or DOTTED_RE.search(text)
    if not m:
        return None
    year, month = _full_year(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or year > today.year:
        return None
    if m.group(3):
        born = safe_date(year, month, int(m.group(3)))
        return born, born
    return date(year, month, 1), safe_date(year, month, 31)


def old_enough_from(fact: Fact, age: int, born: date, today: date) -> date:
    """The day after the first counting day (8月31日), from this year on, that finds the child ``age`` or older:
    the autumn they may start. Both the verdict's "2027年9月可以入园" and the waiting list use it."""
    month, day = fact.age_on or (today.month, today.day)
    year = max(today.year, born.year + age)
    while years_between(born, safe_date(year, month, day)) < age:
        year += 1
    return safe_date(year, month, day) + timedelta(days=1)


def render(rule: Rule, case: Case, values: Mapping[str, str]) -> str:
    parts = [case.verdict.format_map(values) + case.reason.format_map(values)]
    if case.documents:
        parts.append("需要带：" + "、".join(case.documents) + "。")
    nxt = case.next.format_map(values)
    if nxt:
        parts.append(nxt)
    return "\n".join(p for p in parts if p)
