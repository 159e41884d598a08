"""Console edits of the FAQ: an overlay in the database that every worker picks up, versions, restore, export."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from bot.content.loader import load_entries
from bot.db import Database
from bot.models import FaqEdit, utcnow
from bot.services import knowledge
from bot.services.errors import NotAllowed
from tests.conftest import Resident, command

FAQ = Path(__file__).resolve().parents[2] / "faq"
HOURS = "日间照料中心晚上几点关门"
NEW_HOURS = "日间照料中心每天7:30—21:00开门。"


def edit_hours(app, answer: str = NEW_HOURS, who: str = "陈主任") -> FaqEdit:
    before = app.extensions["community"].library.current().knowledge.entries["daycare.hours"]
    with app.extensions["community"].db.transaction() as session:
        return knowledge.save(session, entry_id="daycare.hours", questions=before.questions, answer=answer,
                              before=before, who=who, now=utcnow())


def test_an_edit_in_one_app_is_answered_by_another_sharing_the_database(make_app, make_db_url, backend, wechat):
    url = make_db_url(backend)
    editing, serving = make_app(DATABASE_URL=url), make_app(DATABASE_URL=url)
    serving.extensions["community"].library.check_interval = 0.2
    resident = Resident(serving.test_client(), wechat, "o-other-host")
    assert resident.says(HOURS) != NEW_HOURS
    edit_hours(editing)
    time.sleep(0.25)  # the other worker's check interval
    assert resident.says(HOURS) == NEW_HOURS
    # A deploy: a new process of new code starts on the same database and answers with the edit.
    assert Resident(make_app(DATABASE_URL=url).test_client(), wechat, "o-after-deploy").says(HOURS) == NEW_HOURS


def test_the_stamp_changes_with_every_save_and_is_none_without_a_database(app):
    db = app.extensions["community"].db
    edits = knowledge.DatabaseEdits(db)
    first = edits.stamp()
    edit_hours(app)
    assert edits.stamp() != first
    with db.transaction() as session:  # a worker checking while it holds a write transaction does not wait on itself
        session.add(FaqEdit(entry_id="x", questions=["问"], answer="答", retired=False, at=utcnow(), who="陈主任"))
        session.flush()
        started = time.monotonic()
        assert edits.stamp() is not None and len(edits.edits()) == 1
        assert time.monotonic() - started < 5
    unreachable = knowledge.DatabaseEdits(Database("postgresql+psycopg://nobody@127.0.0.1:9/none"))
    assert unreachable.stamp() is None and unreachable.edits() == ()


def test_every_version_is_kept_and_any_can_be_restored(app):
    first = edit_hours(app, "第一版：每天8:00开门。")
    edit_hours(app, "第二版：每天9:00开门。", who="李干事")
    db = app.extensions["community"].db
    with db.transaction() as session:
        versions = knowledge.history(session, "daycare.hours")
        assert [(v.who, v.change) for v in versions] == [("李干事", "改了回答"), ("陈主任", "改了回答")]
        knowledge.restore(session, first.id, "陈主任", utcnow())
    with db.transaction() as session:
        (newest,) = knowledge.newest_edits(session)
        assert newest.answer == "第一版：每天8:00开门。"
        assert knowledge.history(session, "daycare.hours")[0].change == f"恢复到第{first.id}版"
        knowledge.to_shipped(session, "daycare.hours", "陈主任", utcnow())
    with db.transaction() as session:
        assert knowledge.newest_edits(session) == ()
        assert len(knowledge.history(session, "daycare.hours")) == 4


@pytest.mark.parametrize("answer, reason", [
    ("要带：\n- 身份证\n- 户口本", "以“- ”开头"),
    ("请打XXX联系", "XXX"),
    ("时间待补充", "待补充"),
    ("TODO 写地址", "TODO"),
    ("请打{phone}", "{phone}"),
    ("长" * 301, "最多300个字"),
    ("", "不能是空的"),
])
def test_an_answer_residents_should_not_get_is_refused_with_the_reason(app, answer, reason):
    with pytest.raises(NotAllowed, match=reason.replace("{", r"\{").replace("}", r"\}")):
        edit_hours(app, answer)
    with app.extensions["community"].db.transaction() as session:
        assert knowledge.newest_edits(session) == ()


def test_an_edit_the_rules_now_refuse_is_left_out_and_the_shipped_entry_answers(app, wechat):
    with app.extensions["community"].db.transaction() as session:
        session.add(FaqEdit(entry_id="daycare.hours", questions=[HOURS], answer="TODO", retired=False,
                            at=utcnow(), who="旧版本"))
    app.extensions["community"].library.reload()
    reply = Resident(app.test_client(), wechat, "o-old-rule").says(HOURS)
    assert "21:00" in reply and "TODO" not in reply


@pytest.fixture
def faq_copy(tmp_path) -> Path:
    target = tmp_path / "faq"
    shutil.copytree(FAQ, target)
    return target


def test_export_writes_the_edits_into_the_yaml_that_ships(app, faq_copy):
    edit_hours(app)
    db = app.extensions["community"].db
    with db.transaction() as session:
        knowledge.save(session, entry_id="center.parking", questions=["服务中心能不能停车"],
                       answer="东门有车位：\n1. 小车\n2. 电瓶车", before=None, who="陈主任", now=utcnow())
        center = app.extensions["community"].library.current().knowledge.entries["center.lunch"]
        knowledge.retire(session, center, "陈主任", utcnow())
        edits = knowledge.newest_edits(session)
    places = faq_copy / "qa" / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace("- id: daycare.meals", "# 吃饭\n- id: daycare.meals"),
                      encoding="utf-8")
    written = knowledge.export(faq_copy, edits)
    assert written == ["places.yaml", "console.yaml"]
    entries = {e.id: e for e in load_entries(faq_copy)}
    assert entries["daycare.hours"].answer == NEW_HOURS
    assert entries["daycare.hours"].aspects == ("hours",)  # the file's label survives the export
    assert entries["center.parking"].answer == "东门有车位：\n1. 小车\n2. 电瓶车"
    assert "center.lunch" not in entries
    shipped = {e.id: e for e in load_entries(FAQ)}
    assert entries["center.hours"] == shipped["center.hours"]  # untouched, same file and line
    text = places.read_text(encoding="utf-8")
    assert text.startswith("# 场所") and f"{NEW_HOURS}\n\n# 吃饭\n- id: daycare.meals" in text


def test_faq_export_command_writes_into_faq_dir(make_app, faq_copy):
    app = make_app(FAQ_DIR=str(faq_copy))
    edit_hours(app)
    result = command(app, "faq", "export")
    assert result.exit_code == 0 and "已写入 1 条" in result.stdout, result.output
    assert {e.id: e for e in load_entries(faq_copy)}["daycare.hours"].answer == NEW_HOURS


def test_try_question_gives_the_verdict_and_the_reasons(app):
    trial = knowledge.try_question(app.extensions["community"].library.current().knowledge, "日照中心晚上开到好久")
    assert trial.outcome == "answer" and trial.answered[0].id == "daycare.hours"
    assert trial.content_words == ["日间照料中心"]
    best = trial.candidates[0]
    assert best.entry.id == "daycare.hours" and best.shared == ["日间照料中心"]
    assert dict(best.channels)["字面相似"]

