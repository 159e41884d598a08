"""Reading ``faq/eligibility.yaml`` into the eligibility engine's rules (``bot.knowledge.eligibility``).

The shape is checked by typed models; then conditions are checked against the facts they use,
and every verdict must fit one 300-character reply whatever its placeholders become. Every
complaint names file:line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from bot.content.files import ContentError, Document, Loc, Model, MonthDay, Text, Words, read
from bot.content.loader import load_lexicon
from bot.knowledge.eligibility import Case, Choice, Condition, Fact, Rule, Rules, render
from bot.knowledge.model import MAX_ANSWER_CHARS
from bot.knowledge.normalize import Normalizer

__all__ = ["load_rules"]

_COND_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$")
_FOLD = Normalizer()  # width/case folding only, for yes/no words


def _optional_text(value: Any) -> Any:
    return "" if value is None else value.strip() if isinstance(value, str) else value


Optional = Annotated[str, BeforeValidator(_optional_text)]


class _Choice(Model):
    key: Text
    label: Text
    words: Words = ()


class _Fact(Model):
    name: Text
    kind: Literal["age", "birthdate", "yesno", "choice"]
    prompt: Text
    choices: tuple[Text | _Choice, ...] = ()
    mentions: dict[bool | str, Words] = Field(default_factory=dict)
    age_on: MonthDay | None = None


class _Window(Model):
    start: MonthDay = Field(alias="from")
    end: MonthDay = Field(alias="to")


class _Verdict(Model):
    when: Words = ()
    eligible: bool | None  # required: null means someone else decides
    verdict: Text
    reason: Optional = ""
    documents: Literal["default"] | Words = ()
    next: Optional = ""


class _Rule(Model):
    id: Text
    title: Optional = ""
    summary: Optional = ""
    topics: Words = Field(min_length=1)
    facts: tuple[_Fact, ...] = ()
    verdicts: tuple[_Verdict, ...] = Field(min_length=1)
    documents: Words = ()
    window: _Window | None = None
    window_open: Optional = ""
    window_closed: Optional = ""

    @model_validator(mode="after")
    def _window_texts(self) -> _Rule:
        if self.window is not None and not (self.window_open and self.window_closed):
            raise ValueError("a rule with a window needs window_open and window_closed")
        return self


class _RulesFile(Model):
    rules: tuple[_Rule, ...] = Field(min_length=1)
    cues: Words = ()
    not_if: Words = ()
    joins: Words = ()
    skipped: Words = ()
    yes_words: Words = ()
    no_words: Words = ()


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


class _Checker:
    """The rules that span fields, each refused at the line it is about."""

    def __init__(self, document: Document, normalize: Normalizer) -> None:
        self.document = document
        self.normalize = normalize

    def fail(self, loc: Loc, message: str) -> ContentError:
        return ContentError(f"{self.document.at(loc)}: {message}")

    def phrases(self, words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.normalize(w) or w for w in words)

    def fact(self, loc: Loc, fact: _Fact) -> Fact:
        name, kind = fact.name, fact.kind
        texts = [c for c in fact.choices if isinstance(c, str)]
        if kind == "yesno" and fact.choices and (len(fact.choices) != 2 or len(texts) != 2):
            raise self.fail((*loc, "choices"), f"a yes/no fact '{name}' has exactly 2 choices (yes first)")
        if kind == "choice" and (len(fact.choices) < 2 or texts):
            raise self.fail(loc, f"choice fact '{name}' needs at least 2 choices, each with key and label")
        if kind in ("age", "birthdate") and fact.choices:
            raise self.fail((*loc, "choices"), f"an {kind} fact '{name}' has no choices")
        choices = tuple(
            Choice("yes" if i == 0 else "no", c, ()) if isinstance(c, str)
            else Choice(c.key, c.label, self.phrases(c.words))
            for i, c in enumerate(fact.choices)
        )
        allowed: set[Any] = {c.key for c in choices} if kind == "choice" else {True, False}
        for key in fact.mentions:
            if key not in allowed:
                shown = ", ".join("yes" if a is True else "no" if a is False else a for a in allowed)
                raise self.fail((*loc, "mentions", str(key)), f"mentions of '{name}': '{key}' is not one of {shown}")
        if fact.age_on is not None and kind != "birthdate":
            raise self.fail((*loc, "age_on"), "age_on only applies to a birthdate fact")
        mentions = {key: self.phrases(words) for key, words in fact.mentions.items()}
        return Fact(name, kind, fact.prompt, choices, mentions, fact.age_on)

    def condition(self, loc: Loc, raw: str, facts: dict[str, Fact]) -> Condition:
        match = _COND_RE.match(raw)
        if not match:
            raise self.fail(loc, f"condition '{raw}' should look like 'age >= 60'")
        name, op, value = match.group(1), match.group(2), _parse_value(match.group(3))
        fact = facts.get(name)
        if fact is None:
            raise self.fail(loc, f"condition '{raw}' uses unknown fact '{name}'")
        if fact.kind in ("age", "birthdate") and not isinstance(value, int | float):
            raise self.fail(loc, f"condition '{raw}': {name} is compared with a number")
        if fact.kind == "yesno" and (not isinstance(value, bool) or op not in ("==", "!=")):
            raise self.fail(loc, f"condition '{raw}': {name} is yes or no (== yes / == no)")
        if fact.kind == "choice" and value not in {c.key for c in fact.choices}:
            raise self.fail(loc, f"condition '{raw}': '{value}' is not a choice of {name}")
        return Condition(name, op, value)

    def rule(self, loc: Loc, rule: _Rule) -> Rule:
        facts: dict[str, Fact] = {}
        for i, item in enumerate(rule.facts):
            if item.name in facts:
                raise self.fail((*loc, "facts", i), f"fact '{item.name}' defined twice in rule '{rule.id}'")
            facts[item.name] = self.fact((*loc, "facts", i), item)
        cases = []
        for i, verdict in enumerate(rule.verdicts):
            where = (*loc, "verdicts", i)
            if verdict.documents == "default" and not rule.documents:
                raise self.fail((*where, "documents"), f"rule '{rule.id}' has no documents to use as default")
            cases.append(Case(
                tuple(self.condition((*where, "when", k), raw, facts) for k, raw in enumerate(verdict.when)),
                verdict.eligible,
                verdict.verdict,
                verdict.reason,
                rule.documents if verdict.documents == "default" else verdict.documents,
                verdict.next,
            ))
        window = (rule.window.start, rule.window.end) if rule.window is not None else None
        built = Rule(
            rule.id, rule.title or rule.id, self.phrases(rule.topics), tuple(facts.values()), tuple(cases),
            window, rule.window_open, rule.window_closed, summary=rule.summary,
        )
        # Every text must fit the 300-character reply, whatever the placeholders become.
        worst = {"ref_date": "2000年12月31日", "window": max((rule.window_open, rule.window_closed), key=len),
                 "ready": "2000年12月"}
        for i, case in enumerate(cases):
            try:
                text = render(built, case, worst)
            except (KeyError, IndexError, ValueError) as exc:
                raise self.fail((*loc, "verdicts", i), f"verdict text has an unknown placeholder: {exc}") from None
            if len(text) > MAX_ANSWER_CHARS:
                raise self.fail(
                    (*loc, "verdicts", i), f"verdict text is {len(text)} characters (at most {MAX_ANSWER_CHARS})"
                )
        return built


def load_rules(path: Path, normalize: Normalizer | None = None) -> Rules:
    """Read ``faq/eligibility.yaml``; raises ContentError naming file:line.

    Topics, cues and phrases are normalised like the questions they are looked for in: by
    ``normalize`` if given (e.g. ``Knowledge.normalize``), else with the lexicon beside the
    file (``faq/lexicon.yaml``) if there is one."""
    path = Path(path)
    if normalize is None:
        beside = (path.parent / "lexicon.yaml").exists()
        normalize = Normalizer(load_lexicon(path.parent)) if beside else Normalizer()
    document = read(path, path.parent)
    data = document.parse(_RulesFile)
    check = _Checker(document, normalize)
    rules: list[Rule] = []
    for i, item in enumerate(data.rules):
        if any(r.id == item.id for r in rules):
            raise check.fail(("rules", i), f"duplicate rule id '{item.id}'")
        rules.append(check.rule(("rules", i), item))
    cues = tuple(w for w in (normalize(x) for x in data.cues) if w)
    not_if = tuple(w for w in (normalize(x) for x in data.not_if) if w)
    return Rules(
        rules, cues, not_if, tuple(_FOLD.fold(x) for x in data.yes_words),
        tuple(_FOLD.fold(x) for x in data.no_words), normalize,
        tuple(w for w in (normalize(x) for x in data.joins) if w),
        tuple(w for w in (normalize(x) for x in data.skipped) if w),
    )
