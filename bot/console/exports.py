"""One way every console list becomes an Excel file (the 台账), and every export an audit row."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from flask import Response, request
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from bot.console.web import client_ip
from bot.models import StaffAccount, utcnow
from bot.services import audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def workbook(sheets: Sequence[Sheet]) -> tuple[bytes, int]:
    """Sheets of (title, headers, rows) as .xlsx bytes, with the number of data rows written."""
    book = Workbook()
    book.remove(book.active)
    count = 0
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append([_cell(value) for value in row])
            count += 1
        for column in range(1, len(headers) + 1):
            letter = get_column_letter(column)
            width = max(len(str(cell.value or "")) * 2 for cell in sheet[letter])
            sheet.column_dimensions[letter].width = min(max(width, 8), 60)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


def xlsx_response(db: Session, *, name: str, target: str, sheets: Sequence[Sheet]) -> Response:
    """The download, audited in the caller's transaction with the filters that made it."""
    data, count = workbook(sheets)
    audit.record(db, who=db.get(StaffAccount, current_user.id), action="export", now=utcnow(), target=target,
                 detail=f"{count}行 {request.query_string.decode()}".strip(), ip=client_ip())
    filename = f"{name}-{utcnow():%Y%m%d}.xlsx"
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename={target}.xlsx; filename*=UTF-8''{quote(filename)}"})


def _cell(value: Any) -> Any:
    """Excel has no time zones: aware datetimes are written as the local wall-clock time they were shown as."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, int | float | str | datetime):
        return value
    return str(value)
