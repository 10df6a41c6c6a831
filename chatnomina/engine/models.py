"""Typed engine input (contract, novelties, employer settings, period) and output (payslip)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from chatnomina.engine.calendar import SUNDAY, month_bounds
from chatnomina.engine.rounding import ZERO
from chatnomina.engine.trace import Trace
from chatnomina.errors import InvalidRequest

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


class SalaryType(StrEnum):
    """Salario ordinario or salario integral (CST art. 132)."""

    ORDINARY = "ordinary"
    INTEGRAL = "integral"


class OvertimeKind(StrEnum):
    """What a reported span of hours is: overtime, or ordinary hours at night / on a rest day."""

    EXTRA = "extra"
    ORDINARY_NIGHT = "ordinary_night"
    ORDINARY_REST_DAY = "ordinary_rest_day"


class NoveltyKind(StrEnum):
    """Kinds of payroll novelties (novedades) the engine understands."""

    OVERTIME = "overtime"
    VACATION = "vacation"
    INCAPACITY = "incapacity"
    UNPAID_LEAVE = "unpaid_leave"
    SALARY_BONUS = "salary_bonus"
    COMMISSION = "commission"
    NON_SALARY_BONUS = "non_salary_bonus"
    LIBRANZA = "libranza"
    COOPERATIVE = "cooperative"
    OTHER_DEDUCTION = "other_deduction"


ABSENCE_KINDS = frozenset({NoveltyKind.VACATION, NoveltyKind.INCAPACITY, NoveltyKind.UNPAID_LEAVE})
EARNING_KINDS = frozenset(
    {NoveltyKind.SALARY_BONUS, NoveltyKind.COMMISSION, NoveltyKind.NON_SALARY_BONUS}
)
DEDUCTION_KINDS = frozenset(
    {NoveltyKind.LIBRANZA, NoveltyKind.COOPERATIVE, NoveltyKind.OTHER_DEDUCTION}
)


class ExonerationMeasure(StrEnum):
    """What "devengar menos de 10 SMMLV" (ET art. 114-1) is measured on; practice is unsettled."""

    SALARY_ITEMS = "salary_items"
    TOTAL_EARNED = "total_earned"


class RestDayPay(StrEnum):
    """How ordinary hours on a rest day are paid: base hour + surcharge, or the surcharge only."""

    BASE_PLUS_SURCHARGE = "base_plus_surcharge"
    SURCHARGE_ONLY = "surcharge_only"


class DivisorReading(StrEnum):
    """Ley 2101 reading for the hourly divisor: proportional to the legal week, or a fixed 240."""

    PROPORTIONAL = "proportional"
    FIXED_PRE_2101 = "fixed_240"


@dataclass(frozen=True, slots=True)
class Period:
    """A monthly payroll period."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"YYYY-MM"`` → Period; InvalidRequest (field ``period``) otherwise."""
        match = _PERIOD.match(text) if isinstance(text, str) else None
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise InvalidRequest(
                "El período debe tener la forma AAAA-MM (por ejemplo 2026-03).", field="period"
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> date:
        """First calendar day."""
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """Last calendar day."""
        return month_bounds(self.year, self.month)[1]

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class Contract:
    """The worker's contract and the tax facts they declared to the employer."""

    base_monthly_salary: Decimal
    salary_type: SalaryType = SalaryType.ORDINARY
    arl_class: str = "I"
    hire_date: date | None = None
    termination_date: date | None = None
    rest_weekday: int = SUNDAY  # Monday = 0; Sunday unless agreed in writing otherwise
    agreed_weekly_hours: int | None = None  # a shorter agreed week sets the divisor (Gerencie)
    transport_allowance: bool = True  # False when the employer provides transport
    dependents: bool = False
    prepaid_medicine_monthly: Decimal = ZERO
    housing_interest_monthly: Decimal = ZERO
    voluntary_pension_monthly: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Novelty:
    """A novedad of the period: hours, an absence, an extra earning or a payroll deduction."""

    kind: NoveltyKind
    day: date | None = None
    start: time | None = None
    end: time | None = None  # None with end_day set means midnight; "24:00" is time(0) next day
    end_day: date | None = None
    overtime_kind: OvertimeKind | None = None
    days: int = 0
    first_day: int = 1  # for an incapacity extension (prórroga): its first day's number
    amount: Decimal = ZERO
    description: str = ""

    @classmethod
    def overtime(
        cls, day: date, start: time, end: time, kind: OvertimeKind, end_day: date | None = None
    ) -> Novelty:
        """Hours worked on ``day`` from ``start`` to ``end`` (next day when it crosses midnight)."""
        return cls(
            NoveltyKind.OVERTIME, day=day, start=start, end=end, end_day=end_day, overtime_kind=kind
        )

    @classmethod
    def absence(
        cls, kind: NoveltyKind, days: int, first_day: int = 1, start: date | None = None
    ) -> Novelty:
        """Vacation, incapacity or unpaid leave for ``days`` commercial days of the period."""
        return cls(kind, days=days, first_day=first_day, day=start)

    @classmethod
    def money(cls, kind: NoveltyKind, amount: Decimal, description: str = "") -> Novelty:
        """A bonus, commission, non-salary payment or payroll deduction."""
        return cls(kind, amount=amount, description=description)


@dataclass(frozen=True, slots=True)
class EmployerSettings:
    """Employer choices where law or practice leaves room; defaults follow the golden cases."""

    exonerated: bool = False  # the employer qualifies for ET art. 114-1
    exoneration_measure: ExonerationMeasure = ExonerationMeasure.SALARY_ITEMS
    rest_day_pay: RestDayPay = RestDayPay.BASE_PLUS_SURCHARGE
    hourly_divisor: DivisorReading = DivisorReading.PROPORTIONAL
    ley_2101_step_day: int | None = None  # day of July of each step; None: the parameter (15)
    incapacity_first_days_full_pay: bool = True  # employer pays incapacity days 1–2 at 100 %
    round_withholding: bool = True  # R7: retención to the nearest 1,000 (else to the peso)


DEFAULT_EMPLOYER = EmployerSettings()


@dataclass(frozen=True, slots=True)
class EngineInput:
    """Everything the engine needs for one worker and one period."""

    period: Period
    contract: Contract
    novelties: tuple[Novelty, ...] = ()
    employer: EmployerSettings = DEFAULT_EMPLOYER
    days_in_period: int | None = None  # commercial days on payroll; None: from hire/termination


# Output types are plain slotted dataclasses (treat them as read-only): frozen ones cost about
# three times more to build, and a payslip builds some thirty of them.
@dataclass(slots=True)
class PayslipLine:
    """One explained line: earning, deduction, employer contribution, provision or base."""

    code: str
    label: str
    category: str  # devengo | deduccion | aporte_empleador | provision | base
    amount: Decimal
    trace: Trace
    day: date | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON view: amount as a decimal string, the trace with its parameters."""
        out: dict[str, Any] = {
            "code": self.code,
            "label": self.label,
            "category": self.category,
            "amount": str(self.amount),
            "trace": self.trace.as_dict(),
        }
        if self.day is not None:
            out["date"] = self.day.isoformat()
        return out


@dataclass(slots=True)
class DayCount:
    """Commercial days (R8) of the period by what the worker did."""

    contract: int
    worked: int
    vacation: int
    incapacity: int
    unpaid_leave: int

    @property
    def contribution(self) -> int:
        """Days reported to the PILA: every contract day except unpaid leave."""
        return self.contract - self.unpaid_leave

    @property
    def service(self) -> int:
        """Days that earn prestaciones: worked, on vacation or on sick leave."""
        return self.worked + self.vacation + self.incapacity


@dataclass(slots=True)
class OvertimeLine:
    """Hours of one type on one date, priced with that date's rules."""

    day: date
    code: str
    minutes: int
    divisor: int
    hourly_value: Decimal
    factor: Decimal
    amount: Decimal


@dataclass(slots=True)
class WithholdingDetail:
    """Retención en la fuente, procedimiento 1 (ET arts. 383, 387, 388), unrounded where exact."""

    gross_labour_income: Decimal
    incrngo: Decimal
    subtotal1: Decimal
    dependents: Decimal
    prepaid_medicine: Decimal
    housing_interest: Decimal
    voluntary_pension_exempt: Decimal
    labour_exempt_25: Decimal
    benefits_before_cap: Decimal
    cap_40pct: Decimal
    cap_uvt_month: Decimal
    benefits_allowed: Decimal
    base: Decimal
    base_uvt: Decimal
    tax_uvt: Decimal
    tax: Decimal
    tax_peso: Decimal
    withholding: Decimal


@dataclass(slots=True)
class EmployerContributions:
    """Aportes a cargo del empleador, R4."""

    health: Decimal
    pension: Decimal
    arl: Decimal
    caja: Decimal
    icbf: Decimal
    sena: Decimal
    exonerated: bool


@dataclass(slots=True)
class PilaView:
    """Totals per subsystem as the PILA rounds them (R5)."""

    ibc: Decimal
    ibc_parafiscal: Decimal
    ibc_arl: Decimal
    days: int
    health_total: Decimal
    pension_total: Decimal
    fsp_total: Decimal
    arl: Decimal
    caja: Decimal
    icbf: Decimal
    sena: Decimal
    employer_health_payable: Decimal
    employer_pension_payable: Decimal


@dataclass(slots=True)
class Provisions:
    """Monthly provisions for prestaciones sociales (R6)."""

    prima: Decimal
    cesantias: Decimal
    cesantias_interest: Decimal
    vacation: Decimal


@dataclass(slots=True)
class Payslip:
    """The computed payslip: totals, structured details and every explained line."""

    period: Period
    days: DayCount
    salary: Decimal
    transport_allowance: Decimal
    overtime: tuple[OvertimeLine, ...]
    total_earned: Decimal
    ibc: Decimal
    fsp_rate: Decimal
    health: Decimal
    pension: Decimal
    fsp: Decimal
    withholding: WithholdingDetail
    total_deductions: Decimal
    net_pay: Decimal
    employer: EmployerContributions
    pila: PilaView
    provisions: Provisions
    lines: tuple[PayslipLine, ...] = field(default=())

    def by_category(self, category: str) -> tuple[PayslipLine, ...]:
        """Lines of one category, in payslip order."""
        return tuple(line for line in self.lines if line.category == category)

    def line(self, code: str) -> PayslipLine | None:
        """The first line with ``code``, or None."""
        for line in self.lines:
            if line.code == code:
                return line
        return None

    def explain(self) -> str:
        """The whole payslip as Spanish text, one line per payslip line."""
        return "\n".join(f"{line.label}: {line.trace.text()}" for line in self.lines)
