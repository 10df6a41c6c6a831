"""Payroll routes: ``POST /payroll/simulate`` computes one payslip with the engine, stores nothing.

The request models document the engine's JSON format (§9 of ``docs/nomina-colombia.md``) in the
OpenAPI description, but validate nothing themselves: every field is accepted as sent and the
engine's own parser is the single source of field-level errors, so the API, the CLI
(``chatnomina payroll compute``) and the engine report the same message and field path.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, PlainValidator

from chatnomina.engine import compute_golden
from chatnomina.web.routing import AUTHENTICATED, RouteTable

routes = RouteTable("nómina")


def _as_sent(value: Any) -> Any:
    return value


def _documented(shape: Any) -> PlainValidator:
    """Accept any value; describe it in the schema as ``shape`` (the engine validates it)."""
    return PlainValidator(_as_sent, json_schema_input_type=shape)


_MONEY = float | str
_MONEY_HELP = "Pesos: número JSON o texto decimal («3500000.00»)."


# -- documentation-only shapes (the engine validates the values) -----------------------------


class OvertimeSpan(BaseModel):
    """A span of hours worked: overtime, or ordinary hours at night or on a rest day."""

    date: dt.date = Field(description="Día en que empieza la franja (AAAA-MM-DD).")
    start: str = Field(description="Hora de inicio HH:MM.", examples=["18:00"])
    end: str = Field(
        description="Hora de fin HH:MM («24:00» = medianoche); si no es posterior al inicio, la "
        "franja cruza la medianoche (hasta 12 horas).",
        examples=["21:00"],
    )
    kind: Literal["extra", "ordinary_night", "ordinary_rest_day"] = Field(
        description="extra: horas extra; ordinary_night: horas ordinarias nocturnas (recargo); "
        "ordinary_rest_day: horas ordinarias en el día de descanso."
    )
    end_date: dt.date | None = Field(
        default=None, description="Día siguiente, cuando la franja cruza la medianoche."
    )


class NoveltyItem(BaseModel):
    """An absence (days) or an extra earning / authorised deduction (amount)."""

    kind: Literal[
        "vacation",
        "incapacity",
        "unpaid_leave",
        "salary_bonus",
        "commission",
        "non_salary_bonus",
        "libranza",
        "cooperative",
        "other_deduction",
    ]
    days: int | None = Field(default=None, description="Ausencias: días comerciales del mes.")
    first_day: int | None = Field(
        default=None, description="Incapacidad en prórroga: número de su primer día en el mes."
    )
    start_date: dt.date | None = None
    amount: _MONEY | None = Field(default=None, description="Devengos y deducciones. " + _MONEY_HELP)
    description: str | None = None


class EmployerSettingsInput(BaseModel):
    """Employer choices where law or practice leaves room (defaults follow the golden cases)."""

    exoneration_measure: Literal["salary_items", "total_earned"] | None = None
    rest_day_pay: Literal["base_plus_surcharge", "surcharge_only"] | None = None
    hourly_divisor: Literal["proportional", "fixed_240"] | None = None
    ley_2101_step_day: int | None = Field(default=None, description="Día de julio de cada paso.")
    incapacity_first_days_full_pay: bool | None = None
    round_withholding: bool | None = None


# -- the request -------------------------------------------------------------------------------


class EngineInputFields(BaseModel):
    """The worker's month (§9 format); absent or null fields take the engine's default."""

    model_config = ConfigDict(extra="allow")

    base_monthly_salary: Annotated[
        Any, _documented(_MONEY), Field(description="Obligatorio. Salario mensual. " + _MONEY_HELP)
    ] = None
    salary_type: Annotated[
        Any,
        _documented(Literal["ordinary", "integral"]),
        Field(description="Salario ordinario o integral (por defecto ordinary)."),
    ] = None
    days_worked: Annotated[
        Any,
        _documented(int),
        Field(description="Días trabajados del mes comercial (0–30); las ausencias se suman."),
    ] = None
    hire_date: Annotated[
        Any, _documented(dt.date), Field(description="Fecha de ingreso (AAAA-MM-DD).")
    ] = None
    termination_date: Annotated[
        Any, _documented(dt.date), Field(description="Fecha de retiro (AAAA-MM-DD).")
    ] = None
    overtime: Annotated[
        Any,
        _documented(list[OvertimeSpan]),
        Field(description="Franjas de horas extra y recargos."),
    ] = None
    novelties: Annotated[
        Any,
        _documented(list[NoveltyItem]),
        Field(description="Ausencias, bonificaciones, comisiones y deducciones autorizadas."),
    ] = None
    arl_class: Annotated[
        Any,
        _documented(Literal["I", "II", "III", "IV", "V"]),
        Field(description="Clase de riesgo ARL (por defecto I)."),
    ] = None
    dependents: Annotated[
        Any, _documented(bool), Field(description="Tiene dependientes (deducción art. 387 ET).")
    ] = None
    prepaid_medicine_monthly: Annotated[
        Any, _documented(_MONEY), Field(description="Medicina prepagada del mes. " + _MONEY_HELP)
    ] = None
    housing_interest_monthly: Annotated[
        Any,
        _documented(_MONEY),
        Field(description="Intereses de vivienda del mes. " + _MONEY_HELP),
    ] = None
    voluntary_pension_monthly: Annotated[
        Any,
        _documented(_MONEY),
        Field(description="Aporte voluntario a pensión o AFC descontado. " + _MONEY_HELP),
    ] = None
    employer_exonerated: Annotated[
        Any,
        _documented(bool),
        Field(description="El empleador está exonerado de salud, SENA e ICBF (art. 114-1 ET)."),
    ] = None
    rest_weekday: Annotated[
        Any,
        _documented(int | str),
        Field(description="Día de descanso: 0 = lunes … 6 = domingo, o su nombre."),
    ] = None
    agreed_weekly_hours: Annotated[
        Any, _documented(int), Field(description="Jornada semanal pactada, si es menor.")
    ] = None
    transport_allowance: Annotated[
        Any,
        _documented(bool),
        Field(description="false cuando el empleador suministra el transporte."),
    ] = None
    employer_settings: Annotated[
        Any,
        _documented(EmployerSettingsInput),
        Field(description="Opcional: decisiones del empleador donde la ley deja margen."),
    ] = None


class SimulateRequest(EngineInputFields):
    """One engine input: flat (``period`` + the fields) or a golden case (``period`` + ``inputs``)."""

    period: Annotated[
        Any,
        _documented(str),
        Field(description="Obligatorio. Mes de la nómina, AAAA-MM.", examples=["2026-10"]),
    ] = None
    inputs: Annotated[
        Any,
        _documented(EngineInputFields),
        Field(description="Forma de caso dorado: los campos del trabajador van aquí."),
    ] = None


class PayslipLineView(BaseModel):
    """One explained line of the payslip."""

    code: str
    label: str
    category: Literal["devengo", "deduccion", "aporte_empleador", "provision", "base"]
    amount: str = Field(description="Pesos, texto decimal.")
    trace: dict[str, Any] = Field(description="Fórmula en español, entradas y parámetros fechados.")
    date: dt.date | None = None


class PayslipView(BaseModel):
    """The payslip in the golden-case format (whole pesos, COP) plus its explained lines."""

    devengos: dict[str, Any]
    ibc: int
    deducciones: dict[str, Any]
    neto_a_pagar: int
    employer_contributions: dict[str, Any]
    pila_view: dict[str, Any]
    provisions: dict[str, Any]
    retencion_detail: dict[str, Any]
    lines: list[PayslipLineView]


_DESCRIPTION = """Calcula la colilla de un trabajador y un mes con el motor de nómina; no guarda nada.

El cuerpo es una entrada del motor en el formato §9: plana (`period` y los campos del
trabajador) o un caso dorado (`period` e `inputs`). La respuesta tiene las claves de
`expected` de los casos dorados (valores en pesos enteros, COP) más `lines`, cada línea
con su fórmula y los parámetros legales fechados que usó.

Errores: 422 `INVALID_REQUEST` con el mensaje del motor; `details.field` usa la ruta del
motor, `period` o `inputs.<campo>` (por ejemplo `inputs.base_monthly_salary`,
`inputs.overtime[0].end`, `inputs.employer_settings.rest_day_pay`), también cuando la
entrada es plana. Un mes sin parámetros legales cargados responde 422 con
`details.field = "period"`."""


@routes.post(
    "/payroll/simulate",
    summary="Simular una colilla de nómina (no guarda nada)",
    access=AUTHENTICATED,
    body=SimulateRequest,
    response=PayslipView,
    description=_DESCRIPTION,
)
async def simulate(request: web.Request, body: SimulateRequest) -> dict[str, Any]:
    """Compute the payslip of the posted engine input; the engine names any bad field."""
    # The raw JSON, not the model: the engine parses the values exactly as they were sent
    # (the model only documents them). The body is already read and cached by aiohttp.
    return compute_golden(json.loads(await request.read()))
