"""Follow-ups read with the previous turn's intent and entities."""

from __future__ import annotations

from datetime import date

import pytest

from chatnomina.assistant.nlu import (
    Turn,
    carry_context,
    extract_entities,
    resolve_followup,
    understand,
)

DAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def previous(model):
    first = understand("¿cuánto me descontaron de salud en octubre?", today=DAY, model=model)
    assert first.intent == "deducciones"
    return first.turn


def test_el_mes_anterior_shifts_the_previous_period(model, previous):
    result = understand("¿y el mes anterior?", today=DAY, previous=previous, model=model)
    assert result.is_followup
    assert result.intent == "deducciones"
    assert result.entities.period.label == "septiembre de 2026"
    assert result.entities.concepts == ("salud",)


def test_a_new_concept_replaces_the_previous_one(model, previous):
    result = understand("¿y de pensión?", today=DAY, previous=previous, model=model)
    assert result.is_followup
    assert result.intent == "deducciones"
    assert result.entities.concepts == ("pension",)
    assert result.entities.period.label == "octubre de 2026"


def test_a_month_replaces_the_previous_period(model, previous):
    result = understand("¿y en septiembre?", today=DAY, previous=previous, model=model)
    assert result.is_followup
    assert result.entities.period.label == "septiembre de 2026"


def test_year_followup(model, previous):
    result = understand("y el año pasado?", today=DAY, previous=previous, model=model)
    assert result.is_followup
    assert result.entities.period.granularity == "year"
    assert result.entities.period.label == "2025"


def test_a_full_new_question_is_not_a_followup(model, previous):
    result = understand(
        "y cuántos días de vacaciones me quedan?", today=DAY, previous=previous, model=model
    )
    assert not result.is_followup
    assert result.intent == "vacaciones_saldo"


def test_month_followup_keeps_the_year_of_the_previous_question(model):
    first = understand("¿cuánto me consignaron en marzo de 2025?", today=DAY, model=model)
    result = understand("¿y en septiembre?", today=DAY, previous=first.turn, model=model)
    assert result.intent == "historial_pagos"
    assert result.entities.period.label == "septiembre de 2025"


def test_period_followup_of_current_salary_asks_for_history(model):
    first = understand("¿cuánto gano?", today=DAY, model=model)
    assert first.intent == "sueldo_actual"
    result = understand("¿y el año pasado?", today=DAY, previous=first.turn, model=model)
    assert result.is_followup
    assert result.intent == "historial_sueldo"


def test_followup_about_someone_else_is_refused(model, previous):
    result = understand("¿y el de Pedro?", today=DAY, previous=previous, model=model)
    assert result.intent == "fuera_de_alcance"


def test_law_followup_keeps_normativa(model):
    first = understand("¿qué dice la ley de las horas extras?", today=DAY, model=model)
    result = understand("¿y de la prima?", today=DAY, previous=first.turn, model=model)
    assert result.is_followup
    assert result.intent == "normativa"
    assert result.entities.concepts == ("prima",)


def test_without_previous_turn_nothing_is_a_followup(model):
    result = resolve_followup("¿y el mes anterior?", None, DAY, model=model)
    assert not result.is_followup
    assert result.entities.period.label == "octubre de 2026"


def test_greetings_are_not_continued(model):
    previous = Turn("saludo", extract_entities("hola", DAY))
    result = understand("¿y en septiembre?", today=DAY, previous=previous, model=model)
    assert not result.is_followup


def test_el_mes_siguiente_follows_the_previous_period(model):
    first = understand("¿cuánto me consignaron en abril?", today=DAY, model=model)
    result = understand("¿y el mes siguiente?", today=DAY, previous=first.turn, model=model)
    assert result.is_followup
    assert result.entities.period.label == "mayo de 2026"


def test_a_percentage_replaces_a_previous_amount(model):
    first = understand("¿cuánto me quedaría si me suben a 5 millones?", today=DAY, model=model)
    second = understand("¿y con 6 millones?", today=DAY, previous=first.turn, model=model)
    assert second.is_followup and second.intent == "simulacion"
    assert [str(a) for a in second.entities.amounts] == ["6000000"]
    third = understand("¿y con un aumento del 10%?", today=DAY, previous=second.turn, model=model)
    assert third.intent == "simulacion"
    assert third.entities.amounts == ()
    assert [str(p) for p in third.entities.percentages] == ["10"]


def test_a_followup_naming_its_own_topic_does_not_inherit_concepts(model):
    first = understand("¿qué dice la ley sobre las cesantías?", today=DAY, model=model)
    result = understand("¿y sobre la dotación?", today=DAY, previous=first.turn, model=model)
    assert result.intent == "normativa"
    assert result.entities.concepts == ()


def test_a_bare_followup_without_context_is_not_confident(model):
    result = understand("¿y en septiembre?", today=DAY, model=model)
    assert not result.confident
    assert result.rule == "followup_without_context"


def test_small_talk_does_not_break_the_context(model):
    first = understand("¿cuánto me consignaron en marzo?", today=DAY, model=model)
    context = carry_context(None, first)
    thanks = understand("gracias", today=DAY, previous=context, model=model)
    context = carry_context(context, thanks)
    result = understand("¿y en abril?", today=DAY, previous=context, model=model)
    assert result.is_followup
    assert result.intent == "historial_pagos"
    assert result.entities.period.label == "abril de 2026"
