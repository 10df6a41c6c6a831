"""Facts the assistant answers, derived from the typed export rows of one person. Pure.

Every function takes a :class:`PersonRows` (the rows of one person from every file, as the
import or the database gives them) and returns plain values or small frozen dataclasses.
Nothing reads a clock: "now" is the import's last payroll, passed in where it matters.

How the facts are read from the files (the sample's truth file agrees with each):

* **current contract**: the ``ACTIVOS_HM`` row's contract, else the open contract of
  ``VINCULACION_HM`` hired last.
* **current salary**: the open row (no ``FechaFinSueldo``) of the current contract's
  salary history, else ``Sueldo`` of the active row. **Integral** when the scheme is
  (``Esquema`` = INTEGRAL, or ``REGIMEN_SALARIAL`` of the latest withholding row); a past
  salary period counts as integral while, walking back from the current period through the
  same contract, each salary reaches 13 SMMLV of its year (see :mod:`chatnomina.hr.legal`).
* **deposits**: ``CONSIGNACIONES_HM`` by payment date; totals by calendar year of payment.
* **vacations**: pending days = Σ (DiasDerecho − DiasDisfrute) over the current contract's
  service years; each service year runs from the hire-date anniversary; vacations taken
  are the ``VAC`` absences.
* **bank account**: the ``CuentaNomina = S`` account registered last; history merges
  consecutive registrations of the same account (e.g. carried over to a new contract).
* **novelties**: recurring concepts (LIB, MEDPRE, AVP, AFC, COOP) apply every month of their
  range (open end = ongoing); one-off ones (HED, HEN, RN, BON...) in the month of
  ``FechaInicio``. Pending = ``ACTIVA`` ones starting after the last payroll.
* **payroll breakdown** of a month: the deposit gives the totals; salud and pensión are the
  withholding file's ``Total_Sal`` (both employee shares are 4 %, Ley 100 arts. 20 and 204),
  the fondo de solidaridad is ``Total_Pensión`` − ``Total_Sal``; earnings are the salary of
  the days worked, overtime and other earning novelties, and the auxilio de transporte is
  what ``Ingresos`` holds beyond them (the export has no column of its own for it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from chatnomina.hr.legal import INTEGRAL_SALARY_MINIMUM_IN_SMMLV, minimum_wage_on
from chatnomina.hr.names import bank_display_name, display_full_name, display_name, mask_account
from chatnomina.hr.parser import ParsedExport
from chatnomina.hr.rows import (
    AbsenceRow,
    AbsenceType,
    ActiveEmployeeRow,
    BankAccountRow,
    ContractRow,
    DepositRow,
    FileKind,
    NoveltyRow,
    NoveltyStatus,
    NoveltyType,
    SalaryPeriodRow,
    VacationEntitlementRow,
    WithholdingRow,
)
from chatnomina.hr.values import PayrollPeriod, last_day_of_month

ZERO = Decimal(0)

# Recurring concepts, in the order the HR system lists them (credit, health, pension,
# savings, cooperative); they apply every month of their date range.
RECURRING_CODES = ("LIB", "MEDPRE", "AVP", "AFC", "COOP")
# Overtime and surcharges (horas extra y recargos, CST arts. 168–179).
OVERTIME_CODES = frozenset({"HED", "HEN", "RN", "HEDDF", "HENDF", "RDF", "RNDF", "HEDF", "HENF"})

NOVELTY_DESCRIPTIONS = {
    "HED": "horas extra diurnas",
    "HEN": "horas extra nocturnas",
    "HEDDF": "horas extra diurnas dominicales o festivas",
    "HENDF": "horas extra nocturnas dominicales o festivas",
    "HEDF": "horas extra diurnas festivas",
    "HENF": "horas extra nocturnas festivas",
    "RN": "recargo nocturno",
    "RDF": "recargo dominical o festivo",
    "RNDF": "recargo nocturno dominical o festivo",
    "BON": "bonificación",
    "LIB": "libranza",
    "AVP": "aporte voluntario a pensión",
    "AFC": "ahorro AFC",
    "MEDPRE": "medicina prepagada",
    "COOP": "cooperativa",
}

MinimumWage = Callable[[date], "Decimal | None"]


# -- grouping ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRows:
    """The rows of one person (by document) from every export file."""

    documento: str
    active: ActiveEmployeeRow | None = None
    contracts: tuple[ContractRow, ...] = ()
    salaries: tuple[SalaryPeriodRow, ...] = ()
    deposits: tuple[DepositRow, ...] = ()
    novelties: tuple[NoveltyRow, ...] = ()
    absences: tuple[AbsenceRow, ...] = ()
    vacations: tuple[VacationEntitlementRow, ...] = ()
    accounts: tuple[BankAccountRow, ...] = ()
    withholdings: tuple[WithholdingRow, ...] = ()


def group_by_person(export: ParsedExport) -> dict[str, PersonRows]:
    """Split an import's rows by person (vacation rows join through their contract)."""
    owner: dict[int, str] = {}
    for row in export.rows(FileKind.CONTRACTS):
        owner[row.num_vinculacion] = row.documento
    for row in export.rows(FileKind.ACTIVE_EMPLOYEES):
        owner.setdefault(row.num_vinculacion, row.documento)
    buckets: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    attribute = {
        FileKind.CONTRACTS: "contracts",
        FileKind.SALARY_HISTORY: "salaries",
        FileKind.DEPOSITS: "deposits",
        FileKind.NOVELTIES: "novelties",
        FileKind.ABSENCES: "absences",
        FileKind.BANK_ACCOUNTS: "accounts",
        FileKind.WITHHOLDING: "withholdings",
    }
    for kind, name in attribute.items():
        for row in export.rows(kind):
            buckets[row.documento][name].append(row)
    for row in export.rows(FileKind.VACATION_ENTITLEMENTS):
        documento = owner.get(row.num_vinculacion)
        if documento is not None:
            buckets[documento]["vacations"].append(row)
    actives = {row.documento: row for row in export.rows(FileKind.ACTIVE_EMPLOYEES)}
    people = {}
    for documento in sorted(set(buckets) | set(actives)):
        lists = buckets.get(documento, {})
        people[documento] = PersonRows(
            documento,
            active=actives.get(documento),
            **{name: tuple(lists.get(name, ())) for name in (*attribute.values(), "vacations")},
        )
    return people


# -- contracts and profile ---------------------------------------------------------------------


def current_contract(person: PersonRows) -> int | None:
    """The contract in force: the active row's, else the open contract hired last."""
    if person.active is not None:
        return person.active.num_vinculacion
    open_ones = [c for c in person.contracts if c.fecha_retiro is None]
    pool = open_ones or list(person.contracts)
    if not pool:
        return None
    return max(pool, key=lambda c: (c.fecha_ingreso, c.num_vinculacion)).num_vinculacion


def hire_date(person: PersonRows, contract: int | None = None) -> date | None:
    """Fecha de ingreso of ``contract`` (default: the current one)."""
    contract = current_contract(person) if contract is None else contract
    for row in person.contracts:
        if row.num_vinculacion == contract:
            return row.fecha_ingreso
    if person.active is not None and person.active.num_vinculacion == contract:
        return person.active.fecha_ingreso
    return None


@dataclass(frozen=True)
class Contract:
    """One contract of the person; ``cargo`` is known only for the current one."""

    num_vinculacion: int
    fecha_ingreso: date
    fecha_retiro: date | None
    tipo: str | None
    cargo: str | None
    motivo_retiro: str | None


def contracts(person: PersonRows) -> list[Contract]:
    """Every contract, oldest first."""
    active = person.active
    result = [
        Contract(
            row.num_vinculacion,
            row.fecha_ingreso,
            row.fecha_retiro,
            row.tipo_vinculacion,
            active.nombre_posicion if active and active.num_vinculacion == row.num_vinculacion else None,
            row.motivo_retiro,
        )
        for row in person.contracts
    ]
    if active is not None and all(c.num_vinculacion != active.num_vinculacion for c in result):
        result.append(Contract(active.num_vinculacion, active.fecha_ingreso, None,
                               active.tipo_contratacion, active.nombre_posicion, None))
    return sorted(result, key=lambda c: (c.fecha_ingreso, c.num_vinculacion))


@dataclass(frozen=True)
class Profile:
    """Who the person is and where they work, from the active-employee row."""

    documento: str
    tipo_documento: str | None
    nombre_completo: str
    nombre: str
    sexo: str | None
    fecha_nacimiento: date | None
    edad: int | None
    num_vinculacion_actual: int
    hire_date_current_contract: date
    position: str | None
    dependencia: str | None
    centro_costo: str | None
    contract_type: str | None
    contract_end: date | None
    eps: str | None
    afp: str | None
    cesantias: str | None
    manager_name: str | None
    manager_name_display: str | None
    manager_document: str | None
    email_institucional: str | None
    email_personal: str | None
    telefono: str | None
    direccion: str | None


def person_display_name(row: ActiveEmployeeRow) -> str:
    """The person's name for people to read, from the separate name columns when present."""
    if row.nombre1 and row.apellido1:
        return display_name(row.nombre1, row.nombre2, row.apellido1, row.apellido2)
    return display_full_name(row.nombre_completo)


def profile(
    person: PersonRows, people: Mapping[str, ActiveEmployeeRow] | None = None
) -> Profile | None:
    """Position, dependencia, EPS, AFP, cesantías, manager...; None if the person is not active.

    ``people`` (document → active row) lets the manager's name come from their own name
    columns; otherwise ``NombreJefe`` is reordered (surnames first in the exports).
    """
    row = person.active
    if row is None:
        return None
    manager = (people or {}).get(row.documento_jefe or "")
    if manager is not None:
        manager_display: str | None = person_display_name(manager)
    else:
        manager_display = display_full_name(row.nombre_jefe) if row.nombre_jefe else None
    return Profile(
        documento=row.documento,
        tipo_documento=row.tipo_documento,
        nombre_completo=row.nombre_completo,
        nombre=person_display_name(row),
        sexo=row.sexo,
        fecha_nacimiento=row.fecha_nacimiento,
        edad=row.edad,
        num_vinculacion_actual=row.num_vinculacion,
        hire_date_current_contract=hire_date(person) or row.fecha_ingreso,
        position=row.nombre_posicion,
        dependencia=row.dependencia,
        centro_costo=row.cenco_principal,
        contract_type=row.tipo_contratacion,
        contract_end=row.fecha_vencimiento,
        eps=row.eps,
        afp=row.afp,
        cesantias=row.cesantias,
        manager_name=row.nombre_jefe,
        manager_name_display=manager_display,
        manager_document=row.documento_jefe,
        email_institucional=row.correo_institucional,
        email_personal=row.correo_personal,
        telefono=row.telefono_movil,
        direccion=row.direccion,
    )


# -- salary ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalaryPeriod:
    """A salary in force from ``start`` to ``end`` (None: still in force)."""

    num_vinculacion: int
    start: date
    end: date | None
    salary: Decimal
    integral: bool


@dataclass(frozen=True)
class CurrentSalary:
    """The salary in force now, since when, and whether it is integral."""

    amount: Decimal
    since: date | None
    integral: bool


def scheme_is_integral(person: PersonRows) -> bool:
    """True when the person is paid an integral salary today (Esquema or withholding regime)."""
    if person.active is not None and person.active.esquema:
        return person.active.esquema.upper() == "INTEGRAL"
    latest = max(person.withholdings, key=lambda w: (w.cod_nomina, w.proced), default=None)
    return latest is not None and (latest.regimen_salarial or "").upper() == "INTEGRAL"


def salary_history(person: PersonRows, *, minimum_wage: MinimumWage = minimum_wage_on) -> list[SalaryPeriod]:
    """Every salary period of every contract, oldest first, with its integral flag."""
    rows = sorted(person.salaries, key=lambda r: (r.fecha_inicio_sueldo, r.num_vinculacion))
    integral = [False] * len(rows)
    contract = current_contract(person)
    if scheme_is_integral(person):
        # Walk back from today through the current contract while the salary could be integral.
        for i in reversed(range(len(rows))):
            row = rows[i]
            if row.num_vinculacion != contract:
                continue
            floor = minimum_wage(row.fecha_inicio_sueldo)
            if floor is None or row.sueldo < floor * INTEGRAL_SALARY_MINIMUM_IN_SMMLV:
                break
            integral[i] = True
    return [
        SalaryPeriod(r.num_vinculacion, r.fecha_inicio_sueldo, r.fecha_fin_sueldo, r.sueldo, flag)
        for r, flag in zip(rows, integral)
    ]


def current_salary(person: PersonRows) -> CurrentSalary | None:
    """The open salary period of the current contract, else the active row's ``Sueldo``."""
    contract = current_contract(person)
    integral = scheme_is_integral(person)
    open_rows = [r for r in person.salaries if r.num_vinculacion == contract and r.fecha_fin_sueldo is None]
    if open_rows:
        row = max(open_rows, key=lambda r: r.fecha_inicio_sueldo)
        return CurrentSalary(row.sueldo, row.fecha_inicio_sueldo, integral)
    if person.active is not None:
        return CurrentSalary(person.active.sueldo, person.active.fecha_sueldo, integral)
    return None


def salary_on(person: PersonRows, day: date, contract: int | None = None) -> Decimal | None:
    """The salary in force on ``day`` for ``contract`` (default: the current one)."""
    contract = current_contract(person) if contract is None else contract
    for row in person.salaries:
        if row.num_vinculacion == contract and row.fecha_inicio_sueldo <= day and (
            row.fecha_fin_sueldo is None or day <= row.fecha_fin_sueldo
        ):
            return row.sueldo
    return None


# -- deposits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deposit:
    """A net-pay deposit (consignación) of one payroll."""

    period: str
    date: date
    num_vinculacion: int
    ingresos: Decimal
    descuentos: Decimal
    value: Decimal


def deposits(person: PersonRows, start: date | None = None, end: date | None = None) -> list[Deposit]:
    """Deposits paid between ``start`` and ``end`` (inclusive, either open), oldest first."""
    rows = [
        r for r in person.deposits
        if (start is None or r.fecha_consignacion >= start) and (end is None or r.fecha_consignacion <= end)
    ]
    rows.sort(key=lambda r: (r.fecha_consignacion, r.cod_nomina, r.num_vinculacion))
    return [
        Deposit(r.cod_nomina.code, r.fecha_consignacion, r.num_vinculacion, r.ingresos, r.descuentos,
                r.valor_consignacion)
        for r in rows
    ]


def last_deposit(person: PersonRows) -> Deposit | None:
    """The latest deposit (by payment date)."""
    found = deposits(person)
    return found[-1] if found else None


def total_deposited(person: PersonRows, start: date | None = None, end: date | None = None) -> Decimal:
    """Sum of the deposits paid between ``start`` and ``end`` (inclusive)."""
    return sum((d.value for d in deposits(person, start, end)), ZERO)


def deposits_by_year(person: PersonRows) -> dict[int, Decimal]:
    """Total deposited per calendar year of payment."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in person.deposits:
        totals[row.fecha_consignacion.year] += row.valor_consignacion
    return dict(sorted(totals.items()))


def deposit_of(person: PersonRows, period: PayrollPeriod) -> DepositRow | None:
    """The ordinary deposit of ``period`` (summed if the payroll was paid in several deposits)."""
    rows = [r for r in person.deposits if r.cod_nomina == period]
    if len(rows) <= 1:
        return rows[0] if rows else None
    first = rows[0]
    return DepositRow(
        first.num_vinculacion, first.documento, first.nombre_completo,
        sum((r.ingresos for r in rows), ZERO), sum((r.descuentos for r in rows), ZERO),
        sum((r.valor_consignacion for r in rows), ZERO), "*", period, first.tipo_cuenta,
        first.num_cuenta, first.cod_banco, first.banco, first.cod_bancolombia,
        max(r.fecha_consignacion for r in rows),
    )


# -- vacations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VacationPeriod:
    """A service year of the current contract with its vacation days."""

    periodo: str
    start: date | None
    end: date | None
    estado: str | None
    dias_derecho: Decimal
    dias_disfrute: Decimal


@dataclass(frozen=True)
class VacationTaken:
    """Vacations enjoyed (a VAC absence): calendar range and working days."""

    start: date
    end: date
    days: Decimal | None
    num_vinculacion: int
    tipo: str | None


def _anniversary(hired: date, year: int) -> date:
    """``hired``'s anniversary in ``year`` (29 February → 1 March in common years)."""
    try:
        return hired.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def vacation_periods(person: PersonRows) -> list[VacationPeriod]:
    """The current contract's service years, oldest first, dated from the hire date."""
    contract = current_contract(person)
    hired = hire_date(person, contract)
    result = []
    for row in sorted((v for v in person.vacations if v.num_vinculacion == contract),
                      key=lambda v: v.first_year):
        start = end = None
        if hired is not None:
            start = _anniversary(hired, row.first_year)
            end = _anniversary(hired, row.first_year + 1) - timedelta(days=1)
        result.append(VacationPeriod(row.periodo, start, end, row.estado, row.dias_derecho, row.dias_disfrute))
    return result


def pending_vacation_days(person: PersonRows) -> Decimal:
    """Σ (días derecho − días disfrutados) over the current contract's service years."""
    contract = current_contract(person)
    return sum((v.pending_days for v in person.vacations if v.num_vinculacion == contract), ZERO)


def vacations_taken(person: PersonRows, until: date | None = None) -> list[VacationTaken]:
    """Every VAC absence (all contracts) starting on or before ``until``, oldest first."""
    rows = [
        a for a in person.absences
        if a.cod_ausencia_tipo is AbsenceType.VAC and (until is None or a.fecha_inicio <= until)
    ]
    rows.sort(key=lambda a: (a.fecha_inicio, a.num_vinculacion))
    return [VacationTaken(a.fecha_inicio, a.fecha_fin, a.dias, a.num_vinculacion, a.ausencia_subtipo)
            for a in rows]


def last_vacation(person: PersonRows, until: date | None = None) -> VacationTaken | None:
    """The latest vacations taken (starting on or before ``until``)."""
    taken = vacations_taken(person, until)
    return taken[-1] if taken else None


# -- bank accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BankAccount:
    """A payroll account; only the last four digits leave this module."""

    since: date | None
    name: str
    name_in_files: str
    account_type: str | None
    last4: str

    @property
    def masked(self) -> str:
        """``****1234``."""
        return mask_account(self.last4)


def _account(since: date | None, bank: str, account_type: str | None, number: str) -> BankAccount:
    return BankAccount(since, bank_display_name(bank), bank, account_type, number[-4:])


def bank_history(person: PersonRows) -> list[BankAccount]:
    """Accounts by registration date; consecutive registrations of one account merge."""
    result: list[BankAccount] = []
    last_number: str | None = None
    for row in sorted(person.accounts, key=lambda r: (r.fecha_cuenta, r.num_vinculacion)):
        same = (
            result
            and row.num_cuenta == last_number
            and row.banco == result[-1].name_in_files
            and row.tipo_cuenta == result[-1].account_type
        )
        if not same:
            result.append(_account(row.fecha_cuenta, row.banco, row.tipo_cuenta, row.num_cuenta))
            last_number = row.num_cuenta
    return result


def bank_account(person: PersonRows) -> BankAccount | None:
    """The account payroll is paid into: ``CuentaNomina = S`` registered last, else the active row's."""
    rows = [r for r in person.accounts if r.cuenta_nomina] or list(person.accounts)
    if rows:
        row = max(rows, key=lambda r: (r.fecha_cuenta, r.num_vinculacion))
        return _account(row.fecha_cuenta, row.banco, row.tipo_cuenta, row.num_cuenta)
    active = person.active
    if active is not None and active.cuenta and active.banco:
        return _account(None, active.banco, active.tipo_cuenta, active.cuenta)
    return None


# -- novelties ---------------------------------------------------------------------------------


def is_recurring(row: NoveltyRow) -> bool:
    """Recurring concepts apply monthly over a range; unknown codes: if they have no end or instalments."""
    if row.cod_concepto in RECURRING_CODES:
        return True
    if row.cod_concepto in OVERTIME_CODES or row.cod_concepto == "BON":
        return False
    return row.fecha_fin is None or (row.valor_total is not None and row.valor_total != row.valor)


def applies_in(row: NoveltyRow, year: int, month: int) -> bool:
    """Whether the novelty is paid or deducted in the payroll of ``year``-``month``."""
    first, last = date(year, month, 1), last_day_of_month(year, month)
    if is_recurring(row):
        return row.fecha_inicio <= last and (row.fecha_fin is None or row.fecha_fin >= first)
    return first <= row.fecha_inicio <= last


def _hours(row: NoveltyRow) -> int | None:
    """Hours of an overtime novelty, read from ``Observacion`` ("8 HORAS EXTRA DIURNAS")."""
    if row.cod_concepto not in OVERTIME_CODES or not row.observacion:
        return None
    head = row.observacion.split(maxsplit=1)[0]
    return int(head) if head.isdecimal() else None


@dataclass(frozen=True)
class MonthNovelty:
    """A novelty applied in a month's payroll."""

    code: str
    type: NoveltyType
    description: str
    value: Decimal
    observacion: str | None
    recurrente: bool
    hours: int | None = None


def novelties_of_month(person: PersonRows, year: int, month: int) -> list[MonthNovelty]:
    """Novelties of the payroll of ``year``-``month``: recurring first, then by code."""
    rows = [r for r in person.novelties if applies_in(r, year, month)]
    rows.sort(key=lambda r: (not is_recurring(r), r.cod_concepto, r.fecha_inicio))
    return [
        MonthNovelty(
            r.cod_concepto, r.tipo_novedad,
            NOVELTY_DESCRIPTIONS.get(r.cod_concepto, (r.observacion or r.cod_concepto).lower()),
            r.valor, r.observacion, is_recurring(r), _hours(r),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class PendingNovelty:
    """A novelty registered but not yet paid (after the last payroll)."""

    code: str
    type: NoveltyType
    value: Decimal
    fecha: date
    observacion: str | None


def pending_novelties(person: PersonRows, last_payroll: PayrollPeriod) -> list[PendingNovelty]:
    """``ACTIVA`` novelties starting after the month of ``last_payroll``, by date."""
    cutoff = last_payroll.last_day
    rows = [r for r in person.novelties if r.estado is NoveltyStatus.ACTIVA and r.fecha_inicio > cutoff]
    rows.sort(key=lambda r: (r.fecha_ocurrencia or r.fecha_inicio, r.cod_concepto))
    return [PendingNovelty(r.cod_concepto, r.tipo_novedad, r.valor, r.fecha_ocurrencia or r.fecha_inicio,
                           r.observacion) for r in rows]


@dataclass(frozen=True)
class RecurringNovelty:
    """A recurring deduction or payment in force, with its instalments."""

    code: str
    type: NoveltyType
    value: Decimal
    start: date
    end: date | None
    valor_total: Decimal | None
    valor_acumulado: Decimal | None
    cuotas_pagadas: Decimal | None
    saldo: Decimal | None
    observacion: str | None


def _order(code: str) -> int:
    return RECURRING_CODES.index(code) if code in RECURRING_CODES else len(RECURRING_CODES)


def active_recurring_novelties(person: PersonRows, last_payroll: PayrollPeriod) -> list[RecurringNovelty]:
    """``ACTIVA`` recurring novelties applied in the last payroll (in the HR system's concept order)."""
    rows = [
        r for r in person.novelties
        if r.estado is NoveltyStatus.ACTIVA and is_recurring(r)
        and applies_in(r, last_payroll.year, last_payroll.month)
    ]
    rows.sort(key=lambda r: (_order(r.cod_concepto), r.cod_concepto, r.fecha_inicio))
    result = []
    for r in rows:
        paid = r.valor_acumulado / r.valor if r.valor and r.valor_acumulado is not None else None
        saldo = r.valor_total - (r.valor_acumulado or ZERO) if r.valor_total else None
        result.append(RecurringNovelty(r.cod_concepto, r.tipo_novedad, r.valor, r.fecha_inicio, r.fecha_fin,
                                       r.valor_total, r.valor_acumulado, paid, saldo, r.observacion))
    return result


# -- withholding and payroll breakdown ---------------------------------------------------------


def withholding_row(person: PersonRows, period: PayrollPeriod) -> WithholdingRow | None:
    """The withholding computation of ``period`` (the latest procedure if there are several)."""
    rows = [w for w in person.withholdings if w.cod_nomina == period]
    return max(rows, key=lambda w: w.proced) if rows else None


def withholding(person: PersonRows, period: PayrollPeriod) -> Decimal | None:
    """Retención en la fuente of ``period``; None if the file has no row for it."""
    row = withholding_row(person, period)
    return row.ret_fuente if row is not None else None


def withholding_total(person: PersonRows, start: PayrollPeriod, end: PayrollPeriod) -> Decimal:
    """Retención en la fuente of the payrolls from ``start`` to ``end`` (inclusive)."""
    total = ZERO
    for w in person.withholdings:
        if start <= w.cod_nomina <= end:
            total += w.ret_fuente
    return total


@dataclass(frozen=True)
class Deductions:
    """What was deducted in a payroll (``total`` is the deposit's ``Descuentos``)."""

    salud: Decimal
    pension: Decimal
    fondo_solidaridad: Decimal
    retencion_fuente: Decimal
    novedades: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO


def deductions(person: PersonRows, period: PayrollPeriod) -> Deductions | None:
    """The deductions of ``period``; None without a withholding row for it."""
    row = withholding_row(person, period)
    if row is None:
        return None
    novedades: dict[str, Decimal] = {}
    for n in novelties_of_month(person, period.year, period.month):
        if n.type is NoveltyType.DEDUCCION:
            novedades[n.code] = novedades.get(n.code, ZERO) + n.value
    parts = row.total_sal * 2 + (row.total_pension - row.total_sal) + row.ret_fuente + sum(novedades.values(), ZERO)
    deposit = deposit_of(person, period)
    return Deductions(
        salud=row.total_sal,
        pension=row.total_sal,
        fondo_solidaridad=row.total_pension - row.total_sal,
        retencion_fuente=row.ret_fuente,
        novedades=novedades,
        total=deposit.descuentos if deposit is not None else parts,
    )


@dataclass(frozen=True)
class Earnings:
    """What was earned in a payroll (``total`` is the deposit's ``Ingresos``)."""

    basico: Decimal
    auxilio_transporte: Decimal
    horas_extra_y_recargos: Decimal
    bonificaciones: Decimal
    total: Decimal
    dias: int


def _commercial_days(start: date, end: date, month_end: date) -> int:
    """Days from ``start`` to ``end`` within one month on a 30-day month (CST art. 134 usage)."""
    last = 30 if end == month_end else min(end.day, 30)
    return max(0, last - min(start.day, 30) + 1)


def earnings(person: PersonRows, period: PayrollPeriod) -> Earnings | None:
    """The earnings of ``period``; None without a deposit for it."""
    deposit = deposit_of(person, period)
    if deposit is None:
        return None
    contract = deposit.num_vinculacion
    first, last = period.first_day, period.last_day
    hired = hire_date(person, contract) or first
    retired = next((c.fecha_retiro for c in person.contracts if c.num_vinculacion == contract), None)
    worked_from, worked_to = max(first, hired), min(last, retired or last)
    days = _commercial_days(worked_from, worked_to, last) if worked_from <= worked_to else 0
    basic = ZERO
    history = [row for row in person.salaries if row.num_vinculacion == contract]
    for row in history:
        start = max(row.fecha_inicio_sueldo, worked_from)
        end = min(row.fecha_fin_sueldo or last, worked_to)
        if start <= end:
            basic += row.sueldo * _commercial_days(start, end, last) / 30
    if not history and person.active is not None and person.active.num_vinculacion == contract:
        basic = person.active.sueldo * days / 30  # no salary history imported: today's salary
    basic = basic.quantize(Decimal(1), ROUND_HALF_UP) if basic else ZERO
    overtime = bonuses = ZERO
    for n in novelties_of_month(person, period.year, period.month):
        if n.type is NoveltyType.DEVENGO:
            if n.code in OVERTIME_CODES:
                overtime += n.value
            else:
                bonuses += n.value
    return Earnings(
        basico=basic,
        auxilio_transporte=deposit.ingresos - basic - overtime - bonuses,
        horas_extra_y_recargos=overtime,
        bonificaciones=bonuses,
        total=deposit.ingresos,
        dias=days,
    )


def active_rows(people: Iterable[PersonRows]) -> dict[str, ActiveEmployeeRow]:
    """Document → active row, for :func:`profile`'s manager names."""
    return {p.documento: p.active for p in people if p.active is not None}
