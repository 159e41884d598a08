"""Problem reports: recognised from a sentence, routed to a grid, followed up by staff, rated."""
from __future__ import annotations

from bot.models import Outbox, Ticket
from tests.conftest import command, converse
from tests.services.conftest import rows


def test_streetlight_statement_becomes_a_ticket_for_the_grid_worker(app, resident):
    converse(resident, [
        ("路灯坏了", ["在哪里", "发送位置"]),
        ("老街农贸市场门口", "照片"),
        ("没有照片", ["请核对反映的问题", "类别：路灯/亮化", "地点：老街农贸市场门口", "情况：路灯坏了"]),
        ("1", ["已受理", "编号：WG20261127-001", "第1网格网格员", "前会有人接手处理"]),
    ])
    [ticket] = rows(app, Ticket)
    assert (ticket.category, ticket.grid, ticket.status) == ("路灯/亮化", "第1网格", "已受理")
    assert ticket.assignee == "第1网格网格员"
    assert [e.status for e in ticket.events] == ["已受理"]


def test_neighbour_dispute_goes_to_mediation_with_location_and_photo(app, resident):
    converse(resident, [("邻居吵架", "在哪里")])
    assert "这个地方属于哪一片" in resident.sends_location("羊木镇某处")
    converse(resident, [("5", "照片")])
    assert "请核对" in resident.sends_image()
    converse(resident, [("1", ["已受理", "人民调解委员会"])])
    [ticket] = rows(app, Ticket)
    assert (ticket.category, ticket.grid, ticket.assignee) == ("邻里纠纷", "第5网格", "人民调解委员会")
    assert ticket.latitude == 32.64 and ticket.location == "羊木镇某处" and ticket.media_id


def test_report_word_alone_asks_category_by_number_and_what_happened(app, resident):
    converse(resident, [
        ("我要上报", ["是哪一类问题", "回复3：占道经营"]),
        ("3", "在哪里"),
        ("文笔村", "这个地方属于哪一片"),  # the village has two grids: asked again
        ("文笔村3组", "是什么情况"),
        ("赶场天菜摊把路堵了", "照片"),
        ("没有", "类别：占道经营"),
        ("1", "第4网格网格员"),
    ])


def test_two_failed_answers_show_choices_and_a_third_offers_a_person(resident):
    converse(resident, [("有人占道摆摊", "在哪里")])
    first = resident.says("嗯")
    assert "回复1" not in first
    converse(resident, [
        ("啊", ["说清楚在哪里", "回复1：羊木集镇老街"]),
        ("哦", ["人工", "回复5：搬迁安置小区"]),
        ("5", "照片"),
    ])


def test_staff_status_changes_reach_the_resident_and_the_rating_is_kept(app, resident, staff):
    converse(resident, [("停水了", "在哪里"), ("新区小区5栋", "照片"), ("跳过", "请核对"), ("1", "WG20261127-001")])
    assert "WG20261127-001" in staff("reports", "list")
    staff("reports", "assign", "WG20261127-001", "水务站老王")
    assert command(app, "reports", "assign", "WG20261127-001", " ").exit_code == 2
    staff("reports", "status", "WG20261127-001", "处理中", "--note", "已联系水务站")
    converse(resident, [("查询进度", "WG20261127-001 水电气：处理中")])
    staff("reports", "status", "WG20261127-001", "已办结", "--note", "水管已修好")
    messages = {m.key: m.text for m in rows(app, Outbox)}
    assert "处理中" in messages["ticket:WG20261127-001:处理中"]
    assert "已联系水务站" in messages["ticket:WG20261127-001:处理中"]
    assert "回复“满意”或“不满意”" in messages["ticket:WG20261127-001:已办结"]
    converse(resident, [("查询进度", ["已办结", "满意"]), ("满意", "谢谢"), ("满意", "没有要评价")])
    [ticket] = rows(app, Ticket)
    assert (ticket.status, ticket.satisfaction, ticket.assignee) == ("已办结", "满意", "水务站老王")
    shown = staff("reports", "show", "WG20261127-001")
    assert "水管已修好" in shown and "转交水务站老王" in shown and "满意度：满意" in shown


def test_question_about_reports_still_goes_to_the_faq(resident):
    assert "24小时" in resident.says("路灯坏了找谁") and "请核对" not in resident.says("有人占道摆摊怎么办")


def test_menu_items_and_faq_hints_start_the_services(resident):
    for key, expected in [("BOOKING", "您要办哪一项"), ("MY_BOOKINGS", "没有预约"), ("REPORT", "是哪一类问题"),
                          ("MY_REPORTS", "还没有反映过问题"), ("CLASS_TAIJI", "请问您的姓名"),
                          ("CLASS_YANGGE", "请问您的姓名"), ("MY_CLASSES", "没有报名")]:
        assert expected in resident.taps(key), key
    converse(resident, [("预约", "您要办哪一项"), ("取消", "已经取消"), ("上报", "是哪一类问题")])


def test_questions_stay_with_the_faq_and_wishes_start_a_booking(resident):
    assert "请选预约时间" not in resident.says("居住证要带什么")
    assert "请选预约时间" in resident.says("我想办居住证")
    resident.says("取消")
    assert "请选预约时间" in resident.says("预约办居住证")


def test_area_named_in_the_first_sentence_sets_the_grid_and_the_spot_is_still_asked(app, resident):
    converse(resident, [("安置小区垃圾没人收", "在哪里"), ("3栋后面", "照片"), ("跳过", "请核对"),
                        ("1", "第5网格网格员")])
    assert rows(app, Ticket)[0].category == "环境卫生"


def test_photo_sent_early_or_at_the_summary_goes_with_the_report(app, resident):
    converse(resident, [("路灯坏了", "在哪里")])
    early = resident.sends_image()
    assert "照片收到了" in early and "在哪里" in early
    converse(resident, [("老街口", ["请核对", "照片：已收到"])])
    converse(resident, [("1", "已受理")])
    [ticket] = rows(app, Ticket)
    assert ticket.media_id


def test_photo_at_the_summary_keeps_the_numbered_choices(app, resident):
    converse(resident, [("路灯坏了", "在哪里"), ("老街口", "照片"), ("跳过", "请核对")])
    assert "照片：已收到" in resident.sends_image()
    converse(resident, [("1", "已受理")])
    assert rows(app, Ticket)[0].media_id


def test_photo_sent_before_saying_report_is_attached(app, resident):
    assert "上报" in resident.sends_image()
    converse(resident, [("上报", "哪一类"), ("1", "在哪里"), ("老街口", "情况"), ("灯不亮", "照片：已收到"),
                        ("1", "已受理")])
    assert rows(app, Ticket)[0].media_id


def test_a_link_is_not_a_place(resident):
    converse(resident, [("路灯坏了", "在哪里")])
    assert "照片" not in resident.says("https://a.b/c")
