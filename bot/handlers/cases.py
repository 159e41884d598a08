"""我的代办 / 办好没有: the status and promised date of each errand taken in at the window."""
from __future__ import annotations

from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply
from bot.conversation.routes import Router
from bot.models import Case, CaseStatus
from bot.services import cases

router = Router("cases")
SOURCE = "my_cases"  # what answered, for the log and `faq eval` (a progress question rightly lands here)


def case_lines(ctx: Context, text: str = "") -> list[str]:
    """One line per case of this resident (only the item named, if one is: 我的居住证办好没有)."""
    named = ctx.services.find_item(text)
    mine = cases.of_resident(ctx.session, ctx.user.id, ctx.now)
    return [_line(ctx, c) for c in mine if named is None or c.service_id == named.id]


def _line(ctx: Context, case: Case) -> str:
    item = ctx.services.item(case.service_id)
    name = item.name if item else case.service_id
    if case.status == CaseStatus.RETURNED:
        state = texts.CASE_MISSING.format(status=case.status, missing=case.missing)
    elif case.status in cases.CLOCK_RUNS:
        late = cases.is_overdue(case, ctx.local_now.date())
        state = f"{case.status}，{texts.CASE_LATE if late else cases.promise(case, item)}"
    elif case.status == CaseStatus.READY:
        state = f"{case.status}，{texts.CASE_COLLECT}"
    else:
        state = case.status
    return f"{case.number} {name}：{state}"


@router.intent("my_cases", lookup=True)
def my_cases(ctx: Context, text: str = "") -> Reply:
    lines = case_lines(ctx, text)
    if not lines:
        named = ctx.services.find_item(text)
        return Reply.say(texts.CASE_NONE_FOR_ITEM.format(item=named.name) if named else texts.CASE_NONE, SOURCE)
    return Reply.say("\n".join([texts.CASE_LIST, *lines, texts.CASE_LIST_FOOTER]), SOURCE)
