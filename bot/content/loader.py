"""Reading and validating ``faq/qa/*.yaml`` and ``faq/lexicon.yaml`` through typed models.

Staff edit these files by hand, so every complaint names the file and line to fix
("faq/qa/x.yaml:12: duplicate id 'a.b' (first at faq/qa/y.yaml:3)"). The shapes are checked
by the models; the rules that span entries or read the answer text are checked here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, RootModel

from bot.content.files import ContentError, Document, Model, Text, Words, display_path, read
from bot.knowledge import Knowledge
from bot.knowledge.matcher import FACT_KINDS, Settings
from bot.knowledge.model import MAX_ANSWER_CHARS, Entry
from bot.knowledge.normalize import Lexicon, build_replacements

__all__ = ["COMMAND_GROUPS", "EntryEdit", "answer_issue", "apply_edits", "entry_problem", "knowledge_files",
           "load_entries", "load_knowledge", "load_lexicon"]

log = logging.getLogger(__name__)
_LIST_MARKER = re.compile(r"^\s*- ", re.MULTILINE)
# Text a writer meant to fill in later: {phone}, XXX, TODO, 待补充 / 待填写 …
_PLACEHOLDER = re.compile(r"\{[^{}\n]*\}|[Xx]{3,}|TODO|TBD|待补充|待填写?|待完善|此处填写")


@dataclass(frozen=True)
class EntryEdit:
    """An entry as saved in the console (bot.services.knowledge), laid over faq/qa by id."""

    id: str
    questions: tuple[str, ...]
    answer: str
    retired: bool
    version: int  # the number of the saved version, shown as the entry's source


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


def _no_mapping(value: Any) -> Any:
    return {} if value is None else value


Answer = Annotated[str, BeforeValidator(_stripped)]
Groups = Annotated[dict[str, Words], BeforeValidator(_no_mapping)]


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class _Entry(Model):
    id: Annotated[Text, BeforeValidator(_stripped)]
    questions: Words = ()
    answer: Answer = ""
    aspect: Annotated[Words, BeforeValidator(_one_or_many)] = ()  # hours, fee … (lexicon ``aspects:``)


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
    deed_cues: Words = ()
    referring_words: Words = ()
    desk_words: Words = ()
    commands: Commands


def knowledge_files(faq_dir: Path) -> list[Path]:
    return sorted((faq_dir / "qa").glob("*.yaml")) + sorted((faq_dir / "qa").glob("*.yml"))


def answer_issue(answer: str, written: str = "") -> tuple[str, str] | None:
    """What keeps an answer from being sent as written — ("empty" | "list_marker" | "placeholder" |
    "too_long", the text at fault) — or None. ``written`` is the value as typed in a file, where YAML
    has not folded its lines yet."""
    if not answer:
        return "empty", ""
    if marker := _LIST_MARKER.search(answer) or _LIST_MARKER.search(written):
        return "list_marker", marker.group().strip()
    if placeholder := _PLACEHOLDER.search(answer):
        return "placeholder", placeholder.group()
    if len(answer) > MAX_ANSWER_CHARS:
        return "too_long", str(len(answer))
    return None


def answer_problem(entry_id: str, answer: str, written: str = "") -> str | None:
    """Why an answer cannot be sent as written, or None: residents get it exactly as in the file."""
    issue = answer_issue(answer, written)
    if issue is None:
        return None
    kind, found = issue
    return {
        "empty": f"entry '{entry_id}' has no answer",
        "list_marker": f"answer of '{entry_id}' has a line starting with '- ' (a YAML list marker: reword it)",
        "placeholder": f"answer of '{entry_id}' contains {found} (it is sent as written: no placeholders)",
        "too_long": f"answer of '{entry_id}' is {found} characters (at most {MAX_ANSWER_CHARS})",
    }[kind]


def entry_problem(entry_id: str, questions: Sequence[str], answer: str) -> str | None:
    """Why an entry typed in the console cannot be saved, or None: the rules of a file, and the same words."""
    if not entry_id.strip():
        return "entry has no id"
    if not questions or not all(q.strip() for q in questions):
        return f"entry '{entry_id}' has no questions" if not questions else f"entry '{entry_id}' has an empty question"
    return answer_problem(entry_id, answer)


def apply_edits(entries: list[Entry], edits: Sequence[EntryEdit]) -> list[Entry]:
    """The shipped entries with the console's versions laid over them: replaced, retired or added by id.

    An edit the rules now refuse (they may have grown stricter since it was saved) is left out, so
    the shipped entry keeps answering; it is logged for staff to fix in the console."""
    by_id = {entry.id: entry for entry in entries}
    for edit in edits:
        if edit.retired:
            by_id.pop(edit.id, None)
            continue
        if problem := entry_problem(edit.id, edit.questions, edit.answer):
            log.warning("console version %s of an FAQ entry is not used: %s", edit.version, problem)
            continue
        shipped = by_id.get(edit.id)
        by_id[edit.id] = Entry(id=edit.id, questions=edit.questions, answer=edit.answer,
                               source=f"console:v{edit.version}", aspects=shipped.aspects if shipped else ())
    return list(by_id.values())


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
    # YAML folds a plain value's lines into one: a stray "- " line is only visible in the file itself.
    if problem := answer_problem(item.id, item.answer, document.source((i, "answer"))):
        raise ContentError(f"{document.at((i, 'answer'))}: {problem}")
    if not item.questions:
        raise ContentError(f"{document.at((i,))}: entry '{item.id}' has no questions")
    return Entry(id=item.id, questions=item.questions, answer=item.answer, source=document.at((i,)),
                 aspects=tuple(a.strip() for a in item.aspect if a.strip()))


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
        deed_cues=data.deed_cues,
        referring_words=data.referring_words,
        desk_words=data.desk_words,
    )


def load_knowledge(faq_dir: Path, settings: Settings | None = None, edits: Sequence[EntryEdit] = ()) -> Knowledge:
    """Read and validate ``faq_dir``, with the console's ``edits`` over it; raises ContentError naming ``file:line``."""
    faq_dir = Path(faq_dir)
    if not (faq_dir / "qa").is_dir():
        raise ContentError(f"{faq_dir}/qa: folder not found")
    return Knowledge(apply_edits(load_entries(faq_dir), edits), load_lexicon(faq_dir), settings)
