"""Reading ``faq/eligibility.yaml`` into the eligibility engine's rules (``bot.knowledge.eligibility``).

Every complaint names file:line; conditions are checked against the facts they use, and every
verdict must fit one 300-character reply whatever its placeholders become.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.content.files import ContentError, read
from bot.content.loader import load_lexicon
from bot.knowledge.eligibility import FACT_KINDS, Case, Choice, Condition, Fact, Rule, Rules, render
from bot.knowledge.model import MAX_ANSWER_CHARS
from bot.knowledge.normalize import Normalizer

__all__ = ["load_rules"]

_COND_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$")
_FOLD = Normalizer()  # width/case folding only, for yes/no words

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

    def err(self, node: yaml.Node, message: str) -> ContentError:
        return ContentError(f"{self.shown}:{node.start_mark.line + 1}: {message}")

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


def _load_fact(src: _Src, node: yaml.Node, normalize: Normalizer) -> Fact:
    d = src.mapping(node, "a fact", _FACT_KEYS)
    name = src.text(d.get("name"), "fact name", node)
    kind = src.text(d.get("kind"), f"kind of fact '{name}'", node)
    if kind not in FACT_KINDS:
        raise src.err(d["kind"], f"kind of fact '{name}' must be one of {', '.join(FACT_KINDS)}")
    prompt = src.text(d.get("prompt"), f"prompt of fact '{name}'", node)
    choices: list[Choice] = []
    if "choices" in d:
        cnode = d["choices"]
        if not isinstance(cnode, yaml.SequenceNode) or not cnode.value:
            raise src.err(cnode, f"choices of fact '{name}' must be a non-empty list")
        for i, item in enumerate(cnode.value, 1):
            if kind == "yesno":
                label = src.text(item, "a choice", cnode)
                choices.append(Choice("yes" if i == 1 else "no", label, ()))
            else:
                cd = src.mapping(item, "a choice", {"key", "label", "words"})
                choices.append(
                    Choice(
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
    return Fact(name, kind, prompt, tuple(choices), mentions, age_on)


def _load_rule(src: _Src, node: yaml.Node, normalize: Normalizer) -> Rule:
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
        for cnode in _src_list(src, cd.get("when"), item):
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
            conditions.append(Condition(fname, op, value))
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
        case = Case(
            tuple(conditions),
            eligible,
            src.text(cd.get("verdict"), "verdict", item),
            src.text(cd.get("reason"), "reason", item, required=False),
            docs,
            src.text(cd.get("next"), "next", item, required=False),
        )
        cases.append(case)
    rule = Rule(
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
            text = render(rule, case, worst)
        except (KeyError, IndexError, ValueError) as exc:
            raise src.err(item, f"verdict text has an unknown placeholder: {exc}") from None
        if len(text) > MAX_ANSWER_CHARS:
            raise src.err(
                item, f"verdict text is {len(text)} characters (at most {MAX_ANSWER_CHARS})"
            )
    return rule


def _src_list(src: _Src, node: yaml.Node | None, parent: yaml.Node) -> list[yaml.Node]:
    if node is None or node.tag == "tag:yaml.org,2002:null":
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise src.err(node, "'when' must be a list of conditions")
    return list(node.value)


def load_rules(path: Path, normalize: Normalizer | None = None) -> Rules:
    """Read ``faq/eligibility.yaml``; raises ContentError naming file:line.

    Topics, cues and phrases are normalised like the questions they are looked for in: by
    ``normalize`` if given (e.g. ``Knowledge.normalize``), else with the lexicon beside the
    file (``faq/lexicon.yaml``)."""
    path = Path(path)
    if normalize is None:
        normalize = Normalizer(load_lexicon(path.parent))  # the lexicon beside the rules, as the FAQ uses it
    norm = normalize
    document = read(path, path.parent)
    shown, root = document.shown, document.node
    src = _Src(shown)
    if root is None:
        raise ContentError(f"{shown}:1: no rules")
    top = src.mapping(root, "the rules file", _TOP_KEYS)
    rnode = top.get("rules")
    if not isinstance(rnode, yaml.SequenceNode) or not rnode.value:
        raise src.err(rnode or root, "'rules' must be a non-empty list")
    rules: list[Rule] = []
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
