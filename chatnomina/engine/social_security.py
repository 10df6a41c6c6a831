"""Worker's seguridad social: IBC (floor, cap, integral 70 %, Ley 1393), salud, pensión, FSP."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chatnomina.engine.earnings import Earnings
from chatnomina.engine.models import DayCount, PayslipLine
from chatnomina.engine.parameters import ParamValue
from chatnomina.engine.rounding import ZERO, clamp, to_peso, up_to_peso
from chatnomina.engine.rules import PeriodRules
from chatnomina.engine.trace import MONEY, NUMBER, PERCENT, TEXT, Trace

_IBC_FORMULA = (
    "Base {descripcion} = {base}; más exceso de pagos no salariales sobre el {limite} de la "
    "remuneración (Ley 1393) {exceso}; "
    "piso {piso} (SMMLV × {dias} días / {dias_mes}), tope {tope} ({tope_smmlv} SMMLV); "
    "redondeado al peso superior = {valor}"
)
_PARAFISCAL_FORMULA = (
    "Base de parafiscales {descripcion} = {valor} (sin piso ni tope del IBC; sin incapacidades)"
)
_ARL_BASE_FORMULA = (
    "Base ARL: la del IBC sin vacaciones ni incapacidades = {base}; piso {piso} "
    "(SMMLV × {dias} días trabajados / {dias_mes}), tope {tope}; "
    "redondeado al peso superior = {valor}"
)
_CONTRIBUTION_FORMULA = "{concepto}: IBC {ibc} × {tasa} = {valor} (redondeo al peso)"
_FSP_FORMULA = (
    "FSP: IBC {ibc} = {ibc_smmlv} SMMLV → tramo desde {tramo} SMMLV, tasa {tasa}; "
    "{ibc} × {tasa} = {valor} (a cargo del trabajador)"
)


@dataclass(slots=True)
class Bases:
    """Contribution bases of the period, whole pesos."""

    ibc: Decimal
    parafiscal: Decimal
    arl: Decimal
    non_salary_excess: Decimal
    fsp_rate: Decimal
    fsp_from_smmlv: Decimal  # lower bound of the FSP bracket, for the trace


def contribution_bases(
    earnings: Earnings, days: DayCount, integral: bool, rules: PeriodRules
) -> tuple[Bases, list[PayslipLine]]:
    """IBC (R2), parafiscal base and ARL base, with their explained lines."""
    smmlv = rules.smmlv.value
    month_days = rules.month_days.value
    share = rules.integral_share.value if integral else None
    # Ley 1393: total remuneration leaves out vacations and the auxilio (UGPP practice).
    remuneration = earnings.salary + earnings.overtime + earnings.salary_extras
    excess = ZERO
    if earnings.non_salary:
        excess = earnings.non_salary - rules.non_salary_cap.value * (
            remuneration + earnings.non_salary
        )
        if excess < 0:
            excess = ZERO
    salary_items = remuneration + earnings.vacation
    # Sick pay is already computed on the contribution base, so the integral share applies once.
    base = (salary_items * share if share is not None else salary_items) + earnings.incapacity
    floor = smmlv * days.contribution / month_days * rules.ibc_floor.value
    cap = rules.ibc_cap_pesos
    ibc = up_to_peso(clamp(base + excess, floor, cap))
    description = (
        "(la porción de los pagos salariales del salario integral que es base de aportes)"
        if share is not None
        else "(pagos salariales; sin auxilio de transporte)"
    )
    params: tuple[ParamValue, ...] = (
        rules.smmlv,
        rules.ibc_floor,
        rules.ibc_cap,
        rules.month_days,
        rules.non_salary_cap,
    )
    if share is not None:
        params += (rules.integral_share,)
    lines = [
        _base_line(
            "IBC",
            "Ingreso base de cotización (IBC)",
            ibc,
            Trace(
                _IBC_FORMULA,
                (
                    ("descripcion", description, TEXT),
                    ("base", base, MONEY),
                    ("limite", rules.non_salary_cap.value, PERCENT),
                    ("exceso", excess, MONEY),
                    ("piso", floor, MONEY),
                    ("dias", days.contribution, NUMBER),
                    ("dias_mes", rules.days_in_month, NUMBER),
                    ("tope", cap, MONEY),
                    ("tope_smmlv", rules.ibc_cap.value, NUMBER),
                    ("valor", ibc, MONEY),
                ),
                params,
            ),
        )
    ]

    parafiscal_items = remuneration + earnings.vacation
    parafiscal = up_to_peso(parafiscal_items * share if share is not None else parafiscal_items)
    lines.append(
        _base_line(
            "IBC_PARAFISCALES",
            "Base de aportes parafiscales",
            parafiscal,
            Trace(
                _PARAFISCAL_FORMULA,
                (("descripcion", description, TEXT), ("valor", parafiscal, MONEY)),
                (rules.integral_share,) if share is not None else (),
            ),
        )
    )

    if days.vacation or days.incapacity:
        # No occupational risk while on vacation or sick leave: ARL covers the days worked only.
        arl_items = remuneration * share if share is not None else remuneration
        arl_floor = smmlv * days.worked / month_days * rules.ibc_floor.value
        arl = up_to_peso(clamp(arl_items + excess, arl_floor, cap)) if days.worked else ZERO
        lines.append(
            _base_line(
                "IBC_ARL",
                "Base de cotización a riesgos laborales",
                arl,
                Trace(
                    _ARL_BASE_FORMULA,
                    (
                        ("base", arl_items + excess, MONEY),
                        ("piso", arl_floor, MONEY),
                        ("dias", days.worked, NUMBER),
                        ("dias_mes", rules.days_in_month, NUMBER),
                        ("tope", cap, MONEY),
                        ("valor", arl, MONEY),
                    ),
                    params,
                ),
            )
        )
    else:
        arl = ibc
    rate, from_smmlv = fsp_rate(ibc, rules)
    return Bases(ibc, parafiscal, arl, excess, rate, from_smmlv), lines


def fsp_rate(ibc: Decimal, rules: PeriodRules) -> tuple[Decimal, Decimal]:
    """FSP rate for the IBC and the bracket's lower bound in SMMLV (half-open brackets)."""
    for threshold, inclusive, rate, from_smmlv in rules.fsp_brackets:
        if ibc > threshold or (inclusive and ibc == threshold):
            return rate, from_smmlv
    return ZERO, ZERO


def employee_contributions(
    bases: Bases, rules: PeriodRules
) -> tuple[Decimal, Decimal, Decimal, list[PayslipLine]]:
    """Salud, pensión and FSP withheld from the worker: IBC × rate, half-up to the peso (R3)."""
    ibc = bases.ibc
    health_rate = rules.health_employee
    pension_rate = rules.pension_employee
    health = to_peso(ibc * health_rate.value)
    pension = to_peso(ibc * pension_rate.value)
    rate, from_smmlv = bases.fsp_rate, bases.fsp_from_smmlv
    fsp = to_peso(ibc * rate)
    lines = [
        _deduction(
            "SALUD",
            "Aporte a salud (trabajador)",
            health,
            "Salud",
            ibc,
            health_rate.value,
            (health_rate,),
        ),
        _deduction(
            "PENSION",
            "Aporte a pensión (trabajador)",
            pension,
            "Pensión",
            ibc,
            pension_rate.value,
            (pension_rate,),
        ),
        _fsp_line(ibc, rate, from_smmlv, fsp, rules),
    ]
    return health, pension, fsp, lines


def _fsp_line(
    ibc: Decimal, rate: Decimal, from_smmlv: Decimal, fsp: Decimal, rules: PeriodRules
) -> PayslipLine:
    trace = Trace(
        _FSP_FORMULA,
        (
            ("ibc", ibc, MONEY),
            ("ibc_smmlv", ibc / rules.smmlv.value, NUMBER),
            ("tramo", from_smmlv, NUMBER),
            ("tasa", rate, PERCENT),
            ("valor", fsp, MONEY),
        ),
        (rules.fsp, rules.smmlv),
    )
    return PayslipLine("FSP", "Fondo de Solidaridad Pensional", "deduccion", fsp, trace)


def _deduction(
    code: str,
    label: str,
    amount: Decimal,
    concept: str,
    ibc: Decimal,
    rate: Decimal,
    params: tuple[ParamValue, ...],
) -> PayslipLine:
    trace = Trace(
        _CONTRIBUTION_FORMULA,
        (
            ("concepto", concept, TEXT),
            ("ibc", ibc, MONEY),
            ("tasa", rate, PERCENT),
            ("valor", amount, MONEY),
        ),
        params,
    )
    return PayslipLine(code, label, "deduccion", amount, trace)


def _base_line(code: str, label: str, amount: Decimal, trace: Trace) -> PayslipLine:
    return PayslipLine(code, label, "base", amount, trace)
