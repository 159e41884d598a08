"""An answer that is valid YAML but wrong for residents (a stray "- " line, a placeholder) fails `faq check`."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import PROJECT_ROOT
from bot.knowledge.matcher import MAX_THING_ENTRIES

ENTRY = "- id: extra.card\n  questions: [社保卡在哪办]\n  answer: {answer}\n"


@pytest.fixture
def faq(tmp_path: Path) -> Path:
    folder = tmp_path / "faq"
    shutil.copytree(PROJECT_ROOT / "faq", folder)
    return folder


def check(faq: Path, answer: str) -> tuple[int, str]:
    (faq / "qa" / "extra.yaml").write_text(ENTRY.format(answer=answer), encoding="utf-8")
    result = CliRunner().invoke(cli, ["faq", "check"], env={"FAQ_DIR": str(faq)})
    return result.exit_code, result.output


@pytest.mark.parametrize("answer, reason", [
    # A plain value's next line: YAML folds it into "要带： - 身份证", so only the file shows the marker.
    ("要带：\n    - 身份证\n    - 户口本", "has a line starting with '- '"),
    ("|\n    要带：\n    - 身份证", "has a line starting with '- '"),
    ("请打XXX联系", "contains XXX"),
    ("办理时间待补充", "contains 待补充"),
    ("TODO 写地址", "contains TODO"),
    ("请打{phone}", "contains {phone}"),
])
def test_faq_check_fails_on_an_answer_residents_should_not_get(faq, answer, reason):
    code, output = check(faq, answer)
    assert code == 1 and "faq/qa/extra.yaml:3:" in output and reason in output, output


def test_faq_check_passes_a_numbered_answer_on_several_lines(faq):
    code, output = check(faq, "|\n    要带：\n    1. 身份证\n    2. 户口本")
    assert code == 0, output


def test_faq_check_warns_of_a_name_too_many_entries_ask_about(faq):
    # 幼儿园 is a thing the matcher singles out only while at most MAX_THING_ENTRIES entries' phrasings name it.
    extra = "".join(f"- id: extra.k{i}\n  questions: [幼儿园第{i}件事怎么弄]\n  answer: 幼儿园的第{i}件事。\n"
                    for i in range(MAX_THING_ENTRIES))
    (faq / "qa" / "extra.yaml").write_text(extra, encoding="utf-8")
    result = CliRunner().invoke(cli, ["faq", "check"], env={"FAQ_DIR": str(faq)})
    assert result.exit_code == 0 and "提醒" in result.output and "“幼儿园”" in result.output, result.output


def test_faq_check_does_not_warn_of_the_shipped_faq(faq):
    result = CliRunner().invoke(cli, ["faq", "check"], env={"FAQ_DIR": str(faq)})
    assert result.exit_code == 0 and "提醒" not in result.output, result.output
