"""Compound questions are split only into confidently different intents."""

from __future__ import annotations

from datetime import date

import pytest

from chatnomina.assistant.nlu import understand

DAY = date(2026, 11, 27)


def test_two_questions_joined_by_y_become_two_parts(model):
    result = understand(
        "¿cuánto me pagaron el mes pasado y cuántos días de vacaciones me quedan?",
        today=DAY,
        model=model,
    )
    assert result.is_compound
    assert [p.intent for p in result.parts] == ["historial_pagos", "vacaciones_saldo"]
    assert result.parts[0].entities.period is not None
    assert result.parts[0].entities.period.label == "octubre de 2026"
    assert result.parts[1].entities.period is None
    assert result.intent == "historial_pagos"


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        (
            "cuánta plata me consignaron el mes pasao? además quiero pedir vacaciones en diciembre",
            ["historial_pagos", "vacaciones_solicitar"],
        ),
        (
            "¿cuánto gano? también necesito saber en qué banco me pagan",
            ["sueldo_actual", "datos_bancarios"],
        ),
        (
            "quiero saber mi salario; qué dice la ley de las horas extras",
            ["sueldo_actual", "normativa"],
        ),
        (
            "¿Cuánto me descuentan de salud y pensión y cuántos días de vacaciones me quedan?",
            ["deducciones", "vacaciones_saldo"],
        ),
    ],
)
def test_connectors_split_different_questions(model, text, intents):
    result = understand(text, today=DAY, model=model)
    assert [p.intent for p in result.parts] == intents


def test_salud_y_pension_stays_in_one_part(model):
    result = understand(
        "¿Cuánto me descuentan de salud y pensión y cuántos días de vacaciones me quedan?",
        today=DAY,
        model=model,
    )
    assert result.parts[0].entities.concepts == ("salud", "pension")


@pytest.mark.parametrize(
    "text",
    [
        "¿Recibí lo mismo en marzo y en abril?",
        "¿Por cuánto varió mi pago entre mayo y junio?",
        "¿cuántos días de vacaciones me quedan y cuándo las puedo tomar?",
        "Muchas gracias, que estés bien. Chao",
        "¿Cuánto me descuentan de salud y pensión?",
        "¿Cuánto me pagaron en enero y febrero?",
    ],
)
def test_single_questions_with_connectors_are_not_split(model, text):
    assert not understand(text, today=DAY, model=model).is_compound


def test_greeting_in_front_does_not_become_the_main_intent(model):
    result = understand(
        "hola, buenas tardes; ¿cuánto me consignaron en octubre?", today=DAY, model=model
    )
    assert result.intent == "historial_pagos"
