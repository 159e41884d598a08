"""太极拳/秧歌 sign-up: QR poster, stored contact, full class, waiting list promotion, roster."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from bot.models import Conversation, Enrollment, Outbox, User
from tests.conftest import Resident, all_at_once, converse
from tests.services.conftest import rows

TAIJI_TERM = "2026-12-01"


def fill(app, class_id: str, seats: int) -> None:
    with app.extensions["community"].db.transaction() as session:
        for seat in range(1, seats + 1):
            session.add(Enrollment(class_id=class_id, term=TAIJI_TERM, seat=seat, name=f"学员{seat}",
                                   status="enrolled"))


def test_qr_scene_taiji_starts_the_taiji_form(app, resident):
    answer = resident.follows("taiji")
    assert "欢迎关注" in answer and "请问您的姓名" in answer
    [conversation] = rows(app, Conversation)
    assert (conversation.form, conversation.step) == ("enroll", "name")


def test_sign_up_for_taiji_with_optional_age(app, resident):
    converse(resident, [
        ("报名太极拳", ["回复“删除我的信息”", "请问您的姓名"]),
        ("我叫李秀英", "手机号"),
        ("139 0000 1111", ["多大年纪", "跳过"]),
        ("六十八", ["请核对报名", "班：太极拳班", "姓名：李秀英", "电话：139****1111"]),
        ("确认", ["报名成功", "每周二、周四早上7:30—8:30", "文化广场", "居民学校", "12月1日开始"]),
        ("我的报名", "太极拳班：已报名"),
        ("报名太极拳", "已经报过太极拳班"),
    ])
    [row] = rows(app, Enrollment)
    assert (row.name, row.phone, row.age, row.seat, row.term) == ("李秀英", "13900001111", 68, 1, TAIJI_TERM)


def test_activity_word_asks_which_class_and_reuses_the_stored_contact(app, resident):
    with app.extensions["community"].db.transaction() as session:
        session.add(User(openid=resident.openid, name="张三", phone="13812345678",
                         consent_at=datetime(2026, 11, 1, tzinfo=UTC)))
    converse(resident, [("报名活动", ["报名哪个班", "回复2：秧歌班"])])
    answer = resident.says("2")
    assert "回复1：用上次的：张*（138****5678）" in answer and "删除我的信息" not in answer
    converse(resident, [
        ("1", "多大年纪"),
        ("跳过", ["班：秧歌班", "姓名：张三", "电话：138****5678"]),
        ("1", ["报名成功", "每周一、三、五晚上19:30—20:30"]),
    ])


def test_full_class_offers_the_waiting_list_and_a_withdrawal_promotes_the_first(app, client, wechat):
    fill(app, "taiji", 29)
    first, second, third = (Resident(client, wechat, f"o-class-{i}") for i in range(3))
    converse(first, [("报名太极拳", "姓名"), ("王一", "手机"), ("13900000001", "年纪"), ("跳过", "请核对"),
                     ("1", "报名成功")])
    converse(second, [
        ("我想学太极拳", ["30个名额已经报满了", "回复1：排候补", "回复2：不报了"]),
        ("1", "姓名"), ("王二", "手机"), ("13900000002", "年纪"), ("跳过", "名额：排候补"),
        ("1", "候补第1位"),
        ("我的报名", "太极拳班：候补第1位"),
    ])
    converse(third, [("报名太极拳", "报满了"), ("2", "已经取消了")])
    converse(first, [("取消报名", ["请核对退出", "太极拳班"]), ("1", "已退出太极拳班")])
    [promoted] = rows(app, Enrollment, Enrollment.name == "王二")
    assert (promoted.status, promoted.seat) == ("enrolled", 30)
    [message] = rows(app, Outbox)
    assert message.openid == second.openid and "从候补转为正式报名" in message.text
    converse(second, [("我的报名", "太极拳班：已报名")])


def test_roster_lists_enrolled_and_waiting_as_csv(app, resident, staff):
    fill(app, "taiji", 30)
    converse(resident, [("报名太极拳", "报满了"), ("1", "姓名"), ("赵六", "手机"), ("13700000006", "年纪"),
                        ("70", "请核对"), ("1", "候补第1位")])
    table = list(csv.reader(io.StringIO(staff("roster", "taiji", "--csv"))))
    assert table[0][:4] == ["序号", "状态", "姓名", "电话"]
    assert len(table) == 32 and table[-1][:5] == ["候补1", "候补", "赵六", "13700000006", "70"]
    assert "已报名 30/30，候补 1" in staff("roster", "taiji")


def test_two_residents_racing_for_the_last_seat_one_waits(make_app, backend, wechat):
    app = make_app(backend)
    fill(app, "taiji", 29)
    residents = [Resident(app.test_client(), wechat, f"o-seat-{i}") for i in range(2)]
    for i, resident in enumerate(residents):
        converse(resident, [("报名太极拳", "姓名"), (f"刘{'一二'[i]}", "手机"), (f"1360000000{i}", "年纪"),
                            ("跳过", "请核对报名")])
    answers = all_at_once(residents, "1")
    assert sorted("报名成功" in a for a in answers) == [False, True], answers
    assert any("候补第1位" in a for a in answers), answers
    seats = [r.seat for r in rows(app, Enrollment, Enrollment.status == "enrolled")]
    assert sorted(seats) == list(range(1, 31))


def test_sign_up_says_which_class_before_asking_for_a_name(resident):
    first = resident.says("报名太极拳")
    assert "报名太极拳班" in first and "文化广场" in first and first.index("太极拳班") < first.index("姓名")
