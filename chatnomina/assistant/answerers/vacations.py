"""Vacations: balance (``VACACIONES_DERECHO_HM``), history (``AUSENTISMO_HM``), how to request. Pure.

Days are working days on the Colombian calendar: Saturdays, Sundays and holidays (the
engine's calendar) do not count. The chat explains how to request; it never creates requests.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from chatnomina.assistant.answerers.base import (
    HR_CONTACT,
    ZERO,
    Answer,
    Ask,
    Employee,
    bullets,
    day,
    hr_source,
    passage_source,
    span,
)
from chatnomina.assistant.formatting import format_days
from chatnomina.engine import HolidayCalendar, default_parameters, holiday_calendar
from chatnomina.hr import facts
from chatnomina.hr.rows import FileKind

REQUEST_ENDPOINT = "POST /api/v1/benefits/vacation/request"
SATURDAY, SUNDAY = 5, 6
_WHEN = ("cuando las puedo|cuando puedo|como las pido|como pido|pedir|pedirlas|solicitar|solicitarlas|"
         "tomar|tomarlas|sacar|sacarlas|programar|agendar|salir")
_MAX_COUNTED_DAYS = 400
_STATES = {"EN CAUSACION": "en causación", "CAUSADO": "causado", "DISFRUTADO": "disfrutado",
           "PENDIENTE": "pendiente", "PARCIAL": "disfrutado en parte"}


def _calendar() -> HolidayCalendar:
    return holiday_calendar(default_parameters())


def working_days(start: date, end: date) -> int:
    """Weekdays from ``start`` to ``end`` that are not Colombian holidays."""
    return _calendar().business_days(start, end, rest_weekdays=(SATURDAY, SUNDAY))


def _is_working(value: date) -> bool:
    return value.weekday() not in (SATURDAY, SUNDAY) and value not in _calendar().holidays(value.year)


def last_day_for(start: date, days: int) -> date:
    """The last vacation day when ``days`` working days are taken from ``start``."""
    current, counted = start, 0
    for _ in range(_MAX_COUNTED_DAYS):
        if _is_working(current):
            counted += 1
            if counted >= days:
                return current
        current += timedelta(days=1)
    return current


def next_working_day(after: date) -> date:
    """The first working day after ``after`` (the day to come back)."""
    current = after + timedelta(days=1)
    while not _is_working(current):
        current += timedelta(days=1)
    return current


def _law(ask: Ask) -> tuple[dict, ...]:
    try:
        return (passage_source(ask.knowledge.get("vacaciones")),)
    except KeyError:
        return ()


def remaining_days(employee: Employee) -> Decimal:
    """Pending days per the exports, minus approved requests the exports do not show yet."""
    return facts.pending_vacation_days(employee.person) - employee.requests.approved_not_imported


def _balance_text(employee: Employee, *, detail: bool) -> str:
    remaining = remaining_days(employee)
    text = f"Tienes {format_days(remaining)} de vacaciones pendientes (días hábiles)."
    requests = employee.requests
    if requests.approved_not_imported:
        text += (f" Ya descontamos {format_days(requests.approved_not_imported)} de solicitudes aprobadas que "
                 "todavía no aparecen en los registros de nómina.")
    if requests.pending:
        text += f" Además tienes solicitudes por {format_days(requests.pending)} esperando aprobación."
    if detail:
        periods = [p for p in facts.vacation_periods(employee.person) if p.dias_derecho - p.dias_disfrute]
        if periods:
            lines = []
            for p in periods:
                when = f" ({span(p.start, p.end)})" if p.start else ""
                state = f", {_STATES.get(p.estado.upper(), p.estado.lower())}" if p.estado else ""
                lines.append(f"Periodo {p.periodo}{when}{state}: {format_days(p.dias_derecho - p.dias_disfrute)} "
                             f"pendientes de {format_days(p.dias_derecho)}")
            text += "\nPor periodo:\n" + bullets(lines)
    if remaining >= 30:
        text += ("\nTienes más de dos periodos acumulados: la ley permite acumular vacaciones hasta por dos años "
                 "(CST art. 190); conviene programarlas.")
    return text


def _how_to_request(employee: Employee) -> str:
    profile = employee.profile
    approver = f"tu jefe inmediato ({profile.manager_name_display})" if profile and profile.manager_name_display \
        else "tu jefe inmediato"
    return (f"Para pedirlas, crea la solicitud en ChatNomina, en Beneficios → Vacaciones ({REQUEST_ENDPOINT}, con la "
            f"fecha de inicio y la de fin); la aprueba {approver} o {HR_CONTACT}. Desde este chat no creo "
            "solicitudes. Se cuentan días hábiles: no cuentan sábados, domingos ni festivos de Colombia. Si las "
            "fraccionas, la ley pide disfrutar al menos 6 días hábiles continuos al año (CST art. 190), y el "
            "empleador fija la fecha avisándote con 15 días de anticipación (CST art. 187).")


def vacaciones_saldo(ask: Ask) -> Answer:
    """Pending vacation days, per service year, and how to take them when asked."""
    employee = ask.me
    if not employee.person.vacations:
        text = "No tengo registros de días de vacaciones a tu nombre."
    else:
        text = _balance_text(employee, detail=True)
    if ask.mentions(_WHEN):
        text += "\n" + _how_to_request(employee)
    return Answer(text, (hr_source(FileKind.VACATION_ENTITLEMENTS),) + _law(ask))


def vacaciones_historial(ask: Ask) -> Answer:
    """Vacations taken: the last ones, those of a period, or how many and how long."""
    employee = ask.me
    taken = facts.vacations_taken(employee.person, until=ask.today)
    sources = (hr_source(FileKind.ABSENCES, absence_type="VAC"),)
    if not taken:
        return Answer("No tengo vacaciones disfrutadas registradas a tu nombre.", sources)

    def line(v: facts.VacationTaken) -> str:
        days = f" ({format_days(v.days)} hábiles)" if v.days is not None else ""
        return f"{span(v.start, v.end)}{days}"

    if ask.entities.periods:
        texts = []
        for period in ask.entities.periods:
            inside = [v for v in taken if v.start <= period.end and v.end >= period.start]
            if not inside:
                texts.append(f"No tomaste vacaciones en {period.label}.")
                continue
            total = sum((v.days or ZERO for v in inside), ZERO)
            texts.append(f"En {period.label} tomaste vacaciones {len(inside)} "
                         f"{'vez' if len(inside) == 1 else 'veces'}, {format_days(total)} hábiles en total:\n"
                         + bullets(line(v) for v in inside))
        return Answer("\n".join(texts), sources)
    last = taken[-1]
    total = sum((v.days or ZERO for v in taken), ZERO)
    text = f"Tus últimas vacaciones fueron {line(last)}."
    since = (ask.today - last.end).days
    if ask.mentions("desde cuando|hace cuanto"):
        text += f" Han pasado {since} días desde que terminaron."
    text += (f" En total tienes registradas {len(taken)} salidas a vacaciones, {format_days(total)} hábiles, "
             f"desde el {day(taken[0].start)}.")
    if ask.mentions("historial|todas|cuales|cuantas veces|muestrame|lista|fechas"):
        text += "\n" + bullets(line(v) for v in reversed(taken[-10:]))
    return Answer(text, sources)


def _dates_text(ask: Ask, remaining: Decimal) -> str:
    """Working days of the dates the employee mentions, on the Colombian calendar."""
    today = ask.today
    wanted = int(ask.entities.day_counts[0]) if ask.entities.day_counts else None
    texts = []
    for period in ask.entities.periods[:2]:
        if period.end < today:
            texts.append(f"Las vacaciones no pueden empezar en el pasado ({period.label}).")
            continue
        start = max(period.start, today)
        if period.granularity == "day" or (wanted and period.granularity != "range"):
            if wanted:
                first = start if _is_working(start) else next_working_day(start)
                end = last_day_for(first, wanted)
                texts.append(f"Si empiezas el {day(first)} y tomas {format_days(wanted)} hábiles, tu último día de "
                             f"vacaciones sería el {day(end)} y volverías el {day(next_working_day(end))}.")
            elif remaining > 0:
                whole = int(remaining)
                if whole >= 1:
                    first = start if _is_working(start) else next_working_day(start)
                    end = last_day_for(first, whole)
                    texts.append(f"Si empiezas el {day(first)} y tomas tus {format_days(whole)} hábiles completos, "
                                 f"volverías el {day(next_working_day(end))}.")
            continue
        count = working_days(start, period.end)
        holidays = [d for year in range(start.year, period.end.year + 1)
                    for d in sorted(_calendar().holidays(year)) if start <= d <= period.end and d.weekday() < 5]
        text = f"Entre el {day(start)} y el {day(period.end)} hay {format_days(count)} hábiles"
        if holidays:
            text += " (festivos que no cuentan: " + ", ".join(day(d) for d in holidays) + ")"
        texts.append(text + ".")
    if wanted is not None:
        if Decimal(wanted) > remaining:
            texts.append(f"Pides {format_days(wanted)} y tienes {format_days(remaining)} disponibles; anticipar "
                         "vacaciones depende de que el empleador lo permita.")
        elif not ask.entities.periods:
            texts.append(f"Te alcanzan: pides {format_days(wanted)} y tienes {format_days(remaining)} disponibles.")
    return "\n".join(texts)


def vacaciones_solicitar(ask: Ask) -> Answer:
    """How to request vacations, with the balance and the working days of the dates mentioned."""
    employee = ask.me
    remaining = remaining_days(employee)
    parts = []
    if employee.person.vacations:
        parts.append(_balance_text(employee, detail=False))
    dates = _dates_text(ask, remaining)
    if dates:
        parts.append(dates)
    parts.append(_how_to_request(employee))
    if employee.person.active is None:
        parts = ["No tienes un contrato activo en los registros, así que no puedes solicitar vacaciones."]
    sources = (hr_source(FileKind.VACATION_ENTITLEMENTS),) + _law(ask)
    return Answer("\n".join(parts), sources)
