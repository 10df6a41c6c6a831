"""Aportes del empleador (R4), the ET art. 114-1 exoneration and the PILA view (R5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chatnomina.engine.earnings import Earnings
from chatnomina.engine.models import (
    EmployerContributions,
    EmployerSettings,
    ExonerationMeasure,
    PayslipLine,
    PilaView,
)
from chatnomina.engine.parameters import ParamValue
from chatnomina.engine.rounding import ZERO, to_peso, up_to_multiple
from chatnomina.engine.rules import PeriodRules
from chatnomina.engine.social_security import Bases
from chatnomina.engine.trace import MONEY, NUMBER, PERCENT, TEXT, Trace

_EXONERATED = (
    "Exoneración art. 114-1 ET: el empleador es declarante y el trabajador devenga {medida} "
    "({como}) < {tope} ({tope_smmlv} SMMLV) → exonerado del aporte patronal a salud, SENA e ICBF"
)
_NOT_EXONERATED = (
    "Sin exoneración art. 114-1 ET: {motivo}; el trabajador devenga {medida} ({como}); "
    "tope {tope} ({tope_smmlv} SMMLV)"
)
_MEASURE_WORDS = {
    ExonerationMeasure.SALARY_ITEMS: "pagos salariales del mes, sin auxilio de transporte",
    ExonerationMeasure.TOTAL_EARNED: "total devengado del mes",
}
_CONTRIBUTION = "{concepto}: base {base} × {tasa} = {valor} (redondeo al peso)"
_EXONERATED_ZERO = "{concepto}: 0 (empleador exonerado por el art. 114-1 ET para este trabajador)"


def exoneration(
    employer: EmployerSettings, integral: bool, earnings: Earnings, rules: PeriodRules
) -> tuple[bool, PayslipLine]:
    """Whether employer salud, SENA and ICBF are exonerated for this worker (< 10 SMMLV)."""
    if employer.exoneration_measure == ExonerationMeasure.TOTAL_EARNED:
        measure = earnings.total
    else:
        measure = earnings.salary + earnings.vacation + earnings.overtime + earnings.salary_extras
    exonerated, trace = _exoneration_trace(
        employer.exonerated, integral, measure, _MEASURE_WORDS[employer.exoneration_measure], rules
    )
    line = PayslipLine(
        "EXONERACION_114_1", "Exoneración de aportes (art. 114-1 ET)", "base", measure, trace
    )
    return exonerated, line


def _exoneration_trace(
    employer_flag: bool, integral: bool, measure: Decimal, measure_words: str, rules: PeriodRules
) -> tuple[bool, Trace]:
    params = (rules.exoneration_max, rules.smmlv)
    inputs: tuple[tuple[str, Any, str], ...] = (
        ("medida", measure, MONEY),
        ("como", measure_words, TEXT),
        ("tope", rules.exoneration_limit, MONEY),
        ("tope_smmlv", rules.exoneration_max.value, NUMBER),
    )
    if not employer_flag:
        reason = "el empleador no está marcado como beneficiario"
    elif integral:
        reason = "el salario integral nunca se exonera"
    elif measure >= rules.exoneration_limit:
        reason = "devenga el tope o más"
    else:
        return True, Trace(_EXONERATED, inputs, params)
    return False, Trace(_NOT_EXONERATED, (("motivo", reason, TEXT), *inputs), params)


def employer_contributions(
    bases: Bases, arl_rate: ParamValue, exonerated: bool, rules: PeriodRules
) -> tuple[EmployerContributions, list[PayslipLine]]:
    """Salud, pensión, ARL on the IBC; caja, ICBF, SENA on the parafiscal base (R4)."""
    ibc = bases.ibc
    lines = []
    health = ZERO if exonerated else to_peso(ibc * rules.health_employer.value)
    lines.append(
        _line(
            "APORTE_SALUD_EMPLEADOR",
            "Salud (empleador)",
            "Salud",
            ibc,
            rules.health_employer,
            health,
            exonerated,
        )
    )
    pension = to_peso(ibc * rules.pension_employer.value)
    lines.append(
        _line(
            "APORTE_PENSION_EMPLEADOR",
            "Pensión (empleador)",
            "Pensión",
            ibc,
            rules.pension_employer,
            pension,
            False,
        )
    )
    arl = to_peso(bases.arl * arl_rate.value)
    lines.append(_line("ARL", "Riesgos laborales (ARL)", "ARL", bases.arl, arl_rate, arl, False))
    parafiscal = bases.parafiscal
    caja = to_peso(parafiscal * rules.caja.value)
    lines.append(
        _line("CAJA", "Caja de compensación familiar", "Caja", parafiscal, rules.caja, caja, False)
    )
    icbf = ZERO if exonerated else to_peso(parafiscal * rules.icbf.value)
    lines.append(_line("ICBF", "ICBF", "ICBF", parafiscal, rules.icbf, icbf, exonerated))
    sena = ZERO if exonerated else to_peso(parafiscal * rules.sena.value)
    lines.append(_line("SENA", "SENA", "SENA", parafiscal, rules.sena, sena, exonerated))
    return EmployerContributions(health, pension, arl, caja, icbf, sena, exonerated), lines


def pila_view(
    bases: Bases,
    days: int,
    employee_health: Decimal,
    employee_pension: Decimal,
    arl_rate: ParamValue,
    exonerated: bool,
    rules: PeriodRules,
) -> PilaView:
    """Subsystem totals rounded up to the next 100; the employer bears the rounding (R5)."""
    step = rules.pila_rounding.value
    ibc = bases.ibc
    health_rate = rules.health_employee.value if exonerated else rules.health_total_rate
    health_total = up_to_multiple(ibc * health_rate, step)
    pension_total = up_to_multiple(ibc * rules.pension_total_rate, step)
    parafiscal = bases.parafiscal
    return PilaView(
        ibc=ibc,
        ibc_parafiscal=parafiscal,
        ibc_arl=bases.arl,
        days=days,
        health_total=health_total,
        pension_total=pension_total,
        fsp_total=up_to_multiple(ibc * bases.fsp_rate, step),
        arl=up_to_multiple(bases.arl * arl_rate.value, step),
        caja=up_to_multiple(parafiscal * rules.caja.value, step),
        icbf=ZERO if exonerated else up_to_multiple(parafiscal * rules.icbf.value, step),
        sena=ZERO if exonerated else up_to_multiple(parafiscal * rules.sena.value, step),
        employer_health_payable=health_total - employee_health,
        employer_pension_payable=pension_total - employee_pension,
    )


def _line(
    code: str,
    label: str,
    concept: str,
    base: Decimal,
    rate: ParamValue,
    amount: Decimal,
    exonerated: bool,
) -> PayslipLine:
    if exonerated:
        trace = Trace(_EXONERATED_ZERO, (("concepto", concept, TEXT),), (rate,))
    else:
        trace = Trace(
            _CONTRIBUTION,
            (
                ("concepto", concept, TEXT),
                ("base", base, MONEY),
                ("tasa", rate.value, PERCENT),
                ("valor", amount, MONEY),
            ),
            (rate,),
        )
    return PayslipLine(code, label, "aporte_empleador", amount, trace)
