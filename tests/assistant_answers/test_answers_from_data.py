"""Each data answerer gives the employee's own figures, formatted, with where they come from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from chatnomina.assistant.formatting import format_cop, format_date, format_days
from tests.assistant_answers.conftest import TRUTH

DOCUMENTS = sorted(TRUTH)
OVERTIME = "1130846901"  # salary $2.447.000, overtime in October 2026, a libranza
INTEGRAL = "16145230"  # salario integral, withholding every month
BANK_CHANGE = "1130057656"
NEW_2026 = "1144186723"  # hired in July 2026: nothing in 2025, no vacations taken


def cop(value: Any) -> str:
    return format_cop(Decimal(str(value)))


def day(value: str) -> str:
    return format_date(date.fromisoformat(value))


def files(answer: Any) -> set[str]:
    return {s["file"] for s in answer.sources if s.get("type") == "hr_export"}


@pytest.mark.parametrize("document", DOCUMENTS)
def test_salary_is_the_current_one(chat: Any, document: str) -> None:
    answer = chat(document).ask("¿Cuánto gano?")
    assert cop(TRUTH[document]["current_salary"]) in answer.text
    assert "HISTORICO_SUELDO_HM" in files(answer)


def test_integral_salary_says_so_with_its_norm(chat: Any) -> None:
    answer = chat(INTEGRAL).ask("¿cuál es mi salario?")
    assert "$24.900.000" in answer.text and "integral" in answer.text
    assert {"type": "law", "citation": "CST art. 132", "title": "Salario integral"} in answer.sources


@pytest.mark.parametrize("document", DOCUMENTS)
def test_last_deposit_value_date_and_source(chat: Any, document: str) -> None:
    last = TRUTH[document]["last_deposit"]
    answer = chat(document).ask("¿Cuál fue mi último pago?")
    assert cop(last["value"]) in answer.text and day(last["date"]) in answer.text
    assert {"type": "hr_export", "file": "CONSIGNACIONES_HM", "period": last["period"]} in answer.sources


@pytest.mark.parametrize("document", DOCUMENTS)
def test_total_deposited_in_2025(chat: Any, document: str) -> None:
    answer = chat(document).ask("¿Cuánto me consignaron en total en 2025?")
    assert cop(TRUTH[document]["total_deposited_2025"]) in answer.text


def test_deposits_of_a_named_month(chat: Any) -> None:
    deposit = next(d for d in TRUTH[OVERTIME]["deposits"] if d["period"] == "202603M")
    answer = chat(OVERTIME).ask("¿cuánta plata me consignaron en marzo de 2026?")
    assert cop(deposit["value"]) in answer.text and day(deposit["date"]) in answer.text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_pending_vacation_days(chat: Any, document: str) -> None:
    pending = Decimal(str(TRUTH[document]["pending_vacation_days"]))
    answer = chat(document).ask("¿Cuántos días de vacaciones me quedan?")
    assert format_days(pending) in answer.text
    assert "VACACIONES_DERECHO_HM" in files(answer)
    assert any(s.get("citation") == "CST arts. 186 a 192" for s in answer.sources)


def test_pending_vacation_days_subtract_approved_requests(chat: Any) -> None:
    from chatnomina.assistant.answerers import VacationRequests

    answer = chat(OVERTIME, requests=VacationRequests(Decimal(3), Decimal(2))).ask("¿cuántos días de vacaciones tengo?")
    assert "5,13 días" in answer.text  # 8,13 − 3 approved
    assert "2 días esperando aprobación" in answer.text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_last_vacation(chat: Any, document: str) -> None:
    last = TRUTH[document]["last_vacation"]
    answer = chat(document).ask("¿Cuándo fueron mis últimas vacaciones?")
    if last is None:
        assert "No tengo vacaciones" in answer.text
    else:
        assert day(last["start"]) in answer.text and day(last["end"]) in answer.text


def test_requesting_vacations_explains_the_endpoint_and_working_days(chat: Any) -> None:
    answer = chat(OVERTIME).ask("quiero tomar 5 días de vacaciones desde el 14 de diciembre")
    assert "POST /api/v1/benefits/vacation/request" in answer.text
    assert "8,13 días" in answer.text
    # Monday 14 December 2026 + 5 working days → Friday 18, back on Monday 21
    assert "18 de diciembre de 2026" in answer.text and "21 de diciembre de 2026" in answer.text
    assert "Desde este chat no creo solicitudes" in answer.text


def test_vacation_month_counts_colombian_holidays(chat: Any) -> None:
    answer = chat(OVERTIME).ask("Quiero salir de vacaciones en enero")
    assert "1 de enero de 2027" in answer.text and "11 de enero de 2027" in answer.text  # holidays named
    assert "19 días hábiles" in answer.text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_bank_account_is_masked(chat: Any, people: Any, document: str) -> None:
    bank = TRUTH[document]["bank"]
    answer = chat(document).ask("¿En qué banco me pagan?")
    assert bank["name"] in answer.text and "****" + bank["last4"] in answer.text
    shown = answer.text + repr(answer.sources)
    for account in people[document].accounts:
        assert account.num_cuenta not in shown


def test_bank_history_lists_the_previous_account(chat: Any) -> None:
    answer = chat(BANK_CHANGE).ask("¿a qué cuenta me consignan?")
    assert "****6273" in answer.text and "****6008" in answer.text


@pytest.mark.parametrize(("question", "key"), [
    ("¿Cuál es mi EPS?", "eps"),
    ("¿En qué fondo de pensiones estoy?", "afp"),
    ("¿a qué AFP cotizo?", "afp"),
    ("¿Cuál es mi fondo de cesantías?", "cesantias"),
    ("¿Quién es mi jefe?", "manager_name_display"),
    ("¿Cuál es mi cargo?", "position"),
])
def test_personal_data_field(chat: Any, question: str, key: str) -> None:
    answer = chat(OVERTIME).ask(question)
    assert TRUTH[OVERTIME][key] in answer.text
    assert files(answer) == {"ACTIVOS_HM"}


@pytest.mark.parametrize("document", DOCUMENTS)
def test_withholding_of_october_2026_and_of_2025(chat: Any, document: str) -> None:
    truth = TRUTH[document]
    october = chat(document).ask("¿Cuánto me retuvieron en la fuente en octubre de 2026?")
    assert cop(truth["withholding_2026_10"]) in october.text
    assert {"type": "hr_export", "file": "VALIDADOR_RETENCION", "period": "202610M"} in october.sources
    year = chat(document).ask("¿cuánto me retuvieron en la fuente en 2025?")
    assert cop(truth["withholding_2025"]) in year.text


def test_withholding_explained_when_asked_how(chat: Any) -> None:
    answer = chat(INTEGRAL).ask("¿cómo se calcula mi retención?")
    assert "$3.219.000" in answer.text and "procedimiento 1" in answer.text and "artículo 383" in answer.text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_deductions_of_october_2026(chat: Any, document: str) -> None:
    cuts = TRUTH[document]["deductions_2026_10"]
    answer = chat(document).ask("¿Qué descuentos me hicieron en octubre de 2026?")
    for value in [cuts["total"], cuts["salud"], cuts["pension"], *cuts["novedades"].values()]:
        assert cop(value) in answer.text
    assert {"VALIDADOR_RETENCION", "NOVEDADES_HM", "CONSIGNACIONES_HM"} <= files(answer)


def test_one_deduction_concept(chat: Any) -> None:
    answer = chat(OVERTIME).ask("¿cuánto me descuentan por la libranza?")
    assert "$347.000" in answer.text and "$112.003" not in answer.text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_novelties_of_october_2026(chat: Any, document: str) -> None:
    items = TRUTH[document]["novelties_2026_10"]
    answer = chat(document).ask("¿Qué novedades tuve en octubre de 2026?")
    if not items:
        assert "No tienes novedades" in answer.text
    for item in items:
        assert cop(item["value"]) in answer.text


def test_pending_novelties_and_loan_instalments(chat: Any) -> None:
    pending = chat(OVERTIME).ask("¿Tengo novedades pendientes?")
    assert "$87.393" in pending.text and "17 de noviembre de 2026" in pending.text
    loan = chat(OVERTIME).ask("¿cuántas cuotas me faltan de la libranza?")
    assert "12 cuotas pagadas" in loan.text and "saldo $4.164.000" in loan.text


def test_salary_history_by_year_and_at_hire(chat: Any) -> None:
    conversation = chat(OVERTIME)
    assert "$1.950.000" in conversation.ask("¿Cuánto ganaba en 2023?").text
    hired = conversation.ask("¿Con qué salario entré?").text
    assert "$1.260.000" in hired and "16 de abril de 2016" in hired
    raised = conversation.ask("¿Cuánto me subieron este año?").text
    assert "$2.303.000" in raised and "$2.447.000" in raised and "6,25 %" in raised


def test_comparing_two_months(chat: Any) -> None:
    answer = chat(OVERTIME).ask("compara septiembre con octubre")
    assert "$2.153.335" in answer.text and "$2.478.157" in answer.text and "$324.822 más" in answer.text


def test_nothing_in_2025_for_someone_hired_in_2026(chat: Any) -> None:
    answer = chat(NEW_2026).ask("¿cuánto recibí en 2025?")
    assert "No tengo consignaciones registradas en 2025" in answer.text and "$0" in answer.text
