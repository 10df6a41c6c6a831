"""Fixtures of the assistant's answer tests: the parsed sample exports, their truth, the models.

Pure tests answer through the dispatcher's pure half (``read`` → ``plan`` → ``answer_step``
→ ``compose``) over ``PersonRows`` built from the parsed sample files, so they need no
database; the end-to-end tests go through ``POST /api/v1/chat/message``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from chatnomina.assistant.answerers import Answer, Employee, VacationRequests
from chatnomina.assistant.knowledge import KnowledgeBase, default_knowledge
from chatnomina.assistant.nlu import NLUModel, Turn, Understanding, carry_context, default_model
from chatnomina.assistant.service import answer_steps, plan, read
from chatnomina.hr.facts import PersonRows, group_by_person
from chatnomina.hr.parser import parse_directory
from tests.support import FIXTURES

TODAY = date(2026, 11, 27)
TRUTH: dict[str, Any] = json.loads((FIXTURES / "hr_exports_truth.json").read_text(encoding="utf-8"))["employees"]


@pytest.fixture(scope="session")
def people() -> dict[str, PersonRows]:
    files = {path.name: path.read_bytes() for path in (FIXTURES / "hr_exports").iterdir()}
    return group_by_person(parse_directory(files))


@pytest.fixture(scope="session")
def model() -> NLUModel:
    return default_model()


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return default_knowledge()


@dataclass
class Conversation:
    """Asks as one employee, keeping the follow-up context between questions (no database)."""

    people: dict[str, PersonRows]
    model: NLUModel
    knowledge: KnowledgeBase
    document: str | None
    today: date = TODAY
    requests: VacationRequests = field(default_factory=VacationRequests)
    turn: Turn | None = None
    last: Understanding | None = None

    def ask(self, text: str, *, today: date | None = None) -> Answer:
        day = today or self.today
        reading = read(text, today=day, previous=self.turn, model=self.model)
        person = self.people.get(self.document) if self.document else None
        employee = Employee(person, self.requests) if person is not None else None
        answer = answer_steps(text, plan(reading), today=day, knowledge=self.knowledge, employee=employee,
                              has_document=self.document is not None)
        self.turn = carry_context(self.turn, reading)
        self.last = reading
        return answer


@pytest.fixture
def chat(people: dict[str, PersonRows], model: NLUModel, knowledge: KnowledgeBase) -> Any:
    """``chat(document)`` → a conversation of that employee."""

    def start(document: str | None, **kwargs: Any) -> Conversation:
        return Conversation(people, model, knowledge, document, **kwargs)

    return start
