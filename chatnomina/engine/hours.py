"""Overtime and surcharges: split each span by date, night window and rest day, then price it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from chatnomina.engine.calendar import WEEKDAY_NAMES
from chatnomina.engine.models import (
    Contract,
    DivisorReading,
    EmployerSettings,
    Novelty,
    OvertimeKind,
    OvertimeLine,
    PayslipLine,
    RestDayPay,
)
from chatnomina.engine.parameters import Parameters
from chatnomina.engine.rounding import ONE, to_four_places, to_peso
from chatnomina.engine.rules import DayRules, day_rules
from chatnomina.engine.trace import FACTOR, MONEY, NUMBER, TEXT, Trace
from chatnomina.engine.trace import format_number as _n
from chatnomina.errors import InvalidRequest, ParameterNotFound

LABELS = {
    "HED": "Hora extra diurna",
    "HEN": "Hora extra nocturna",
    "RN": "Recargo nocturno",
    "DOM": "Hora ordinaria en día de descanso o festivo",
    "DOMN": "Hora ordinaria nocturna en día de descanso o festivo",
    "HEDDF": "Hora extra diurna en día de descanso o festivo",
    "HENDF": "Hora extra nocturna en día de descanso o festivo",
}

# (is overtime, on a rest day, at night) → code; ordinary daytime hours on a working day are
# already paid by the salary, so they have no line.
_CODES: dict[tuple[bool, bool, bool], str | None] = {
    (True, False, False): "HED",
    (True, False, True): "HEN",
    (True, True, False): "HEDDF",
    (True, True, True): "HENDF",
    (False, False, False): None,
    (False, False, True): "RN",
    (False, True, False): "DOM",
    (False, True, True): "DOMN",
}

_DAY = 24 * 60
# A span given only by clock times whose end is not after its start is read as crossing midnight
# when that gives a plausible shift; a longer reading (e.g. 10:00 → 08:00, 22 h) is a typing error.
MAX_OVERNIGHT_MINUTES = 12 * 60
_SIXTY = Decimal(60)
_FORMULA = (
    "{horas} h el {fecha} ({tipo_dia}): hora ordinaria {salario} / {divisor} = {valor_hora}; "
    "factor {factor} ({composicion}); {horas} × {valor_hora} × {factor} = {valor}"
)


def span_minutes(novelty: Novelty, field: str) -> tuple[int, int]:
    """Start and end minute counted from the span's date at 00:00 (end > 1440 past midnight)."""
    assert novelty.day is not None and novelty.start is not None
    start = novelty.start.hour * 60 + novelty.start.minute
    end_clock = 0 if novelty.end is None else novelty.end.hour * 60 + novelty.end.minute
    if novelty.end_day is not None:
        offset = (novelty.end_day - novelty.day).days
        if offset not in (0, 1):
            raise InvalidRequest(
                "La fecha de fin de la franja debe ser el mismo día o el día siguiente.",
                field=f"{field}.end_date",
            )
        end = offset * _DAY + end_clock
        if end <= start:
            raise InvalidRequest(
                "La franja termina antes de empezar (o dura cero minutos).", field=f"{field}.end"
            )
        if end - start > _DAY:
            raise InvalidRequest("Una franja no puede durar más de 24 horas.", field=f"{field}.end")
        return start, end
    if novelty.end is None:
        raise InvalidRequest("Falta la hora de fin de la franja.", field=f"{field}.end")
    if end_clock > start:
        return start, end_clock
    if end_clock + _DAY - start <= MAX_OVERNIGHT_MINUTES:
        return start, end_clock + _DAY
    raise InvalidRequest(
        f"La franja termina ({novelty.end:%H:%M}) antes de empezar ({novelty.start:%H:%M}). "
        "Si cruza la medianoche, indique end_date con el día siguiente.",
        field=f"{field}.end",
    )


def split_span(
    params: Parameters,
    novelty: Novelty,
    field: str,
    rest_weekday: int,
    step_day: int | None,
) -> list[tuple[DayRules, str, int, bool]]:
    """Parts of a span as (day rules, code, minutes, rest day), merged per date and code."""
    assert novelty.day is not None and novelty.overtime_kind is not None
    start, end = span_minutes(novelty, field)
    overtime = novelty.overtime_kind == OvertimeKind.EXTRA
    # "ordinary_rest_day" states that the span's own date is the worker's rest day (the way to
    # report an agreed rest day other than Sunday); past midnight, the calendar decides.
    declared_rest = novelty.overtime_kind == OvertimeKind.ORDINARY_REST_DAY
    parts: dict[tuple[date, str], list] = {}
    offset = 0
    day = novelty.day
    while start < end:
        try:
            rules = day_rules(params, day, step_day)
        except ParameterNotFound as exc:
            raise ParameterNotFound(
                exc.message, field=f"{field}.date", details=exc.details
            ) from None
        rest = (
            rules.holiday is not None
            or day.weekday() == rest_weekday
            or (declared_rest and offset == 0)
        )
        low, high = start - offset, min(end, offset + _DAY) - offset
        for seg_low, seg_high, night in (
            (0, rules.night_end, True),
            (rules.night_end, rules.night_start, False),
            (rules.night_start, _DAY, True),
        ):
            minutes = min(high, seg_high) - max(low, seg_low)
            if minutes <= 0:
                continue
            code = _CODES[(overtime, rest, night)]
            if code is None:
                continue
            part = parts.get((day, code))
            if part is None:
                parts[(day, code)] = [rules, code, minutes, rest]
            else:
                part[2] += minutes
        start = offset + _DAY
        offset += _DAY
        day += timedelta(days=1)
    return [(p[0], p[1], p[2], p[3]) for p in parts.values()]


def factor_for(code: str, rules: DayRules, rest_day_pay: RestDayPay) -> tuple[Decimal, str, tuple]:
    """Multiplier over the ordinary hour, its composition in words, and the parameters behind it."""
    night = rules.night_surcharge
    rest = rules.rest_surcharge
    extra_day = rules.overtime_day
    extra_night = rules.overtime_night
    base = ONE if rest_day_pay == RestDayPay.BASE_PLUS_SURCHARGE else Decimal(0)
    if code == "HED":
        return ONE + extra_day.value, f"1 + {_n(extra_day.value)} extra diurna", (extra_day,)
    if code == "HEN":
        return (
            ONE + extra_night.value,
            f"1 + {_n(extra_night.value)} extra nocturna",
            (extra_night,),
        )
    if code == "RN":
        return (
            night.value,
            f"{_n(night.value)} recargo nocturno; la hora base ya está en el salario",
            (night,),
        )
    if code == "DOM":
        words = (
            f"1 + {_n(rest.value)} recargo de descanso (trabajo ocasional pagado en dinero)"
            if base
            else f"{_n(rest.value)} recargo de descanso; la hora base ya está en el salario"
        )
        return base + rest.value, words, (rest,)
    if code == "DOMN":
        prefix = "1 + " if base else ""
        words = f"{prefix}{_n(rest.value)} recargo de descanso + {_n(night.value)} nocturno"
        return base + rest.value + night.value, words, (rest, night)
    if code == "HEDDF":
        return (
            ONE + rest.value + extra_day.value,
            f"1 + {_n(rest.value)} recargo de descanso + {_n(extra_day.value)} extra diurna",
            (rest, extra_day),
        )
    return (
        ONE + rest.value + extra_night.value,
        f"1 + {_n(rest.value)} recargo de descanso + {_n(extra_night.value)} extra nocturna",
        (rest, extra_night),
    )


def divisor_for(
    params: Parameters, rules: DayRules, contract: Contract, employer: EmployerSettings
) -> tuple[int, str]:
    """The hourly divisor on that date and the reading that produced it."""
    if employer.hourly_divisor == DivisorReading.FIXED_PRE_2101:
        return rules.base_divisor, "divisor fijo de la jornada de 48 horas (lectura minoritaria)"
    agreed = contract.agreed_weekly_hours
    if agreed is not None and agreed < rules.weekly_hours:
        days = params.get("commercial_month_days", rules.day).value
        week = params.get("working_days_per_week", rules.day).value
        divisor = Decimal(agreed) * days / week
        return int(divisor), f"jornada pactada de {agreed} horas semanales × {days} / {week}"
    return rules.divisor, f"jornada máxima legal de {rules.weekly_hours} horas semanales"


def price_overtime(
    params: Parameters,
    inputs: tuple[Novelty, ...],
    fields: tuple[str, ...],
    contract: Contract,
    employer: EmployerSettings,
) -> tuple[list[OvertimeLine], list[PayslipLine]]:
    """Every hour line of the period, each priced with the rules of its own date (R1)."""
    salary = contract.base_monthly_salary
    overtime_lines: list[OvertimeLine] = []
    payslip_lines: list[PayslipLine] = []
    for novelty, field in zip(inputs, fields):
        for rules, code, minutes, rest in split_span(
            params, novelty, field, contract.rest_weekday, employer.ley_2101_step_day
        ):
            divisor, divisor_words = divisor_for(params, rules, contract, employer)
            factor, words, used = factor_for(code, rules, employer.rest_day_pay)
            amount = to_peso(salary * minutes * factor / (divisor * _SIXTY))
            hourly = salary / divisor
            overtime_lines.append(
                OvertimeLine(rules.day, code, minutes, divisor, hourly, factor, amount)
            )
            day_kind = _day_kind(rules, rest, contract.rest_weekday)
            trace = Trace(
                _FORMULA,
                (
                    ("horas", Decimal(minutes) / _SIXTY, NUMBER),
                    ("fecha", rules.day, TEXT),
                    ("tipo_dia", day_kind, TEXT),
                    ("salario", salary, MONEY),
                    ("divisor", f"{divisor} ({divisor_words})", TEXT),
                    ("valor_hora", to_four_places(hourly), NUMBER),
                    ("factor", factor, FACTOR),
                    ("composicion", words, TEXT),
                    ("valor", amount, MONEY),
                ),
                (*used, rules.night_window, rules.schedule, rules.step_start),
            )
            payslip_lines.append(
                PayslipLine(code, LABELS[code], "devengo", amount, trace, rules.day)
            )
    return overtime_lines, payslip_lines


def _day_kind(rules: DayRules, rest: bool, rest_weekday: int) -> str:
    weekday = WEEKDAY_NAMES[rules.day.weekday()]
    night = f"la noche empieza a las {rules.night_window.value['start']}"
    if rules.holiday is not None:
        return f"{weekday}, festivo: {rules.holiday}; {night}"
    if rules.day.weekday() == rest_weekday:
        return f"{weekday}, día de descanso semanal; {night}"
    if rest:
        return f"{weekday}, día de descanso según la novedad; {night}"
    return f"{weekday}, día hábil; {night}"
