"""What a service refuses; handlers and the CLI turn each into the words their reader needs."""
from __future__ import annotations


class ServiceError(Exception):
    """A rule refused the change; nothing was written."""


class NotFound(ServiceError):
    """The record named does not exist (or is not the caller's)."""


class NotAllowed(ServiceError):
    """The caller may not do this, or the data given breaks a rule; the message says which, in Chinese."""


class SlotTaken(ServiceError):
    """The last place went to someone else between the offer and the confirmation."""


class InvalidTransition(ServiceError):
    """A status change the workflow does not allow (e.g. reopening a finished report)."""
