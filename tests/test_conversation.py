"""What a resident notices: menu, numbered choices, a person on request, following, the fallback."""
from __future__ import annotations

import shutil
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from bot.cli import cli
from bot.models import FaqGap, HandoffRequest, User
from tests.conftest import PRODUCTION, Resident, command, converse

FAQ = Path(__file__).resolve().parent.parent / "faq"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def rows(app, model):
    with app.extensions["community"].db.transaction() as session:
        return session.scalars(select(model)).all()


def test_menu_lists_numbered_things_and_a_digit_picks_one(resident):
    converse(resident, [
        ("菜单", ["回复1", "回复6", "人工"]),
        ("6", "工作人员"),
    ])


def test_digit_out_of_range_keeps_the_choices(resident):
    converse(resident, [
        ("帮助", "回复1"),
        ("9", "没有这个选项"),
        ("1", "请直接说您想问的事"),
    ])


def test_a_stray_number_or_small_talk_is_not_an_unanswered_question(app, resident):
    assert "没有要选的编号" in resident.says("7")
    assert "没有要选的编号" in resident.says("第一个")
    assert "回复1" in resident.says("你好")
    assert "不客气" in resident.says("谢谢")
    assert "还有什么事" in resident.says("好的")
    assert rows(app, FaqGap) == []


def test_spoken_and_full_width_numbers_pick_choices(resident):
    for said in ("第一个", "１", "一"):
        resident.says("菜单")
        assert "请直接说您想问的事" in resident.says(said)


def test_a_number_sent_after_the_form_expired_is_not_taken_as_a_question(app, resident, monkeypatch):
    from datetime import timedelta

    from bot.models import Conversation

    resident.says("预约代办")
    with app.extensions["community"].db.transaction() as session:
        session.scalars(select(Conversation)).one().updated_at -= timedelta(minutes=45)
    reply = resident.says("1")
    assert "太久没有回复" in reply and "还不会回答" not in reply
    assert rows(app, FaqGap) == []


def test_unknown_question_offers_a_person_and_is_kept_for_staff(app, resident):
    reply = resident.says("明天会不会下雨")
    assert "人工" in reply and "还不会" in reply
    resident.says("明天会不会下雨嘛")
    gaps = rows(app, FaqGap)
    assert len(gaps) == 1 and gaps[0].count == 2 and gaps[0].example.startswith("明天会不会下雨")


def test_voice_with_recognition_takes_the_text_path(resident):
    typed = resident.says("日间照料中心晚上几点关门")
    spoken = resident.speaks("嗯那个日间照料中心晚上几点关门")
    assert typed == spoken and "21" in spoken


def test_follow_greets_with_numbered_list_and_unfollow_stops_pushes(app, resident):
    greeting = resident.follows()
    assert "欢迎" in greeting and "回复1" in greeting
    assert resident.post(resident.side.event(resident.openid, "unsubscribe")) == {}
    assert rows(app, User)[0].subscribed is False
    resident.post(resident.side.event(resident.openid, "subscribe", create_time=int(time.time()) + 2))
    assert rows(app, User)[0].subscribed is True


def test_qr_poster_scene_reaches_the_router(app, resident):
    resident.follows(scene="taiji")
    assert rows(app, User)[0].scene == "taiji"


@pytest.mark.parametrize("local, expected", [
    (datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI), "现在是工作时间"),  # Friday morning
    (datetime(2026, 11, 27, 20, 0, tzinfo=SHANGHAI), "明天9:00"),  # Friday evening → Saturday window
    (datetime(2026, 11, 29, 18, 30, tzinfo=SHANGHAI), "明天8:30"),  # Sunday evening → Monday
])
def test_handoff_tells_when_staff_answer_and_records_the_request(app, resident, local, expected):
    with time_machine.travel(local, tick=False):
        resident.says("路灯的事情我想找个人说")
        reply = resident.says("人工")
    assert expected in reply
    requests = rows(app, HandoffRequest)
    assert len(requests) == 1 and requests[0].text == "路灯的事情我想找个人说"


def test_handoff_transfers_to_customer_service_when_switched_on(make_app, wechat):
    app = make_app(WECHAT_CUSTOMER_SERVICE=True)
    reply = Resident(app.test_client(), wechat, "o-cs").post(wechat.text("o-cs", "转人工"))
    assert reply["MsgType"] == "transfer_customer_service"
    assert len(rows(app, HandoffRequest)) == 1


def test_menu_click_acts_like_the_words_it_stands_for(resident):
    assert "工作人员" in resident.taps("HANDOFF")


@pytest.fixture
def close_call_app(make_app, tmp_path):
    """A FAQ where two entries are worded alike, so the assistant has to ask which one."""
    faq = tmp_path / "faq"
    shutil.copytree(FAQ, faq)
    for path in (faq / "qa").glob("*.yaml"):
        path.unlink()
    (faq / "qa" / "test.yaml").write_text(
        "- id: taiji.time\n  questions: [太极拳班几点上课, 太极拳什么时候上课]\n"
        "  answer: 太极拳周二周四早上7:30上课。\n"
        "- id: yangge.time\n  questions: [秧歌班几点上课, 秧歌什么时候上课]\n"
        "  answer: 秧歌周一三五晚上7:30上课。\n",
        encoding="utf-8")
    return make_app(FAQ_DIR=str(faq))


def test_close_call_asks_which_one_and_a_digit_answers_it(close_call_app, wechat):
    resident = Resident(close_call_app.test_client(), wechat, "o-close")
    reply = resident.says("班几点上课")
    if "哪一个" not in reply:
        pytest.skip("matcher answered outright on this wording")
    assert "回复1" in reply and "回复2" in reply
    picked = resident.says("2")
    assert picked in ("太极拳周二周四早上7:30上课。", "秧歌周一三五晚上7:30上课。")
    assert rows(close_call_app, FaqGap)[0].outcome == "clarify"


def test_faq_edit_takes_effect_and_a_broken_edit_keeps_the_old_answers(close_call_app, wechat, tmp_path):
    resident = Resident(close_call_app.test_client(), wechat, "o-edit")
    library = close_call_app.extensions["community"].library
    qa = Path(library.faq_dir) / "qa" / "test.yaml"
    qa.write_text(qa.read_text(encoding="utf-8").replace("7:30上课", "8:00上课"), encoding="utf-8")
    library.reload()
    assert "8:00" in resident.says("太极拳班几点上课")
    qa.write_text("- id: broken\n  questions: [x]\n", encoding="utf-8")
    error = library.reload()
    assert error and "test.yaml" in error
    assert "8:00" in resident.says("太极拳班几点上课")


def test_production_turns_the_simulator_off(make_app):
    app = make_app(**PRODUCTION, WECHAT_ALLOW_PLAINTEXT="true")
    assert app.test_client().get("/dev/chat").status_code == 404


def test_a_news_reply_carries_exactly_one_article(app, monkeypatch, resident):
    from bot.conversation.message import Article, Reply

    article = Article("社区通知", "议事会12月4日15:00召开", "http://127.0.0.1/notice", "http://127.0.0.1/p.jpg")
    monkeypatch.setattr(app.extensions["community"].router, "dispatch", lambda ctx, message: Reply.news(article))
    reply = resident.post(resident.side.text(resident.openid, "通知"))
    assert reply["MsgType"] == "news" and reply["ArticleCount"] == "1"
    assert reply["Articles"].count("<item>") == 1 and "社区通知" in reply["Articles"]


def test_staff_see_the_most_asked_unanswered_questions(app, resident):
    for question in ("明天会不会下雨", "明天会不会下雨嘛", "哪里可以修手机"):
        resident.says(question)
    result = command(app, "faq", "gaps")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0].split()[0] == "2" and "下雨" in lines[0]
    assert len(lines) == 2


def test_a_changed_faq_file_is_picked_up_without_a_restart(close_call_app, wechat, monkeypatch):
    close_call_app.extensions["community"].library.check_interval = 0
    resident = Resident(close_call_app.test_client(), wechat, "o-hot")
    qa = Path(close_call_app.extensions["community"].library.faq_dir) / "qa" / "test.yaml"
    qa.write_text(qa.read_text(encoding="utf-8").replace("7:30上课", "9:00上课"), encoding="utf-8")
    assert "9:00" in resident.says("太极拳班几点上课")


def test_terminal_chat_talks_through_the_real_webhook(app):
    result = app.test_cli_runner().invoke(cli, ["chat", "--openid", "o-terminal"],
                                          input="菜单\n/关注\n日间照料中心晚上几点关门\n")
    assert result.exit_code == 0
    out = result.stdout
    assert out.count("小助手>") == 3 and "回复1" in out and "欢迎" in out and "21" in out
