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
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.content.loader import read_yaml

from .model import MAX_ANSWER_CHARS, KnowledgeError
from .normalize import Normalizer, convert_numerals

__all__ = ["FACT_KINDS", "Question", "Rules", "Verdict", "load_rules"]

FACT_KINDS = ("age", "birthdate", "yesno", "choice")
_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
_COND_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$")
_FOLD = Normalizer()  # width/case folding only, for replies


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
class _Choice:
    key: str
    label: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class _Fact:
    name: str
    kind: str
    prompt: str
    choices: tuple[_Choice, ...] = ()
    mentions: Mapping[Any, tuple[str, ...]] = field(default_factory=dict)  # value → phrases
    age_on: tuple[int, int] | None = None  # (month, day) the age is counted on


@dataclass(frozen=True)
class _Condition:
    fact: str
    op: str
    value: Any


@dataclass(frozen=True)
class _Case:
    conditions: tuple[_Condition, ...]
    eligible: bool | None
    verdict: str
    reason: str
    documents: tuple[str, ...]
    next: str


@dataclass(frozen=True)
class _Rule:
    id: str
    title: str
    topics: tuple[str, ...]
    facts: tuple[_Fact, ...]
    cases: tuple[_Case, ...]
    window: tuple[tuple[int, int], tuple[int, int]] | None
    window_open: str
    window_closed: str
    summary: str = ""  # the rule in one sentence, said before the questions

    def fact(self, name: str) -> _Fact:
        for f in self.facts:
            if f.name == name:
                return f
        raise KeyError(f"rule '{self.id}' has no fact '{name}'")


# -- dates and numbers --------------------------------------------------------------------------


def _years_between(born: date, on: date) -> int:
    """Completed years (周岁) from ``born`` to ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _safe_date(year: int, month: int, day: int) -> date:
    while day > 28:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
    return date(year, month, day)


def _reference_date(fact: _Fact, today: date) -> date:
    """The day an age is counted on: for 08-31, this calendar year's 8月31日 — ahead of the
    autumn enrolment until then, and afterwards the start of the school year now running
    (a child asked about in November joins this year's classes, not next year's)."""
    if fact.age_on is None:
        return today
    month, day = fact.age_on
    return _safe_date(today.year, month, day)


def _subtract_months(today: date, months: int) -> date:
    total = today.year * 12 + (today.month - 1) - months
    return _safe_date(total // 12, total % 12 + 1, today.day)


_AGE_RE = re.compile(r"(\d{1,3})(?:周岁|岁)(半|多)?")
_YM_RE = re.compile(r"((?:19|20)\d{2}|\d{2})年(\d{1,2})月(?:(\d{1,2})[日号])?")
_DOTTED_RE = re.compile(r"((?:19|20)\d{2})[./-](\d{1,2})(?:[./-](\d{1,2}))?")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})年?(?:出生|生)")
_BARE_YEAR_RE = re.compile(r"^((?:19|20)\d{2})年?(?:的|生的|出生的|出生|生)?$")
_NUMBER_RE = re.compile(r"^\D{0,4}?(\d{1,3})\D{0,6}$")
_AGE_LOOSE_RE = re.compile(r"(?:(?<=今年)|(?<![\d点号月年]))(\d{2,3})(多)?了")  # "我老汉儿85了", "今年78了"


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
        rules: list[_Rule],
        cues: tuple[str, ...],
        not_if: tuple[str, ...],
        yes_words: tuple[str, ...],
        no_words: tuple[str, ...],
        normalize: Normalizer = _FOLD,
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

    def fact_names(self, rule_id: str) -> tuple[str, ...]:
        """The facts a rule may ask about, in the order it asks them."""
        return tuple(f.name for f in self._rule(rule_id).facts)

    def _rule(self, rule_id: str) -> _Rule:
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
        if not (any(c in text for c in self._cues) or _AGE_RE.search(text) or _YM_RE.search(text)):
            return None
        best: tuple[int, int, str] | None = None
        for rule in self._rules.values():
            for topic in rule.topics:
                pos = text.find(topic)
                if pos >= 0:
                    key = (pos, -len(topic), rule.id)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None

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
    def _mentioned(fact: _Fact, text: str) -> object | None:
        """The value whose phrase occurs earliest (longest first at the same place)."""
        best: tuple[int, int] | None = None
        found: object | None = None
        for value, phrases in fact.mentions.items():
            for phrase in phrases:
                pos = text.find(phrase)
                if pos >= 0 and (best is None or (pos, -len(phrase)) < best):
                    best, found = (pos, -len(phrase)), value
        return found

    # -- one reply --------------------------------------------------------------------------
    def parse_answer(self, rule_id: str, fact: str, text: str, today: date) -> object | None:
        """The value of ``fact`` in a reply; None when the reply is not understood."""
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
            mentioned = self._mentioned(f, normalized)
            if mentioned is not None:
                return mentioned
            return self._yes_no(compact)
        # choice
        if compact.isdigit():
            n = int(compact)
            return f.choices[n - 1].key if 1 <= n <= len(f.choices) else None
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

    def _yes_no(self, compact: str) -> bool | None:
        if not compact:
            return None
        best: tuple[int, int] | None = None
        found: bool | None = None
        for words, value in ((self._no, False), (self._yes, True)):
            for w in words:
                pos = compact.find(w)
                if pos >= 0 and (best is None or (pos, -len(w)) < best):
                    best, found = (pos, -len(w)), value
        return found

    def _parse_time(
        self, rule: _Rule, fact: _Fact, text: str, today: date, *, free_text: bool
    ) -> object | None:
        """An age (int, 周岁) or a birth date; ranges that cannot decide a condition → None."""
        born_lo: date | None = None  # earliest and latest possible birth dates
        born_hi: date | None = None
        m = _YM_RE.search(text) or _DOTTED_RE.search(text)
        if m:
            year, month = _full_year(m.group(1)), int(m.group(2))
            if 1 <= month <= 12 and year <= today.year:
                if m.group(3):
                    born_lo = born_hi = _safe_date(year, month, int(m.group(3)))
                else:
                    born_lo, born_hi = date(year, month, 1), _safe_date(year, month, 31)
        if born_lo is None:
            m = _AGE_RE.search(text) or (_AGE_LOOSE_RE.search(text) if fact.kind == "age" else None)
            if m:
                years = int(m.group(1))
                extra = 6 if m.group(2) == "半" else 0
                if m.group(2) == "多":  # "80多岁": at least that many
                    born_lo, born_hi = _subtract_months(today, (years + 1) * 12 - 1), \
                        _subtract_months(today, years * 12)
                else:
                    born = _subtract_months(today, years * 12 + extra)
                    born_lo = born_hi = born
        if born_lo is None:
            m = _YEAR_RE.search(text) or (None if free_text else _BARE_YEAR_RE.search(text))
            if m:
                year = int(m.group(1))
                born_lo, born_hi = date(year, 1, 1), date(year, 12, 31)
        if born_lo is None and not free_text:
            m = _NUMBER_RE.search(text)  # a bare "85" answers "多少岁"; "3" answers 出生年月 too
            if m and (fact.kind == "age" or int(m.group(1)) <= 20):
                born_lo = born_hi = _subtract_months(today, int(m.group(1)) * 12)
        if born_lo is None or born_hi is None or born_hi > today:
            return None
        ref = _reference_date(fact, today)
        if fact.kind == "birthdate":
            if born_lo == born_hi or self._same_outcome(rule, fact, born_lo, born_hi, ref):
                return born_lo if born_lo == born_hi else born_hi
            return None
        age_hi, age_lo = _years_between(born_lo, today), _years_between(born_hi, today)
        if not 0 <= age_lo <= 130:
            return None
        if age_lo == age_hi or self._same_outcome(rule, fact, born_lo, born_hi, today):
            return age_lo
        return None

    @staticmethod
    def _same_outcome(rule: _Rule, fact: _Fact, lo: date, hi: date, ref: date) -> bool:
        """Would both ends of a birth-date range decide every condition on the fact alike?"""
        a, b = _years_between(lo, ref), _years_between(hi, ref)
        for case in rule.cases:
            for c in case.conditions:
                if c.fact == fact.name and _OPS[c.op](a, c.value) != _OPS[c.op](b, c.value):
                    return False
        return True

    # -- the conversation -------------------------------------------------------------------
    def _value(self, fact: _Fact, raw: object, today: date) -> object:
        if fact.kind == "birthdate" and isinstance(raw, date):
            return _years_between(raw, _reference_date(fact, today))
        if fact.kind == "age" and isinstance(raw, date):
            return _years_between(raw, today)
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
    def _choices(f: _Fact) -> tuple[str, ...]:
        if f.kind == "choice":
            return tuple(c.label for c in f.choices)
        if f.kind == "yesno":
            return tuple(c.label for c in f.choices) or ("是", "不是")
        return ()

    def _verdict(
        self, rule: _Rule, case: _Case, facts: Mapping[str, object], today: date
    ) -> Verdict:
        return Verdict(case.eligible, _render(rule, case, self._placeholders(rule, today)))

    @staticmethod
    def _placeholders(rule: _Rule, today: date) -> dict[str, str]:
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


def _render(rule: _Rule, case: _Case, values: Mapping[str, str]) -> str:
    parts = [case.verdict.format_map(values) + case.reason.format_map(values)]
    if case.documents:
        parts.append("需要带：" + "、".join(case.documents) + "。")
    nxt = case.next.format_map(values)
    if nxt:
        parts.append(nxt)
    return "\n".join(p for p in parts if p)


# -- loading ------------------------------------------------------------------------------------

_RULE_KEYS = {
    "id", "title", "summary", "topics", "facts", "verdicts", "documents", "window", "window_open",
    "window_closed",
}
_FACT_KEYS = {"name", "kind", "prompt", "choices", "mentions", "age_on"}
_CASE_KEYS = {"when", "eligible", "verdict", "reason", "documents", "next"}
_TOP_KEYS = {"rules", "cues", "not_if", "yes_words", "no_words"}


class _Src:
    """YAML nodes with their lines, for messages that name file:line."""

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def err(self, node: yaml.Node, message: str) -> KnowledgeError:
        return KnowledgeError(f"{self.shown}:{node.start_mark.line + 1}: {message}")

    def mapping(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.err(node, f"{what} must be a mapping")
        out: dict[str, yaml.Node] = {}
        for k, v in node.value:
            key = str(k.value)
            if key in out:
                raise self.err(k, f"duplicate key '{key}' in {what}")
            if allowed and key not in allowed:
                raise self.err(k, f"unknown key '{key}' in {what} (allowed: {', '.join(sorted(allowed))})")
            out[key] = v
        return out

    def text(self, node: yaml.Node | None, what: str, parent: yaml.Node, required=True) -> str:
        if node is None or node.tag == "tag:yaml.org,2002:null":
            if required:
                raise self.err(parent, f"{what} is missing")
            return ""
        if not isinstance(node, yaml.ScalarNode):
            raise self.err(node, f"{what} must be text")
        value = str(node.value).strip()
        if required and not value:
            raise self.err(node, f"{what} is empty")
        return value

    def texts(self, node: yaml.Node | None, what: str) -> tuple[str, ...]:
        if node is None or node.tag == "tag:yaml.org,2002:null":
            return ()
        if not isinstance(node, yaml.SequenceNode):
            raise self.err(node, f"{what} must be a list")
        return tuple(self.text(n, f"an item of {what}", node) for n in node.value)


def _parse_value(raw: str) -> Any:
    low = raw.lower()
    if low in ("yes", "true"):
        return True
    if low in ("no", "false"):
        return False
    try:
        return float(raw) if "." in raw else int(raw)
    except ValueError:
        return raw


def _month_day(src: _Src, node: yaml.Node, parent: yaml.Node) -> tuple[int, int]:
    raw = src.text(node, "a month-day", parent)
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", raw)
    if not m or not (1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31):
        raise src.err(node, f"'{raw}' is not a month-day like 08-31")
    return int(m.group(1)), int(m.group(2))


def _load_fact(src: _Src, node: yaml.Node, normalize: Normalizer) -> _Fact:
    d = src.mapping(node, "a fact", _FACT_KEYS)
    name = src.text(d.get("name"), "fact name", node)
    kind = src.text(d.get("kind"), f"kind of fact '{name}'", node)
    if kind not in FACT_KINDS:
        raise src.err(d["kind"], f"kind of fact '{name}' must be one of {', '.join(FACT_KINDS)}")
    prompt = src.text(d.get("prompt"), f"prompt of fact '{name}'", node)
    choices: list[_Choice] = []
    if "choices" in d:
        cnode = d["choices"]
        if not isinstance(cnode, yaml.SequenceNode) or not cnode.value:
            raise src.err(cnode, f"choices of fact '{name}' must be a non-empty list")
        for i, item in enumerate(cnode.value, 1):
            if kind == "yesno":
                label = src.text(item, "a choice", cnode)
                choices.append(_Choice("yes" if i == 1 else "no", label, ()))
            else:
                cd = src.mapping(item, "a choice", {"key", "label", "words"})
                choices.append(
                    _Choice(
                        src.text(cd.get("key"), "choice key", item),
                        src.text(cd.get("label"), "choice label", item),
                        tuple(normalize(w) or w for w in src.texts(cd.get("words"), "words")),
                    )
                )
        if kind == "yesno" and len(choices) != 2:
            raise src.err(cnode, f"a yes/no fact '{name}' has exactly 2 choices (yes first)")
    if kind == "choice" and len(choices) < 2:
        raise src.err(node, f"choice fact '{name}' needs at least 2 choices")
    mentions: dict[Any, tuple[str, ...]] = {}
    if "mentions" in d:
        allowed = {c.key for c in choices} if kind == "choice" else {"yes", "no"}
        md = src.mapping(d["mentions"], f"mentions of '{name}'", allowed)
        for key, phrases in md.items():
            value: Any = (key == "yes") if kind == "yesno" else key
            mentions[value] = tuple(normalize(p) or p for p in src.texts(phrases, "mentions"))
    age_on = None
    if "age_on" in d:
        if kind != "birthdate":
            raise src.err(d["age_on"], "age_on only applies to a birthdate fact")
        age_on = _month_day(src, d["age_on"], node)
    return _Fact(name, kind, prompt, tuple(choices), mentions, age_on)


def _load_rule(src: _Src, node: yaml.Node, normalize: Normalizer) -> _Rule:
    d = src.mapping(node, "a rule", _RULE_KEYS)
    rid = src.text(d.get("id"), "rule id", node)
    facts = []
    fnode = d.get("facts")
    if fnode is not None and not isinstance(fnode, yaml.SequenceNode):
        raise src.err(fnode, f"facts of rule '{rid}' must be a list")
    for item in fnode.value if fnode is not None else []:
        fact = _load_fact(src, item, normalize)
        if any(f.name == fact.name for f in facts):
            raise src.err(item, f"fact '{fact.name}' defined twice in rule '{rid}'")
        facts.append(fact)
    by_name = {f.name: f for f in facts}
    documents = src.texts(d.get("documents"), "documents")
    window = None
    if "window" in d:
        wd = src.mapping(d["window"], "window", {"from", "to"})
        window = (_month_day(src, wd.get("from"), d["window"]),
                  _month_day(src, wd.get("to"), d["window"]))
    rule_stub = dict(
        window_open=src.text(d.get("window_open"), "window_open", node, required=window is not None),
        window_closed=src.text(
            d.get("window_closed"), "window_closed", node, required=window is not None
        ),
    )
    cases = []
    vnode = d.get("verdicts")
    if not isinstance(vnode, yaml.SequenceNode) or not vnode.value:
        raise src.err(vnode or node, f"rule '{rid}' needs a list of verdicts")
    for item in vnode.value:
        cd = src.mapping(item, "a verdict", _CASE_KEYS)
        conditions = []
        for cnode in src_list(src, cd.get("when"), item):
            raw = src.text(cnode, "a condition", item)
            m = _COND_RE.match(raw)
            if not m:
                raise src.err(cnode, f"condition '{raw}' should look like 'age >= 60'")
            fname, op, value = m.group(1), m.group(2), _parse_value(m.group(3))
            fact = by_name.get(fname)
            if fact is None:
                raise src.err(cnode, f"condition '{raw}' uses unknown fact '{fname}'")
            if fact.kind in ("age", "birthdate") and not isinstance(value, int | float):
                raise src.err(cnode, f"condition '{raw}': {fname} is compared with a number")
            if fact.kind == "yesno" and (not isinstance(value, bool) or op not in ("==", "!=")):
                raise src.err(cnode, f"condition '{raw}': {fname} is yes or no (== yes / == no)")
            if fact.kind == "choice" and value not in {c.key for c in fact.choices}:
                raise src.err(cnode, f"condition '{raw}': '{value}' is not a choice of {fname}")
            conditions.append(_Condition(fname, op, value))
        eligible_node = cd.get("eligible")
        if eligible_node is None:
            raise src.err(item, "verdict needs 'eligible: true | false | null'")
        eligible_raw = str(eligible_node.value).lower() if eligible_node.tag != "tag:yaml.org,2002:null" else "null"
        if eligible_raw not in ("true", "false", "null", "yes", "no", "~", ""):
            raise src.err(eligible_node, "eligible must be true, false or null")
        eligible = None if eligible_raw in ("null", "~", "") else eligible_raw in ("true", "yes")
        docs_node = cd.get("documents")
        if docs_node is not None and isinstance(docs_node, yaml.ScalarNode) and docs_node.value == "default":
            if not documents:
                raise src.err(docs_node, f"rule '{rid}' has no documents to use as default")
            docs = documents
        else:
            docs = src.texts(docs_node, "documents")
        case = _Case(
            tuple(conditions),
            eligible,
            src.text(cd.get("verdict"), "verdict", item),
            src.text(cd.get("reason"), "reason", item, required=False),
            docs,
            src.text(cd.get("next"), "next", item, required=False),
        )
        cases.append(case)
    rule = _Rule(
        rid,
        src.text(d.get("title"), "title", node, required=False) or rid,
        tuple(normalize(t) or t for t in src.texts(d.get("topics"), "topics")),
        tuple(facts),
        tuple(cases),
        window,
        **rule_stub,
        summary=src.text(d.get("summary"), "summary", node, required=False) or "",
    )
    if not rule.topics:
        raise src.err(node, f"rule '{rid}' needs topics")
    # Every text must fit the 300-character reply, whatever the placeholders become.
    worst = {
        "ref_date": "2000年12月31日",
        "window": max((rule.window_open, rule.window_closed), key=len),
    }
    for case, item in zip(cases, vnode.value, strict=True):
        try:
            text = _render(rule, case, worst)
        except (KeyError, IndexError, ValueError) as exc:
            raise src.err(item, f"verdict text has an unknown placeholder: {exc}") from None
        if len(text) > MAX_ANSWER_CHARS:
            raise src.err(
                item, f"verdict text is {len(text)} characters (at most {MAX_ANSWER_CHARS})"
            )
    return rule


def src_list(src: _Src, node: yaml.Node | None, parent: yaml.Node) -> list[yaml.Node]:
    if node is None or node.tag == "tag:yaml.org,2002:null":
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise src.err(node, "'when' must be a list of conditions")
    return list(node.value)


def load_rules(path: Path, normalize: Normalizer | None = None) -> Rules:
    """Read ``faq/eligibility.yaml``; raises KnowledgeError naming file:line.

    Topics, cues and phrases are normalised like the questions they are looked for in: by
    ``normalize`` if given (e.g. ``Knowledge.normalize``), else with the lexicon beside the
    file (``faq/lexicon.yaml``)."""
    path = Path(path)
    shown = f"{path.parent.name}/{path.name}"
    if normalize is None:
        from bot.content.loader import load_lexicon  # the lexicon beside the rules, as the FAQ uses it

        normalize = Normalizer(load_lexicon(path.parent))
    norm = normalize
    root = read_yaml(path, shown)
    src = _Src(shown)
    if root is None:
        raise KnowledgeError(f"{shown}:1: no rules")
    top = src.mapping(root, "the rules file", _TOP_KEYS)
    rnode = top.get("rules")
    if not isinstance(rnode, yaml.SequenceNode) or not rnode.value:
        raise src.err(rnode or root, "'rules' must be a non-empty list")
    rules: list[_Rule] = []
    for item in rnode.value:
        rule = _load_rule(src, item, norm)
        if any(r.id == rule.id for r in rules):
            raise src.err(item, f"duplicate rule id '{rule.id}'")
        rules.append(rule)

    def words(key: str) -> tuple[str, ...]:
        return tuple(w for w in (norm(x) for x in src.texts(top.get(key), key)) if w)

    def raw_words(key: str) -> tuple[str, ...]:
        return tuple(_FOLD.fold(x) for x in src.texts(top.get(key), key))

    return Rules(
        rules, words("cues"), words("not_if"), raw_words("yes_words"), raw_words("no_words"), norm
    )
