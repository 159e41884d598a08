"""The 人工 inbox in the console: cases with waiting time, context, replies through the outbox, 48 hours."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.models import AuditEntry, Outbox, User, utcnow
from bot.services import handoffs


def a_case(app, *, silent_for: timedelta = timedelta(minutes=1), phone: str = "13900001234") -> int:
    now = utcnow()
    with app.extensions["community"].db.transaction() as session:
        user = User(openid="wx-grandma", subscribed=True, name="王桂芳", phone=phone, created_at=now,
                    last_message_at=now - silent_for)
        session.add(user)
        session.flush()
        handoffs.log(session, user.id, "in", "高龄津贴怎么领", now)
        handoffs.log(session, user.id, "out", "这个问题我还不会回答", now)
        case, _ = handoffs.open_case(session, user, now)
        return case.id


def test_staff_see_the_case_with_what_the_resident_wanted(app, staff_of):
    case_id = a_case(app)
    clerk = staff_of("staff")
    listing = clerk.get("/console/inbox").get_data(as_text=True)
    assert "王**" in listing and "高龄津贴怎么领" in listing and "等了" in listing
    page = clerk.get(f"/console/inbox/{case_id}").get_data(as_text=True)
    assert "高龄津贴怎么领" in page and "139****1234" in page and "13900001234" not in page


def test_a_reply_goes_to_the_resident_through_the_outbox(app, staff_of):
    case_id = a_case(app)
    clerk = staff_of("staff")
    response = clerk.post(f"/console/inbox/{case_id}/reply", {"text": "您好，高龄津贴要带身份证和户口簿。"},
                          f"/console/inbox/{case_id}")
    assert response.status_code == 302
    with app.extensions["community"].db.transaction() as session:
        sent = session.scalars(select(Outbox)).all()
        assert [(o.openid, o.text) for o in sent] == [("wx-grandma", "您好，高龄津贴要带身份证和户口簿。")]
    page = clerk.get(f"/console/inbox/{case_id}").get_data(as_text=True)
    assert "已发给居民" in page or "您好，高龄津贴" in page


def test_outside_48_hours_the_console_says_to_phone_and_the_phone_view_is_audited(app, staff_of):
    case_id = a_case(app, silent_for=timedelta(hours=50))
    clerk = staff_of("staff")
    page = clerk.get(f"/console/inbox/{case_id}").get_data(as_text=True)
    assert "联系不上" in page and "<textarea id=\"reply\"" not in page
    refused = clerk.post(f"/console/inbox/{case_id}/reply", {"text": "您好"}, f"/console/inbox/{case_id}")
    assert refused.status_code == 400 and "联系不上" in refused.get_data(as_text=True)
    shown = clerk.post(f"/console/inbox/{case_id}/phone", {}, f"/console/inbox/{case_id}").get_data(as_text=True)
    assert "13900001234" in shown
    with app.extensions["community"].db.transaction() as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "phone.view")).all()


def test_canned_replies_are_one_click(app, staff_of):
    case_id = a_case(app)
    clerk = staff_of("staff")
    clerk.post("/console/canned", {"text": "您好，我是社区工作人员，请稍等。", "back": f"/console/inbox/{case_id}"},
               f"/console/inbox/{case_id}")
    page = clerk.get(f"/console/inbox/{case_id}").get_data(as_text=True)
    assert page.count("您好，我是社区工作人员，请稍等。") >= 2  # the button and its hidden value


def test_closing_a_case(app, staff_of):
    case_id = a_case(app)
    clerk = staff_of("staff")
    clerk.post(f"/console/inbox/{case_id}/close", {}, f"/console/inbox/{case_id}")
    listing = clerk.get("/console/inbox").get_data(as_text=True)
    assert "现在没有等待的居民" in listing


def test_a_grid_worker_cannot_open_the_inbox(app, staff_of):
    case_id = a_case(app)
    assert staff_of("grid").get(f"/console/inbox/{case_id}").status_code == 403


def test_the_dashboard_counts_what_waits(app, staff_of):
    a_case(app)
    page = staff_of("viewer").get("/console/").get_data(as_text=True)
    assert "<b>1</b>等人工回复" in page
    assert "后台发送程序没有启动" in page  # no scheduler heartbeat in tests
    assert "没有配置模板消息" in page  # nor a template id: residents silent for 48 hours get nothing
