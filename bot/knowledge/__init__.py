"""Community knowledge, pure NLP: FAQ matcher and eligibility engine (no web, database or files)."""

from .eligibility import Question, Rules, Verdict
from .faq import Entry, Knowledge, Match

__all__ = [
    "Entry",
    "Knowledge",
    "Match",
    "Question",
    "Rules",
    "Verdict",
]
