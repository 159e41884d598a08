"""统计 in the console: the month's page, the 台账 workbook (opened with openpyxl) and the A4 page, audited."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from bot.models import AuditEntry
from tests.month import build_month


def month_of(app) -> None:
    with app.extensions["community"].db.transaction() as session:
        build_month(session)


def test_the_monthly_page_shows_the_numbers_and_charts(app, staff_of):
    month_of(app)
    page = staff_of("staff").get("/console/statistics?month=2026-11").get_data(as_text=True)
    assert "统计 · 2026年11月" in page
    for shown in ("3人次", "27小时", "33%", "发出2条，送达1条", "1次，发给3人次，送达2人次"):
        assert shown in page, shown
    assert page.count("<svg") == 7  # the weekly trend, grids, categories, items, classes, on time, delivered
    assert 'aria-label="各网格上报"' in page and 'aria-label="按时响应"' in page


def test_a_wrong_date_says_so_and_shows_this_month(app, staff_of):
    page = staff_of("staff").get("/console/statistics?since=2026-11-30&until=2026-11-01").get_data(as_text=True)
    assert "结束日期早于开始日期" in page
    page = staff_of("staff").get("/console/statistics?since=2020-01-01&until=2026-11-30").get_data(as_text=True)
    assert "一次最多看一年" in page
    page = staff_of("staff").get("/console/statistics?month=2026-13").get_data(as_text=True)
    assert "日期格式不对" in page


def test_the_workbook_has_a_sheet_per_area_with_the_rows_behind_each_number(app, staff_of):
    month_of(app)
    response = staff_of("staff").get("/console/statistics.xlsx?month=2026-11")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["汇总", "咨询", "转人工", "预约代办", "代办办件", "上报问题", "课程报名", "课程出勤",
                               "提醒和通知"]
    summary = {(area, item): value for area, item, value in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary[("上报问题", "收到上报（社情民意）")] == "3件"
    reports = list(book["上报问题"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in reports] == ["WG20261102-001", "WG20261120-001", "WG20261125-001"]
    bookings = list(book["预约代办"].iter_rows(min_row=2, values_only=True))
    assert len(bookings) == 3 and all("13812345678" not in str(row) for row in bookings)  # phones masked
    assert len(list(book["咨询"].iter_rows(min_row=2))) == 8
    with app.extensions["community"].db.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
        assert (entry.target, entry.who) == ("statistics", "staff-all的名字")


def test_the_print_page_is_a4_and_audited(app, staff_of):
    month_of(app)
    page = staff_of("admin").get("/console/statistics/print?month=2026-11").get_data(as_text=True)
    assert "羊木社区便民服务工作统计（2026年11月）" in page and "print.css" in page and "3人次" in page
    with app.extensions["community"].db.transaction() as session:
        assert session.scalars(select(AuditEntry.target).where(AuditEntry.action == "export")).all() == [
            "statistics.print"]


def test_viewers_see_the_numbers_but_not_the_rows_and_grid_workers_neither(app, staff_of):
    month_of(app)
    viewer = staff_of("viewer")
    page = viewer.get("/console/statistics?month=2026-11").get_data(as_text=True)
    assert "3人次" in page and "导出台账" not in page
    assert viewer.get("/console/statistics.xlsx?month=2026-11").status_code == 403
    assert staff_of("grid").get("/console/statistics").status_code == 403
