"""Fixtures for the knowledge tests: a small FAQ written for the tests (data/faq), and copies
of it in a temporary folder for tests that edit files."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.content.eligibility import load_rules
from bot.content.loader import load_knowledge
from bot.knowledge import Knowledge
from bot.knowledge.eligibility import Rules

DATA = Path(__file__).parent / "data"
FIXTURE_FAQ = DATA / "faq"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(FIXTURE_FAQ)


@pytest.fixture(scope="session")
def real() -> Knowledge:
    """The shipped faq/, loaded once: what residents are answered from."""
    return load_knowledge(REPO / "faq")


def outcome_and_entries(knowledge: Knowledge, question: str) -> tuple[str, list[str]]:
    m = knowledge.match(question)
    return m.outcome, [e.id for e in m.candidates]


@pytest.fixture()
def faq_copy(tmp_path: Path) -> Path:
    """An editable copy of the fixture FAQ, in a folder called faq/ like the real one."""
    target = tmp_path / "faq"
    shutil.copytree(FIXTURE_FAQ, target)
    return target


@pytest.fixture(scope="session")
def rules() -> Rules:
    """The real eligibility rules (faq/eligibility.yaml): their wording is what residents get."""
    return load_rules(REPO / "faq" / "eligibility.yaml")


@pytest.fixture()
def today() -> date:
    return date(2025, 5, 10)  # before the June enrolment window, school year 2025/26


# One report entry, for tests that build their own small FAQ around it.
STREETLIGHT_REPORTS = """
- id: report.streetlight
  questions:
    - 路灯坏了找谁
    - 小区路灯不亮了怎么办
  answer: 路灯坏了请回复“上报”，选“路灯/亮化”。
"""
