"""The pure engine: contract + novelties + employer settings + period + parameters → payslip."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from chatnomina.engine import earnings as earn
from chatnomina.engine.calendar import commercial_day, commercial_days
from chatnomina.engine.employer import employer_contributions, is_exonerated, pila_view
from chatnomina.engine.hours import price_overtime
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
    Payslip,
    PayslipLine,
    RestDayPay,
    SalaryType,
)
from chatnomina.engine.parameters import Parameters, default_parameters
from chatnomina.engine.provisions import compute_provisions
from chatnomina.engine.rounding import ZERO, to_peso
from chatnomina.engine.rules import PeriodRules, period_rules
from chatnomina.engine.social_security import contribution_bases, employee_contributions
from chatnomina.engine.trace import MONEY, TEXT, Trace
from chatnomina.engine.withholding import compute_withholding
from chatnomina.errors import InvalidRequest, ParameterNotFound

DEDUCTION_LABELS = {
    NoveltyKind.LIBRANZA: "Libranza",
    NoveltyKind.COOPERATIVE: "Aporte o crédito con cooperativa",
    NoveltyKind.OTHER_DEDUCTION: "Otra deducción autorizada",
}
_DEDUCTION_FORMULA = "{descripcion}: {valor} (descuento autorizado por el trabajador; sin efecto tributario)"
_VOLUNTARY_FORMULA = (
    "Aporte voluntario a pensión o AFC descontado de nómina: {valor} "
    "(renta exenta art. 126-1 ET hasta {exenta} en la retención)"
)
_SHORT_NET = (
    ". Se pidió descontar {solicitado}, pero el neto del mes no alcanza: "
    "queda pendiente {pendiente}"
)
_MEASURE_WORDS = {
    ExonerationMeasure.SALARY_ITEMS: "pagos salariales del mes, sin auxilio de transporte",
    ExonerationMeasure.TOTAL_EARNED: "total devengado del mes",
}
_E = TypeVar("_E", bound=StrEnum)


def compute_payslip(inp: EngineInput, params: Parameters | None = None) -> Payslip:
    """Compute one worker's monthly payslip; raises InvalidRequest / ParameterNotFound on bad input."""
    params = params or default_parameters()
    period = inp.period
    try:
        rules = period_rules(params, period.start)
    except ParameterNotFound as exc:
        raise ParameterNotFound(exc.message, field="period", details=exc.details) from None
    contract = _checked_contract(inp.contract, rules)
    employer = _checked_employer(inp.employer)
    integral = contract.salary_type == SalaryType.INTEGRAL
    groups = _grouped_novelties(inp.novelties)
    overtime, overtime_fields, absences, extras, deductions = groups
    days = _day_count(inp, contract, absences, rules.days_in_month)

    lines: list[PayslipLine] = []
    salary_line = earn.salary_line(contract, days.worked, rules)
    lines.append(salary_line)
    vacation = incapacity = ZERO
    if days.vacation:
        vacation_line = earn.vacation_line(contract, days.vacation, rules)
        vacation = vacation_line.amount
        lines.append(vacation_line)
    if days.incapacity:
        sick = [n for n, _ in absences if n.kind == NoveltyKind.INCAPACITY]
        for line in earn.incapacity_lines(contract, sick, rules, employer):
            incapacity += line.amount
            lines.append(line)
    overtime_lines: list = []
    overtime_total = ZERO
    if overtime:
        overtime_lines, hour_lines = price_overtime(params, overtime, overtime_fields, contract, employer)
        for line in hour_lines:
            overtime_total += line.amount
        lines.extend(hour_lines)
    salary_extras = non_salary = ZERO
    for novelty in extras:
        line = earn.extra_earning_line(novelty)
        if novelty.kind == NoveltyKind.NON_SALARY_BONUS:
            non_salary += line.amount
        else:
            salary_extras += line.amount
        lines.append(line)
    transport_line = earn.transport_allowance_line(contract, days, rules)
    lines.append(transport_line)
    earnings = earn.Earnings(
        salary=salary_line.amount,
        vacation=vacation,
        incapacity=incapacity,
        overtime=overtime_total,
        salary_extras=salary_extras,
        non_salary=non_salary,
        transport_allowance=transport_line.amount,
    )
    total_earned = earnings.total

    bases, base_lines = contribution_bases(earnings, days, integral, rules)
    lines.extend(base_lines)
    health, pension, fsp, contribution_lines = employee_contributions(bases.ibc, rules)
    lines.extend(contribution_lines)
    withholding, withholding_line = compute_withholding(
        total_earned, health + pension + fsp, contract, rules, employer.round_withholding
    )
    lines.append(withholding_line)
    total_deductions = health + pension + fsp + withholding.withholding
    # Voluntary deductions never take the net below zero: what does not fit stays pending.
    available = total_earned - total_deductions
    voluntary = contract.voluntary_pension_monthly
    if voluntary:
        requested = to_peso(voluntary)
        taken = _fits(requested, available)
        available -= taken
        total_deductions += taken
        lines.append(PayslipLine(
            "APORTE_VOLUNTARIO_PENSION", "Aporte voluntario a pensión", "deduccion", taken,
            _voluntary_trace(_VOLUNTARY_FORMULA, requested, taken,
                             (("exenta", withholding.voluntary_pension_exempt, MONEY),),
                             (rules.voluntary_rate, rules.voluntary_cap)),
        ))
    for novelty in deductions:
        requested = to_peso(novelty.amount)
        taken = _fits(requested, available)
        available -= taken
        total_deductions += taken
        label = DEDUCTION_LABELS[novelty.kind]
        lines.append(PayslipLine(
            novelty.kind.name, label, "deduccion", taken,
            _voluntary_trace(_DEDUCTION_FORMULA, requested, taken,
                             (("descripcion", novelty.description or label, TEXT),), ()),
        ))

    if employer.exoneration_measure == ExonerationMeasure.TOTAL_EARNED:
        measure = total_earned
    else:
        measure = earnings.salary + earnings.vacation + earnings.overtime + earnings.salary_extras
    exonerated, exoneration_trace = is_exonerated(
        employer.exonerated, integral, measure, _MEASURE_WORDS[employer.exoneration_measure], rules
    )
    lines.append(PayslipLine("EXONERACION_114_1", "Exoneración de aportes (art. 114-1 ET)", "base",
                             measure, exoneration_trace))
    arl_param = rules.arl_rate(contract.arl_class)
    contributions, employer_lines = employer_contributions(bases, arl_param, exonerated, rules)
    lines.extend(employer_lines)
    pila = pila_view(bases, days.contribution, health, pension, arl_param, exonerated, rules)

    service_salary = (salary_line.amount if days.service == days.worked
                      else to_peso(contract.base_monthly_salary * days.service / rules.month_days.value))
    prestacional = service_salary + overtime_total + salary_extras + transport_line.amount
    provisions, provision_lines = compute_provisions(prestacional, service_salary, integral, rules)
    lines.extend(provision_lines)

    return Payslip(
        period=period,
        days=days,
        salary=salary_line.amount,
        transport_allowance=transport_line.amount,
        overtime=tuple(overtime_lines),
        total_earned=total_earned,
        ibc=bases.ibc,
        fsp_rate=bases.fsp_rate,
        health=health,
        pension=pension,
        fsp=fsp,
        withholding=withholding,
        total_deductions=total_deductions,
        net_pay=total_earned - total_deductions,
        employer=contributions,
        pila=pila,
        provisions=provisions,
        lines=tuple(lines),
    )


def _fits(requested: Decimal, available: Decimal) -> Decimal:
    return requested if requested <= available else max(available, ZERO)


def _voluntary_trace(
    formula: str, requested: Decimal, taken: Decimal, inputs: tuple, params: tuple
) -> Trace:
    if taken == requested:
        return Trace(formula, (*inputs, ("valor", taken, MONEY)), params)
    return Trace(
        formula + _SHORT_NET,
        (*inputs, ("valor", taken, MONEY), ("solicitado", requested, MONEY),
         ("pendiente", requested - taken, MONEY)),
        params,
    )


def _enum(value: object, enum: type[_E], field: str) -> _E:
    if type(value) is enum:
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    allowed = ", ".join(member.value for member in enum)
    raise InvalidRequest(f"Valor no reconocido «{value}»; use uno de: {allowed}.", field=field)


def _checked_contract(contract: Contract, rules: PeriodRules) -> Contract:
    salary_type = _enum(contract.salary_type, SalaryType, "contract.salary_type")
    if salary_type is not contract.salary_type:
        contract = replace(contract, salary_type=salary_type)
    salary = contract.base_monthly_salary
    if not isinstance(salary, Decimal) or not salary.is_finite():
        raise InvalidRequest("El salario debe ser un número.", field="contract.base_monthly_salary")
    if salary <= 0:
        raise InvalidRequest("El salario mensual debe ser mayor que cero.",
                             field="contract.base_monthly_salary")
    if salary_type == SalaryType.INTEGRAL and salary < rules.integral_min_pesos:
        raise InvalidRequest(
            f"El salario integral debe ser al menos {rules.integral_min.value} SMMLV "
            f"({rules.integral_min_pesos:,.0f} pesos) según el CST art. 132.".replace(",", "."),
            field="contract.base_monthly_salary",
        )
    if contract.arl_class not in rules.arl.value:
        classes = ", ".join(rules.arl.value)
        raise InvalidRequest(f"Clase de riesgo ARL desconocida «{contract.arl_class}»; use {classes}.",
                             field="contract.arl_class")
    if contract.rest_weekday not in range(7):
        raise InvalidRequest("El día de descanso debe ser un día de la semana (0 = lunes … 6 = domingo).",
                             field="contract.rest_weekday")
    hours = contract.agreed_weekly_hours
    if hours is not None and not (isinstance(hours, int) and 0 < hours <= 48):
        raise InvalidRequest("La jornada pactada debe estar entre 1 y 48 horas semanales.",
                             field="contract.agreed_weekly_hours")
    for name in ("prepaid_medicine_monthly", "housing_interest_monthly", "voluntary_pension_monthly"):
        value = getattr(contract, name)
        if value < 0:
            raise InvalidRequest("El valor no puede ser negativo.", field=f"contract.{name}")
    if contract.hire_date and contract.termination_date and contract.termination_date < contract.hire_date:
        raise InvalidRequest("La fecha de retiro es anterior a la de ingreso.",
                             field="contract.termination_date")
    return contract


def _checked_employer(employer: EmployerSettings) -> EmployerSettings:
    measure = _enum(employer.exoneration_measure, ExonerationMeasure, "employer.exoneration_measure")
    rest_day_pay = _enum(employer.rest_day_pay, RestDayPay, "employer.rest_day_pay")
    divisor = _enum(employer.hourly_divisor, DivisorReading, "employer.hourly_divisor")
    step = employer.ley_2101_step_day
    if step is not None and step not in range(1, 32):
        raise InvalidRequest("El día de inicio de cada reducción de jornada debe estar entre 1 y 31.",
                             field="employer.ley_2101_step_day")
    if (measure is not employer.exoneration_measure or rest_day_pay is not employer.rest_day_pay
            or divisor is not employer.hourly_divisor):
        employer = replace(employer, exoneration_measure=measure, rest_day_pay=rest_day_pay,
                           hourly_divisor=divisor)
    return employer


def _grouped_novelties(novelties: tuple[Novelty, ...]):
    overtime: list[Novelty] = []
    overtime_fields: list[str] = []
    absences: list[tuple[Novelty, str]] = []
    extras: list[Novelty] = []
    deductions: list[Novelty] = []
    for index, novelty in enumerate(novelties):
        field = f"novelties[{index}]"
        kind = _enum(novelty.kind, NoveltyKind, f"{field}.kind")
        if kind is not novelty.kind:
            novelty = replace(novelty, kind=kind)
        if kind == NoveltyKind.OVERTIME:
            hour_kind = _enum(novelty.overtime_kind, OvertimeKind, f"{field}.kind")
            if hour_kind is not novelty.overtime_kind:
                novelty = replace(novelty, overtime_kind=hour_kind)
            if novelty.day is None:
                raise InvalidRequest("Falta la fecha de la franja.", field=f"{field}.date")
            if novelty.start is None:
                raise InvalidRequest("Falta la hora de inicio de la franja.", field=f"{field}.start")
            overtime.append(novelty)
            overtime_fields.append(field)
        elif kind in ABSENCE_KINDS:
            if not isinstance(novelty.days, int) or not 1 <= novelty.days <= 30:
                raise InvalidRequest("Los días de la ausencia deben estar entre 1 y 30.", field=f"{field}.days")
            if not isinstance(novelty.first_day, int) or novelty.first_day < 1:
                raise InvalidRequest("El número del primer día de la incapacidad debe ser 1 o mayor.",
                                     field=f"{field}.first_day")
            absences.append((novelty, field))
        else:
            if not isinstance(novelty.amount, Decimal) or not novelty.amount.is_finite():
                raise InvalidRequest("El valor debe ser un número.", field=f"{field}.amount")
            if novelty.amount < 0:
                raise InvalidRequest("El valor no puede ser negativo.", field=f"{field}.amount")
            (deductions if kind in DEDUCTION_KINDS else extras).append(novelty)
    return tuple(overtime), tuple(overtime_fields), absences, extras, deductions


def _day_count(
    inp: EngineInput, contract: Contract, absences: list[tuple[Novelty, str]], month_days: int
) -> DayCount:
    period = inp.period
    if inp.days_in_period is not None:
        days = inp.days_in_period
        if not isinstance(days, int) or not 0 <= days <= month_days:
            raise InvalidRequest(f"Los días del período deben estar entre 0 y {month_days} (mes comercial).",
                                 field="days_in_period")
    else:
        start, end = period.start, period.end
        if contract.hire_date is not None:
            if contract.hire_date > end:
                raise InvalidRequest("La fecha de ingreso es posterior al período.", field="contract.hire_date")
            start = max(start, contract.hire_date)
        if contract.termination_date is not None:
            if contract.termination_date < period.start:
                raise InvalidRequest("La fecha de retiro es anterior al período.",
                                     field="contract.termination_date")
            end = min(end, contract.termination_date)
        days = commercial_days(start, end)
    if contract.hire_date is not None and contract.hire_date >= period.start and inp.days_in_period is not None:
        available = month_days - commercial_day(contract.hire_date) + 1 if contract.hire_date <= period.end else 0
        if days > available:
            raise InvalidRequest(
                f"Con ingreso el {contract.hire_date.isoformat()} el período tiene como máximo {available} días.",
                field="days_in_period",
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
            f"Las ausencias ({vacation + incapacity + unpaid} días) superan los {days} días del período.",
            field=absences[-1][1] + ".days",
        )
    return DayCount(days, worked, vacation, incapacity, unpaid)
