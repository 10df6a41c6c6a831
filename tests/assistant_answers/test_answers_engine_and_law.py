"""Simulations run the engine with the employee's settings; payslip lines are explained; the law is cited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from chatnomina.assistant.answerers.simulation import base_input, simulation_input
from chatnomina.assistant.formatting import format_cop
from chatnomina.assistant.service import read
from chatnomina.engine import Period, SalaryType, compute_payslip
from tests.assistant_answers.conftest import TODAY

OVERTIME = "1130846901"
INTEGRAL = "16145230"


def engine_sources(answer: Any) -> list[dict[str, Any]]:
    return [s for s in answer.sources if s.get("type") == "engine"]


def test_simulation_with_five_million_runs_the_engine_with_own_deductions(chat: Any, people: Any) -> None:
    answer = chat(OVERTIME).ask("¿cuánto me quedaría si me suben a 5 millones?")
    base = base_input(people[OVERTIME], Period(2026, 11))
    expected = compute_payslip(simulation_input(base, Decimal(5_000_000))[0])
    assert "$5.000.000" in answer.text
    assert f"sería {format_cop(expected.net_pay)}" in answer.text
    assert "Libranza (LIBRANZA BANCOLOMBIA 24 CUOTAS): −$347.000" in answer.text  # own recurring deduction
    assert "Hoy, con $2.447.000" in answer.text
    (engine,) = engine_sources(answer)
    assert engine["period"] == "2026-11"
    assert {"health_rate_employee", "smmlv"} <= {p["name"] for p in engine["parameters"]}
    assert all(p["source"] and p["effective_from"] for p in engine["parameters"])


def test_simulation_keeps_the_salary_type_and_drops_one_off_items(people: Any) -> None:
    base = base_input(people[INTEGRAL], Period(2026, 11))
    hypothetical, note = simulation_input(base, Decimal(30_000_000))
    assert hypothetical.contract.salary_type is SalaryType.INTEGRAL and note == ""
    lower, note = simulation_input(base, Decimal(10_000_000))
    assert lower.contract.salary_type is SalaryType.ORDINARY and "13 SMMLV" in note
    overtime = base_input(people[OVERTIME], Period(2026, 10))
    assert len(overtime.novelties) > 1  # libranza and the month's overtime
    simulated, _ = simulation_input(overtime, Decimal(3_000_000))
    assert [n.kind.value for n in simulated.novelties] == ["libranza"]


def test_simulation_reads_raises_and_percentages(chat: Any) -> None:
    conversation = chat(OVERTIME)
    assert "$2.747.000 (un aumento de $300.000)" in conversation.ask("¿cuánto me llega si me suben 300 mil?").text
    assert "$2.691.700 (un aumento del 10 %)" in conversation.ask("¿y con un aumento del 10%?").text


def test_simulation_without_amount_shows_today_and_asks(chat: Any) -> None:
    answer = chat(OVERTIME).ask("¿cuánto me llegaría si me ascienden?")
    assert "Con tu salario actual de $2.447.000" in answer.text and "Dime el salario" in answer.text


def test_explaining_a_payslip_line_uses_the_engine_trace(chat: Any) -> None:
    answer = chat(OVERTIME).ask("explícame el descuento de salud")
    assert "octubre de 2026" in answer.text
    assert "$112.003" in answer.text and "IBC $2.800.068 × 4 %" in answer.text
    (engine,) = engine_sources(answer)
    assert [p["name"] for p in engine["parameters"]] == ["health_rate_employee"]
    assert any(s.get("passage") == "aportes_seguridad_social" for s in answer.sources)
    assert {"type": "hr_export", "file": "VALIDADOR_RETENCION", "period": "202610M"} in answer.sources


def test_explaining_the_whole_payslip(chat: Any) -> None:
    answer = chat(OVERTIME).ask("Explícame mi desprendible")
    text = answer.text
    assert "neto $2.478.157" in text and "Salario básico: $2.447.000" in text
    assert "Auxilio de transporte: $249.095" in text and "Libranza: −$347.000" in text
    assert "8 HORAS EXTRA DIURNAS" in text and "CST art. 168" in text
    assert "llega al mismo neto" in text


def test_explaining_why_pay_changed_compares_with_the_previous_payslip(chat: Any) -> None:
    answer = chat(OVERTIME).ask("¿Por qué me llegó más plata que el mes pasado?")
    assert "$2.478.157" in answer.text and "$2.153.335" in answer.text
    assert "Horas extra y recargos: subió de $0 a $353.068" in answer.text


def test_explaining_a_concept_absent_from_the_payslip(chat: Any) -> None:
    answer = chat(INTEGRAL).ask("¿por qué no me pagaron el auxilio de transporte?")
    assert "Auxilio de transporte: $0" in answer.text and "salario integral" in answer.text


def test_explanation_seam_uses_a_payroll_run_payslip(people: Any, knowledge: Any) -> None:
    from chatnomina.assistant.answerers import payslip_items
    from chatnomina.assistant.answerers.computed import ComputedLine, ComputedPayslip
    from chatnomina.hr.values import PayrollPeriod

    payroll = PayrollPeriod(2026, 10, "M")
    payslip = compute_payslip(base_input(people[OVERTIME], Period(2026, 10)))
    stored = [ComputedLine.from_trace(line.code, line.label, line.category, line.amount, line.trace.as_dict())
              for line in payslip.lines]  # what a payroll run's stored lines render to
    computed = ComputedPayslip(payroll, payslip.total_earned, payslip.total_deductions, payslip.net_pay,
                               tuple(stored), source="payroll_run")
    run = payslip_items(people[OVERTIME], payroll, knowledge, computed)
    assert run is not None and run.source == "payroll_run" and run.net == Decimal(2_478_157)
    salud = next(item for item in run.items if item.key == "SALUD")
    assert "× 4 %" in salud.why and salud.params[0]["name"] == "health_rate_employee"
    assert run.provisions["prima"] == Decimal(254_097)
    imported = payslip_items(people[OVERTIME], payroll, knowledge, None)
    assert imported is not None and imported.source == "imported" and not imported.engine_agrees
    assert next(i for i in imported.items if i.key == "salud").why.startswith("4 % de tu ingreso base")


def test_law_question_cites_its_norm(chat: Any) -> None:
    answer = chat(OVERTIME).ask("¿Qué dice la ley de las horas extras?")
    assert "Fuente: CST arts. 159, 162 y 168; Ley 2101 de 2021." in answer.text
    (source,) = answer.sources
    assert source["type"] == "law" and source["citation"] == "CST arts. 159, 162 y 168; Ley 2101 de 2021"
    assert not answer.offered_human


def test_law_question_below_the_threshold_says_it_does_not_know_and_offers_a_person(chat: Any) -> None:
    conversation = chat(OVERTIME)
    answer = conversation.ask("¿qué dice la ley sobre el teletrabajo en Marte?")
    assert conversation.last is not None and conversation.last.intent == "normativa"
    assert answer.text.startswith("No lo sé") and "Gestión Humana" in answer.text
    assert answer.sources == () and answer.offered_human and not answer.handoff


def test_asking_for_a_person_hands_over(chat: Any) -> None:
    answer = chat(OVERTIME).ask("quiero hablar con una persona de recursos humanos")
    assert answer.handoff


def test_follow_up_that_the_classifier_reads_as_new_is_new(model: Any) -> None:
    from chatnomina.assistant.nlu import understand

    previous = understand("explícame el descuento de salud", today=TODAY, model=model).turn
    assert read("¿cuál es mi EPS?", today=TODAY, previous=previous, model=model).intent == "datos_personales"
    assert read("¿y de pensión?", today=TODAY, previous=previous, model=model).is_followup


def test_unsure_out_of_scope_with_payroll_words_goes_to_the_payroll_intent(model: Any) -> None:
    rescued = read("¿a qué AFP cotizo?", today=TODAY, model=model)
    assert rescued.intent == "datos_personales" and rescued.rule == "payroll_words"
    for text in ("¿Cuánto cuesta un seguro de salud privado?", "¿Cuál es la mejor EPS de Cali?",
                 "¿cuál es el salario de mi compañera Laura?"):
        assert read(text, today=TODAY, model=model).intent == "fuera_de_alcance", text


def test_simulation_falls_back_to_the_latest_legal_year(chat: Any) -> None:
    # In 2027 the parameter file has no SMMLV yet: the simulation uses the latest payroll's month.
    answer = chat(OVERTIME).ask("¿cuánto me quedaría si me suben a 5 millones?", today=date(2027, 1, 5))
    assert "tu neto estimado en octubre de 2026" in answer.text and "$5.000.000" in answer.text
    assert "Todavía no tengo los valores legales de 2027" in answer.text


def test_base_input_falls_back_to_own_facts_when_the_mapping_cannot(people: Any) -> None:
    person = people[OVERTIME]
    retired = replace(person, active=None, contracts=tuple(
        replace(c, fecha_retiro=date(2020, 1, 31)) for c in person.contracts))
    built = base_input(retired, Period(2026, 11))
    assert built.contract.base_monthly_salary == Decimal(2_447_000)
    assert [n.kind.value for n in built.novelties] == ["libranza"]
