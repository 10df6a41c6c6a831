"""Devengos: salary by days, vacations taken, sick leave, transport allowance and extra earnings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chatnomina.engine.hours import price_overtime
from chatnomina.engine.models import (
    Contract,
    DayCount,
    EmployerSettings,
    Novelty,
    NoveltyKind,
    OvertimeLine,
    PayslipLine,
    SalaryType,
)
from chatnomina.engine.parameters import Parameters
from chatnomina.engine.rounding import ONE, ZERO, to_peso
from chatnomina.engine.rules import PeriodRules
from chatnomina.engine.trace import MONEY, NUMBER, PERCENT, TEXT, Trace
from chatnomina.engine.validation import Novelties

_SALARY_FORMULA = "Salario mensual {salario_mensual} × {dias} días / {dias_mes} = {valor}"
_VACATION_FORMULA = (
    "Vacaciones disfrutadas: salario básico {salario_mensual} × {dias} días / {dias_mes} = {valor} "
    "(sin auxilio de transporte ni extras)"
)
_INCAPACITY_FORMULA = (
    "Incapacidad por enfermedad general, días {desde} a {hasta} ({dias} días, a cargo de "
    "{pagador}): "
    "máx({salario_mensual} × {porcentaje} / {dias_mes}, SMMLV diario {smmlv_diario}) × {dias} "
    "= {valor}"
)
_TRANSPORT_PAID = (
    "Salario {salario_mensual} ≤ {tope_smmlv} SMMLV ({tope}): auxilio {auxilio} × {dias} días "
    "trabajados / {dias_mes} = {valor} (no se paga por días de vacaciones, licencias ni "
    "incapacidades)"
)
_TRANSPORT_INTEGRAL = (
    "No aplica auxilio de transporte: el salario integral no da derecho al auxilio."
)
_TRANSPORT_PROVIDED = (
    "No aplica auxilio de transporte: el empleador suministra el transporte "
    "(o el contrato lo excluye)."
)
_TRANSPORT_ABOVE = (
    "No aplica auxilio de transporte: el salario {salario_mensual} supera {tope_smmlv} SMMLV "
    "({tope})."
)
_MONEY_FORMULA = "{descripcion}: {valor} ({naturaleza})"

EXTRA_LABELS = {
    NoveltyKind.SALARY_BONUS: "Bonificación salarial",
    NoveltyKind.COMMISSION: "Comisiones",
    NoveltyKind.NON_SALARY_BONUS: "Bonificación no constitutiva de salario",
}


@dataclass(slots=True)
class Earnings:
    """Devengos grouped by how each group enters the bases."""

    salary: Decimal  # base salary for the days worked
    vacation: Decimal  # vacations taken, paid on the base salary
    incapacity: Decimal  # sick-leave benefit paid through payroll
    overtime: Decimal  # hour lines (extras and surcharges)
    salary_extras: Decimal  # bonuses and commissions that are salary
    non_salary: Decimal  # payments agreed as not salary (Ley 1393 40 % rule)
    transport_allowance: Decimal

    @property
    def total(self) -> Decimal:
        """Total devengado."""
        return (
            self.salary
            + self.vacation
            + self.incapacity
            + self.overtime
            + self.salary_extras
            + self.non_salary
            + self.transport_allowance
        )


def compute_earnings(
    params: Parameters,
    contract: Contract,
    days: DayCount,
    novelties: Novelties,
    employer: EmployerSettings,
    rules: PeriodRules,
) -> tuple[Earnings, list[OvertimeLine], list[PayslipLine]]:
    """Every devengo of the period with its line, grouped by how it enters the bases."""
    salary = salary_line(contract, days.worked, rules)
    lines = [salary]
    vacation = incapacity = overtime_total = salary_extras = non_salary = ZERO
    if days.vacation:
        line = vacation_line(contract, days.vacation, rules)
        vacation = line.amount
        lines.append(line)
    if days.incapacity:
        sick = [n for n, _ in novelties.absences if n.kind == NoveltyKind.INCAPACITY]
        for line in incapacity_lines(contract, sick, rules, employer):
            incapacity += line.amount
            lines.append(line)
    overtime: list[OvertimeLine] = []
    if novelties.overtime:
        overtime, hour_lines = price_overtime(
            params, novelties.overtime, novelties.overtime_fields, contract, employer
        )
        for line in hour_lines:
            overtime_total += line.amount
        lines.extend(hour_lines)
    for novelty in novelties.extras:
        line = extra_earning_line(novelty)
        if novelty.kind == NoveltyKind.NON_SALARY_BONUS:
            non_salary += line.amount
        else:
            salary_extras += line.amount
        lines.append(line)
    transport = transport_allowance_line(contract, days, rules)
    lines.append(transport)
    earnings = Earnings(
        salary.amount,
        vacation,
        incapacity,
        overtime_total,
        salary_extras,
        non_salary,
        transport.amount,
    )
    return earnings, overtime, lines


def salary_line(contract: Contract, days: int, rules: PeriodRules) -> PayslipLine:
    """Salario básico by commercial days worked (R1, R8)."""
    monthly = contract.base_monthly_salary
    amount = to_peso(monthly * days / rules.month_days.value)
    trace = Trace(
        _SALARY_FORMULA,
        (
            ("salario_mensual", monthly, MONEY),
            ("dias", days, NUMBER),
            ("dias_mes", rules.days_in_month, NUMBER),
            ("valor", amount, MONEY),
        ),
        (rules.month_days,),
    )
    label = "Salario integral" if contract.salary_type == SalaryType.INTEGRAL else "Salario básico"
    return PayslipLine("SALARIO", label, "devengo", amount, trace)


def vacation_line(contract: Contract, days: int, rules: PeriodRules) -> PayslipLine:
    """Vacaciones disfrutadas in the period, paid on the base salary (CST art. 192)."""
    monthly = contract.base_monthly_salary
    amount = to_peso(monthly * days / rules.month_days.value)
    trace = Trace(
        _VACATION_FORMULA,
        (
            ("salario_mensual", monthly, MONEY),
            ("dias", days, NUMBER),
            ("dias_mes", rules.days_in_month, NUMBER),
            ("valor", amount, MONEY),
        ),
        (rules.month_days, rules.vacation),
    )
    return PayslipLine("VACACIONES_DISFRUTADAS", "Vacaciones disfrutadas", "devengo", amount, trace)


def incapacity_lines(
    contract: Contract, absences: list[Novelty], rules: PeriodRules, employer: EmployerSettings
) -> list[PayslipLine]:
    """Sick-leave pay by tier of days (employer first, then the EPS), floored at the daily SMMLV."""
    monthly = contract.base_monthly_salary
    if contract.salary_type == SalaryType.INTEGRAL:
        # The benefit follows the contribution base, which is 70 % of an integral salary.
        monthly = monthly * rules.integral_share.value
    month_days = rules.month_days.value
    tiers = rules.incapacity.value
    lines: list[PayslipLine] = []
    for novelty in absences:
        first, last = novelty.first_day, novelty.first_day + novelty.days - 1
        for index, tier in enumerate(tiers):
            low = max(first, tier["from_day"])
            # Beyond the table's last day its last tier still applies.
            high = last if index == len(tiers) - 1 else min(last, tier["to_day"])
            if high < low:
                continue
            count = high - low + 1
            full = employer.incapacity_first_days_full_pay and tier["payer"] == "empleador"
            rate = ONE if full else tier["rate"]
            daily = monthly * rate / month_days
            floor = rules.daily_smmlv if tier["floor_daily_smmlv"] else ZERO
            amount = to_peso(max(daily, floor) * count)
            payer = tier["payer"]
            code = "INCAPACIDAD_EMPLEADOR" if payer == "empleador" else "INCAPACIDAD_EPS"
            label = (
                "Incapacidad días a cargo del empleador"
                if payer == "empleador"
                else "Incapacidad (reconocida por la EPS)"
            )
            trace = Trace(
                _INCAPACITY_FORMULA,
                (
                    ("desde", low, NUMBER),
                    ("hasta", high, NUMBER),
                    ("dias", count, NUMBER),
                    ("pagador", payer, TEXT),
                    ("salario_mensual", monthly, MONEY),
                    ("porcentaje", rate, PERCENT),
                    ("dias_mes", rules.days_in_month, NUMBER),
                    ("smmlv_diario", rules.daily_smmlv, MONEY),
                    ("valor", amount, MONEY),
                ),
                (rules.incapacity, rules.smmlv, rules.month_days),
            )
            lines.append(PayslipLine(code, label, "devengo", amount, trace))
    return lines


def transport_allowance_line(contract: Contract, days: DayCount, rules: PeriodRules) -> PayslipLine:
    """Auxilio de transporte: up to 2 SMMLV inclusive, prorated by days actually worked."""
    monthly = contract.base_monthly_salary
    allowance = rules.transport_allowance
    params = (allowance, rules.transport_max, rules.smmlv, rules.month_days)
    limit_inputs = (
        ("salario_mensual", monthly, MONEY),
        ("tope_smmlv", rules.transport_max.value, NUMBER),
        ("tope", rules.transport_limit, MONEY),
    )
    if contract.salary_type == SalaryType.INTEGRAL:
        trace = Trace(_TRANSPORT_INTEGRAL, (), params)
    elif not contract.transport_allowance:
        trace = Trace(_TRANSPORT_PROVIDED, (), params)
    elif monthly > rules.transport_limit:
        trace = Trace(_TRANSPORT_ABOVE, limit_inputs, params)
    else:
        trace = None
    if trace is not None:
        return PayslipLine("AUXILIO_TRANSPORTE", "Auxilio de transporte", "devengo", ZERO, trace)
    amount = to_peso(allowance.value * days.worked / rules.month_days.value)
    trace = Trace(
        _TRANSPORT_PAID,
        (
            *limit_inputs,
            ("auxilio", allowance.value, MONEY),
            ("dias", days.worked, NUMBER),
            ("dias_mes", rules.days_in_month, NUMBER),
            ("valor", amount, MONEY),
        ),
        params,
    )
    return PayslipLine("AUXILIO_TRANSPORTE", "Auxilio de transporte", "devengo", amount, trace)


def extra_earning_line(novelty: Novelty) -> PayslipLine:
    """A bonus, commission or non-salary payment as reported."""
    amount = to_peso(novelty.amount)
    label = EXTRA_LABELS[novelty.kind]
    nature = (
        "no constitutiva de salario: fuera del IBC salvo el exceso sobre el límite de la "
        "Ley 1393 de 2010"
        if novelty.kind == NoveltyKind.NON_SALARY_BONUS
        else "constitutivo de salario: entra al IBC, a parafiscales y a prestaciones"
    )
    trace = Trace(
        _MONEY_FORMULA,
        (
            ("descripcion", novelty.description or label, TEXT),
            ("valor", amount, MONEY),
            ("naturaleza", nature, TEXT),
        ),
    )
    return PayslipLine(novelty.kind.name, label, "devengo", amount, trace)
