"""The development set through the real webhook, as `community-bot faq eval` scores it."""
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli
from bot.cli.faq_eval import evaluate, load_questions

DEV = Path(__file__).resolve().parent / "data" / "faq_dev.yaml"


def test_development_set_is_answered_and_off_topic_is_handed_to_a_person():
    questions = load_questions(DEV)
    assert len(questions) >= 200 and sum(not expected for _, expected in questions) >= len(questions) / 3
    report = evaluate(questions)
    summary = "\n".join(report.lines() + report.misses)
    assert report.top1 >= 0.95, summary
    assert report.rejection >= 0.95, summary


def test_faq_eval_command_prints_the_rates(tmp_path):
    labelled = tmp_path / "few.yaml"
    labelled.write_text("- q: 日间照料中心晚上几点关门\n  expect: daycare.hours\n"
                        "- q: 银行几点上班\n  expect: null\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["faq", "eval", str(labelled)])  # builds its own app: none to pass
    assert result.exit_code == 0
    out = result.stdout
    assert "top-1 accuracy     100.0%" in out and "rejected (人工)    100.0%" in out, out
    assert "p95" in out


def test_faq_eval_on_a_missing_or_broken_file_says_so_in_one_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("- q: [unclosed\n", encoding="utf-8")
    for path in (tmp_path / "none.yaml", broken):
        result = CliRunner().invoke(cli, ["faq", "eval", str(path)])
        assert result.exit_code == 2
        errors = result.stderr.strip().splitlines()
        assert len(errors) == 1 and errors[0].startswith("faq eval: cannot read"), result.stderr
