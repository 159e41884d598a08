"""Inside a form, what a resident asks for still happens: lookups pause it, other actions end it."""
from tests.conftest import converse


def test_another_action_inside_a_form_ends_it_and_is_done(resident):
    converse(resident, [("报名太极拳", "姓名"), ("张三", "手机"), ("13812345678", "年纪")])
    reply = resident.says("订阅议事会提醒")
    assert "已退出刚才办的事" in reply and "订阅" in reply
    assert "现在没有正在办的事" in resident.says("取消")


def test_the_same_start_words_inside_their_own_form_are_an_answer(resident):
    converse(resident, [("路灯坏了", "在哪里")])
    assert "已退出" not in resident.says("老街路灯坏了那里")


def test_an_announcement_text_may_say_anything(make_app, wechat):
    from tests.conftest import Resident

    app = make_app()
    chen = Resident(app.test_client(), wechat, "dev-staff-chen")
    converse(chen, [("发布公告", "公告内容"), ("报名太极拳的居民请注意：周四改到居民学校", "发给谁")])


def test_an_unknown_menu_key_acts_as_the_menu_and_leaves_the_form(resident):
    converse(resident, [("路灯坏了", "在哪里")])
    assert "已退出刚才办的事" in resident.taps("NO_SUCH_KEY")
    assert "请直接说您想问的事" in resident.says("1")
