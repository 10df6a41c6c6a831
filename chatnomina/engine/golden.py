"""The documented engine format (nomina-colombia.md §9): one JSON input → one payslip dict."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from chatnomina.engine.calendar import WEEKDAY_NAMES
from chatnomina.engine.models import (
    ABSENCE_KINDS,
    Contract,
    DivisorReading,
    EmployerSettings,
    EngineInput,
    ExonerationMeasure,
    Novelty,
    NoveltyKind,
    OvertimeKind,
    Payslip,
    RestDayPay,
    SalaryType,
)
from chatnomina.engine.parameters import Parameters
from chatnomina.engine.parsing import (
    parse_amount,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    parse_period,
    parse_time,
)
from chatnomina.engine.payslip import compute_payslip
from chatnomina.engine.rounding import to_four_places, to_peso
from chatnomina.errors import InvalidRequest

_P = "inputs."
_OVERTIME_KINDS = tuple(k.value for k in OvertimeKind)
_NOVELTY_KINDS = tuple(k.value for k in NoveltyKind if k != NoveltyKind.OVERTIME)
_WEEKDAYS = {name: i for i, name in enumerate(WEEKDAY_NAMES)} | {
    "miercoles": 2,
    "sabado": 5,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_TYPED_FIELD = re.compile(r"^novelties\[(\d+)\](.*)$")
_CENT = Decimal("0.01")
_MONTH_DAYS = 30  # §9: days of the 30-day commercial month (R8)
_NOTE_NONE = "no FSP"
_NOTE_FSP = (
    "FSP is employee-borne; PILA value rounded up to 100; employee deduction shown at R3 precision"
)
_EXTRA_EARNINGS = {
    "VACACIONES_DISFRUTADAS": "vacaciones",
    "INCAPACIDAD_EMPLEADOR": "incapacidad",
    "INCAPACIDAD_EPS": "incapacidad",
    "SALARY_BONUS": "otros_devengos_salariales",
    "COMMISSION": "otros_devengos_salariales",
    "NON_SALARY_BONUS": "devengos_no_salariales",
}
_EXTRA_DEDUCTIONS = {
    "LIBRANZA": "libranza",
    "COOPERATIVE": "cooperativa",
    "OTHER_DEDUCTION": "otras_deducciones",
}


def compute_golden(payload: Mapping[str, Any], params: Parameters | None = None) -> dict[str, Any]:
    """One §9 input (flat, or a case ``{"period", "inputs"}``) → the payslip, golden format."""
    engine_input, origins = parse_golden(payload)
    try:
        payslip = compute_payslip(engine_input, params)
    except InvalidRequest as exc:
        exc.field = _golden_field(exc.field, origins)
        if exc.field is not None:
            exc.details["field"] = exc.field
        raise
    return golden_payslip(payslip)


def parse_golden(payload: Mapping[str, Any]) -> tuple[EngineInput, list[str]]:
    """The typed input and, per novelty, the input path it came from (to name fields in errors)."""
    if not isinstance(payload, Mapping):
        raise InvalidRequest("La entrada debe ser un objeto JSON.")
    period = parse_period(payload.get("period"))
    inputs = payload.get("inputs", payload)
    if not isinstance(inputs, Mapping):
        raise InvalidRequest("«inputs» debe ser un objeto JSON.", field="inputs")
    contract = _contract(inputs)
    novelties, origins = _novelties(inputs)
    days_in_period = None
    if _given(inputs, "days_worked"):
        worked = parse_int(inputs["days_worked"], _P + "days_worked", 0, _MONTH_DAYS)
        absent = sum(n.days for n in novelties if n.kind in ABSENCE_KINDS)
        days_in_period = worked + absent
        if days_in_period > _MONTH_DAYS:
            raise InvalidRequest(
                f"Los días trabajados ({worked}) más las ausencias ({absent}) superan "
                f"los {_MONTH_DAYS} días del mes.",
                field=_P + "novelties",
            )
    engine_input = EngineInput(
        period, contract, tuple(novelties), _employer(inputs), days_in_period
    )
    return engine_input, origins


def _contract(inputs: Mapping[str, Any]) -> Contract:
    if not _given(inputs, "base_monthly_salary"):
        raise InvalidRequest("Falta el salario mensual.", field=_P + "base_monthly_salary")
    salary = parse_amount(
        inputs["base_monthly_salary"], _P + "base_monthly_salary", allow_negative=True
    )
    if salary <= 0:
        raise InvalidRequest(
            "El salario mensual debe ser mayor que cero.", field=_P + "base_monthly_salary"
        )
    salary_type = parse_choice(
        _value(inputs, "salary_type", "ordinary"),
        _P + "salary_type",
        tuple(t.value for t in SalaryType),
    )
    arl_class = _value(inputs, "arl_class", "I")
    if not isinstance(arl_class, str):
        raise InvalidRequest(
            "La clase de riesgo ARL es un texto: I, II, III, IV o V.", field=_P + "arl_class"
        )
    return Contract(
        base_monthly_salary=salary,
        salary_type=SalaryType(salary_type),
        arl_class=arl_class.strip().upper(),
        hire_date=_optional(inputs, "hire_date", parse_date),
        termination_date=_optional(inputs, "termination_date", parse_date),
        rest_weekday=_rest_weekday(_value(inputs, "rest_weekday", 6)),
        agreed_weekly_hours=_optional(
            inputs, "agreed_weekly_hours", lambda v, f: parse_int(v, f, 1, 48)
        ),
        transport_allowance=parse_bool(
            _value(inputs, "transport_allowance", True), _P + "transport_allowance"
        ),
        dependents=parse_bool(_value(inputs, "dependents", False), _P + "dependents"),
        prepaid_medicine_monthly=_money(inputs, "prepaid_medicine_monthly"),
        housing_interest_monthly=_money(inputs, "housing_interest_monthly"),
        voluntary_pension_monthly=_money(inputs, "voluntary_pension_monthly"),
    )


def _novelties(inputs: Mapping[str, Any]) -> tuple[list[Novelty], list[str]]:
    novelties: list[Novelty] = []
    origins: list[str] = []
    overtime = _value(inputs, "overtime", [])
    if not isinstance(overtime, list):
        raise InvalidRequest("«overtime» debe ser una lista de franjas.", field=_P + "overtime")
    for index, item in enumerate(overtime):
        field = f"{_P}overtime[{index}]"
        novelties.append(_overtime(item, field))
        origins.append(field)
    extra = _value(inputs, "novelties", [])
    if not isinstance(extra, list):
        raise InvalidRequest("«novelties» debe ser una lista de novedades.", field=_P + "novelties")
    for index, item in enumerate(extra):
        field = f"{_P}novelties[{index}]"
        novelties.append(_novelty(item, field))
        origins.append(field)
    return novelties, origins


def golden_payslip(payslip: Payslip, *, with_lines: bool = True) -> dict[str, Any]:
    """The payslip in the golden-case shape (whole-peso ints) plus its explained ``lines``.

    ``with_lines=False`` leaves the lines out (payroll runs store them in their own table,
    with the cheaper unrendered trace).
    """
    w = payslip.withholding
    e = payslip.employer
    pila = payslip.pila
    devengos: dict[str, Any] = {
        "salario": int(payslip.salary),
        "auxilio_transporte": int(payslip.transport_allowance),
        "overtime_lines": [
            {
                "date": line.day.isoformat(),
                "type": line.code,
                "hours": _hours(line.minutes),
                "divisor": line.divisor,
                "hourly_value": float(to_four_places(line.hourly_value)),
                "factor": _factor(line.factor),
                "amount": int(line.amount),
            }
            for line in payslip.overtime
        ],
        "total_devengado": int(payslip.total_earned),
    }
    deducciones: dict[str, Any] = {
        "salud": int(payslip.health),
        "pension": int(payslip.pension),
        "fsp": int(payslip.fsp),
        "fsp_rate": str(payslip.fsp_rate.normalize()),
        "retencion_fuente": int(w.withholding),
    }
    for line in payslip.lines:
        key = _EXTRA_EARNINGS.get(line.code)
        if key is not None:
            devengos[key] = devengos.get(key, 0) + int(line.amount)
        elif line.code == "APORTE_VOLUNTARIO_PENSION":
            deducciones["aporte_voluntario_pension"] = int(line.amount)
        else:
            key = _EXTRA_DEDUCTIONS.get(line.code)
            if key is not None:
                deducciones[key] = deducciones.get(key, 0) + int(line.amount)
    deducciones["total"] = int(payslip.total_deductions)
    pila_view: dict[str, Any] = {
        "ibc": int(pila.ibc),
        "ibc_parafiscales": int(pila.ibc_parafiscal),
        "days": pila.days,
        "salud_total": int(pila.health_total),
        "pension_total": int(pila.pension_total),
        "fsp_total": int(pila.fsp_total),
        "arl": int(pila.arl),
        "caja": int(pila.caja),
        "icbf": int(pila.icbf),
        "sena": int(pila.sena),
        "employer_salud_payable": int(pila.employer_health_payable),
        "employer_pension_payable": int(pila.employer_pension_payable),
        "fsp_note": _NOTE_FSP if payslip.fsp else _NOTE_NONE,
    }
    if pila.ibc_arl != pila.ibc:
        pila_view["ibc_arl"] = int(pila.ibc_arl)
    return {
        "devengos": devengos,
        "ibc": int(payslip.ibc),
        "deducciones": deducciones,
        "neto_a_pagar": int(payslip.net_pay),
        "employer_contributions": {
            "salud": int(e.health),
            "pension": int(e.pension),
            "arl": int(e.arl),
            "caja": int(e.caja),
            "icbf": int(e.icbf),
            "sena": int(e.sena),
            "exonerated_applied": e.exonerated,
        },
        "pila_view": pila_view,
        "provisions": {
            "prima": int(payslip.provisions.prima),
            "cesantias": int(payslip.provisions.cesantias),
            "intereses_cesantias": int(payslip.provisions.cesantias_interest),
            "vacaciones": int(payslip.provisions.vacation),
        },
        "retencion_detail": {
            "gross_labour_income": _peso(w.gross_labour_income),
            "incrngo": _peso(w.incrngo),
            "subtotal1": _peso(w.subtotal1),
            "deduccion_dependientes": _peso(w.dependents),
            "deduccion_prepagada": _peso(w.prepaid_medicine),
            "deduccion_vivienda": _peso(w.housing_interest),
            "exenta_aporte_voluntario": _peso(w.voluntary_pension_exempt),
            "exenta_25": _peso(w.labour_exempt_25),
            "beneficios_total_before_cap": _peso(w.benefits_before_cap),
            "cap_40pct": _peso(w.cap_40pct),
            "cap_1340uvt_month": _peso(w.cap_uvt_month),
            "beneficios_allowed": _peso(w.benefits_allowed),
            "base_gravable": _peso(w.base),
            "base_gravable_uvt": float(w.base_uvt),
            "impuesto_uvt": float(w.tax_uvt),
            "retencion_unrounded_peso": int(w.tax_peso),
            "retencion": int(w.withholding),
        },
        **({"lines": [line.as_dict() for line in payslip.lines]} if with_lines else {}),
    }


def _peso(value: Decimal) -> int:
    return int(to_peso(value))


def _hours(minutes: int) -> int | float:
    if minutes % 60 == 0:
        return minutes // 60
    return float(to_four_places(Decimal(minutes) / 60))


def _factor(factor: Decimal) -> str:
    """At least two decimals, as the fixture writes factors ("1.80", "0.35")."""
    normal = factor.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return str(factor.quantize(_CENT))
    return str(normal)


def _golden_field(field: str | None, origins: list[str]) -> str | None:
    if field is None or field == "period":
        return field
    if field.startswith("contract."):
        return _P + field.removeprefix("contract.")
    if field == "days_in_period":
        return _P + "days_worked"
    if field.startswith("employer."):
        return _P + "employer_settings." + field.removeprefix("employer.")
    match = _TYPED_FIELD.match(field)
    if match:
        return origins[int(match.group(1))] + match.group(2)
    return field


def _given(inputs: Mapping[str, Any], name: str) -> bool:
    return inputs.get(name) is not None


def _value(inputs: Mapping[str, Any], name: str, default: Any) -> Any:
    """The field's value; absent and JSON null both mean the default."""
    value = inputs.get(name)
    return default if value is None else value


def _optional(inputs: Mapping[str, Any], name: str, parse: Any) -> Any:
    value = inputs.get(name)
    return None if value is None else parse(value, _P + name)


def _money(inputs: Mapping[str, Any], name: str) -> Decimal:
    return parse_amount(_value(inputs, name, 0), _P + name)


def _rest_weekday(value: Any) -> int:
    if isinstance(value, str) and value.strip().lower() in _WEEKDAYS:
        return _WEEKDAYS[value.strip().lower()]
    return parse_int(value, _P + "rest_weekday", 0, 6)


def _overtime(item: Any, field: str) -> Novelty:
    if not isinstance(item, Mapping):
        raise InvalidRequest(
            "Cada franja debe ser un objeto con date, start, end y kind.", field=field
        )
    for name in ("date", "start", "end", "kind"):
        if name not in item:
            raise InvalidRequest(f"Falta «{name}» en la franja.", field=f"{field}.{name}")
    day = parse_date(item["date"], f"{field}.date")
    start = parse_time(item["start"], f"{field}.start")
    end = parse_time(item["end"], f"{field}.end", allow_24=True)
    kind = OvertimeKind(parse_choice(item["kind"], f"{field}.kind", _OVERTIME_KINDS))
    end_day = _optional_date(item, "end_date", field)
    if end is None:  # "24:00": midnight at the end of the span's day
        if end_day is not None and end_day != day:
            raise InvalidRequest(
                "«24:00» solo puede usarse con la fecha de la franja.", field=f"{field}.end"
            )
        end_day = day + timedelta(days=1)
    return Novelty(
        NoveltyKind.OVERTIME, day=day, start=start, end=end, end_day=end_day, overtime_kind=kind
    )


def _optional_date(item: Mapping[str, Any], name: str, field: str) -> Any:
    value = item.get(name)
    return None if value is None else parse_date(value, f"{field}.{name}")


def _novelty(item: Any, field: str) -> Novelty:
    if not isinstance(item, Mapping):
        raise InvalidRequest("Cada novedad debe ser un objeto con «kind».", field=field)
    kind = NoveltyKind(parse_choice(item.get("kind"), f"{field}.kind", _NOVELTY_KINDS))
    if kind in ABSENCE_KINDS:
        return Novelty.absence(
            kind,
            parse_int(item.get("days"), f"{field}.days", 1, 30),
            parse_int(item.get("first_day", 1), f"{field}.first_day", 1, 10_000),
            _optional_date(item, "start_date", field),
        )
    if "amount" not in item:
        raise InvalidRequest("Falta el valor de la novedad.", field=f"{field}.amount")
    description = item.get("description", "")
    if not isinstance(description, str):
        raise InvalidRequest("La descripción debe ser un texto.", field=f"{field}.description")
    return Novelty.money(kind, parse_amount(item["amount"], f"{field}.amount"), description)


def _employer(inputs: Mapping[str, Any]) -> EmployerSettings:
    exonerated = parse_bool(
        _value(inputs, "employer_exonerated", False), _P + "employer_exonerated"
    )
    raw = inputs.get("employer_settings") or {}
    if not isinstance(raw, Mapping):
        raise InvalidRequest(
            "«employer_settings» debe ser un objeto.", field=_P + "employer_settings"
        )
    field = _P + "employer_settings."
    settings: dict[str, Any] = {"exonerated": exonerated}
    choices = {
        "exoneration_measure": ExonerationMeasure,
        "rest_day_pay": RestDayPay,
        "hourly_divisor": DivisorReading,
    }
    for name, enum in choices.items():
        if name in raw:
            settings[name] = enum(
                parse_choice(raw[name], field + name, tuple(m.value for m in enum))
            )
    if raw.get("ley_2101_step_day") is not None:
        settings["ley_2101_step_day"] = parse_int(
            raw["ley_2101_step_day"], field + "ley_2101_step_day", 1, 31
        )
    for name in ("incapacity_first_days_full_pay", "round_withholding"):
        if name in raw:
            settings[name] = parse_bool(raw[name], field + name)
    return EmployerSettings(**settings)
