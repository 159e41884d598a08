"""Community knowledge: FAQ matcher and eligibility rules (pure, no web or database)."""

from .faq import Entry, Knowledge, KnowledgeError, KnowledgeStore, Match, load_knowledge

__all__ = [
    "Entry", "Knowledge", "KnowledgeError", "KnowledgeStore", "Match", "load_knowledge",
]
