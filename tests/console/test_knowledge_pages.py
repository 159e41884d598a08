"""What the assistant knows, in the console: edit, refuse, score, version, restore, 试一试, unanswered questions."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models import AuditEntry, FaqEdit, FaqGap
from tests.conftest import Resident

HOURS = "日间照料中心晚上几点关门"
NEW_ANSWER = "日间照料中心每天7:30—21:00开门，节假日照常。"
SMALL_DEV_SET = f"- q: {HOURS}\n  expect: daycare.hours\n- q: 银行几点上班\n  expect: null\n"


@pytest.fixture
def app(make_app, tmp_path):
    dev_set = tmp_path / "dev.yaml"
    dev_set.write_text(SMALL_DEV_SET, encoding="utf-8")
    return make_app(FAQ_DEV_SET=str(dev_set), FAQ_DEV_SET_SECONDS=600)  # a busy test machine is slow


def audit_actions(app) -> list[str]:
    with app.extensions["community"].db.transaction() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def form(entry_page: str) -> dict[str, str]:
    """What the entry page's form holds now (questions one per line, the answer)."""
    import html
    import re

    questions = re.search(r'name="questions"[^>]*>(.*?)</textarea>', entry_page, re.S).group(1)
    answer = re.search(r'name="answer"[^>]*>(.*?)</textarea>', entry_page, re.S).group(1)
    return {"questions": html.unescape(questions), "answer": html.unescape(answer)}


def test_an_edited_answer_reaches_residents_and_every_version_can_be_restored(app, staff_of, wechat):
    clerk, resident = staff_of("staff"), Resident(app.test_client(), wechat, "o-knowledge")
    url = "/console/knowledge/entry/daycare.hours"
    shipped = form(clerk.get(url).get_data(as_text=True))
    edited = {**shipped, "answer": "日间照料中心每天7:30—21:00开门，节假日照常。"}
    response = clerk.post(url, edited, url)
    assert response.status_code == 302
    assert "评测集准确率 100.0% → 100.0%" in clerk.get(url).get_data(as_text=True)
    assert resident.says(HOURS) == "日间照料中心每天7:30—21:00开门，节假日照常。"

    clerk.post(url, {**edited, "answer": "日间照料中心每天8:00—20:00开门。"}, url)
    assert "8:00—20:00" in resident.says(HOURS)
    page = clerk.get(url).get_data(as_text=True)
    assert "改了回答" in page and "staff-all的名字" in page
    with app.extensions["community"].db.transaction() as session:
        first = session.scalars(select(FaqEdit.id).order_by(FaqEdit.id)).first()
    clerk.post(f"{url}/restore/{first}", from_page=url)
    assert "7:30—21:00" in resident.says(HOURS)
    clerk.post(f"{url}/shipped", from_page=url)
    assert resident.says(HOURS) == shipped["answer"]
    assert audit_actions(app).count("faq.edit") == 2 and audit_actions(app).count("faq.restore") == 2


def test_an_answer_with_a_stray_list_marker_is_refused_and_the_old_one_kept(app, staff_of, wechat):
    clerk, resident = staff_of("staff"), Resident(app.test_client(), wechat, "o-marker")
    url = "/console/knowledge/entry/daycare.hours"
    before = form(clerk.get(url).get_data(as_text=True))
    for answer, reason in (("要带：\n- 身份证", "以“- ”开头"), ("请打电话XXX问", "XXX"), ("待补充", "待补充"),
                           ("长" * 301, "最多300个字")):
        response = clerk.post(url, {**before, "answer": answer}, url)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "没有保存" in page and reason in page, page
        assert answer in page  # the clerk's text is still in the form
    assert resident.says(HOURS) == before["answer"]
    assert "faq.edit" not in audit_actions(app)


def test_an_edit_that_lowers_the_dev_set_asks_before_saving(app, staff_of, wechat):
    clerk, resident = staff_of("staff"), Resident(app.test_client(), wechat, "o-worse")
    url = "/console/knowledge/entry/daycare.hours"
    worse = {"questions": "照料中心停车位在哪", "answer": "停车请停在中心门口。"}
    page = clerk.post(url, worse, url).get_data(as_text=True)
    assert "准确率会变低" in page and "100.0% → 0.0%" in page and "仍然保存" in page
    assert "停车" not in resident.says(HOURS)
    assert clerk.post(url, {**worse, "confirm": "1"}, url).status_code == 302
    assert resident.says("照料中心停车位在哪") == "停车请停在中心门口。"


def test_when_the_dev_set_cannot_be_scored_the_clerk_is_asked_before_saving(make_app, tmp_path, wechat):
    from tests.console.conftest import Staff, add_account

    broken = tmp_path / "broken.yaml"
    broken.write_text("- q: [unclosed\n", encoding="utf-8")
    app = make_app(FAQ_DEV_SET=str(broken))
    add_account(app, "clerk", "staff")
    clerk = Staff(app.test_client(), "clerk")
    clerk.sign_in()
    url = "/console/knowledge/entry/daycare.hours"
    edited = {**form(clerk.get(url).get_data(as_text=True)), "answer": NEW_ANSWER}
    page = clerk.post(url, edited, url).get_data(as_text=True)
    assert "没有算出来" in page and "仍然保存" in page
    assert Resident(app.test_client(), wechat, "o-unscored").says(HOURS) != NEW_ANSWER
    clerk.post(url, {**edited, "confirm": "1"}, url)
    assert Resident(app.test_client(), wechat, "o-unscored").says(HOURS) == NEW_ANSWER


def test_a_new_entry_answers_and_a_retired_one_no_longer_does(app, staff_of, wechat):
    clerk, resident = staff_of("staff"), Resident(app.test_client(), wechat, "o-new")
    new = {"id": "center.parking", "questions": "社区服务中心停车场在哪\n服务中心能不能停车",
           "answer": "服务中心东门有20个免费车位。"}
    assert clerk.post("/console/knowledge/new", new, "/console/knowledge/new").status_code == 302
    assert resident.says("服务中心能不能停车") == "服务中心东门有20个免费车位。"
    taken = clerk.post("/console/knowledge/new", {**new, "id": "daycare.hours"}, "/console/knowledge/new")
    assert taken.status_code == 400 and "编号已经有了" in taken.get_data(as_text=True)
    clerk.post("/console/knowledge/entry/center.parking/retire", from_page="/console/knowledge")
    assert "东门" not in resident.says("服务中心能不能停车")
    listing = clerk.get("/console/knowledge?q=停车").get_data(as_text=True)
    assert "center.parking" in listing and "已停用" in listing
    clerk.post("/console/knowledge/entry/center.parking/reinstate", from_page="/console/knowledge")
    assert "东门" in resident.says("服务中心能不能停车")


def test_try_box_shows_the_verdict_the_candidates_and_why(app, staff_of):
    page = staff_of("staff").get("/console/knowledge?try=日照中心晚上开到好久").get_data(as_text=True)
    assert "直接回答" in page and "daycare.hours" in page and "读成：日间照料中心" in page
    assert "字面相似" in page and "相同的词：日间照料中心" in page
    unknown = staff_of("staff").get("/console/knowledge?try=火车站怎么走").get_data(as_text=True)
    assert "答不上" in unknown


def test_knowledge_list_searches_and_exports(app, staff_of):
    clerk = staff_of("staff")
    listing = clerk.get("/console/knowledge?q=照料中心").get_data(as_text=True)
    assert "daycare.hours" in listing and "center.hours" not in listing
    export = clerk.get("/console/knowledge.xlsx?q=照料中心")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    assert "export" in audit_actions(app)


def test_viewers_and_grid_workers_cannot_open_or_change_the_knowledge(app, staff_of):
    for role in ("viewer", "grid"):
        member = staff_of(role)
        assert member.get("/console/knowledge").status_code == 403
        assert member.get("/console/gaps").status_code == 403


def test_an_unanswered_question_added_as_a_phrasing_is_answered_next_time(app, staff_of, wechat):
    resident, clerk = Resident(app.test_client(), wechat, "o-gap"), staff_of("staff")
    question = "跳坝坝舞的地方在哪"
    assert "还不会" in resident.says(question)
    with app.extensions["community"].db.transaction() as session:
        gap = session.scalars(select(FaqGap)).one()
    listing = clerk.get("/console/gaps").get_data(as_text=True)
    assert question in listing and "问了1次" in listing and "plaza.location" in listing  # a suggestion
    clerk.post(f"/console/gaps/{gap.id}/phrasing", {"entry_id": "plaza.location"}, "/console/gaps")
    assert "市场街东边" in resident.says(question)
    after = clerk.get("/console/gaps").get_data(as_text=True)
    assert "已把“跳坝坝舞的地方在哪”加为“文化广场在哪里”的问法" in after and f"<b>{question}</b>" not in after
    assert question in clerk.get("/console/gaps?status=phrasing").get_data(as_text=True)


def test_a_gap_marked_not_ours_or_noise_leaves_the_open_list(app, staff_of, wechat):
    resident, clerk = Resident(app.test_client(), wechat, "o-marks"), staff_of("staff")
    resident.says("火车票在哪里买")
    resident.says("明天会不会下雨")
    with app.extensions["community"].db.transaction() as session:
        train, rain = session.scalars(select(FaqGap).order_by(FaqGap.id)).all()
    clerk.post(f"/console/gaps/{train.id}/mark", {"status": "not_ours"}, "/console/gaps")
    clerk.post(f"/console/gaps/{rain.id}/mark", {"status": "noise"}, "/console/gaps")
    assert "没有。" in clerk.get("/console/gaps").get_data(as_text=True)
    assert "火车票" in clerk.get("/console/gaps?status=not_ours").get_data(as_text=True)
    assert audit_actions(app).count("gap.mark") == 2
    export = clerk.get("/console/gaps.xlsx?status=")
    assert export.status_code == 200


def test_a_gap_started_as_a_new_entry_is_marked_so(app, staff_of, wechat):
    resident, clerk = Resident(app.test_client(), wechat, "o-start"), staff_of("staff")
    resident.says("社区有没有快递柜")
    with app.extensions["community"].db.transaction() as session:
        gap = session.scalars(select(FaqGap)).one()
    page = clerk.get(f"/console/knowledge/new?question=社区有没有快递柜&gap={gap.id}").get_data(as_text=True)
    assert "社区有没有快递柜" in page
    new = {"id": "center.lockers", "questions": "社区有没有快递柜", "answer": "服务中心门口有快递柜。",
           "gap": str(gap.id)}
    clerk.post("/console/knowledge/new", new, "/console/knowledge/new")
    assert resident.says("社区有没有快递柜") == "服务中心门口有快递柜。"
    assert "center.lockers" in clerk.get("/console/gaps?status=new_entry").get_data(as_text=True)

