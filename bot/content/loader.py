"""Reading and validating ``faq/qa/*.yaml`` and ``faq/lexicon.yaml``.

Staff edit these files by hand, so every complaint names the file and line to fix
("faq/qa/x.yaml:12: duplicate id 'a.b' (first at faq/qa/y.yaml:3)"). The nodes of the one
reader (``bot.content.files``) keep their positions; they are checked and converted here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.content.files import ContentError, display_path, read
from bot.knowledge import Knowledge
from bot.knowledge.matcher import Settings
from bot.knowledge.model import MAX_ANSWER_CHARS, Entry
from bot.knowledge.normalize import Lexicon, build_replacements

__all__ = ["knowledge_files", "load_entries", "load_knowledge", "load_lexicon"]

ENTRY_KEYS = ("id", "questions", "answer")
LEXICON_KEYS = (
    "dialect", "aliases", "fillers", "particles", "final_particles",
    "generic", "domain_words", "off_topic", "concepts", "aspects",
    "clause_breaks", "question_cues", "question_finals", "age_after", "obtain_verbs", "commands",
)


def knowledge_files(faq_dir: Path) -> list[Path]:
    return sorted((faq_dir / "qa").glob("*.yaml")) + sorted((faq_dir / "qa").glob("*.yml"))


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node, shown: str, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        raise ContentError(f"{shown}:{_line(node)}: {what} must be text")
    return str(node.value).strip()


def _pairs(node: yaml.MappingNode, shown: str) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    seen: dict[str, int] = {}
    for knode, vnode in node.value:
        key = _scalar(knode, shown, "a key")
        if key in seen:
            raise ContentError(
                f"{shown}:{_line(knode)}: duplicate key '{key}' (first at line {seen[key]})"
            )
        seen[key] = _line(knode)
        yield key, knode, vnode


def _text_list(node: yaml.Node, shown: str, what: str) -> list[str]:
    if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null":
        items = [node]
    elif isinstance(node, yaml.SequenceNode):
        items = node.value
    else:
        raise ContentError(f"{shown}:{_line(node)}: {what} must be a list of texts")
    out = []
    for item in items:
        text = _scalar(item, shown, f"each item of {what}")
        if not text:
            raise ContentError(f"{shown}:{_line(item)}: empty item in {what}")
        out.append(text)
    return out


def load_entries(faq_dir: Path) -> list[Entry]:
    files = knowledge_files(faq_dir)
    if not files:
        raise ContentError(f"{display_path(faq_dir / 'qa', faq_dir)}: no FAQ files (*.yaml)")
    entries: list[Entry] = []
    first_seen: dict[str, str] = {}
    for path in files:
        document = read(path, faq_dir)
        shown, root = document.shown, document.node
        if root is None:
            continue  # an empty file: nothing yet
        if not isinstance(root, yaml.SequenceNode):
            raise ContentError(f"{shown}:{_line(root)}: expected a list of entries (- id: …)")
        for item in root.value:
            entry = _entry(item, shown)
            if entry.id in first_seen:
                raise ContentError(
                    f"{entry.source}: duplicate id '{entry.id}' (first at {first_seen[entry.id]})"
                )
            first_seen[entry.id] = entry.source
            entries.append(entry)
    if not entries:
        raise ContentError(f"{display_path(faq_dir / 'qa', faq_dir)}: no FAQ entries")
    return entries


def _entry(node: yaml.Node, shown: str) -> Entry:
    where = f"{shown}:{_line(node)}"
    if not isinstance(node, yaml.MappingNode):
        raise ContentError(f"{where}: each entry must be a mapping with id, questions, answer")
    values: dict[str, Any] = {}
    for key, knode, vnode in _pairs(node, shown):
        if key not in ENTRY_KEYS:
            raise ContentError(
                f"{shown}:{_line(knode)}: unknown key '{key}' (allowed: {', '.join(ENTRY_KEYS)})"
            )
        if key == "questions":
            values[key] = (_text_list(vnode, shown, "questions"), vnode)
        elif vnode.tag == "tag:yaml.org,2002:null":
            values[key] = ("", vnode)
        else:
            values[key] = (_scalar(vnode, shown, key), vnode)
    if not values.get("id", ("",))[0]:
        raise ContentError(f"{where}: entry without an id")
    entry_id = values["id"][0]
    answer, answer_node = values.get("answer", ("", node))
    if not answer:
        raise ContentError(f"{shown}:{_line(answer_node)}: entry '{entry_id}' has no answer")
    if len(answer) > MAX_ANSWER_CHARS:
        raise ContentError(
            f"{shown}:{_line(answer_node)}: answer of '{entry_id}' is {len(answer)} characters "
            f"(at most {MAX_ANSWER_CHARS})"
        )
    questions, _ = values.get("questions", ([], node))
    if not questions:
        raise ContentError(f"{where}: entry '{entry_id}' has no questions")
    return Entry(id=entry_id, questions=tuple(questions), answer=answer, source=where)


def load_lexicon(faq_dir: Path) -> Lexicon:
    """The lexicon; a missing file means an empty one (matching still works, less well)."""
    path = faq_dir / "lexicon.yaml"
    if not path.exists():
        return Lexicon()
    document = read(path, faq_dir)
    shown, root = document.shown, document.node
    if root is None:
        return Lexicon()
    if not isinstance(root, yaml.MappingNode):
        raise ContentError(f"{shown}:{_line(root)}: expected a mapping (dialect:, aliases:, …)")
    lists: dict[str, list[str]] = {}
    dialect: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    groups: dict[str, dict[str, list[str]]] = {"concepts": {}, "aspects": {}, "commands": {}}
    for key, knode, vnode in _pairs(root, shown):
        if key not in LEXICON_KEYS:
            raise ContentError(
                f"{shown}:{_line(knode)}: unknown key '{key}' (allowed: {', '.join(LEXICON_KEYS)})"
            )
        if vnode.tag == "tag:yaml.org,2002:null":
            continue
        if key == "dialect":
            if not isinstance(vnode, yaml.MappingNode):
                raise ContentError(f"{shown}:{_line(vnode)}: dialect must map word → standard")
            for src, sknode, dnode in _pairs(vnode, shown):
                dst = "" if dnode.tag == "tag:yaml.org,2002:null" else _scalar(dnode, shown, src)
                if not src:
                    raise ContentError(f"{shown}:{_line(sknode)}: empty dialect word")
                dialect[src] = dst
        elif key == "aliases":
            if not isinstance(vnode, yaml.MappingNode):
                raise ContentError(f"{shown}:{_line(vnode)}: aliases must map name → [aliases]")
            for canon, _cknode, anode in _pairs(vnode, shown):
                aliases[canon] = _text_list(anode, shown, f"aliases of {canon}")
        elif key in groups:
            if not isinstance(vnode, yaml.MappingNode):
                raise ContentError(f"{shown}:{_line(vnode)}: {key} must map name → [words]")
            for name, _nknode, wnode in _pairs(vnode, shown):
                groups[key][name] = _text_list(wnode, shown, f"{key} of {name}")
        else:
            lists[key] = _text_list(vnode, shown, key)
    # A word listed twice with different meanings is a staff mistake worth reporting.
    seen: dict[str, str] = {}
    for canon, names in aliases.items():
        for name in names:
            if name in seen and seen[name] != canon:
                raise ContentError(
                    f"{shown}:{_line(root)}: alias '{name}' given for both "
                    f"'{seen[name]}' and '{canon}'"
                )
            seen[name] = canon
    replacements = build_replacements(
        dialect, aliases, lists.get("fillers", []), lists.get("particles", [])
    )
    domain = set(lists.get("domain_words", [])) | set(aliases) | {
        d for d in dialect.values() if len(d) >= 3
    }
    return Lexicon(
        replacements=replacements,
        final_particles=tuple(lists.get("final_particles", [])),
        generic=frozenset(lists.get("generic", [])),
        domain_words=frozenset(domain),
        off_topic=frozenset(lists.get("off_topic", [])),
        concepts={k: tuple(v) for k, v in groups["concepts"].items()},
        aspects={k: tuple(v) for k, v in groups["aspects"].items()},
        commands={k: frozenset(v) for k, v in groups["commands"].items()},
        clause_breaks=tuple(lists.get("clause_breaks", [])),
        question_cues=tuple(lists.get("question_cues", [])),
        question_finals=tuple(lists.get("question_finals", [])),
        age_after=tuple(lists.get("age_after", [])),
        obtain_verbs=tuple(lists.get("obtain_verbs", [])),
    )


def load_knowledge(faq_dir: Path, settings: Settings | None = None) -> Knowledge:
    """Read and validate ``faq_dir``; raises ContentError naming ``file:line``."""
    faq_dir = Path(faq_dir)
    if not (faq_dir / "qa").is_dir():
        raise ContentError(f"{faq_dir}/qa: folder not found")
    return Knowledge(load_entries(faq_dir), load_lexicon(faq_dir), settings)
