"""Outbound work: reminders from the calendar, the outbox sender, announcements; run by one process."""
