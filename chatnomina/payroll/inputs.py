"""HR export rows of one person → the engine input of one monthly payroll period. Pure.

A payroll run maps every person with a contract in the period (:func:`people_in_period`)
through a :class:`PeriodMapper` built once for the period, then hands each
:class:`~chatnomina.engine.EngineInput` to ``compute_payslip``. Missing or contradictory rows
raise :class:`EmployeeInputError` (Spanish message, the person's document, a stable
``reason``); nothing here reads a clock, the environment or the database.

Conventions (each one a reading of the exports, see ``docs/hr-exports.md``):

* **Contract.** The contracts of ``VINCULACION_HM`` (and the ``ACTIVOS_HM`` one when the
  contract file lacks it) whose ``FechaIngreso`` … ``FechaRetiro`` overlaps the month. Hire and
  termination dates go to the engine, which counts the commercial days (R8). Two contracts in
  one month are liquidated separately (``num_vinculacion=``), never summed.
* **Salary.** The ``HISTORICO_SUELDO_HM`` rows of that contract covering the contract's days in
  the month (the ``ACTIVOS_HM`` ``Sueldo`` only when the contract has no history at all). A
  change inside the month is **split by days**: the engine receives the day-weighted monthly
  salary (to the cent), so the salary line is Σ salary × days / 30; vacation and sick pay and
  the auxilio cut-off use the same average. A day without a salary, or with two, is an error.
* **Integral.** ``REGIMEN_SALARIAL`` of the period's withholding row; else ``Esquema`` of
  ``ACTIVOS_HM`` (same contract); else the latest earlier withholding row; else ordinary. An
  integral salary below 13 SMMLV of the period is an error (CST art. 132).
* **Novelties.** Recurring concepts (LIB, MEDPRE, AVP, AFC, COOP) apply in every month of
  their range, one-off ones (HED, HEN, RN and the other surcharges, BON) in the month of
  ``FechaInicio``, whatever their ``Estado`` (``LIQUIDADA`` rows are those of a payroll already
  paid, which a re-run must reproduce). ``Valor`` is the monthly amount.

  - Overtime and surcharges (HED, HEN, RN, HEDDF, ...) are passed as **the peso amounts the
    HR system valued**, as salary earnings (``salary_bonus``: in the IBC, parafiscales,
    prestaciones and the exoneration measure, exactly as the engine treats its own hour
    lines), described with the hours read from ``Observacion`` ("8 HORAS EXTRA DIURNAS").
    The exports give hours and pesos but no dates or clock times, so re-pricing them would
    mean inventing spans (a Sunday or a night crossing would change the code).
  - BON is a ``non_salary_bonus`` (bonificación por mera liberalidad, CST art. 128): the sample
    payrolls keep it out of the IBC (``Total_Sal``) but tax it (``Bonos Gravados``).
  - LIB → ``libranza``; COOP → ``cooperative``; MEDPRE → ``other_deduction`` (and the
    prepaid-medicine tax deduction); AVP and AFC → ``voluntary_pension_monthly`` (deducted
    and exempt, ET arts. 126-1 and 126-4 share one cap; the engine's line says "pensión o AFC").
  - Any other code that applies in the month is an error: its tax and base treatment is
    unknown. A code whose ``TipoNovedad`` contradicts it, or a negative ``Valor``, too.
* **Absences** (``AUSENTISMO_HM``), by the commercial days of the month they cover (calendar
  overlap, a 30-day month where the 31st adds nothing and the end of February counts to 30):
  VAC → vacation days (``DIAS``, the working days, is the entitlement count, not payroll days);
  INC of common origin → incapacity, numbered from its first day, continuing through an
  incapacity that ends the day before (prórroga); LIC → unpaid leave unless the subtype is a
  paid one (luto, calamidad doméstica, remunerada); PER (permisos) are paid and change
  nothing unless marked as not paid. Work-related incapacity (AT/EL), maternity or paternity
  leave and vacations paid in money are errors: the engine does not liquidate them yet.
  Overlapping absences, or absences outside the contract, are errors.
* **Withholding facts** (``VALIDADOR_RETENCION``, the row of the period, else the latest
  earlier one): dependents when ``Dep`` > 0; housing interest from ``Vivienda``; prepaid
  medicine from the month's MEDPRE novelties, else ``Medicina Prepagada``.
* **Employer facts** (:class:`PayrollSettings`): ARL class (default and per document), the
  worker's rest weekday, the engine's :class:`~chatnomina.engine.EmployerSettings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from chatnomina.engine import (
    Contract,
    EmployerSettings,
    EngineInput,
    Novelty,
    NoveltyKind,
    Parameters,
    Period,
    SalaryType,
    default_parameters,
)
from chatnomina.errors import InvalidRequest, ParameterNotFound
from chatnomina.hr.facts import NOVELTY_DESCRIPTIONS, OVERTIME_CODES, PersonRows, is_recurring
from chatnomina.hr.rows import AbsenceRow, AbsenceType, NoveltyRow, NoveltyType, WithholdingRow
from chatnomina.hr.values import fold

ZERO = Decimal(0)
_CENT = Decimal("0.01")
_ONE_DAY = timedelta(days=1)
_SUNDAY = 6
_ARL_CLASSES = ("I", "II", "III", "IV", "V")
_INTEGRAL = "INTEGRAL"


class EmployeeInputError(InvalidRequest):
    """One person's rows cannot become an engine input: missing or contradictory data.

    ``document`` is the person's cédula, ``reason`` a stable machine code (``no_contract``,
    ``no_salary``, ``unknown_concept``...), the message a Spanish sentence naming the file row
    when the rows came from files.
    """

    def __init__(
        self,
        document: str,
        message: str,
        *,
        reason: str,
        num_vinculacion: int | None = None,
        source: str | None = None,
    ):
        details: dict[str, object] = {"document": document, "reason": reason}
        if num_vinculacion is not None:
            details["num_vinculacion"] = num_vinculacion
        if source is not None:
            details["source"] = source
        super().__init__(message, details=details)
        self.document = document
        self.reason = reason
        self.num_vinculacion = num_vinculacion


@dataclass(frozen=True)
class PayrollSettings:
    """What the employer knows that the exports do not say."""

    employer: EmployerSettings = field(default_factory=EmployerSettings)  # exoneration etc.
    arl_class: str = "I"  # risk class of everyone without an override
    arl_by_document: Mapping[str, str] = field(default_factory=dict)  # cédula → class
    rest_weekday: int = _SUNDAY  # 0 = Monday … 6 = Sunday (agreed rest day, CST art. 173)

    def __post_init__(self) -> None:
        for document, risk in (("", self.arl_class), *self.arl_by_document.items()):
            if risk not in _ARL_CLASSES:
                where = f" (documento {document})" if document else ""
                raise InvalidRequest(
                    f"Clase de riesgo ARL desconocida «{risk}»{where}; use I, II, III, IV o V.",
                    field="arl_class",
                )
        if self.rest_weekday not in range(7):
            raise InvalidRequest(
                "El día de descanso debe estar entre 0 (lunes) y 6 (domingo).",
                field="rest_weekday",
            )

    def arl_for(self, document: str) -> str:
        """The ARL risk class of ``document``."""
        return self.arl_by_document.get(document, self.arl_class)


DEFAULT_SETTINGS = PayrollSettings()


@dataclass(frozen=True, slots=True)
class ContractSpan:
    """A contract (vinculación) with days in the period."""

    num_vinculacion: int
    hire_date: date
    termination_date: date | None


# -- concepts ----------------------------------------------------------------------------------

_EARNING, _DEDUCTION, _VOLUNTARY, _PREPAID = "earning", "deduction", "voluntary", "prepaid"


@dataclass(frozen=True, slots=True)
class _Concept:
    type: NoveltyType
    recurring: bool
    role: str
    kind: NoveltyKind | None
    label: str


_CONCEPTS: dict[str, _Concept] = {
    **{
        code: _Concept(
            NoveltyType.DEVENGO, False, _EARNING, NoveltyKind.SALARY_BONUS,
            NOVELTY_DESCRIPTIONS[code].capitalize(),
        )
        for code in OVERTIME_CODES
    },
    "BON": _Concept(
        NoveltyType.DEVENGO, False, _EARNING, NoveltyKind.NON_SALARY_BONUS, "Bonificación"
    ),
    "LIB": _Concept(NoveltyType.DEDUCCION, True, _DEDUCTION, NoveltyKind.LIBRANZA, "Libranza"),
    "COOP": _Concept(
        NoveltyType.DEDUCCION, True, _DEDUCTION, NoveltyKind.COOPERATIVE, "Cooperativa"
    ),
    "MEDPRE": _Concept(
        NoveltyType.DEDUCCION, True, _PREPAID, NoveltyKind.OTHER_DEDUCTION, "Medicina prepagada"
    ),
    "AVP": _Concept(NoveltyType.DEDUCCION, True, _VOLUNTARY, None, "Aporte voluntario a pensión"),
    "AFC": _Concept(NoveltyType.DEDUCCION, True, _VOLUNTARY, None, "Ahorro AFC"),
}
KNOWN_CONCEPTS = frozenset(_CONCEPTS)

# Absence subtypes by code, then by words of their name (folded). Effects: a NoveltyKind, None
# (paid, nothing to liquidate) or a Spanish reason why the engine cannot liquidate it.
_PAID = None
_UNSUPPORTED_WORK = (
    "es de origen laboral: la ARL la paga al 100 % y el motor solo liquida la incapacidad "
    "de origen común"
)
_UNSUPPORTED_BIRTH = (
    "es una licencia de maternidad o paternidad, que el motor todavía no liquida"
)
_UNSUPPORTED_MONEY = (
    "son vacaciones compensadas en dinero, que el motor todavía no liquida"
)
_INCAPACITY_CODES: dict[str, NoveltyKind | str] = {
    "EG": NoveltyKind.INCAPACITY,
    "ENF": NoveltyKind.INCAPACITY,
    "AT": _UNSUPPORTED_WORK,
    "EL": _UNSUPPORTED_WORK,
    "LMA": _UNSUPPORTED_BIRTH,
    "LPA": _UNSUPPORTED_BIRTH,
}
_LEAVE_CODES: dict[str, NoveltyKind | str | None] = {
    "LNR": NoveltyKind.UNPAID_LEAVE,
    "LNREM": NoveltyKind.UNPAID_LEAVE,
    "LLUT": _PAID,  # licencia de luto, Ley 1280 de 2009
    "LCAL": _PAID,  # calamidad doméstica, CST art. 57-6
    "LREM": _PAID,
    "LMA": _UNSUPPORTED_BIRTH,
    "LPA": _UNSUPPORTED_BIRTH,
}


def _by_words(name: str) -> NoveltyKind | str | None | bool:
    """An absence subtype's effect read from its name; False when the name says nothing."""
    words = fold(name)
    if "MATERNIDAD" in words or "PATERNIDAD" in words:
        return _UNSUPPORTED_BIRTH
    if "NO REMUNERAD" in words:
        return NoveltyKind.UNPAID_LEAVE
    if "LABORAL" in words or "ACCIDENTE DE TRABAJO" in words:
        return _UNSUPPORTED_WORK
    if "ENFERMEDAD GENERAL" in words or "COMUN" in words:
        return NoveltyKind.INCAPACITY
    if "REMUNERAD" in words or "LUTO" in words or "CALAMIDAD" in words:
        return _PAID
    return False


# -- the mapper --------------------------------------------------------------------------------


class PeriodMapper:
    """Maps people's rows to engine inputs for one period; build it once per payroll run."""

    __slots__ = ("_month", "_next_month", "first", "integral_minimum", "last", "period", "settings")

    def __init__(
        self,
        period: Period,
        settings: PayrollSettings = DEFAULT_SETTINGS,
        params: Parameters | None = None,
    ):
        params = params or default_parameters()
        self.period = period
        self.settings = settings
        self.first, self.last = period.start, period.end
        following = self.last + _ONE_DAY
        self._month = (period.year, period.month)
        self._next_month = (following.year, following.month)
        # ParameterNotFound (field "period") when the period has no legal values: the whole
        # run is impossible, so it is not an employee's error.
        try:
            smmlv = params.get("smmlv", self.first).value
            self.integral_minimum = smmlv * params.get("integral_min_smmlv", self.first).value
        except ParameterNotFound as exc:
            raise ParameterNotFound(exc.message, field="period", details=exc.details) from None

    # contracts ---------------------------------------------------------------------------------

    def contracts(self, person: PersonRows) -> list[ContractSpan]:
        """The person's contracts with at least one day in the period, by hire date."""
        first, last = self.first, self.last
        found: list[ContractSpan] = []
        for row in person.contracts:
            if row.fecha_ingreso <= last and (row.fecha_retiro is None or row.fecha_retiro >= first):
                found.append(ContractSpan(row.num_vinculacion, row.fecha_ingreso, row.fecha_retiro))
        active = person.active
        if (
            active is not None
            and active.fecha_ingreso <= last
            and all(row.num_vinculacion != active.num_vinculacion for row in person.contracts)
        ):
            found.append(ContractSpan(active.num_vinculacion, active.fecha_ingreso, None))
        if len(found) > 1:
            found.sort(key=lambda c: (c.hire_date, c.num_vinculacion))
        return found

    def _contract(self, person: PersonRows, num_vinculacion: int | None) -> ContractSpan:
        spans = self.contracts(person)
        document = person.documento
        if num_vinculacion is not None:
            for span in spans:
                if span.num_vinculacion == num_vinculacion:
                    return span
            raise EmployeeInputError(
                document,
                f"El contrato {num_vinculacion} no está vigente en {self.period}.",
                reason="no_contract",
                num_vinculacion=num_vinculacion,
            )
        if len(spans) == 1:
            return spans[0]
        if not spans:
            raise EmployeeInputError(
                document, f"No tiene un contrato vigente en {self.period}.", reason="no_contract"
            )
        listed = ", ".join(
            f"{s.num_vinculacion} (desde {_d(s.hire_date)}"
            + (f" hasta {_d(s.termination_date)})" if s.termination_date else ")")
            for s in spans
        )
        for earlier, later in pairwise(spans):
            if earlier.termination_date is None or earlier.termination_date >= later.hire_date:
                raise EmployeeInputError(
                    document,
                    f"Tiene contratos simultáneos en {self.period}: {listed}. Cierre el anterior "
                    "(FechaRetiro) o corrija las fechas.",
                    reason="overlapping_contracts",
                )
        raise EmployeeInputError(
            document,
            f"Tiene {len(spans)} contratos en {self.period}: {listed}. Cada contrato se "
            "liquida por separado, indicando su número de vinculación.",
            reason="several_contracts",
        )

    # the input ---------------------------------------------------------------------------------

    def engine_input(self, person: PersonRows, num_vinculacion: int | None = None) -> EngineInput:
        """The engine input of ``person``'s contract in the period (the only one, or the given one)."""
        return self.contract_input(person, self._contract(person, num_vinculacion))

    def contract_input(self, person: PersonRows, span: ContractSpan) -> EngineInput:
        """The engine input of one of ``person``'s contracts (from :meth:`contracts`)."""
        num = span.num_vinculacion
        document = person.documento
        if span.termination_date is not None and span.termination_date < span.hire_date:
            raise EmployeeInputError(
                document,
                f"El contrato {num} tiene fecha de retiro ({_d(span.termination_date)}) anterior "
                f"a la de ingreso ({_d(span.hire_date)}).",
                reason="contradictory_contract",
                num_vinculacion=num,
            )
        start = max(self.first, span.hire_date)
        end = self.last
        if span.termination_date is not None and span.termination_date < end:
            end = span.termination_date

        salary = self._salary(person, num, start, end)
        exact, withholding = self._withholding_rows(person)
        integral = self._integral(person, num, exact, withholding)
        if integral and salary < self.integral_minimum:
            raise EmployeeInputError(
                document,
                f"El salario integral de {_pesos(salary)} es inferior al mínimo legal de 13 SMMLV "
                f"({_pesos(self.integral_minimum)}) en {self.period} (CST art. 132).",
                reason="integral_below_minimum",
                num_vinculacion=num,
            )
        novelties, voluntary, prepaid = self._novelties(person, num)
        novelties += self._absences(person, num, start, end)
        dependents, housing = False, ZERO
        if withholding is not None:
            dependents = withholding.dependientes > 0
            housing = withholding.vivienda
            if not prepaid:
                prepaid = withholding.medicina_prepagada
        contract = Contract(
            base_monthly_salary=salary,
            salary_type=SalaryType.INTEGRAL if integral else SalaryType.ORDINARY,
            arl_class=self.settings.arl_for(document),
            hire_date=span.hire_date,
            termination_date=span.termination_date,
            rest_weekday=self.settings.rest_weekday,
            dependents=dependents,
            prepaid_medicine_monthly=prepaid,
            housing_interest_monthly=housing,
            voluntary_pension_monthly=voluntary,
        )
        return EngineInput(self.period, contract, tuple(novelties), self.settings.employer)

    # salary ------------------------------------------------------------------------------------

    def _salary(self, person: PersonRows, num: int, start: date, end: date) -> Decimal:
        rows = []
        history = False
        for row in person.salaries:
            if row.num_vinculacion != num:
                continue
            history = True
            if row.fecha_inicio_sueldo <= end and (
                row.fecha_fin_sueldo is None or row.fecha_fin_sueldo >= start
            ):
                rows.append(row)
        if len(rows) == 1:
            row = rows[0]
            if row.fecha_inicio_sueldo <= start and (
                row.fecha_fin_sueldo is None or row.fecha_fin_sueldo >= end
            ):
                return row.sueldo
        if not history:
            active = person.active
            if active is not None and active.num_vinculacion == num and active.sueldo > 0:
                return active.sueldo
        rows.sort(key=lambda r: r.fecha_inicio_sueldo)
        cursor = start
        weighted = ZERO
        days = 0
        for row in rows:
            low = max(start, row.fecha_inicio_sueldo)
            high = row.fecha_fin_sueldo if row.fecha_fin_sueldo and row.fecha_fin_sueldo < end else end
            if low > cursor:
                break  # a gap before this row
            if low < cursor:
                raise EmployeeInputError(
                    person.documento,
                    f"El contrato {num} tiene dos salarios vigentes el {_d(low)} "
                    f"({_where(row, 'HISTORICO_SUELDO_HM')}); corrija las fechas del histórico.",
                    reason="overlapping_salaries",
                    num_vinculacion=num,
                    source=_source(row, "HISTORICO_SUELDO_HM"),
                )
            span_days = self._days(low, high)
            weighted += row.sueldo * span_days
            days += span_days
            cursor = high + _ONE_DAY
        if cursor <= end:
            raise EmployeeInputError(
                person.documento,
                f"No hay salario vigente para el contrato {num} el {_d(cursor)} "
                "(HISTORICO_SUELDO_HM).",
                reason="no_salary",
                num_vinculacion=num,
            )
        if days == 0:  # only the 31st, which adds no commercial day
            return rows[-1].sueldo
        return (weighted / days).quantize(_CENT)

    @staticmethod
    def _integral(
        person: PersonRows, num: int, exact: WithholdingRow | None, latest: WithholdingRow | None
    ) -> bool:
        if exact is not None:
            return (exact.regimen_salarial or "").upper() == _INTEGRAL
        active = person.active
        if active is not None and active.num_vinculacion == num and active.esquema:
            return active.esquema.upper() == _INTEGRAL
        return latest is not None and (latest.regimen_salarial or "").upper() == _INTEGRAL

    def _withholding_rows(
        self, person: PersonRows
    ) -> tuple[WithholdingRow | None, WithholdingRow | None]:
        """The period's withholding computation (or None) and the latest one up to the period."""
        # CODNOMINA is a PayrollPeriod (year, month, frequency): a payroll of this month sorts
        # at or after (year, month) and before the next month's (year, month).
        upper = self._next_month
        best: WithholdingRow | None = None
        for row in person.withholdings:
            code = row.cod_nomina
            if code >= upper:
                continue
            if (
                best is None
                or code > best.cod_nomina
                or (code == best.cod_nomina and row.proced > best.proced)
            ):
                best = row
        exact = best if best is not None and best.cod_nomina >= self._month else None
        return exact, best

    # novelties ---------------------------------------------------------------------------------

    def _novelties(self, person: PersonRows, num: int) -> tuple[list[Novelty], Decimal, Decimal]:
        """Money novelties of the month, the voluntary contributions and the prepaid medicine."""
        first, last = self.first, self.last
        novelties: list[Novelty] = []
        voluntary = prepaid = ZERO
        for row in person.novelties:
            if row.num_vinculacion != num:
                continue
            concept = _CONCEPTS.get(row.cod_concepto)
            recurring = concept.recurring if concept is not None else is_recurring(row)
            if recurring:
                if row.fecha_inicio > last or (row.fecha_fin is not None and row.fecha_fin < first):
                    continue
            elif not first <= row.fecha_inicio <= last:
                continue
            if concept is None:
                raise self._novelty_error(
                    person, row,
                    f"concepto de novedad desconocido «{row.cod_concepto}»: no se sabe cómo "
                    "liquidarlo (devengo o deducción, salarial o no, efecto tributario)",
                    "unknown_concept",
                )
            if row.tipo_novedad is not concept.type:
                expected = "devengo" if concept.type is NoveltyType.DEVENGO else "deducción"
                raise self._novelty_error(
                    person, row,
                    f"el concepto {row.cod_concepto} es un {expected} pero TipoNovedad dice "
                    f"{row.tipo_novedad.value}",
                    "contradictory_novelty",
                )
            value = row.valor
            if value < 0:
                raise self._novelty_error(
                    person, row, f"el valor {_pesos(value)} es negativo", "negative_value"
                )
            if not value:
                continue
            role = concept.role
            if role == _VOLUNTARY:
                voluntary += value
                continue
            if role == _PREPAID:
                prepaid += value
            assert concept.kind is not None
            novelties.append(Novelty.money(concept.kind, value, _description(row, concept)))
        return novelties, voluntary, prepaid

    def _novelty_error(
        self, person: PersonRows, row: NoveltyRow, what: str, reason: str
    ) -> EmployeeInputError:
        return EmployeeInputError(
            person.documento,
            f"Novedad {row.cod_concepto} del {_d(row.fecha_inicio)} "
            f"({_where(row, 'NOVEDADES_HM')}): {what}.",
            reason=reason,
            num_vinculacion=row.num_vinculacion,
            source=_source(row, "NOVEDADES_HM"),
        )

    # absences ----------------------------------------------------------------------------------

    def _absences(self, person: PersonRows, num: int, start: date, end: date) -> list[Novelty]:
        """Vacation, incapacity and unpaid-leave days of the contract's days in the period."""
        first, last = self.first, self.last
        found: list[tuple[date, date, AbsenceRow, NoveltyKind]] = []
        for row in person.absences:
            if row.num_vinculacion != num or row.fecha_fin < first or row.fecha_inicio > last:
                continue
            if row.fecha_fin < row.fecha_inicio:
                raise self._absence_error(
                    person, row, "termina antes de empezar", "contradictory_absence"
                )
            kind = self._absence_kind(person, row)
            if kind is None:
                continue
            low = max(first, row.fecha_inicio)
            high = min(last, row.fecha_fin)
            if low < start or high > end:
                raise self._absence_error(
                    person, row,
                    f"cae fuera de los días del contrato en el período ({_d(start)} a {_d(end)})",
                    "absence_outside_contract",
                )
            found.append((low, high, row, kind))
        if not found:
            return []
        found.sort(key=lambda item: item[0])
        novelties = []
        previous: tuple[date, date, AbsenceRow, NoveltyKind] | None = None
        for low, high, row, kind in found:
            if previous is not None and low <= previous[1]:
                other = previous[2]
                types = {row.cod_ausencia_tipo, other.cod_ausencia_tipo}
                hint = (
                    "; una incapacidad interrumpe las vacaciones: divida la ausencia VAC en el "
                    "sistema de recursos humanos"
                    if types == {AbsenceType.VAC, AbsenceType.INC}
                    else ""
                )
                raise self._absence_error(
                    person, row,
                    f"se superpone con {other.cod_ausencia_tipo.value} del "
                    f"{_d(other.fecha_inicio)} al {_d(other.fecha_fin)} "
                    f"({_where(other, 'AUSENTISMO_HM')}){hint}",
                    "overlapping_absences",
                )
            previous = (low, high, row, kind)
            days = self._days(low, high)
            if not days:
                continue
            first_day = 1
            if kind is NoveltyKind.INCAPACITY:
                first_day = (low - _incapacity_start(person, row)).days + 1
            novelties.append(Novelty.absence(kind, days, first_day, start=low))
        return novelties

    def _absence_kind(self, person: PersonRows, row: AbsenceRow) -> NoveltyKind | None:
        """What the absence does to the payroll; raises when the engine cannot liquidate it."""
        subtype = (row.cod_ausencia_subtipo or "").upper()
        name = row.ausencia_subtipo or ""
        kind = row.cod_ausencia_tipo
        effect: NoveltyKind | str | None | bool
        if kind is AbsenceType.VAC:
            if fold(row.tipo_disfrute or "") == "DINERO" or "DINERO" in fold(name):
                effect = _UNSUPPORTED_MONEY
            else:
                effect = NoveltyKind.VACATION
        elif kind is AbsenceType.INC:
            effect = _INCAPACITY_CODES.get(subtype, False)
            if effect is False:
                effect = _by_words(name) if name else NoveltyKind.INCAPACITY
            if effect is _PAID or effect is NoveltyKind.UNPAID_LEAVE:
                effect = False  # "remunerada" says nothing about an incapacity's origin
        elif kind is AbsenceType.LIC:
            effect = _LEAVE_CODES.get(subtype, False)
            if effect is False:
                effect = _by_words(name) if name else NoveltyKind.UNPAID_LEAVE
            if effect is NoveltyKind.INCAPACITY:
                effect = False
        else:  # PER: permisos are paid (CST art. 57-6) unless the export says otherwise
            effect = NoveltyKind.UNPAID_LEAVE if "NO REMUNERAD" in fold(name) else _PAID
        if effect is False:
            raise self._absence_error(
                person, row,
                f"subtipo desconocido «{row.cod_ausencia_subtipo or ''} {name}»: no se sabe si "
                "es remunerado",
                "unknown_absence_subtype",
            )
        if effect is None or isinstance(effect, NoveltyKind):
            return effect
        assert isinstance(effect, str)
        raise self._absence_error(person, row, effect, "unsupported_absence")

    def _absence_error(
        self, person: PersonRows, row: AbsenceRow, what: str, reason: str
    ) -> EmployeeInputError:
        return EmployeeInputError(
            person.documento,
            f"La ausencia {row.cod_ausencia_tipo.value} del {_d(row.fecha_inicio)} al "
            f"{_d(row.fecha_fin)} ({_where(row, 'AUSENTISMO_HM')}) {what}.",
            reason=reason,
            num_vinculacion=row.num_vinculacion,
            source=_source(row, "AUSENTISMO_HM"),
        )

    # days --------------------------------------------------------------------------------------

    def _days(self, low: date, high: date) -> int:
        """Commercial days (R8) from ``low`` to ``high``, both in the period, counted cumulatively.

        Day ``d`` ends at position min(d, 30), the month's last day at 30, so consecutive spans
        always add up to the month's 30 days (the 31st adds none; 28 February closes the month).
        """
        end = 30 if high.day >= 30 or high == self.last else high.day
        before = min(low.day - 1, 30)
        return max(0, end - before)


# -- module-level API --------------------------------------------------------------------------


def engine_input(
    person: PersonRows,
    period: Period,
    settings: PayrollSettings = DEFAULT_SETTINGS,
    *,
    num_vinculacion: int | None = None,
    params: Parameters | None = None,
) -> EngineInput:
    """The engine input of ``person`` for ``period`` (one call; runs should reuse a PeriodMapper)."""
    return PeriodMapper(period, settings, params).engine_input(person, num_vinculacion)


def people_in_period(people: Iterable[PersonRows], period: Period) -> list[PersonRows]:
    """The people with at least one contract with days in ``period``, in the given order."""
    first, last = period.start, period.end
    chosen = []
    for person in people:
        rows = person.contracts
        if any(
            row.fecha_ingreso <= last and (row.fecha_retiro is None or row.fecha_retiro >= first)
            for row in rows
        ):
            chosen.append(person)
            continue
        active = person.active
        if (
            active is not None
            and active.fecha_ingreso <= last
            and all(row.num_vinculacion != active.num_vinculacion for row in rows)
        ):
            chosen.append(person)
    return chosen


def period_inputs(
    people: Iterable[PersonRows],
    period: Period,
    settings: PayrollSettings = DEFAULT_SETTINGS,
    params: Parameters | None = None,
) -> Iterator[tuple[str, int | None, EngineInput | EmployeeInputError]]:
    """``(document, contract, input or error)`` for every contract with days in ``period``."""
    mapper = PeriodMapper(period, settings, params)
    for person in people:
        for span in mapper.contracts(person):
            try:
                yield person.documento, span.num_vinculacion, mapper.contract_input(person, span)
            except EmployeeInputError as exc:
                yield person.documento, span.num_vinculacion, exc


# -- helpers -----------------------------------------------------------------------------------


def _incapacity_start(person: PersonRows, row: AbsenceRow) -> date:
    """First day of the incapacity ``row`` continues (prórroga: one ending the day before)."""
    ends = {
        r.fecha_fin: r
        for r in person.absences
        if r.num_vinculacion == row.num_vinculacion and r.cod_ausencia_tipo is AbsenceType.INC
    }
    start = row.fecha_inicio
    for _ in range(len(ends)):
        previous = ends.get(start - _ONE_DAY)
        if previous is None or previous.fecha_inicio >= start:
            break
        start = previous.fecha_inicio
    return start


def _description(row: NoveltyRow, concept: _Concept) -> str:
    """The payslip text of a money novelty: its concept, hours for overtime, the export's note."""
    note = (row.observacion or "").strip()
    if row.cod_concepto in OVERTIME_CODES:
        head = note.split(maxsplit=1)[0] if note else ""
        hours = f"{head} h, " if head.isdecimal() else ""
        return f"{concept.label} ({hours}{row.cod_concepto}, valoradas por el sistema de RR. HH.)"
    if not note:
        return concept.label
    return note if fold(note).startswith(fold(concept.label)) else f"{concept.label}: {note}"


def _d(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _pesos(amount: Decimal) -> str:
    return "$" + f"{amount:,.0f}".replace(",", ".")


def _where(row: object, file: str) -> str:
    line = getattr(row, "line", 0)
    return f"{file}, línea {line}" if line else file


def _source(row: object, file: str) -> str:
    line = getattr(row, "line", 0)
    return f"{file}.TXT:{line}" if line else f"{file}.TXT"
