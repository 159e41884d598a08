"""Staff edit faq/ by hand: mistakes are reported as file:line, the assistant keeps answering
with the previous version, and a fixed file is picked up without a restart."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.content.files import ContentError
from bot.content.loader import load_knowledge
from bot.content.store import ReloadingStore

GOOD_ENTRY = """
- id: extra.one
  questions:
    - 卫生站几点开门
  answer: 卫生站工作日8:00—17:30开门。
"""


def write(path: Path, text: str) -> None:
    path.write_text(text.lstrip("\n"), encoding="utf-8")


def load_error(faq: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_knowledge(faq)
    return str(info.value)


def test_duplicate_id_names_both_places(faq_copy: Path) -> None:
    # Files are read in name order: the later one is reported, the earlier one cited.
    write(faq_copy / "qa" / "zz_more.yaml", GOOD_ENTRY + GOOD_ENTRY.replace("extra.one", "center.hours"))
    message = load_error(faq_copy)
    assert message == (
        "faq/qa/zz_more.yaml:6: duplicate id 'center.hours' (first at faq/qa/places.yaml:2)"
    )


def test_missing_answer(faq_copy: Path) -> None:
    write(faq_copy / "qa" / "extra.yaml", "- id: a.b\n  questions: [几点开门]\n")
    assert load_error(faq_copy) == "faq/qa/extra.yaml:1: entry 'a.b' has no answer"


def test_empty_answer_names_its_line(faq_copy: Path) -> None:
    write(faq_copy / "qa" / "extra.yaml", "- id: a.b\n  questions: [几点开门]\n  answer: ''\n")
    assert load_error(faq_copy) == "faq/qa/extra.yaml:3: entry 'a.b' has no answer"


def test_answer_over_300_characters(faq_copy: Path) -> None:
    write(faq_copy / "qa" / "extra.yaml", "- id: a.b\n  questions: [问]\n  answer: " + "长" * 301 + "\n")
    message = load_error(faq_copy)
    assert message.startswith("faq/qa/extra.yaml:3: answer of 'a.b' is 301 characters")


def test_answer_of_exactly_300_characters_is_fine(faq_copy: Path) -> None:
    write(faq_copy / "qa" / "extra.yaml", "- id: a.b\n  questions: [问]\n  answer: " + "长" * 300 + "\n")
    assert "a.b" in load_knowledge(faq_copy).entries


@pytest.mark.parametrize("questions", ["", "  questions: []\n", "  questions:\n"])
def test_entry_without_questions(faq_copy: Path, questions: str) -> None:
    write(faq_copy / "qa" / "extra.yaml", f"- id: a.b\n{questions}  answer: 有。\n")
    assert load_error(faq_copy).startswith("faq/qa/extra.yaml:")
    assert "no questions" in load_error(faq_copy) or "questions must be" in load_error(faq_copy)


def test_unknown_key(faq_copy: Path) -> None:
    write(faq_copy / "qa" / "extra.yaml", "- id: a.b\n  questions: [问]\n  answr: 有。\n")
    message = load_error(faq_copy)
    assert message == "faq/qa/extra.yaml:3: [0].answr: unknown key (a typo?)"


def test_yaml_syntax_error_names_the_line(faq_copy: Path) -> None:
    write(faq_copy / "qa" / "extra.yaml", GOOD_ENTRY + "- id: b\n  questions: [一, 二\n  answer: x\n")
    message = load_error(faq_copy)
    assert message.startswith("faq/qa/extra.yaml:")
    assert "YAML syntax error" in message
    line = int(message.split(":")[1])
    assert 6 <= line <= 8


def test_lexicon_mistakes_are_reported_too(faq_copy: Path) -> None:
    with (faq_copy / "lexicon.yaml").open("a", encoding="utf-8") as f:
        f.write("synonyms: [a]\n")
    assert load_error(faq_copy).startswith("faq/lexicon.yaml:")
    assert "synonyms: unknown key" in load_error(faq_copy)


def test_store_reloads_a_changed_file(faq_copy: Path) -> None:
    store = ReloadingStore(faq_copy, load_knowledge, check_interval=0)
    before = store.current()
    assert "extra.one" not in before.entries
    write(faq_copy / "qa" / "extra.yaml", GOOD_ENTRY)
    after = store.current()
    assert after is not before
    assert "extra.one" in after.entries
    assert after.match("卫生站几点开门").candidates[0].id == "extra.one"
    assert store.last_error is None


def test_store_checks_at_most_once_a_second(faq_copy: Path) -> None:
    store = ReloadingStore(faq_copy, load_knowledge)
    first = store.current()
    write(faq_copy / "qa" / "extra.yaml", GOOD_ENTRY)
    assert store.current() is first  # within the second: no file system checks yet
    time.sleep(1.05)
    assert "extra.one" in store.current().entries


def test_invalid_edit_keeps_the_previous_snapshot(faq_copy: Path) -> None:
    store = ReloadingStore(faq_copy, load_knowledge, check_interval=0)
    good = store.current()
    write(faq_copy / "qa" / "places.yaml", "- id: broken\n  questions: [问]\n")
    assert store.current() is good
    assert good.match("幼儿园几点放学").outcome == "answer"
    assert store.last_error == "faq/qa/places.yaml:1: entry 'broken' has no answer"
    # Fixing the file brings the new version in and clears the error.
    write(faq_copy / "qa" / "places.yaml", GOOD_ENTRY)
    fixed = store.current()
    assert fixed is not good and "extra.one" in fixed.entries
    assert store.last_error is None


def test_forced_reload_returns_the_error(faq_copy: Path) -> None:
    store = ReloadingStore(faq_copy, load_knowledge, check_interval=3600)
    write(faq_copy / "qa" / "extra.yaml", "- id: x\n  questions: [问]\n  answer: 好\n  extra: 1\n")
    error = store.reload()
    assert error == "faq/qa/extra.yaml:4: [0].extra: unknown key (a typo?)"
    assert store.last_error == error
    (faq_copy / "qa" / "extra.yaml").unlink()
    assert store.reload() is None
    assert store.last_error is None


def test_first_load_failure_raises(faq_copy: Path) -> None:
    write(faq_copy / "qa" / "places.yaml", "- id: [oops\n")
    with pytest.raises(ContentError):
        ReloadingStore(faq_copy, load_knowledge)


def test_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(ContentError):
        load_knowledge(tmp_path / "nowhere")


def test_readers_are_never_blocked_or_broken_by_reloads(faq_copy: Path) -> None:
    store = ReloadingStore(faq_copy, load_knowledge, check_interval=0)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                assert store.current().match("幼儿园几点放学").outcome == "answer"
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(5):
        write(faq_copy / "qa" / "extra.yaml", GOOD_ENTRY.replace("extra.one", f"extra.{i}"))
        store.reload()
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert not errors
    assert "extra.4" in store.current().entries


def test_an_answer_with_a_list_marker_at_a_line_start_is_refused(faq_copy: Path) -> None:
    write(faq_copy / "qa" / "extra.yaml", "- id: a.b\n  questions: [问]\n  answer: |\n    要带：\n    - 身份证\n")
    message = load_error(faq_copy)
    assert message.startswith("faq/qa/extra.yaml:3: answer of 'a.b' has a line starting with '- '")


def test_an_answer_with_a_placeholder_is_refused(faq_copy: Path) -> None:
    write(faq_copy / "qa" / "extra.yaml", "- id: a.b\n  questions: [问]\n  answer: 请打{phone}。\n")
    assert load_error(faq_copy).startswith("faq/qa/extra.yaml:3: answer of 'a.b' contains {phone}")


def test_a_key_written_twice_is_refused(faq_copy: Path) -> None:
    write(faq_copy / "qa" / "extra.yaml", "- id: a.b\n  questions: [问]\n  answer: 有。\n  answer: 没有。\n")
    assert load_error(faq_copy) == "faq/qa/extra.yaml:4: duplicate key 'answer' (first at line 3)"


def test_a_missing_command_group_is_refused(faq_copy: Path) -> None:
    path = faq_copy / "lexicon.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cancel = next(i for i, line in enumerate(lines) if line.startswith("  cancel:"))
    path.write_text("".join(lines[:cancel] + lines[cancel + 1:]), encoding="utf-8")
    commands = next(i for i, line in enumerate(lines) if line.startswith("commands:")) + 1
    assert load_error(faq_copy) == f"faq/lexicon.yaml:{commands}: commands.cancel: missing"


def test_a_missing_lexicon_is_refused(faq_copy: Path) -> None:
    (faq_copy / "lexicon.yaml").unlink()
    assert load_error(faq_copy) == "faq/lexicon.yaml:1: file is missing"
