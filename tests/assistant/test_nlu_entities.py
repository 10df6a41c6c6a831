"""Money, percentages, day counts, payroll concepts and other people."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chatnomina.assistant.nlu import (
    extract_concepts,
    extract_entities,
    find_other_person,
    parse_money,
)
from chatnomina.assistant.nlu.entities import parse_percentages


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("5 millones", "5000000"),
        ("$3.500.000", "3500000"),
        ("3,5 millones", "3500000"),
        ("3.5 millones", "3500000"),
        ("5 palos", "5000000"),
        ("2 millones y medio", "2500000"),
        ("4500000", "4500000"),
        ("un millón", "1000000"),
        ("$3.500.000,50", "3500000.50"),
        ("3'500.000", "3500000"),
        ("1 millón 200 mil", "1200000"),
        ("un millón doscientos mil", "1200000"),
        ("medio millón", "500000"),
        ("cinco millones", "5000000"),
        ("trescientos mil", "300000"),
        ("300 mil", "300000"),
        ("500k", "500000"),
        ("doce millones quinientos mil", "12500000"),
        ("$950.000 pesos", "950000"),
        ("si me suben a 5 millones, ¿cuánto me quedaría?", "5000000"),
        ("Si gano 4.000.000, ¿cuánto me descuentan?", "4000000"),
    ],
)
def test_money(text, amount):
    assert parse_money(text) == [Decimal(amount)]


@pytest.mark.parametrize(
    "text",
    [
        "¿cuánto ganaba en 2023?",
        "quiero 5 días de vacaciones",
        "el 15/03/2026",
        "un aumento del 10%",
        "hola",
    ],
)
def test_not_money(text):
    assert parse_money(text) == []


def test_percentages_and_day_counts():
    assert parse_percentages("¿Cuánto me llegaría con un aumento del 10%?") == [Decimal(10)]
    assert parse_percentages("un 8 por ciento") == [Decimal(8)]
    entities = extract_entities("Quiero tomar 5 días de vacaciones en enero", date(2026, 11, 27))
    assert entities.day_counts == (Decimal(5),)
    assert entities.amounts == ()


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("¿Cuánto me descuentan de salud y pensión?", ["salud", "pension"]),
        ("el descuento del fondo de solidaridad", ["fsp"]),
        ("¿qué es el FSP?", ["fsp"]),
        ("retención en la fuente", ["retencion_fuente"]),
        ("la retefuente", ["retencion_fuente"]),
        ("la prima de diciembre", ["prima"]),
        ("cesantías", ["cesantias"]),
        ("los intereses de las cesantías", ["intereses_cesantias"]),
        ("horas extras y recargos nocturnos", ["horas_extras", "recargos"]),
        ("auxilio de transporte", ["auxilio_transporte"]),
        ("vacaciones", ["vacaciones"]),
        ("la libranza y la cooperativa", ["libranza", "cooperativa"]),
        ("medicina prepagada", ["medicina_prepagada"]),
        ("aportes voluntarios a pensión", ["aportes_voluntarios"]),
        ("mi cuenta AFC", ["afc"]),
        ("la bonificación", ["bonificacion"]),
        ("una incapacidad", ["incapacidad"]),
        ("licencia de maternidad", ["licencia"]),
    ],
)
def test_concepts(text, codes):
    assert extract_concepts(text) == codes


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("¿cuánto gana Pedro?", "Pedro"),
        ("cuanto gana pedro", "pedro"),
        ("el sueldo de mi jefe", "mi jefe"),
        ("cuánto le pagan a la señora María", "la señora María"),
        ("¿Cuál es el salario de mi compañera Laura?", "mi compañera Laura"),
        ("¿cuánto ganó Sandra el mes pasado?", "Sandra"),
        ("cuánto le consignaron a mi compañero Andrés", "mi compañero Andrés"),
        ("¿cuánto gana el gerente?", "el gerente"),
    ],
)
def test_other_person(text, person):
    assert find_other_person(text) == person


@pytest.mark.parametrize(
    "text",
    [
        "¿cuánto gano?",
        "cuanto me gano al mes",
        "¿cuánto gana uno con el mínimo?",
        "el sueldo de marzo",
        "el pago de la prima",
        "quiero hablar con mi jefe",
        "¿Quién es mi superior directo?",
        "si gano cinco millones cuánto me descuentan",
        "¿Cuánto ganaba en 2023?",
        "salario de ingreso",
    ],
)
def test_not_other_person(text):
    assert find_other_person(text) is None
