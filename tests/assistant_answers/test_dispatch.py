"""The dispatcher: refusals, out of scope, compound questions, follow-ups, relative periods, context."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from chatnomina.assistant.context import (
    ConversationContext,
    entities_from_dict,
    turn_from_dict,
    turn_to_dict,
)
from chatnomina.assistant.nlu import Turn, understand
from chatnomina.assistant.service import entity_list, is_yes, plan, read
from tests.assistant_answers.conftest import TODAY

OVERTIME = "1130846901"
MONEY = re.compile(r"\$\s?\d")


@pytest.mark.parametrize("question", [
    "¿Cuánto gana Pedro?",
    "¿cuál es el salario de mi compañera Laura?",
    "cuanto le pagan a la señora María",
    "¿Cuántos días de vacaciones le quedan a mi jefe?",
])
def test_questions_about_someone_else_are_refused_without_reading_data(chat: Any, model: Any, question: str) -> None:
    steps = plan(read(question, today=TODAY, model=model))
    assert [step.kind for step in steps] == ["other_person"]
    answer = chat(OVERTIME).ask(question)
    assert "no puedo darte datos de otras personas" in answer.text
    assert not MONEY.search(answer.text) and answer.sources == ()


def test_refusal_of_a_follow_up_about_someone_else(chat: Any) -> None:
    conversation = chat(OVERTIME)
    conversation.ask("¿cuánto gano?")
    answer = conversation.ask("¿y el de Pedro?")
    assert not MONEY.search(answer.text) and answer.sources == ()


@pytest.mark.parametrize("question", [
    "¿Cuál es la capital de Francia?", "Cuéntame un chiste", "¿Qué película me recomiendas?",
    "¿Cuánto está el euro?", "asdkjh qwpoeiru zmxnc",
])
def test_out_of_scope_is_answered_without_data(chat: Any, question: str) -> None:
    answer = chat(OVERTIME).ask(question)
    assert not MONEY.search(answer.text) and answer.sources == () and not answer.handoff


def test_compound_question_answers_both_parts_with_the_shared_month(chat: Any) -> None:
    answer = chat(OVERTIME).ask("¿cuánto me pagaron en octubre y cuánto me descontaron?")
    assert "$2.478.157" in answer.text  # the deposit
    assert "te descontaron $571.006" in answer.text and "$347.000" in answer.text  # October's deductions
    files = {s["file"] for s in answer.sources if s["type"] == "hr_export"}
    assert {"CONSIGNACIONES_HM", "VALIDADOR_RETENCION", "NOVEDADES_HM"} <= files


def test_compound_question_with_a_greeting_and_law(chat: Any) -> None:
    answer = chat(OVERTIME).ask("Hola, ¿cuánto gano y qué dice la ley de las horas extras?")
    assert answer.text.startswith("¡Hola!")
    assert "$2.447.000" in answer.text and "CST arts. 159, 162 y 168" in answer.text


def test_follow_ups_reuse_the_previous_question(chat: Any) -> None:
    conversation = chat(OVERTIME)
    first = conversation.ask("¿cuánto me descontaron de salud en octubre?")
    assert "Salud (4 %): $112.003" in first.text
    pension = conversation.ask("¿y de pensión?")
    assert "Pensión (4 %): $112.003" in pension.text and "Salud" not in pension.text
    earlier = conversation.ask("¿y el mes anterior?")
    assert "septiembre de 2026" in earlier.text and "Pensión (4 %): $97.880" in earlier.text


def test_follow_up_after_small_talk_still_follows_the_data_question(chat: Any) -> None:
    conversation = chat(OVERTIME)
    conversation.ask("¿cuánto me pagaron en septiembre?")
    conversation.ask("gracias")
    answer = conversation.ask("¿y en agosto?")
    assert "agosto de 2026" in answer.text and "$3.257.822" in answer.text


@pytest.mark.parametrize(("today", "month", "value"), [
    (date(2026, 11, 27), "octubre de 2026", "$2.478.157"),
    (date(2026, 11, 1), "octubre de 2026", "$2.478.157"),
    (date(2026, 10, 31), "septiembre de 2026", "$2.153.335"),
    (date(2026, 1, 5), "diciembre de 2025", "$2.718.820"),
    (date(2026, 3, 1), "febrero de 2026", "$2.460.323"),
])
def test_last_month_is_resolved_against_today(chat: Any, today: date, month: str, value: str) -> None:
    answer = chat(OVERTIME, today=today).ask("¿cuánta plata me consignaron el mes pasao?")
    assert month in answer.text and value in answer.text


def test_last_month_across_the_year_boundary_without_data_says_so(chat: Any) -> None:
    answer = chat(OVERTIME, today=date(2027, 1, 5)).ask("¿cuánto me pagaron el mes pasado?")
    assert "No tengo consignaciones registradas en diciembre de 2026" in answer.text
    assert "30 de octubre de 2026" in answer.text  # the latest one, offered instead


def test_this_month_without_payroll_yet_falls_back_to_the_latest(chat: Any) -> None:
    answer = chat(OVERTIME).ask("¿qué me descontaron este mes?")
    assert "Todavía no tengo la nómina de noviembre de 2026" in answer.text and "$571.006" in answer.text


def test_user_without_a_linked_employee_gets_law_but_no_data(chat: Any) -> None:
    staff = chat(None)
    salary = staff.ask("¿cuánto gano?")
    assert "no está vinculado" in salary.text and not MONEY.search(salary.text)
    law = staff.ask("¿cuánto es el recargo nocturno?")
    assert "CST arts. 160 y 168" in law.text


def test_employee_without_imported_data_is_offered_a_person(chat: Any) -> None:
    answer = chat("999999999").ask("¿cuánto gano?")
    assert "No encuentro datos de nómina" in answer.text and answer.offered_human


def test_low_confidence_offers_a_person(chat: Any) -> None:
    answer = chat(OVERTIME).ask("y en septiembre?")
    assert "No estoy seguro de haber entendido" in answer.text and answer.offered_human


@pytest.mark.parametrize(("text", "expected"), [
    ("sí", True), ("Sí, por favor", True), ("dale", True), ("claro que sí", True),
    ("no", False), ("no gracias", False), ("sí quiero saber mi salario de octubre y noviembre", False),
    ("ok, ¿y cuánto gano?", False), ("bueno, qué me descontaron", False),
])
def test_affirmative_replies(text: str, expected: bool) -> None:
    assert is_yes(text) is expected


def test_context_round_trips_through_json(model: Any) -> None:
    reading = understand("¿cuánto me quedaría si me suben a 5 millones en diciembre?", today=TODAY, model=model)
    stored = json.loads(json.dumps(ConversationContext(reading.turn, offered_human=True).as_dict()))
    restored = ConversationContext.from_dict(stored)
    assert restored.offered_human and restored.turn is not None
    assert restored.turn.intent == reading.intent
    assert restored.turn.entities.amounts == (Decimal(5_000_000),)
    assert restored.turn.entities.periods == reading.entities.periods


@pytest.mark.parametrize("stored", [None, {}, [], {"turn": {"intent": "nope"}}, {"turn": "x"}, {"v": 1, "turn": None}])
def test_unreadable_context_is_no_context(stored: Any) -> None:
    assert ConversationContext.from_dict(stored) == ConversationContext()


def test_context_of_the_first_assistant_is_still_read() -> None:
    assert ConversationContext.from_dict({"intent": "deducciones"}).turn == Turn("deducciones")
    assert turn_from_dict(turn_to_dict(Turn("normativa"))) == Turn("normativa")
    assert entities_from_dict({"periods": [{"start": "bad"}], "amounts": ["x", "12"]}).amounts == (Decimal(12),)


def test_entities_are_a_flat_typed_json_list(model: Any) -> None:
    reading = understand("¿cuánto me descontaron de salud en octubre?", today=TODAY, model=model)
    items = entity_list([reading.entities])
    assert {"type": "concept", "value": "salud"} in items
    assert {"type": "period", "start": "2026-10-01", "end": "2026-10-31", "granularity": "month",
            "label": "octubre de 2026"} in items
    json.dumps(items)
