"""Reading and validating ``faq/qa/*.yaml`` and ``faq/lexicon.yaml`` through typed models.

Staff edit these files by hand, so every complaint names the file and line to fix
("faq/qa/x.yaml:12: duplicate id 'a.b' (first at faq/qa/y.yaml:3)"). The shapes are checked
by the models; the rules that span entries or read the answer text are checked here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, RootModel

from bot.content.files import ContentError, Document, Model, Text, Words, display_path, read
from bot.knowledge import Knowledge
from bot.knowledge.matcher import FACT_KINDS, Settings
from bot.knowledge.model import MAX_ANSWER_CHARS, Entry
from bot.knowledge.normalize import Lexicon, build_replacements

__all__ = ["COMMAND_GROUPS", "knowledge_files", "load_entries", "load_knowledge", "load_lexicon"]

_LIST_MARKER = re.compile(r"^\s*- ", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{[^{}\n]*\}")


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


def _no_mapping(value: Any) -> Any:
    return {} if value is None else value


Answer = Annotated[str, BeforeValidator(_stripped)]
Groups = Annotated[dict[str, Words], BeforeValidator(_no_mapping)]


class _Entry(Model):
    id: Annotated[Text, BeforeValidator(_stripped)]
    questions: Words = ()
    answer: Answer = ""


class _QaFile(RootModel[tuple[_Entry, ...]]):
    pass


class Commands(Model):
    """The command-word groups the conversation code reads; a community must give every one."""

    menu: Words
    cancel: Words
    handoff: Words
    end_handoff: Words
    more: Words
    confirm: Words
    back: Words
    help: Words
    greeting: Words
    thanks: Words
    acknowledge: Words
    not_a_name: Words
    not_in_names: Words
    send_now: Words
    send_later: Words
    leave: Words = ()  # found anywhere in a short reply inside a form, it backs out (哎算了，下次再说)
    not_satisfied: Words = ()  # a rating holding one of these is 不满意, whatever else it says
    topics: Words = ()  # places and services a short follow-up (一个月多少钱) is read against
    relatives: Words = ()  # 帮我妈约…: the family member an errand is for


COMMAND_GROUPS = tuple(Commands.model_fields)


class _LexiconFile(Model):
    dialect: Annotated[dict[str, Answer], BeforeValidator(_no_mapping)] = Field(default_factory=dict)
    aliases: Groups = Field(default_factory=dict)
    fillers: Words = ()
    particles: Words = ()
    final_particles: Words = ()
    generic: Words = ()
    domain_words: Words = ()
    off_topic: Words = ()
    concepts: Groups = Field(default_factory=dict)
    aspects: Groups = Field(default_factory=dict)
    clause_breaks: Words = ()
    question_cues: Words = ()
    question_finals: Words = ()
    age_after: Words = ()
    obtain_verbs: Words = ()
    facts_asked: Groups = Field(default_factory=dict)
    person_words: Words = ()
    not_registered: Words = ()
    commands: Commands


def knowledge_files(faq_dir: Path) -> list[Path]:
    return sorted((faq_dir / "qa").glob("*.yaml")) + sorted((faq_dir / "qa").glob("*.yml"))


def answer_problem(entry_id: str, answer: str) -> str | None:
    """Why an answer cannot be sent as written, or None: residents get it exactly as in the file."""
    if not answer:
        return f"entry '{entry_id}' has no answer"
    if _LIST_MARKER.search(answer):
        return f"answer of '{entry_id}' has a line starting with '- ' (a YAML list marker: reword it)"
    if placeholder := _PLACEHOLDER.search(answer):
        return f"answer of '{entry_id}' contains {placeholder.group()} (it is sent as written: no placeholders)"
    if len(answer) > MAX_ANSWER_CHARS:
        return f"answer of '{entry_id}' is {len(answer)} characters (at most {MAX_ANSWER_CHARS})"
    return None


def load_entries(faq_dir: Path) -> list[Entry]:
    files = knowledge_files(faq_dir)
    if not files:
        raise ContentError(f"{display_path(faq_dir / 'qa', faq_dir)}: no FAQ files (*.yaml)")
    entries: list[Entry] = []
    first_seen: dict[str, str] = {}
    for path in files:
        document = read(path, faq_dir)
        if document.data is None:
            continue  # an empty file: nothing yet
        for i, item in enumerate(document.parse(_QaFile).root):
            entry = _entry(document, i, item)
            if entry.id in first_seen:
                raise ContentError(
                    f"{entry.source}: duplicate id '{entry.id}' (first at {first_seen[entry.id]})"
                )
            first_seen[entry.id] = entry.source
            entries.append(entry)
    if not entries:
        raise ContentError(f"{display_path(faq_dir / 'qa', faq_dir)}: no FAQ entries")
    return entries


def _entry(document: Document, i: int, item: _Entry) -> Entry:
    if problem := answer_problem(item.id, item.answer):
        raise ContentError(f"{document.at((i, 'answer'))}: {problem}")
    if not item.questions:
        raise ContentError(f"{document.at((i,))}: entry '{item.id}' has no questions")
    return Entry(id=item.id, questions=item.questions, answer=item.answer, source=document.at((i,)))


def load_lexicon(faq_dir: Path) -> Lexicon:
    """The community's vocabulary; its command words are required, the rest may be empty."""
    document = read(faq_dir / "lexicon.yaml", faq_dir)
    data = document.parse(_LexiconFile)
    # A word listed twice with different meanings is a staff mistake worth reporting.
    seen: dict[str, str] = {}
    for canon, names in data.aliases.items():
        for name in names:
            if seen.get(name, canon) != canon:
                raise ContentError(
                    f"{document.at(('aliases', canon))}: alias '{name}' given for both "
                    f"'{seen[name]}' and '{canon}'"
                )
            seen[name] = canon
    if "" in data.dialect:
        raise ContentError(f"{document.at(('dialect',))}: empty dialect word")
    for kind in data.facts_asked:
        if kind not in FACT_KINDS:
            raise ContentError(f"{document.at(('facts_asked', kind))}: unknown kind of fact '{kind}' "
                               f"(one of {', '.join(FACT_KINDS)})")
    replacements = build_replacements(data.dialect, data.aliases, data.fillers, data.particles)
    domain = set(data.domain_words) | set(data.aliases) | {d for d in data.dialect.values() if len(d) >= 3}
    return Lexicon(
        replacements=replacements,
        final_particles=data.final_particles,
        generic=frozenset(data.generic),
        domain_words=frozenset(domain),
        off_topic=frozenset(data.off_topic),
        concepts=data.concepts,
        aspects=data.aspects,
        commands={group: frozenset(words) for group, words in data.commands.model_dump().items()},
        clause_breaks=data.clause_breaks,
        question_cues=data.question_cues,
        question_finals=data.question_finals,
        age_after=data.age_after,
        obtain_verbs=data.obtain_verbs,
        facts_asked=data.facts_asked,
        person_words=data.person_words,
        not_registered=data.not_registered,
    )


def load_knowledge(faq_dir: Path, settings: Settings | None = None) -> Knowledge:
    """Read and validate ``faq_dir``; raises ContentError naming ``file:line``."""
    faq_dir = Path(faq_dir)
    if not (faq_dir / "qa").is_dir():
        raise ContentError(f"{faq_dir}/qa: folder not found")
    return Knowledge(load_entries(faq_dir), load_lexicon(faq_dir), settings)
