"""What-if: the engine run with the employee's own settings and a hypothetical salary. Pure.

The input is the employee's engine input for the month being asked in (today's month) built
by the shared HR → engine mapping (:mod:`chatnomina.payroll.inputs`), keeping what repeats
every month (salary type, withholding facts, libranzas, cooperative, voluntary pension,
prepaid medicine) and dropping what does not (overtime, bonuses, absences, a hire or
retirement inside the month). When the mapping rejects the rows, the
input is built here from the same facts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from chatnomina.assistant.answerers.base import (
    Answer,
    Ask,
    bullets,
    cop,
    engine_source,
    hr_source,
    merge_sources,
)
from chatnomina.assistant.formatting import format_month, format_percent
from chatnomina.engine import (
    Contract,
    EngineInput,
    Novelty,
    NoveltyKind,
    Payslip,
    Period,
    SalaryType,
    compute_payslip,
    default_parameters,
)
from chatnomina.errors import InvalidRequest
from chatnomina.hr import facts
from chatnomina.hr.facts import PersonRows
from chatnomina.hr.rows import FileKind
from chatnomina.payroll.inputs import engine_input

_KEEP = frozenset({NoveltyKind.LIBRANZA, NoveltyKind.COOPERATIVE, NoveltyKind.OTHER_DEDUCTION})
_RAISE_VERB = (r"(?:suben|subieran|sube|subiera|aumentan|aumentaran|aumenta|aumentara|incrementan|aumento|incremento|"
               r"subida|mas)")
_TO = (r"(?:suben|subieran|sube|subiera|aumentan|aumentaran|aumenta|aumentara|incrementan|pasan|pasa|ascienden)"
       r"\s+(?:el\s+(?:sueldo|salario)\s+)?a\b")
_INTEGRAL_MINIMUM = Decimal(13)
#: Deduction lines whose trace starts with the novelty's own description ("MEDICINA PREPAGADA ...: $").
_DESCRIBED = frozenset({"LIBRANZA", "OTHER_DEDUCTION"})
_NOTE = ("Es una estimación con las reglas y valores legales vigentes, tu tipo de salario y tus descuentos "
         "fijos (libranzas, cooperativa, aportes voluntarios, medicina prepagada); no incluye horas extra, "
         "bonificaciones ni ausencias.")


def _own_input(person: PersonRows, period: Period) -> EngineInput:
    """The employee's monthly settings from the export facts (no shared mapping needed)."""
    latest = max(person.withholdings, key=lambda w: (w.cod_nomina, w.proced), default=None)
    month = (period.year, period.month)
    # Recurring concepts apply in every month of their range, whatever their Estado.
    active = [n for n in person.novelties if facts.is_recurring(n) and facts.applies_in(n, *month)]
    voluntary = sum((n.valor for n in active if n.cod_concepto in ("AVP", "AFC")), Decimal(0))
    prepaid = sum((n.valor for n in active if n.cod_concepto == "MEDPRE"), Decimal(0))
    novelties = []
    for n in active:
        if n.cod_concepto == "LIB":
            novelties.append(Novelty.money(NoveltyKind.LIBRANZA, n.valor, n.observacion or "Libranza"))
        elif n.cod_concepto == "COOP":
            novelties.append(Novelty.money(NoveltyKind.COOPERATIVE, n.valor, n.observacion or "Cooperativa"))
        elif n.cod_concepto == "MEDPRE":
            novelties.append(Novelty.money(NoveltyKind.OTHER_DEDUCTION, n.valor, n.observacion or "Medicina prepagada"))
    salary = facts.current_salary(person)
    contract = Contract(
        base_monthly_salary=salary.amount if salary else Decimal(0),
        salary_type=SalaryType.INTEGRAL if facts.scheme_is_integral(person) else SalaryType.ORDINARY,
        dependents=bool(latest and latest.dependientes > 0),
        prepaid_medicine_monthly=prepaid or (latest.medicina_prepagada if latest else Decimal(0)),
        housing_interest_monthly=latest.vivienda if latest else Decimal(0),
        voluntary_pension_monthly=voluntary,
    )
    return EngineInput(period, contract, tuple(novelties))


def base_input(person: PersonRows, period: Period, contract: int | None = None) -> EngineInput:
    """The employee's engine input for ``period`` (of ``contract``, default the current one).

    The shared mapping when it can read the rows; our own reading of the same facts when it
    cannot (no contract that month, a concept it does not know...).
    """
    try:
        return engine_input(person, period, num_vinculacion=contract or facts.current_contract(person))
    except InvalidRequest:
        return _own_input(person, period)


def simulation_input(base: EngineInput, salary: Decimal) -> tuple[EngineInput, str]:
    """``base`` with ``salary``, the month's one-off items removed; and a note on the salary type."""
    params = default_parameters()
    smmlv = params.get("smmlv", base.period.start).value
    salary_type, note = base.contract.salary_type, ""
    if salary_type is SalaryType.INTEGRAL and salary < smmlv * _INTEGRAL_MINIMUM:
        salary_type = SalaryType.ORDINARY
        note = ("Con ese valor el salario ya no podría ser integral "
                f"(mínimo 13 SMMLV, {cop(smmlv * _INTEGRAL_MINIMUM)}); "
                "lo calculo como salario ordinario.")
    contract = replace(base.contract, base_monthly_salary=salary, salary_type=salary_type,
                       hire_date=None, termination_date=None)
    novelties = tuple(n for n in base.novelties if n.kind in _KEEP)
    return EngineInput(base.period, contract, novelties, base.employer), note


def hypothetical_salary(ask: Ask, current: Decimal) -> tuple[Decimal | None, str]:
    """The salary the question imagines, and how it was read ("un aumento del 10 %")."""
    entities = ask.entities
    if entities.percentages:
        pct = entities.percentages[0]
        return (current * (1 + pct / 100)).quantize(Decimal(1)), f"un aumento del {format_percent(pct)}"
    if entities.amounts:
        amount = entities.amounts[0]
        words = ask.words
        absolute = re.search(_TO, words) is not None
        is_raise = re.search(rf"\b{_RAISE_VERB}\b", words) is not None
        if not absolute and is_raise and amount < current:
            return current + amount, f"un aumento de {cop(amount)}"
        return amount, ""
    return None, ""


def join_notes(*notes: str) -> str:
    """Non-empty notes, one per line."""
    return "\n".join(n for n in notes if n)


def _lines(payslip: Payslip) -> list[str]:
    out = []
    for line in payslip.lines:
        if line.category == "devengo" and line.amount:
            out.append(f"{line.label}: {cop(line.amount)}")
    for line in payslip.lines:
        if line.category == "deduccion" and (line.amount or line.code in ("SALUD", "PENSION")):
            label = line.label
            if line.code in _DESCRIBED:
                label += f" ({line.trace.text().split(': $')[0]})"
            out.append(f"{label}: −{cop(line.amount)}")
    return out


def _params(payslip: Payslip) -> list[Any]:
    return [param for line in payslip.lines if line.category in ("devengo", "deduccion") for param in line.trace.params]


def _periods_to_try(ask: Ask, last: Any) -> list[Period]:
    """Today's month first, then the latest payroll's month (when today's has no legal values yet)."""
    periods = [Period(ask.today.year, ask.today.month)]
    if last is not None:
        periods.append(Period(last.year, last.month))
    return periods


def simulacion(ask: Ask) -> Answer:
    """Net pay with a hypothetical salary (amount, raise or percentage) vs. the current salary."""
    employee = ask.me
    person = employee.person
    current = facts.current_salary(person)
    if current is None:
        return Answer("No tengo tu salario actual registrado, así que no puedo simular un cambio.")
    wanted, reading = hypothetical_salary(ask, current.amount)
    outcome: tuple[Payslip, Payslip, str, Period] | None = None
    error = ""
    for period in _periods_to_try(ask, employee.last_payroll):
        try:
            base = base_input(person, period)
            now_input, _ = simulation_input(base, current.amount)
            now = compute_payslip(now_input)
            if wanted is None:
                outcome = (now, now, "", period)
                break
            then_input, note = simulation_input(base, wanted)
            outcome = (compute_payslip(then_input), now, note, period)
            break
        except InvalidRequest as exc:
            error = exc.message
    if outcome is None:
        return Answer(f"No pude hacer la simulación: {error}", (hr_source(FileKind.SALARY_HISTORY),))
    then, now, note, period = outcome
    month = format_month(period.year, period.month)
    if (period.year, period.month) != (ask.today.year, ask.today.month):
        note = join_notes(note, f"Todavía no tengo los valores legales de {ask.today.year}; uso los de {month}.")
    sources = merge_sources([hr_source(FileKind.SALARY_HISTORY)],
                            [engine_source(_params(then), period=str(period))])
    if wanted is None:
        text = (f"Con tu salario actual de {cop(current.amount)}, el neto estimado en {month} es {cop(now.net_pay)}:\n"
                + bullets(_lines(now))
                + "\nDime el salario que quieres simular, por ejemplo «¿cuánto me quedaría si me suben a 5 millones?» "
                  "o «con un aumento del 10 %».\n" + join_notes(note, _NOTE))
        return Answer(text, sources)
    how = f" ({reading})" if reading else ""
    text = (f"Con un salario de {cop(wanted)}{how}, tu neto estimado en {month} sería {cop(then.net_pay)}:\n"
            + bullets(_lines(then)))
    diff = then.net_pay - now.net_pay
    if wanted != current.amount:
        text += (f"\nHoy, con {cop(current.amount)}, el mismo cálculo da {cop(now.net_pay)}: "
                 f"recibirías {cop(abs(diff))} {'más' if diff >= 0 else 'menos'} al mes.")
    if note:
        text += "\n" + note
    text += "\n" + _NOTE
    return Answer(text, sources)


