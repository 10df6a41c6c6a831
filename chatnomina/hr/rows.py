"""Typed rows of the nine HR export files, one frozen dataclass per file.

Field names are the export's column names in snake case (``FECHACONSIGNACION`` →
``fecha_consignacion``) so the database columns can mirror them. Empty optional values are
``None``. Every class documents its natural key in ``NATURAL_KEY``: the columns that identify
the row across exports, i.e. the upsert key in PostgreSQL. Re-importing the same file then
changes nothing, and a newer export updates the non-key columns of the rows it repeats.
``line`` (the physical line the row came from) is not part of equality.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from chatnomina.hr.values import PayrollPeriod, parse_service_year


class FileKind(StrEnum):
    """The nine export files, in dependency order (people and contracts first)."""

    ACTIVE_EMPLOYEES = "ACTIVOS_HM"
    CONTRACTS = "VINCULACION_HM"
    SALARY_HISTORY = "HISTORICO_SUELDO_HM"
    DEPOSITS = "CONSIGNACIONES_HM"
    NOVELTIES = "NOVEDADES_HM"
    ABSENCES = "AUSENTISMO_HM"
    VACATION_ENTITLEMENTS = "VACACIONES_DERECHO_HM"
    BANK_ACCOUNTS = "CUENTAS_BANCARIAS_HM"
    WITHHOLDING = "VALIDADOR_RETENCION"

    @property
    def file_name(self) -> str:
        """The name the HR system gives the file."""
        return f"{self.value}.TXT"


class NoveltyStatus(StrEnum):
    """``Estado`` of a novelty: still to be paid/applied, or already settled in a payroll."""

    ACTIVA = "ACTIVA"
    LIQUIDADA = "LIQUIDADA"


class NoveltyType(StrEnum):
    """``TipoNovedad``: an earning (devengo) or a deduction (deducción)."""

    DEVENGO = "DEVENGO"
    DEDUCCION = "DEDUCCION"


class AbsenceType(StrEnum):
    """``CODAUSENCIATIPO``: vacaciones, incapacidad, licencia, permiso."""

    VAC = "VAC"
    INC = "INC"
    LIC = "LIC"
    PER = "PER"


def _line() -> int:
    """The ``line`` field: the physical line number, excluded from equality."""
    return field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ActiveEmployeeRow:
    """``ACTIVOS_HM``: one active employee, today's snapshot of the person and contract.

    Natural key: ``(documento,)``; a person is active under one contract at a time, and a
    new contract for the same person updates the row.
    """

    NATURAL_KEY: ClassVar[tuple[str, ...]] = ("documento",)

    tipo_documento: str | None
    documento: str
    num_vinculacion: int
    nombre1: str | None
    nombre2: str | None
    apellido1: str | None
    apellido2: str | None
    nombre_completo: str
    fecha_nacimiento: date | None
    edad: int | None
    sexo: str | None
    cod_posicion: str | None
    nombre_posicion: str | None
    dependencia: str | None
    cenco_principal: str | None
    fecha_ingreso: date
    fecha_vencimiento: date | None
    tipo_contratacion: str | None
    eps: str | None
    subtipo_cotizante: str | None
    afp: str | None
    cesantias: str | None
    fecha_sueldo: date | None
    sueldo: Decimal
    documento_jefe: str | None
    nombre_jefe: str | None
    correo_institucional: str | None
    correo_personal: str | None
    telefono_movil: str | None
    direccion: str | None
    esquema: str | None
    tarifa: str | None
    fecha_ini_tarifa: date | None
    valor_tarifa: Decimal | None
    cuenta: str | None
    tipo_cuenta: str | None
    banco: str | None
    cuenta_nomina: bool | None
    line: int = _line()

    @property
    def key(self) -> tuple[object, ...]:
        """The natural key's values."""
        return (self.documento,)


@dataclass(frozen=True, slots=True)
class ContractRow:
    """``VINCULACION_HM``: one contract (vinculación) of a person. Natural key: ``(num_vinculacion,)``."""

    NATURAL_KEY: ClassVar[tuple[str, ...]] = ("num_vinculacion",)

    documento: str
    num_vinculacion: int
    fecha_ingreso: date
    fecha_retiro: date | None
    motivo_contratacion: str | None
    motivo_retiro: str | None
    nivel_contratacion: str | None
    tipo_vinculacion: str | None
    dedicacion: str | None
    area: str | None
    line: int = _line()

    @property
    def key(self) -> tuple[object, ...]:
        """The natural key's values."""
        return (self.num_vinculacion,)


@dataclass(frozen=True, slots=True)
class SalaryPeriodRow:
    """``HISTORICO_SUELDO_HM``: a salary in force from ``fecha_inicio_sueldo`` (open end = current).

    Natural key: ``(num_vinculacion, fecha_inicio_sueldo)``; closing the period or
    correcting its amount in a newer export updates the row.
    """

    NATURAL_KEY: ClassVar[tuple[str, ...]] = ("num_vinculacion", "fecha_inicio_sueldo")

    num_vinculacion: int
    documento: str
    nombre_completo: str | None
    fecha_inicio_sueldo: date
    fecha_fin_sueldo: date | None
    sueldo: Decimal
    line: int = _line()

    @property
    def key(self) -> tuple[object, ...]:
        """The natural key's values."""
        return (self.num_vinculacion, self.fecha_inicio_sueldo)


@dataclass(frozen=True, slots=True)
class DepositRow:
    """``CONSIGNACIONES_HM``: the net pay deposited for one payroll of one contract.

    Natural key: ``(num_vinculacion, cod_nomina, cod_procedencia)``: one deposit per contract,
    payroll and origin (``NOM`` ordinary payroll, other origins for settlements or
    adjustments). The date is deliberately not in the key, so a corrected payment date in
    a newer export updates the deposit instead of duplicating it.
    """

    NATURAL_KEY: ClassVar[tuple[str, ...]] = ("num_vinculacion", "cod_nomina", "cod_procedencia")

    num_vinculacion: int
    documento: str
    nombre_completo: str | None
    ingresos: Decimal
    descuentos: Decimal
    valor_consignacion: Decimal
    cod_procedencia: str
    cod_nomina: PayrollPeriod
    tipo_cuenta: str | None
    num_cuenta: str | None
    cod_banco: str | None
    banco: str | None
    cod_bancolombia: str | None
    fecha_consignacion: date
    line: int = _line()

    @property
    def key(self) -> tuple[object, ...]:
        """The natural key's values."""
        return (self.num_vinculacion, self.cod_nomina, self.cod_procedencia)


@dataclass(frozen=True, slots=True)
class NoveltyRow:
    """``NOVEDADES_HM``: an extra payment or a deduction (novedad), one-off or recurring.

    Natural key: ``(num_vinculacion, cod_concepto, fecha_inicio)``: settling it (``Estado``),
    closing its range or accumulating instalments updates the row.
    """

    NATURAL_KEY: ClassVar[tuple[str, ...]] = ("num_vinculacion", "cod_concepto", "fecha_inicio")

    num_vinculacion: int
    documento: str
    nombre_completo: str | None
    cod_concepto: str
    fecha_inicio: date
    fecha_fin: date | None
    fecha_ocurrencia: date | None
    estado: NoveltyStatus
    valor: Decimal
    valor_total: Decimal | None
    valor_acumulado: Decimal | None
    observacion: str | None
    cenco: str | None
    tipo_novedad: NoveltyType
    line: int = _line()

    @property
    def key(self) -> tuple[object, ...]:
        """The natural key's values."""
        return (self.num_vinculacion, self.cod_concepto, self.fecha_inicio)


@dataclass(frozen=True, slots=True)
class AbsenceRow:
    """``AUSENTISMO_HM``: an absence (vacaciones, incapacidad, licencia, permiso).

    Natural key: ``(num_vinculacion, cod_ausencia_tipo, fecha_inicio)``.
    """

    NATURAL_KEY: ClassVar[tuple[str, ...]] = ("num_vinculacion", "cod_ausencia_tipo", "fecha_inicio")

    num_vinculacion: int
    documento: str
    nombre_completo: str | None
    cod_ausencia_tipo: AbsenceType
    cod_ausencia_subtipo: str | None
    ausencia_subtipo: str | None
    dias_calendario: int | None
    tipo_disfrute: str | None
    fecha_inicio: date
    fecha_fin: date
    dias: Decimal | None
    line: int = _line()

    @property
    def key(self) -> tuple[object, ...]:
        """The natural key's values."""
        return (self.num_vinculacion, self.cod_ausencia_tipo, self.fecha_inicio)


@dataclass(frozen=True, slots=True)
class VacationEntitlementRow:
    """``VACACIONES_DERECHO_HM``: vacation days earned and taken for one service year.

    Natural key: ``(num_vinculacion, periodo)``. The file has no document column: it joins
    to the person through the contract.
    """

    NATURAL_KEY: ClassVar[tuple[str, ...]] = ("num_vinculacion", "periodo")

    num_vinculacion: int
    periodo: str
    estado: str | None
    dias_derecho: Decimal
    dias_disfrute: Decimal
    line: int = _line()

    @property
    def key(self) -> tuple[object, ...]:
        """The natural key's values."""
        return (self.num_vinculacion, self.periodo)

    @property
    def first_year(self) -> int:
        """The service year's first calendar year (``2024-2025`` → 2024)."""
        return parse_service_year(self.periodo)[0]

    @property
    def pending_days(self) -> Decimal:
        """Días derecho − días disfrutados."""
        return self.dias_derecho - self.dias_disfrute


@dataclass(frozen=True, slots=True)
class BankAccountRow:
    """``CUENTAS_BANCARIAS_HM``: a payroll bank account registered for a contract on a date.

    Natural key: ``(num_vinculacion, fecha_cuenta)``: one registration per contract and
    date; demoting it (``CuentaNomina`` S → N) or correcting it updates the row.
    """

    NATURAL_KEY: ClassVar[tuple[str, ...]] = ("num_vinculacion", "fecha_cuenta")

    num_vinculacion: int
    documento: str
    nombre_completo: str | None
    fecha_cuenta: date
    cuenta_nomina: bool
    banco: str
    tipo_cuenta: str | None
    num_cuenta: str
    line: int = _line()

    @property
    def key(self) -> tuple[object, ...]:
        """The natural key's values."""
        return (self.num_vinculacion, self.fecha_cuenta)


@dataclass(frozen=True, slots=True)
class WithholdingRow:
    """``VALIDADOR_RETENCION``: the withholding-tax (retención en la fuente) computation of a payroll.

    Natural key: ``(num_vinculacion, cod_nomina, proced)`` (``Proced`` is the computation
    procedure, 1 or 2, Estatuto Tributario arts. 386–387).
    """

    NATURAL_KEY: ClassVar[tuple[str, ...]] = ("num_vinculacion", "cod_nomina", "proced")

    cod_nomina: PayrollPeriod
    regimen_salarial: str | None
    unidad_ejecutora: str | None
    documento: str
    num_vinculacion: int
    ingresos: Decimal
    total_sal: Decimal
    total_pension: Decimal
    bonos_no_gravados: Decimal
    bonos_gravados: Decimal
    dependientes: Decimal
    medicina_prepagada: Decimal
    vivienda: Decimal
    porcentaje_ret: Decimal
    aporte_fvol: Decimal
    aporte_afc: Decimal
    ret_fuente: Decimal
    proced: str
    ingreso_calculado_sist: Decimal | None
    line: int = _line()

    @property
    def key(self) -> tuple[object, ...]:
        """The natural key's values."""
        return (self.num_vinculacion, self.cod_nomina, self.proced)


Row = (
    ActiveEmployeeRow
    | ContractRow
    | SalaryPeriodRow
    | DepositRow
    | NoveltyRow
    | AbsenceRow
    | VacationEntitlementRow
    | BankAccountRow
    | WithholdingRow
)

ROW_CLASS: dict[FileKind, Any] = {
    FileKind.ACTIVE_EMPLOYEES: ActiveEmployeeRow,
    FileKind.CONTRACTS: ContractRow,
    FileKind.SALARY_HISTORY: SalaryPeriodRow,
    FileKind.DEPOSITS: DepositRow,
    FileKind.NOVELTIES: NoveltyRow,
    FileKind.ABSENCES: AbsenceRow,
    FileKind.VACATION_ENTITLEMENTS: VacationEntitlementRow,
    FileKind.BANK_ACCOUNTS: BankAccountRow,
    FileKind.WITHHOLDING: WithholdingRow,
}


def fast_constructor(cls: Any) -> Any:
    """A positional constructor for the frozen slots dataclass ``cls`` that skips its ``__init__``.

    A frozen dataclass's ``__init__`` pays one ``object.__setattr__`` call per field, the
    largest cost of parsing a 2.4-million-row export. Here a twin class with the same slot
    layout fills the slots with plain assignments and the instance then becomes ``cls``
    (``__class__`` assignment, allowed between layout-compatible classes): the same frozen
    object, about four times faster. Only for values the parser has already validated.
    """
    names = [f.name for f in fields(cls)]
    source = (
        f"class Twin:\n    __slots__ = {tuple(cls.__slots__)!r}\n"
        f"def build({', '.join(names)}):\n"
        "    row = Twin.__new__(Twin)\n"
        + "".join(f"    row.{name} = {name}\n" for name in names)
        + "    row.__class__ = cls\n    return row\n"
    )
    scope: dict[str, Any] = {"cls": cls}
    exec(compile(source, f"<fast constructor {cls.__name__}>", "exec"), scope)  # noqa: S102
    return scope["build"]
