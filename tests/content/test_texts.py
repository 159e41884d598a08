"""What residents read comes from faq/texts.yaml: a second community is a second folder, no code edit."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.content import texts
from bot.content.files import ContentError
from bot.content.texts import load_texts, names_used_by_code
from tests.conftest import Resident

FAQ = PROJECT_ROOT / "faq"


@pytest.fixture
def other_community(tmp_path: Path) -> Path:
    folder = tmp_path / "faq"
    shutil.copytree(FAQ, folder)
    path = folder / "texts.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("community: 羊木社区", "community: 青山社区"),
                    encoding="utf-8")
    return folder


def test_the_community_name_is_written_once_and_reaches_every_text() -> None:
    assert "羊木" not in (FAQ / "texts.yaml").read_text(encoding="utf-8").split("texts:", 1)[1]
    assert load_texts(FAQ)["WELCOME"] == "您好，欢迎关注羊木社区！"


def test_a_second_community_is_a_second_folder(make_app, wechat, other_community: Path) -> None:
    app = make_app(FAQ_DIR=str(other_community))
    resident = Resident(app.test_client(), wechat, "o-qingshan")
    assert "欢迎关注青山社区" in resident.follows()
    assert "羊木" not in resident.says("菜单")
    assert texts.WELCOME == "您好，欢迎关注羊木社区！"  # nothing bound outside a message: the default


def test_a_missing_text_is_refused_with_file_and_line(other_community: Path) -> None:
    path = other_community / "texts.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(x for x in lines if not x.startswith("  WELCOME:")), encoding="utf-8")
    line = next(i for i, row in enumerate(lines, 1) if row == "texts:")
    with pytest.raises(ContentError, match=rf"^faq/texts.yaml:{line}: texts: missing WELCOME "):
        load_texts(other_community)


def test_every_text_the_code_reads_is_in_the_shipped_file() -> None:
    assert {"WELCOME", "APOLOGY", "ANNOUNCE_PREVIEW", "FORM_FIRST_STEP"} <= names_used_by_code()
    assert names_used_by_code() <= load_texts(FAQ).keys()


def test_command_words_are_the_communitys_own(make_app, wechat, other_community: Path) -> None:
    path = other_community / "lexicon.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  cancel: [取消,", "  cancel: [莫弄了, 取消,"),
                    encoding="utf-8")
    resident = Resident(make_app(FAQ_DIR=str(other_community)).test_client(), wechat, "o-words")
    assert "您要办哪一项" in resident.says("预约代办")
    assert "已经取消了" in resident.says("莫弄了")


def test_a_cli_command_prints_the_texts_of_its_faq_folder(make_app, other_community: Path) -> None:
    from tests.conftest import command
    from tests.outbound.conftest import add_user

    path = other_community / "texts.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  ANNOUNCEMENT_SCHEDULED: 第{id}号公告",
                                                             "  ANNOUNCEMENT_SCHEDULED: 这是{community}第{id}号公告"),
                    encoding="utf-8")
    app = make_app(FAQ_DIR=str(other_community))
    add_user(app, "o-qingshan")
    queued = command(app, "announce", "--text", "周三上午停水。", "--audience", "all", "--at", "2099-01-01T09:00")
    assert queued.exit_code == 0, queued.output
    reported = command(app, "announce", "report", "1")
    assert "这是青山社区第1号公告：定时01月01日 09:00发送" in reported.stdout
    assert texts.ANNOUNCEMENT_SCHEDULED.startswith("第{id}号")  # the command's binding ended with it


def test_form_titles_and_field_names_are_the_communitys_own(make_app, wechat, other_community: Path) -> None:
    path = other_community / "texts.yaml"
    text = path.read_text(encoding="utf-8").replace("  FORM_ANNOUNCE: 公告", "  FORM_ANNOUNCE: 通知")
    path.write_text(text.replace("  LABEL_TEXT: 内容", "  LABEL_TEXT: 正文"), encoding="utf-8")
    staff = Resident(make_app(FAQ_DIR=str(other_community)).test_client(), wechat, "dev-staff-chen")
    staff.says("发布公告")
    staff.says("本周六上午9点文化广场义诊，请带医保卡。")
    staff.says("1")
    summary = staff.says("1")
    assert "请核对通知" in summary and "正文：本周六" in summary


def test_apps_reading_the_same_unchanged_folder_share_one_load(make_app, tmp_path):
    import shutil
    from pathlib import Path

    faq = tmp_path / "faq"
    shutil.copytree(Path(__file__).parents[2] / "faq", faq)
    first, second = make_app(FAQ_DIR=str(faq)), make_app(FAQ_DIR=str(faq))
    assert first.extensions["community"].library.current() is second.extensions["community"].library.current()
    texts_file = faq / "texts.yaml"
    texts_file.write_text(texts_file.read_text(encoding="utf-8").replace("不客气！", "不用谢！"), encoding="utf-8")
    third = make_app(FAQ_DIR=str(faq))  # an edited folder is loaded afresh
    assert third.extensions["community"].library.current().texts["YOU_ARE_WELCOME"].startswith("不用谢")
