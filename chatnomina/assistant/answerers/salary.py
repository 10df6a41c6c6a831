"""Salary now and over time (``HISTORICO_SUELDO_HM``, ``ACTIVOS_HM``). Pure."""

from __future__ import annotations

from itertools import pairwise

from chatnomina.assistant.answerers.base import (
    Answer,
    Ask,
    bullets,
    cop,
    day,
    hr_source,
    law_source,
    percent_change,
    span,
)
from chatnomina.assistant.formatting import format_percent
from chatnomina.hr import facts
from chatnomina.hr.facts import SalaryPeriod
from chatnomina.hr.rows import FileKind

INTEGRAL_NOTE = (
    "Es un salario integral: además del salario ordinario incluye el factor prestacional, así "
    "que no recibes prima de servicios ni cesantías por separado (CST art. 132)."
)
_INTEGRAL_LAW = law_source("CST art. 132", "Salario integral")


def sueldo_actual(ask: Ask) -> Answer:
    """Salario básico mensual vigente, desde cuándo y si es integral."""
    person = ask.person
    salary = facts.current_salary(person)
    if salary is None:
        return Answer("No encuentro un salario registrado a tu nombre en los datos de nómina.")
    since = f", vigente desde el {day(salary.since)}" if salary.since else ""
    text = f"Tu salario básico mensual es de {cop(salary.amount)}{since}."
    if person.active is None:
        contract = max(facts.contracts(person), key=lambda c: c.fecha_ingreso, default=None)
        if contract is not None and contract.fecha_retiro is not None:
            text = (f"Según los registros, tu último contrato terminó el {day(contract.fecha_retiro)}; "
                    f"el último salario registrado fue de {cop(salary.amount)}.")
    sources = [hr_source(FileKind.SALARY_HISTORY if person.salaries else FileKind.ACTIVE_EMPLOYEES)]
    if salary.integral:
        text += " " + INTEGRAL_NOTE
        sources.append(_INTEGRAL_LAW)
    return Answer(text, tuple(sources))


def _periods_of_contract(history: list[SalaryPeriod], contract: int | None) -> list[SalaryPeriod]:
    own = [p for p in history if p.num_vinculacion == contract]
    return own or history


def _line(p: SalaryPeriod) -> str:
    integral = " (integral)" if p.integral else ""
    return f"{span(p.start, p.end)}: {cop(p.salary)}{integral}"


def _raise_text(before: SalaryPeriod, after: SalaryPeriod) -> str:
    change = percent_change(before.salary, after.salary)
    pct = f" ({'+' if change > 0 else ''}{format_percent(change)})" if change is not None else ""
    diff = after.salary - before.salary
    verb = "te subieron" if diff > 0 else "cambió"
    return (f"el {day(after.start)} {verb} el salario de {cop(before.salary)} a {cop(after.salary)}: "
            f"{'+' if diff > 0 else ''}{cop(diff)}{pct}")


def historial_sueldo(ask: Ask) -> Answer:
    """Salary history: in a period, at hire, the last raise, since when, or the whole list."""
    person = ask.person
    history = facts.salary_history(person)
    sources = (hr_source(FileKind.SALARY_HISTORY),)
    if not history:
        return sueldo_actual(ask)
    contract = facts.current_contract(person)
    current = _periods_of_contract(history, contract)
    latest = current[-1]

    if ask.entities.periods and not ask.mentions("subieron|subio|aumento|aumentaron|incremento|incrementaron"):
        lines = []
        for period in ask.entities.periods:
            found = [p for p in history if p.start <= period.end and (p.end is None or p.end >= period.start)]
            if not found:
                lines.append(f"En {period.label} no tengo un salario registrado a tu nombre.")
            elif len(found) == 1:
                p = found[0]
                lines.append(f"En {period.label} tu salario era de {cop(p.salary)} ({span(p.start, p.end)}).")
            else:
                lines.append(f"En {period.label} tuviste {len(found)} salarios:\n" + bullets(_line(p) for p in found))
        return Answer("\n".join(lines), sources)

    raises = [(a, b) for a, b in pairwise(current) if b.salary != a.salary]
    if ask.mentions("cuantos aumentos|cuantas veces|cuantos incrementos"):
        text = (f"Desde tu ingreso el {day(current[0].start)} has tenido {len(raises)} cambios de salario; "
                f"pasaste de {cop(current[0].salary)} a {cop(latest.salary)}.")
        return Answer(text, sources)
    if ask.mentions("subieron|subio|aumento|aumentos|aumentaron|incremento|incrementos|incrementaron|"
                    "ultimo aumento|cuanto me subieron"):
        if not raises:
            return Answer(f"No tengo aumentos registrados: tu salario es de {cop(latest.salary)} "
                          f"desde el {day(current[0].start)}.", sources)
        chosen = raises[-1]
        for period in ask.entities.periods:
            inside = [r for r in raises if period.start <= r[1].start <= period.end]
            if inside:
                chosen = inside[-1]
                break
        text = "Tu último aumento: " if chosen == raises[-1] else ""
        text += _raise_text(*chosen) + "."
        if ask.mentions("aumentos|incrementos|evolucion|historial"):
            text += "\nTodos tus salarios:\n" + bullets(_line(p) for p in reversed(current))
        return Answer(text[0].upper() + text[1:], sources)
    if ask.mentions("ingreso|ingrese|entre|empece|inicie|inicio|contrataron|principio|arranque|empezar|empeze|comence"):
        first = current[0]
        text = (f"Ingresaste el {day(first.start)} con un salario de {cop(first.salary)}; hoy ganas "
                f"{cop(latest.salary)}.")
        earlier = [p for p in history if p.num_vinculacion != contract and p.start < first.start]
        if earlier:
            text += (f" En un contrato anterior, que empezó el {day(earlier[0].start)}, tu salario inicial "
                     f"fue de {cop(earlier[0].salary)}.")
        return Answer(text, sources)
    if ask.mentions("desde cuando|desde que fecha|en que fecha"):
        return Answer(f"Ganas {cop(latest.salary)} desde el {day(latest.start)}.", sources)

    text = (f"Hoy ganas {cop(latest.salary)} (desde el {day(latest.start)}). Ingresaste el "
            f"{day(current[0].start)} con {cop(current[0].salary)}")
    if raises:
        text += f" y desde entonces tu salario cambió {len(raises)} veces; " + _raise_text(*raises[-1]) + "."
    else:
        text += "."
    shown = list(reversed(history))[:15]
    text += "\nHistorial (del más reciente al más antiguo):\n" + bullets(_line(p) for p in shown)
    if len(history) > len(shown):
        text += f"\n(y {len(history) - len(shown)} periodos más antiguos)"
    return Answer(text, sources)
