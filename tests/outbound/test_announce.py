"""Staff announcements: the WeChat flow as staff, the CLI, the 48-hour rule, mass sends, reports."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from bot.models import Announcement, KeyValue, Outbox, utcnow
from tests.conftest import Resident, command, converse
from tests.outbound.conftest import add_user, db_of, outbox, worker

STAFF = "dev-staff-chen"
TZ = ZoneInfo("Asia/Shanghai")


def staff_member(app, wechat) -> Resident:
    return Resident(app.test_client(), wechat, STAFF)


def test_staff_announces_to_everyone_now(out_app, wechat):
    add_user(out_app, "o-recent", wrote=timedelta(hours=2))
    add_user(out_app, "o-quiet", wrote=timedelta(days=5))
    add_user(out_app, "o-gone", subscribed=False)
    chen = staff_member(out_app, wechat)
    converse(chen, [
        ("发布公告", ["陈主任", "请输入公告内容"]),
        ("本周六上午9点文化广场义诊，请带医保卡。", ["发给谁", "回复1：所有关注的居民"]),
        ("1", ["预览", "【羊木社区公告】本周六上午9点文化广场义诊", "所有关注的居民（3人）", "回复1：现在发送"]),
        ("1", ["请核对公告", "内容：本周六", "时间：现在发送", "回复1：确认提交"]),
        ("确认", ["公告已提交", "共3人"]),
    ])
    worker(out_app).send(budget_seconds=None)
    channels = {r.openid: (r.status, r.channel) for r in outbox(out_app)}
    assert channels["o-recent"] == ("sent", "custom") and channels["o-quiet"] == ("sent", "template")
    assert channels[STAFF] == ("sent", "custom")  # staff follow the account too
    assert "o-gone" not in channels
    assert "o-gone" not in out_app.fake.recipients()
    report = chen.says("公告情况")
    assert "已发完" in report and "共3人：已发3，失败0" in report and "客服消息2" in report and "模板消息1" in report


def test_resident_saying_fabu_gonggao_gets_the_normal_path(app, resident):
    answer = resident.says("发布公告")
    assert "请输入公告内容" not in answer
    with db_of(app).transaction() as session:
        assert session.scalars(select(Announcement)).first() is None


def test_staff_schedules_an_announcement_for_a_class_roster(out_app, wechat):
    add_user(out_app, "o-taiji", classes=("taiji",))
    add_user(out_app, "o-other")
    chen = staff_member(out_app, wechat)
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=TZ), tick=False):
        converse(chen, [
            ("发布公告", "公告内容"),
            ("明天太极拳班暂停一次，周四照常。", "发给谁"),
            ("太极拳班学员", "太极拳班学员（1人）"),
            ("2", "发送时间"),
            ("明天早上7点", ["请核对公告", "发送时间：12月01日 07:00"]),
            ("确认", "12月01日 07:00发送"),
        ])
    rows = outbox(out_app)
    assert [r.openid for r in rows] == ["o-taiji"]
    assert rows[0].due_at == datetime(2026, 12, 1, 7, 0, tzinfo=TZ)


def test_scheduled_announcement_waits_for_its_time(out_app, wechat):
    add_user(out_app, "o-1")
    chen = staff_member(out_app, wechat)
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=TZ), tick=False):
        converse(chen, [
            ("发布公告", "公告内容"),
            ("周三下午停水，请提前储水。", "发给谁"),
            ("1", "预览"),
            ("定时发送", "发送时间"),
            ("下午3点", ["请核对公告", "发送时间：11月30日 15:00"]),
            ("确认", "11月30日 15:00发送"),
        ])
        worker(out_app).send(budget_seconds=None)
        assert out_app.fake.calls == []
        assert "定时11月30日 15:00发送" in chen.says("公告情况")
    with time_machine.travel(datetime(2026, 11, 30, 15, 0, 5, tzinfo=TZ), tick=False):
        worker(out_app).send(budget_seconds=None)
    assert "o-1" in out_app.fake.recipients()


def test_a_past_time_is_refused(out_app, wechat):
    chen = staff_member(out_app, wechat)
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=TZ), tick=False):
        converse(chen, [("发布公告", "公告内容"), ("今晚社区放电影。", "发给谁"), ("1", "预览"),
                        ("2", "发送时间"), ("11月30日8:00", "已经过了")])


def test_cli_announce_and_report(out_app):
    add_user(out_app, "o-family", tags=("老人家属",))
    add_user(out_app, "o-family-gone", tags=("老人家属",), subscribed=False)
    queued = command(out_app, "announce", "--text", "重阳节敬老活动报名开始", "--audience", "tag:老人家属")
    assert queued.exit_code == 0 and "共2人，马上发出" in queued.stdout
    worker(out_app).send(budget_seconds=None)
    reported = command(out_app, "announce", "report", "1")
    assert reported.exit_code == 0
    assert "共2人：已发1，失败0，未发1" in reported.stdout and "已取消关注" in reported.stdout


def test_cli_refuses_a_time_that_has_passed(out_app):
    add_user(out_app, "o-1")
    result = command(out_app, "announce", "--text", "周三停水。", "--audience", "all", "--at", "2020-01-01T09:00")
    assert result.exit_code == 2 and "已经过了" in result.stderr


def test_cli_applies_the_same_rules_as_the_wechat_form(out_app):
    """One validation: a text too short and an audience nobody is in are refused here as in WeChat."""
    nobody = command(out_app, "announce", "--text", "周三停水。", "--audience", "tag:老人家属")
    assert nobody.exit_code == 2 and "没有一个人能收到" in nobody.stderr
    add_user(out_app, "o-1")
    short = command(out_app, "announce", "--text", "停水", "--audience", "all")
    assert short.exit_code == 2 and "内容太短" in short.stderr
    assert outbox(out_app) == []


def test_cli_rejects_an_unknown_audience(out_app):
    result = command(out_app, "announce", "--text", "周三停水。", "--audience", "tag:没有这个")
    assert result.exit_code == 2 and "可选" in result.stderr


def test_tag_with_a_wechat_id_goes_as_one_mass_send_within_the_quota(make_app, fake_api, tmp_path):
    faq = tmp_path / "faq"
    shutil.copytree(Path(__file__).parents[2] / "faq", faq)
    (faq / "audiences.yaml").write_text("tags:\n  老人家属: {wechat_tag_id: 101}\n  大党委成员: {}\n", encoding="utf-8")
    app = make_app(FAQ_DIR=str(faq), WECHAT_API_BASE_URL=fake_api.base_url, WECHAT_TEMPLATE_ID="t")
    for i in range(3):
        add_user(app, f"o-{i}", tags=("老人家属",), wrote=timedelta(days=9))
    add_user(app, "o-gone", tags=("老人家属",), subscribed=False)
    for n in range(5):
        assert command(app, "announce", "--text", f"第{n + 1}条通知", "--audience", "老人家属").exit_code == 0
    worker(app).send(budget_seconds=None)
    mass = fake_api.sent("message/mass/sendall")
    assert len(mass) == 4  # one call per announcement, four a month at most
    assert all(call.body["filter"] == {"is_to_all": False, "tag_id": 101} for call in mass)
    # the sender's threads may reach WeChat in any order; the first four announcements took the quota
    assert sorted(call.body["clientmsgid"] for call in mass) == [f"announcement-{n}" for n in range(1, 5)]
    first = {r.openid: (r.kind, r.status) for r in outbox(app) if r.announcement_id == 1}
    assert first["o-0"] == ("mass", "sent") and first["o-gone"] == ("text", "skipped")
    fifth = [r for r in outbox(app) if r.announcement_id == 5 and r.openid != "o-gone"]
    assert {(r.kind, r.channel) for r in fifth} == {("text", "template")}  # quota spent: one by one


def test_queueing_writes_one_row_per_recipient_with_the_announcement(out_app):
    from bot.services.announcements import announce, find_audience

    for i in range(30):
        add_user(out_app, f"o-{i}")
    assistant = out_app.extensions["community"]
    calendar = assistant.library.current().calendar
    with db_of(out_app).transaction() as session:
        row, count = announce(session, calendar, assistant.settings, author="t", text="明天停水通知",
                              audience=find_audience(calendar, "所有人"), now=utcnow())
    with db_of(out_app).transaction() as session:
        rows = session.scalars(select(Outbox).where(Outbox.announcement_id == row.id)).all()
    assert count == 30 and len({r.key for r in rows}) == 30


def test_staff_flag_rain_in_wechat_only_after_confirming(out_app, wechat):
    add_user(out_app, "o-taiji", classes=("taiji",))
    chen = staff_member(out_app, wechat)
    with time_machine.travel(datetime(2026, 11, 30, 20, 0, tzinfo=TZ), tick=False):
        converse(chen, [
            ("下雨 太极", ["请核对下雨改室内", "太极拳班12月1日（星期二）07:30的课改到居民学校", "回复1：确认提交"]),
            ("取消", "取消"),
        ])
        with db_of(out_app).transaction() as session:
            assert session.get(KeyValue, "rain:taiji") is None
        converse(chen, [("下雨 太极", "请核对"), ("1", "好的，太极拳班12月1日改到居民学校"),
                        ("下雨 太极", "已经改到居民学校了，不用再改")])


def test_staff_name_the_class_for_rain_when_they_did_not(out_app, wechat):
    chen = staff_member(out_app, wechat)
    with time_machine.travel(datetime(2026, 11, 30, 20, 0, tzinfo=TZ), tick=False):
        converse(chen, [("下雨 秧歌", "请核对"), ("取消", "取消"),
                        ("雨天 太极", ["太极拳班12月1日", "确认提交"]), ("确认", "改到居民学校")])


def test_staff_typing_taiji_ban_reach_the_class_not_the_empty_tag(out_app, wechat):
    add_user(out_app, "o-taiji", classes=("taiji",))
    chen = staff_member(out_app, wechat)
    converse(chen, [("发布公告", "公告内容"), ("周四太极拳课暂停一次。", "发给谁"),
                    ("太极班", ["太极拳班学员（1人）", "能收到：1人", "不占群发额度", "预览"]),
                    ("1", "请核对"), ("确认", "共1人")])


def test_tag_commands(out_app):
    add_user(out_app, "o-1")
    assert command(out_app, "tag", "add", "o-1", "老人家属").exit_code == 0
    synced = command(out_app, "tag", "sync", "老人家属")
    assert synced.exit_code == 0 and "wechat_tag_id" in synced.stdout
    assert out_app.fake.sent("tags/members/batchtagging")[0].body["openid_list"] == ["o-1"]
    assert command(out_app, "tag", "remove", "o-1", "老人家属").exit_code == 0
    assert command(out_app, "tag", "add", "o-1", "没有的标签").exit_code == 2


def test_resident_who_unfollowed_through_wechat_is_never_pushed_to(out_app, wechat):
    leaving = Resident(out_app.test_client(), wechat, "o-leaving")
    leaving.says("订阅议事会")
    leaving.post(wechat.event("o-leaving", "unsubscribe"))
    chen = staff_member(out_app, wechat)
    converse(chen, [("发布公告", "公告内容"), ("议事会改到下周五。", "发给谁"),
                    ("订阅“居民议事会提醒”的居民", ["（1人）", "预览"]), ("1", "请核对"), ("确认", "公告已提交")])
    worker(out_app).send(budget_seconds=None)
    assert out_app.fake.recipients() == []
    assert "未发1" in chen.says("公告情况") and "取消关注" in chen.says("公告情况")


def test_an_audience_nobody_is_in_is_refused(out_app, wechat):
    chen = staff_member(out_app, wechat)
    converse(chen, [("发布公告", "公告内容"), ("周三停水。", "发给谁"), ("标签：老人家属", "没有一个人能收到")])
