"""The development set through the real webhook, as `community-bot faq-eval` scores it."""
from pathlib import Path

from bot import cli
from bot.cli.faq_eval import evaluate, load_questions

DEV = Path(__file__).resolve().parent / "data" / "faq_dev.yaml"


def test_development_set_is_answered_and_off_topic_is_handed_to_a_person():
    questions = load_questions(DEV)
    assert len(questions) >= 200 and sum(not expected for _, expected in questions) >= len(questions) / 3
    report = evaluate(questions)
    summary = "\n".join(report.lines() + report.misses)
    assert report.top1 >= 0.95, summary
    assert report.rejection >= 0.95, summary


def test_faq_eval_command_prints_the_rates(tmp_path, capsys):
    labelled = tmp_path / "few.yaml"
    labelled.write_text("- q: 日间照料中心晚上几点关门\n  expect: daycare.hours\n"
                        "- q: 银行几点上班\n  expect: null\n", encoding="utf-8")
    assert cli.main(["faq-eval", str(labelled)]) == 0
    out = capsys.readouterr().out
    assert "top-1 accuracy     100.0%" in out and "rejected (人工)    100.0%" in out, out
    assert "p95" in out


def test_faq_eval_on_a_missing_or_broken_file_says_so_in_one_line(tmp_path, capsys):
    assert cli.main(["faq-eval", str(tmp_path / "none.yaml")]) == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("- q: [unclosed\n", encoding="utf-8")
    assert cli.main(["faq-eval", str(broken)]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("faq-eval: cannot read") for line in errors)
