"""What staff must be told about outbound delivery before residents notice: printed by status and the console."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.config import Settings
from bot.db import Database
from bot.models import Enrollment, EnrollmentStatus, Reminder, ReminderStatus, Subscription


def template_warning(db: Database, settings: Settings) -> str | None:
    """Without a template id, a resident silent for 48 hours gets no reminder at all: say so loudly."""
    if settings.WECHAT_TEMPLATE_ID:
        return None
    with db.transaction() as session:
        pending = session.scalar(select(func.count()).select_from(Reminder)
                                 .where(Reminder.status == ReminderStatus.PENDING))
        waiting = session.scalar(select(func.count()).select_from(Subscription)) + session.scalar(
            select(func.count()).select_from(Enrollment).where(Enrollment.status == EnrollmentStatus.ENROLLED))
    return (f"警告：没有配置模板消息（设置项 WECHAT_TEMPLATE_ID），48小时内没给公众号发过消息的居民收不到提醒和公告"
            f"（待发提醒{pending}条，订阅和报名{waiting}个）。请管理员在公众平台申请模板后填上。")
