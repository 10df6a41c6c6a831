"""Gibberish, unrelated topics and questions about other people."""

from __future__ import annotations

from datetime import date

import pytest

from chatnomina.assistant.nlu import understand

DAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    "text",
    [
        "asdkjh qwe",
        "jjjjjjj",
        "xzqw prtk",
        "ñlkjhgf",
        "zxcvbnm asdfgh",
        "qqqq wwww",
        "🙂🙂🙂",
        "...",
        "",
    ],
)
def test_gibberish_is_out_of_scope_or_not_confident(model, text):
    result = understand(text, today=DAY, model=model)
    assert result.intent == "fuera_de_alcance" or not result.confident


@pytest.mark.parametrize(
    "text",
    [
        "¿Cómo está el clima en Cali hoy?",
        "¿Quién ganó el partido del América?",
        "recomiéndame una película de terror",
        "¿Cuánto está el dólar?",
        "¿Cómo se hace un sancocho?",
        "¿Cuál es la capital de Australia?",
        "cuéntame un chiste",
        "¿Qué es la fotosíntesis?",
        "¿Cómo cambio la llanta del carro?",
        "¿Dónde está mi paquete de Servientrega?",
    ],
)
def test_unrelated_topics_are_out_of_scope_or_not_confident(model, text):
    result = understand(text, today=DAY, model=model)
    assert result.intent == "fuera_de_alcance" or not result.confident


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("¿cuánto gana Pedro?", "Pedro"),
        ("¿cuál es el sueldo de mi jefe?", "mi jefe"),
        ("¿cuánto le pagan a la señora María?", "la señora María"),
        ("¿Cuál es el salario de mi compañera Laura?", "mi compañera Laura"),
        ("¿cuántas vacaciones le quedan a don Jorge?", "don Jorge"),
        ("muéstrame el desprendible de Sandra", "Sandra"),
    ],
)
def test_questions_about_another_person_are_refused_with_the_person(model, text, person):
    result = understand(text, today=DAY, model=model)
    assert result.intent == "fuera_de_alcance"
    assert result.entities.other_person == person


def test_vague_messages_are_out_of_scope_or_not_confident(model):
    result = understand("mmm la cosa esa del otro día", today=DAY, model=model)
    assert result.intent == "fuera_de_alcance" or not result.confident
    assert result.alternatives and result.alternatives[0][1] >= result.alternatives[-1][1]
