"""Monthly provisions for prestaciones sociales with exact fractions (R6)."""

from __future__ import annotations

from decimal import Decimal

from chatnomina.engine.earnings import Earnings
from chatnomina.engine.models import Contract, DayCount, PayslipLine, Provisions
from chatnomina.engine.rounding import ZERO, to_peso
from chatnomina.engine.rules import PeriodRules
from chatnomina.engine.trace import MONEY, PERCENT, TEXT, Trace

_PRIMA = "Prima: base prestacional {base} ({composicion}) × {fraccion} = {valor}"
_CESANTIAS = "Cesantías: base prestacional {base} ({composicion}) × {fraccion} = {valor}"
_INTEREST = "Intereses sobre cesantías: cesantías del mes {cesantias} × {tasa} = {valor}"
_VACATION = (
    "Vacaciones: salario básico de los días de servicio {base} × {fraccion} = {valor} "
    "(sin auxilio ni extras)"
)
_INTEGRAL = "{concepto}: 0 con salario integral (incluida en el factor prestacional, CST art. 132)"
_COMPOSITION = (
    "salario, vacaciones e incapacidades al salario básico, extras, comisiones y auxilio "
    "de transporte"
)


def provisions_for(
    contract: Contract, days: DayCount, earnings: Earnings, integral: bool, rules: PeriodRules
) -> tuple[Provisions, list[PayslipLine]]:
    """Provisions of the period; days on vacation or sick leave count at the base salary."""
    if days.service == days.worked:
        service_salary = earnings.salary
    else:
        service_salary = to_peso(
            contract.base_monthly_salary * days.service / rules.month_days.value
        )
    prestacional = (
        service_salary + earnings.overtime + earnings.salary_extras + earnings.transport_allowance
    )
    return compute_provisions(prestacional, service_salary, integral, rules)


def compute_provisions(
    prestacional_base: Decimal, service_salary: Decimal, integral: bool, rules: PeriodRules
) -> tuple[Provisions, list[PayslipLine]]:
    """Prima and cesantías on the prestacional base, intereses on cesantías, vacaciones on salary."""
    vacation_fraction = rules.vacation
    vacation = to_peso(vacation_fraction.value.of(service_salary))
    vacation_line = PayslipLine(
        "PROVISION_VACACIONES",
        "Provisión de vacaciones",
        "provision",
        vacation,
        Trace(
            _VACATION,
            (
                ("base", service_salary, MONEY),
                ("fraccion", vacation_fraction.value, TEXT),
                ("valor", vacation, MONEY),
            ),
            (vacation_fraction,),
        ),
    )
    if integral:
        lines = [
            PayslipLine(
                code,
                label,
                "provision",
                ZERO,
                Trace(_INTEGRAL, (("concepto", label, TEXT),), (rules.integral_min,)),
            )
            for code, label in (
                ("PROVISION_PRIMA", "Provisión de prima de servicios"),
                ("PROVISION_CESANTIAS", "Provisión de cesantías"),
                ("PROVISION_INTERESES_CESANTIAS", "Provisión de intereses sobre cesantías"),
            )
        ]
        return Provisions(ZERO, ZERO, ZERO, vacation), [*lines, vacation_line]
    prima_fraction = rules.prima
    cesantias_fraction = rules.cesantias
    interest_rate = rules.cesantias_interest
    prima = to_peso(prima_fraction.value.of(prestacional_base))
    cesantias_exact = cesantias_fraction.value.of(prestacional_base)
    cesantias = to_peso(cesantias_exact)
    # Interest on the exact monthly cesantías, not on the rounded figure (R6).
    interest = to_peso(cesantias_exact * interest_rate.value)
    lines = [
        PayslipLine(
            "PROVISION_PRIMA",
            "Provisión de prima de servicios",
            "provision",
            prima,
            Trace(
                _PRIMA,
                (
                    ("base", prestacional_base, MONEY),
                    ("composicion", _COMPOSITION, TEXT),
                    ("fraccion", prima_fraction.value, TEXT),
                    ("valor", prima, MONEY),
                ),
                (prima_fraction,),
            ),
        ),
        PayslipLine(
            "PROVISION_CESANTIAS",
            "Provisión de cesantías",
            "provision",
            cesantias,
            Trace(
                _CESANTIAS,
                (
                    ("base", prestacional_base, MONEY),
                    ("composicion", _COMPOSITION, TEXT),
                    ("fraccion", cesantias_fraction.value, TEXT),
                    ("valor", cesantias, MONEY),
                ),
                (cesantias_fraction,),
            ),
        ),
        PayslipLine(
            "PROVISION_INTERESES_CESANTIAS",
            "Provisión de intereses sobre cesantías",
            "provision",
            interest,
            Trace(
                _INTEREST,
                (
                    ("cesantias", cesantias_exact, MONEY),
                    ("tasa", interest_rate.value, PERCENT),
                    ("valor", interest, MONEY),
                ),
                (interest_rate,),
            ),
        ),
        vacation_line,
    ]
    return Provisions(prima, cesantias, interest, vacation), lines
