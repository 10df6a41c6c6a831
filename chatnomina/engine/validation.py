"""Checks of the typed input: canonical enums, legal minimums, day counts; errors name the field."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from chatnomina.engine.calendar import commercial_days
from chatnomina.engine.models import (
    ABSENCE_KINDS,
    DEDUCTION_KINDS,
    Contract,
    DayCount,
    DivisorReading,
    EmployerSettings,
    EngineInput,
    ExonerationMeasure,
    Novelty,
    NoveltyKind,
    OvertimeKind,
    RestDayPay,
    SalaryType,
)
from chatnomina.engine.rules import PeriodRules
from chatnomina.errors import InvalidRequest

_E = TypeVar("_E", bound=StrEnum)


@dataclass(slots=True)
class Novelties:
    """The period's novelties by role; field paths (``novelties[i]``) travel with them."""

    overtime: tuple[Novelty, ...]
    overtime_fields: tuple[str, ...]
    absences: list[tuple[Novelty, str]]
    extras: list[Novelty]
    deductions: list[Novelty]


def checked_enum(value: object, enum: type[_E], field: str) -> _E:
    """The enum member for ``value`` (member or string), or InvalidRequest naming ``field``."""
    if type(value) is enum:
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    allowed = ", ".join(member.value for member in enum)
    raise InvalidRequest(f"Valor no reconocido «{value}»; use uno de: {allowed}.", field=field)


def checked_contract(contract: Contract, rules: PeriodRules) -> Contract:
    """The contract with canonical enums, once salary, integral minimum and ARL class check out."""
    salary_type = checked_enum(contract.salary_type, SalaryType, "contract.salary_type")
    if salary_type is not contract.salary_type:
        contract = replace(contract, salary_type=salary_type)
    salary = contract.base_monthly_salary
    if not isinstance(salary, Decimal) or not salary.is_finite():
        raise InvalidRequest("El salario debe ser un número.", field="contract.base_monthly_salary")
    if salary <= 0:
        raise InvalidRequest(
            "El salario mensual debe ser mayor que cero.", field="contract.base_monthly_salary"
        )
    if salary_type == SalaryType.INTEGRAL and salary < rules.integral_min_pesos:
        raise InvalidRequest(
            f"El salario integral debe ser al menos {rules.integral_min.value} SMMLV "
            f"({rules.integral_min_pesos:,.0f} pesos) según el CST art. 132.".replace(",", "."),
            field="contract.base_monthly_salary",
        )
    if contract.arl_class not in rules.arl.value:
        classes = ", ".join(rules.arl.value)
        raise InvalidRequest(
            f"Clase de riesgo ARL desconocida «{contract.arl_class}»; use {classes}.",
            field="contract.arl_class",
        )
    if contract.rest_weekday not in range(7):
        raise InvalidRequest(
            "El día de descanso debe ser un día de la semana (0 = lunes … 6 = domingo).",
            field="contract.rest_weekday",
        )
    hours = contract.agreed_weekly_hours
    if hours is not None and not (isinstance(hours, int) and 0 < hours <= 48):
        raise InvalidRequest(
            "La jornada pactada debe estar entre 1 y 48 horas semanales.",
            field="contract.agreed_weekly_hours",
        )
    for name in (
        "prepaid_medicine_monthly",
        "housing_interest_monthly",
        "voluntary_pension_monthly",
    ):
        value = getattr(contract, name)
        if value < 0:
            raise InvalidRequest("El valor no puede ser negativo.", field=f"contract.{name}")
    if (
        contract.hire_date
        and contract.termination_date
        and contract.termination_date < contract.hire_date
    ):
        raise InvalidRequest(
            "La fecha de retiro es anterior a la de ingreso.", field="contract.termination_date"
        )
    return contract


def checked_employer(employer: EmployerSettings) -> EmployerSettings:
    """The employer settings with canonical enums and a valid Ley 2101 step day."""
    measure = checked_enum(
        employer.exoneration_measure, ExonerationMeasure, "employer.exoneration_measure"
    )
    rest_day_pay = checked_enum(employer.rest_day_pay, RestDayPay, "employer.rest_day_pay")
    divisor = checked_enum(employer.hourly_divisor, DivisorReading, "employer.hourly_divisor")
    step = employer.ley_2101_step_day
    if step is not None and step not in range(1, 32):
        raise InvalidRequest(
            "El día de inicio de cada reducción de jornada debe estar entre 1 y 31.",
            field="employer.ley_2101_step_day",
        )
    if (
        measure is not employer.exoneration_measure
        or rest_day_pay is not employer.rest_day_pay
        or divisor is not employer.hourly_divisor
    ):
        employer = replace(
            employer, exoneration_measure=measure, rest_day_pay=rest_day_pay, hourly_divisor=divisor
        )
    return employer


def grouped_novelties(novelties: tuple[Novelty, ...]) -> Novelties:
    """Novelties checked and sorted by what they do; each keeps its field path for errors."""
    overtime: list[Novelty] = []
    overtime_fields: list[str] = []
    absences: list[tuple[Novelty, str]] = []
    extras: list[Novelty] = []
    deductions: list[Novelty] = []
    for index, novelty in enumerate(novelties):
        field = f"novelties[{index}]"
        kind = checked_enum(novelty.kind, NoveltyKind, f"{field}.kind")
        if kind is not novelty.kind:
            novelty = replace(novelty, kind=kind)
        if kind == NoveltyKind.OVERTIME:
            hour_kind = checked_enum(novelty.overtime_kind, OvertimeKind, f"{field}.kind")
            if hour_kind is not novelty.overtime_kind:
                novelty = replace(novelty, overtime_kind=hour_kind)
            if novelty.day is None:
                raise InvalidRequest("Falta la fecha de la franja.", field=f"{field}.date")
            if novelty.start is None:
                raise InvalidRequest(
                    "Falta la hora de inicio de la franja.", field=f"{field}.start"
                )
            overtime.append(novelty)
            overtime_fields.append(field)
        elif kind in ABSENCE_KINDS:
            if not isinstance(novelty.days, int) or not 1 <= novelty.days <= 30:
                raise InvalidRequest(
                    "Los días de la ausencia deben estar entre 1 y 30.", field=f"{field}.days"
                )
            if not isinstance(novelty.first_day, int) or novelty.first_day < 1:
                raise InvalidRequest(
                    "El número del primer día de la incapacidad debe ser 1 o mayor.",
                    field=f"{field}.first_day",
                )
            absences.append((novelty, field))
        else:
            if not isinstance(novelty.amount, Decimal) or not novelty.amount.is_finite():
                raise InvalidRequest("El valor debe ser un número.", field=f"{field}.amount")
            if novelty.amount < 0:
                raise InvalidRequest("El valor no puede ser negativo.", field=f"{field}.amount")
            (deductions if kind in DEDUCTION_KINDS else extras).append(novelty)
    return Novelties(tuple(overtime), tuple(overtime_fields), absences, extras, deductions)


def day_count(
    inp: EngineInput, contract: Contract, absences: list[tuple[Novelty, str]], month_days: int
) -> DayCount:
    """Commercial days (R8) on payroll, split into worked, vacation, sick leave and unpaid leave."""
    period = inp.period
    if inp.days_in_period is not None:
        days = inp.days_in_period
        if not isinstance(days, int) or not 0 <= days <= month_days:
            raise InvalidRequest(
                f"Los días del período deben estar entre 0 y {month_days} (mes comercial).",
                field="days_in_period",
            )
    elif contract.hire_date is None and contract.termination_date is None:
        days = month_days
    else:
        start, end = period.start, period.end
        if contract.hire_date is not None:
            if contract.hire_date > end:
                raise InvalidRequest(
                    "La fecha de ingreso es posterior al período.", field="contract.hire_date"
                )
            start = max(start, contract.hire_date)
        if contract.termination_date is not None:
            if contract.termination_date < period.start:
                raise InvalidRequest(
                    "La fecha de retiro es anterior al período.", field="contract.termination_date"
                )
            end = min(end, contract.termination_date)
        days = commercial_days(start, end)
    hired = contract.hire_date
    if hired is not None and inp.days_in_period is not None and hired > period.end:
        # Given days are trusted (calendar and commercial counts differ by a day at month ends),
        # but a contract that starts after the period cannot have days in it.
        raise InvalidRequest(
            "La fecha de ingreso es posterior al período.", field="contract.hire_date"
        )
    vacation = incapacity = unpaid = 0
    for novelty, _ in absences:
        if novelty.kind == NoveltyKind.VACATION:
            vacation += novelty.days
        elif novelty.kind == NoveltyKind.INCAPACITY:
            incapacity += novelty.days
        else:
            unpaid += novelty.days
    worked = days - vacation - incapacity - unpaid
    if worked < 0:
        raise InvalidRequest(
            f"Las ausencias ({vacation + incapacity + unpaid} días) superan los {days} "
            "días del período.",
            field=absences[-1][1] + ".days",
        )
    return DayCount(days, worked, vacation, incapacity, unpaid)
