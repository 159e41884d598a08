"""Community knowledge: FAQ matcher and eligibility rules (pure, no web or database)."""

from .eligibility import Question, Rules, Verdict, load_rules
from .faq import Entry, Knowledge, KnowledgeError, Match, load_knowledge

__all__ = [
    "Entry",
    "Knowledge",
    "KnowledgeError",
    "Match",
    "Question",
    "Rules",
    "Verdict",
    "load_knowledge",
    "load_rules",
]
