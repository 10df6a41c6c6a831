"""The layout of each export file: its columns, how each is parsed, and the row-level checks.

A column is *required* when the file is useless without it (keys, amounts, dates the facts
depend on): a header lacking it is a file-level error. Optional columns (names repeated in
child files, contact data, bank codes...) may be absent; their fields are then ``None``.
Values are validated by the converters in :mod:`chatnomina.hr.values`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from chatnomina.hr.rows import (
    ROW_CLASS,
    AbsenceType,
    FileKind,
    NoveltyStatus,
    NoveltyType,
)
from chatnomina.hr.values import (
    BadValue,
    PayrollPeriod,
    header_key,
    parse_choice,
    parse_date,
    parse_days,
    parse_decimal,
    parse_int,
    parse_money,
    parse_period,
    parse_service_year,
)

Converter = Callable[[str], Any]


def _document(text: str) -> str:
    if not text.isalnum():
        raise BadValue("no es un número de documento válido")
    return text


def _text(text: str) -> str:
    return text


def _period_code(text: str) -> PayrollPeriod:
    return parse_period(text)


def _service_year(text: str) -> str:
    parse_service_year(text)
    return text


def _choice(choices: Mapping[str, object]) -> Converter:
    return lambda text: parse_choice(text, choices)


YES_NO: Mapping[str, object] = {"S": True, "N": False}
NOVELTY_STATUS: Mapping[str, object] = {s.value: s for s in NoveltyStatus}
NOVELTY_TYPE: Mapping[str, object] = {t.value: t for t in NoveltyType}
ABSENCE_TYPE: Mapping[str, object] = {t.value: t for t in AbsenceType}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: the row field it fills, its documented header, parser and requirements."""

    attr: str
    header: str
    convert: Converter
    required_column: bool = True
    required_value: bool = False

    @property
    def key(self) -> str:
        """The header name folded for matching (case, accents and separators ignored)."""
        return header_key(self.header)


def _req(attr: str, header: str, convert: Converter = _text) -> Column:
    return Column(attr, header, convert, required_column=True, required_value=True)


def _col(attr: str, header: str, convert: Converter = _text) -> Column:
    """A required column whose value may be empty (→ None)."""
    return Column(attr, header, convert, required_column=True, required_value=False)


def _opt(attr: str, header: str, convert: Converter = _text) -> Column:
    """A column that may be missing from the file and whose value may be empty."""
    return Column(attr, header, convert, required_column=False, required_value=False)


Check = Callable[[Mapping[str, Any], Mapping[str, str], Mapping[str, str]], "str | None"]
"""A row-level check: (values, raw texts, column names) → a Spanish reason, or None if fine.

Each check also carries ``fast``: the same condition as a Python expression over the fast
path's locals (``a_<field>``), true when the row is bad, so the fast path can defer to the
slow one, which writes the message."""


def _not_before(end_attr: str, start_attr: str) -> Check:
    """The end date, when present, is not before the start date."""

    def check(values: Mapping[str, Any], raw: Mapping[str, str], names: Mapping[str, str]) -> str | None:
        end: date | None = values[end_attr]
        start: date | None = values[start_attr]
        if end is not None and start is not None and end < start:
            return (
                f"{names[end_attr]} '{raw[end_attr]}' es anterior a "
                f"{names[start_attr]} '{raw[start_attr]}'"
            )
        return None

    check.fast = (  # type: ignore[attr-defined]
        f"a_{end_attr} is not None and a_{start_attr} is not None and a_{end_attr} < a_{start_attr}"
    )
    return check


def _not_negative(attr: str) -> Check:
    def check(values: Mapping[str, Any], raw: Mapping[str, str], names: Mapping[str, str]) -> str | None:
        value: Decimal | None = values[attr]
        if value is not None and value < 0:
            return f"{names[attr]} '{raw[attr]}' es negativo"
        return None

    # The fast path never accepts a negative amount (it leaves them to the slow path).
    check.fast = None  # type: ignore[attr-defined]
    return check


def _positive(attr: str) -> Check:
    def check(values: Mapping[str, Any], raw: Mapping[str, str], names: Mapping[str, str]) -> str | None:
        value: Decimal | None = values[attr]
        if value is not None and value <= 0:
            return f"{names[attr]} '{raw[attr]}' debe ser mayor que cero"
        return None

    # Amounts on the fast path are never negative: "not positive" is "zero" (Decimal 0 is falsy).
    check.fast = f"a_{attr} is not None and not a_{attr}"  # type: ignore[attr-defined]
    return check


def _net_pay(values: Mapping[str, Any], raw: Mapping[str, str], names: Mapping[str, str]) -> str | None:
    """ValorConsignación = Ingresos − Descuentos."""
    income, deductions, net = values["ingresos"], values["descuentos"], values["valor_consignacion"]
    if income - deductions != net:
        return (
            f"{names['valor_consignacion']} '{raw['valor_consignacion']}' no es igual a "
            f"{names['ingresos']} − {names['descuentos']} "
            f"({_plain(income)} − {_plain(deductions)} = {_plain(income - deductions)})"
        )
    return None


_net_pay.fast = "a_ingresos - a_descuentos != a_valor_consignacion"  # type: ignore[attr-defined]


def _plain(value: Decimal) -> str:
    return format(value, "f")


@dataclass(frozen=True)
class KindSpec:
    """Everything the parser needs to know about one file kind."""

    kind: FileKind
    columns: tuple[Column, ...]
    checks: tuple[Check, ...] = ()

    @property
    def row_class(self) -> Any:
        """The frozen dataclass the rows become."""
        return ROW_CLASS[self.kind]

    @property
    def required_keys(self) -> frozenset[str]:
        """Folded header names that must be present."""
        return frozenset(c.key for c in self.columns if c.required_column)

    @property
    def all_keys(self) -> frozenset[str]:
        """Folded header names of every documented column."""
        return frozenset(c.key for c in self.columns)

    @property
    def key_columns(self) -> tuple[Column, ...]:
        """The columns of the natural key, in key order."""
        by_attr = {c.attr: c for c in self.columns}
        return tuple(by_attr[a] for a in self.row_class.NATURAL_KEY)


K = FileKind

SPECS: dict[FileKind, KindSpec] = {
    K.ACTIVE_EMPLOYEES: KindSpec(
        K.ACTIVE_EMPLOYEES,
        (
            _col("tipo_documento", "TipoDocumento"),
            _req("documento", "Documento", _document),
            _req("num_vinculacion", "NumVinculacion", parse_int),
            _opt("nombre1", "Nombre1"),
            _opt("nombre2", "Nombre2"),
            _opt("apellido1", "Apellido1"),
            _opt("apellido2", "Apellido2"),
            _req("nombre_completo", "NombreCompleto"),
            _opt("fecha_nacimiento", "FechaNacimiento", parse_date),
            _opt("edad", "Edad", parse_int),
            _opt("sexo", "Sexo"),
            _opt("cod_posicion", "CodPosicion"),
            _col("nombre_posicion", "NombrePosicion"),
            _opt("dependencia", "Dependencia"),
            _opt("cenco_principal", "CencoPrincipal"),
            _req("fecha_ingreso", "FechaIngreso", parse_date),
            _opt("fecha_vencimiento", "FechaVencimiento", parse_date),
            _opt("tipo_contratacion", "TipoContratacion"),
            _col("eps", "EPS"),
            _opt("subtipo_cotizante", "SubTipoCotizante"),
            _col("afp", "AFP"),
            _col("cesantias", "Cesantias"),
            _opt("fecha_sueldo", "FechaSueldo", parse_date),
            _req("sueldo", "Sueldo", parse_money),
            _opt("documento_jefe", "DocumentoJefe"),
            _opt("nombre_jefe", "NombreJefe"),
            _opt("correo_institucional", "CorreoInstitucional"),
            _opt("correo_personal", "CorreoPersonal"),
            _opt("telefono_movil", "TelefonoMovil"),
            _opt("direccion", "Direccion"),
            _opt("esquema", "Esquema"),
            _opt("tarifa", "Tarifa"),
            _opt("fecha_ini_tarifa", "FechaIniTarifa", parse_date),
            _opt("valor_tarifa", "ValorTarifa", parse_money),
            _opt("cuenta", "Cuenta"),
            _opt("tipo_cuenta", "TipoCuenta"),
            _opt("banco", "BANCO"),
            _opt("cuenta_nomina", "CuentaNomina", _choice(YES_NO)),
        ),
        (_not_before("fecha_vencimiento", "fecha_ingreso"), _positive("sueldo")),
    ),
    K.CONTRACTS: KindSpec(
        K.CONTRACTS,
        (
            _req("documento", "Documento", _document),
            _req("num_vinculacion", "NumVinculacion", parse_int),
            _req("fecha_ingreso", "FechaIngreso", parse_date),
            _col("fecha_retiro", "FechaRetiro", parse_date),
            _opt("motivo_contratacion", "MotivoContratacion"),
            _opt("motivo_retiro", "MotivoRetiro"),
            _opt("nivel_contratacion", "NivelContratacion"),
            _col("tipo_vinculacion", "TipoVinculacion"),
            _opt("dedicacion", "Dedicacion"),
            _opt("area", "Area"),
        ),
        (_not_before("fecha_retiro", "fecha_ingreso"),),
    ),
    K.SALARY_HISTORY: KindSpec(
        K.SALARY_HISTORY,
        (
            _req("num_vinculacion", "NumVinculacion", parse_int),
            _req("documento", "Documento", _document),
            _opt("nombre_completo", "NombreCompleto"),
            _req("fecha_inicio_sueldo", "FechaInicioSueldo", parse_date),
            _col("fecha_fin_sueldo", "FechaFinSueldo", parse_date),
            _req("sueldo", "Sueldo", parse_money),
        ),
        (_not_before("fecha_fin_sueldo", "fecha_inicio_sueldo"), _positive("sueldo")),
    ),
    K.DEPOSITS: KindSpec(
        K.DEPOSITS,
        (
            _req("num_vinculacion", "NUMVINCULACION", parse_int),
            _req("documento", "CODEMPLEADO", _document),
            _opt("nombre_completo", "NombreCompleto"),
            _req("ingresos", "Ingresos", parse_money),
            _req("descuentos", "Descuentos", parse_money),
            _req("valor_consignacion", "ValorConsignación", parse_money),
            _req("cod_procedencia", "CODPROCEDENCIA"),
            _req("cod_nomina", "CODNOMINA", _period_code),
            _opt("tipo_cuenta", "TIPOCUENTA"),
            _opt("num_cuenta", "NUMCUENTA"),
            _opt("cod_banco", "CODBANCO"),
            _opt("banco", "BANCO"),
            _opt("cod_bancolombia", "CODBANCOLOMBIA"),
            _req("fecha_consignacion", "FECHACONSIGNACION", parse_date),
        ),
        (
            _not_negative("valor_consignacion"),
            _not_negative("ingresos"),
            _not_negative("descuentos"),
            _net_pay,
        ),
    ),
    K.NOVELTIES: KindSpec(
        K.NOVELTIES,
        (
            _req("num_vinculacion", "NumVinculacion", parse_int),
            _req("documento", "Documento", _document),
            _opt("nombre_completo", "NombreCompleto"),
            _req("cod_concepto", "CodConcepto"),
            _req("fecha_inicio", "FechaInicio", parse_date),
            _col("fecha_fin", "FechaFin", parse_date),
            _opt("fecha_ocurrencia", "FechaOcurrencia", parse_date),
            _req("estado", "Estado", _choice(NOVELTY_STATUS)),
            _req("valor", "Valor", parse_money),
            _opt("valor_total", "ValorTotal", parse_money),
            _opt("valor_acumulado", "ValorAcumulado", parse_money),
            _opt("observacion", "Observacion"),
            _opt("cenco", "CENCO"),
            _req("tipo_novedad", "TipoNovedad", _choice(NOVELTY_TYPE)),
        ),
        (_not_before("fecha_fin", "fecha_inicio"), _not_negative("valor")),
    ),
    K.ABSENCES: KindSpec(
        K.ABSENCES,
        (
            _req("num_vinculacion", "NUMVINCULACION", parse_int),
            _req("documento", "CODEMPLEADO", _document),
            _opt("nombre_completo", "NombreCompleto"),
            _req("cod_ausencia_tipo", "CODAUSENCIATIPO", _choice(ABSENCE_TYPE)),
            _opt("cod_ausencia_subtipo", "CODAUSENCIASUBTIPO"),
            _opt("ausencia_subtipo", "AUSENCIASUBTIPO"),
            _opt("dias_calendario", "DIASCALENDARIO", parse_int),
            _opt("tipo_disfrute", "TIPODISFRUTE"),
            _req("fecha_inicio", "FECHAINICIO", parse_date),
            _req("fecha_fin", "FECHAFIN", parse_date),
            _col("dias", "DIAS", parse_days),
        ),
        (_not_before("fecha_fin", "fecha_inicio"),),
    ),
    K.VACATION_ENTITLEMENTS: KindSpec(
        K.VACATION_ENTITLEMENTS,
        (
            _req("num_vinculacion", "NumVinculacion", parse_int),
            _req("periodo", "Periodo", _service_year),
            _col("estado", "Estado"),
            _req("dias_derecho", "DiasDerecho", parse_days),
            _req("dias_disfrute", "DiasDisfrute", parse_days),
        ),
    ),
    K.BANK_ACCOUNTS: KindSpec(
        K.BANK_ACCOUNTS,
        (
            _req("num_vinculacion", "NumVinculacion", parse_int),
            _req("documento", "NumDocumento", _document),
            _opt("nombre_completo", "NombreCompleto"),
            _req("fecha_cuenta", "FechaCuenta", parse_date),
            _req("cuenta_nomina", "CuentaNomina", _choice(YES_NO)),
            _req("banco", "Banco"),
            _col("tipo_cuenta", "TipoCuenta"),
            _req("num_cuenta", "NumCuenta"),
        ),
    ),
    K.WITHHOLDING: KindSpec(
        K.WITHHOLDING,
        (
            _req("cod_nomina", "CODNOMINA", _period_code),
            _opt("regimen_salarial", "REGIMEN_SALARIAL"),
            _opt("unidad_ejecutora", "UNIDAD_EJECUTORA"),
            _req("documento", "CODEMPLEADO", _document),
            _req("num_vinculacion", "NUMVINCULACION", parse_int),
            _req("ingresos", "Ingresos", parse_money),
            _req("total_sal", "Total_Sal", parse_money),
            _req("total_pension", "Total_Pensión", parse_money),
            _req("bonos_no_gravados", "Bonos no Gravados", parse_money),
            _req("bonos_gravados", "Bonos Gravados", parse_money),
            _req("dependientes", "Dep", parse_money),
            _req("medicina_prepagada", "Medicina Prepagada", parse_money),
            _req("vivienda", "Vivienda", parse_money),
            _req("porcentaje_ret", "% Ret", parse_decimal),
            _req("aporte_fvol", "Aporte FVOL", parse_money),
            _req("aporte_afc", "Aporte AFC", parse_money),
            _req("ret_fuente", "Ret Fuente", parse_money),
            _req("proced", "Proced"),
            _opt("ingreso_calculado_sist", "Ingreso Calculado Sist", parse_money),
        ),
        (_not_negative("ret_fuente"),),
    ),
}


def _check_specs(specs: Mapping[FileKind, KindSpec]) -> None:
    """Every spec lists its row class's fields in order (fails at import if they drift)."""
    for kind, spec in specs.items():
        names = [f.name for f in fields(spec.row_class) if f.name != "line"]
        if names != [c.attr for c in spec.columns]:  # pragma: no cover - a programming error
            raise RuntimeError(f"the columns of {kind} do not match {spec.row_class.__name__}")


_check_specs(SPECS)


def spec_columns(kind: FileKind) -> Sequence[Column]:
    """The documented columns of ``kind`` in the export's order."""
    return SPECS[kind].columns
