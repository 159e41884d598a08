"""Features declare their routes in one place; the start refuses words nobody handles and handlers no words reach."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import cli
from bot.content.files import ContentError
from bot.conversation import router
from bot.conversation.message import Offer, Reply, offer
from bot.conversation.routes import Router
from tests.conftest import Resident, converse

FAQ = Path(__file__).resolve().parent.parent / "faq"

extra = Router("visit")


@extra.intent("visit")
def visit(ctx, text):
    return Reply.say("来访登记请到一楼窗口。")


@pytest.fixture
def faq_copy(tmp_path) -> Path:
    faq = tmp_path / "faq"
    shutil.copytree(FAQ, faq)
    return faq


def add_words(faq: Path, text: str) -> int:
    """Append to faq/intents.yaml; the line the new intent's name is on."""
    path = faq / "intents.yaml"
    line = len(path.read_text(encoding="utf-8").splitlines()) + 1
    with open(path, "a", encoding="utf-8") as intents:
        intents.write(text)
    return line


def test_words_for_an_intent_no_feature_declares_stop_the_start_with_file_and_line(make_app, faq_copy):
    line = add_words(faq_copy, "visit:\n  - 登记来访\n")
    with pytest.raises(ContentError, match=rf"faq/intents.yaml:{line}: no feature handles intent 'visit'"):
        make_app(FAQ_DIR=str(faq_copy))


def test_a_declared_intent_without_words_stops_the_start_with_file_and_line(make_app, monkeypatch):
    monkeypatch.setattr(router, "FEATURES", (*router.FEATURES, extra))
    where = f"tests/test_routes.py:{visit.__code__.co_firstlineno}"
    with pytest.raises(ContentError, match=rf"{where}: intent 'visit' has no words in faq/intents.yaml"):
        make_app()


def test_a_menu_only_intent_needs_no_words(make_app, monkeypatch):
    menu_only = Router("menu_only")
    menu_only.intent("visit", words=False)(visit)
    monkeypatch.setattr(router, "FEATURES", (*router.FEATURES, menu_only))
    assert make_app() is not None


def test_declared_with_words_the_intent_answers(make_app, monkeypatch, faq_copy, wechat):
    add_words(faq_copy, "visit:\n  - 登记来访\n")
    monkeypatch.setattr(router, "FEATURES", (*router.FEATURES, extra))
    app = make_app(FAQ_DIR=str(faq_copy))
    assert "一楼窗口" in Resident(app.test_client(), wechat, "o-visitor").says("我要登记来访")


def test_faq_check_refuses_words_nobody_handles(faq_copy):
    line = add_words(faq_copy, "visit:\n  - 登记来访\n")
    result = CliRunner().invoke(cli.cli, ["faq", "check"], env={"FAQ_DIR": str(faq_copy)})
    assert result.exit_code == 1
    assert f"faq/intents.yaml:{line}: no feature handles intent 'visit'" in result.stderr


def test_faq_check_accepts_the_shipped_data():
    assert CliRunner().invoke(cli.cli, ["faq", "check"], env={"FAQ_DIR": str(FAQ)}).exit_code == 0


def test_an_intent_declared_twice_is_refused():
    twice = Router("twice")
    twice.intent("my_bookings")(visit)
    with pytest.raises(ValueError, match="intent 'my_bookings' is declared twice"):
        router.Dispatcher((*router.FEATURES, twice))


def test_forms_belong_to_the_app_not_to_the_module():
    first, second = router.Dispatcher(router.FEATURES), router.Dispatcher(router.FEATURES[:1])
    assert "booking" in first.forms and "booking" not in second.forms


def test_staff_words_from_a_resident_go_to_the_faq_and_leave_the_form_open(resident):
    converse(resident, [("我想办居住证", "请选预约时间")])
    reply = resident.says("发布公告")
    assert "公告内容" not in reply and "已退出" not in reply
    assert "已经取消" in resident.says("取消")  # the booking was still open


def test_offering_choices_returns_them_and_sets_nothing():
    offered = offer([("预约代办", "预约代办"), ("人工", "人工")])
    assert offered == Offer("回复1：预约代办\n回复2：人工",
                            ({"label": "预约代办", "say": "预约代办"}, {"label": "人工", "say": "人工"}))
