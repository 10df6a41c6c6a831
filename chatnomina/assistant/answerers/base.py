"""What every answerer receives and returns, and the small helpers they share. Pure.

An answerer is a function ``(Ask) -> Answer``. ``Ask`` carries one question (or one part of
a compound question) as the NLU read it, the date it was asked, the knowledge base and, for
the intents about the employee's own records, the employee's rows loaded once for the whole
message. Nothing here awaits, reads a clock or touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from chatnomina.assistant.answerers.computed import ComputedPayslip
from chatnomina.assistant.formatting import format_cop, format_date, format_month
from chatnomina.assistant.knowledge import KnowledgeBase, Passage
from chatnomina.assistant.nlu import Entities, Period
from chatnomina.assistant.nlu.text import normalize
from chatnomina.engine import ParamValue
from chatnomina.hr import facts
from chatnomina.hr.facts import PersonRows
from chatnomina.hr.rows import FileKind
from chatnomina.hr.values import PayrollPeriod

ZERO = Decimal(0)
HR_CONTACT = "Gestión Humana"


@dataclass(frozen=True)
class VacationRequests:
    """Vacation requests made in ChatNomina that the HR exports do not reflect yet."""

    approved_not_imported: Decimal = ZERO
    pending: Decimal = ZERO


@dataclass(frozen=True)
class Employee:
    """The asking employee's own records: their export rows and what ChatNomina adds."""

    person: PersonRows
    requests: VacationRequests = field(default_factory=VacationRequests)
    #: payslips computed by payroll runs, by payroll (``source="payroll_run"``); empty until runs exist
    payslips: Mapping[PayrollPeriod, ComputedPayslip] = field(default_factory=dict)

    @cached_property
    def last_payroll(self) -> PayrollPeriod | None:
        """The latest payroll with a deposit or a withholding row (the data's "now")."""
        periods = [r.cod_nomina for r in self.person.deposits]
        periods += [w.cod_nomina for w in self.person.withholdings]
        return max(periods) if periods else None

    @cached_property
    def profile(self) -> facts.Profile | None:
        """Position, EPS, AFP, manager... (None when the person is not active)."""
        return facts.profile(self.person)

    def payroll_periods(self, year: int, month: int) -> list[PayrollPeriod]:
        """The payrolls of a month (usually one, ``AAAAMMM``), from deposits and withholding."""
        found = {r.cod_nomina for r in self.person.deposits if (r.cod_nomina.year, r.cod_nomina.month) == (year, month)}
        found |= {w.cod_nomina for w in self.person.withholdings
                  if (w.cod_nomina.year, w.cod_nomina.month) == (year, month)}
        return sorted(found)


@dataclass(frozen=True)
class Ask:
    """One question to answer."""

    text: str
    intent: str
    entities: Entities
    today: date
    knowledge: KnowledgeBase
    employee: Employee | None = None

    @cached_property
    def words(self) -> str:
        """The question folded and normalised (no accents, lower case, chat spellings fixed)."""
        return f" {normalize(self.text, numbers=False)} "

    def mentions(self, pattern: str) -> bool:
        """True when the normalised question matches ``pattern`` (a regex on whole words)."""
        return re.search(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])", self.words) is not None

    def has_concept(self, *codes: str) -> bool:
        """True when the question names one of these payroll concepts."""
        return any(code in self.entities.concepts for code in codes)

    @property
    def me(self) -> Employee:
        """The employee (the dispatcher only calls data answerers when there is one)."""
        assert self.employee is not None, "data answerers need the employee's rows"
        return self.employee

    @property
    def person(self) -> PersonRows:
        """The employee's export rows."""
        return self.me.person


@dataclass(frozen=True)
class Answer:
    """What one answerer says, with where the figures come from."""

    text: str
    sources: tuple[dict[str, Any], ...] = ()
    #: ask for a human now (the chat requests a handoff)
    handoff: bool = False
    #: the text offered a human; a "sí" as the next message hands over
    offered_human: bool = False


# -- sources -----------------------------------------------------------------------------------


def hr_source(kind: FileKind, period: PayrollPeriod | str | None = None, **extra: Any) -> dict[str, Any]:
    """``{"type": "hr_export", "file": "CONSIGNACIONES_HM", "period": "202610M"}``."""
    out: dict[str, Any] = {"type": "hr_export", "file": kind.value}
    if period is not None:
        out["period"] = period.code if isinstance(period, PayrollPeriod) else period
    out.update(extra)
    return out


def law_source(citation: str, title: str | None = None) -> dict[str, Any]:
    """``{"type": "law", "citation": "CST art. 186"}``."""
    out: dict[str, Any] = {"type": "law", "citation": citation}
    if title:
        out["title"] = title
    return out


def passage_source(passage: Passage) -> dict[str, Any]:
    """A corpus passage as a law source (citation, title and since when it applies)."""
    out = law_source(passage.citation, passage.title)
    out["passage"] = passage.id
    if passage.effective is not None:
        out["effective"] = passage.effective.isoformat()
    return out


def engine_source(params: Iterable[ParamValue | Mapping[str, Any]], **extra: Any) -> dict[str, Any]:
    """``{"type": "engine", "parameters": [...]}`` with each parameter's value, dates and norm."""
    seen: dict[tuple[Any, Any], dict[str, Any]] = {}
    for param in params:
        found = param.as_dict() if isinstance(param, ParamValue) else dict(param)
        seen.setdefault((found.get("name"), found.get("effective_from")), found)
    return {"type": "engine", "parameters": list(seen.values()), **extra}


def merge_sources(*groups: Iterable[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    """Sources without repeats, in first-seen order."""
    out: list[dict[str, Any]] = []
    for group in groups:
        for source in group:
            if source not in out:
                out.append(source)
    return tuple(out)


# -- periods -----------------------------------------------------------------------------------


def month_label(period: PayrollPeriod) -> str:
    """``octubre de 2026`` (with the frequency for fortnightly or special payrolls)."""
    label = format_month(period.year, period.month)
    frequency = period.frequency
    if frequency == "M":
        return label
    if frequency == "Q1":
        return f"primera quincena de {label}"
    if frequency == "Q2":
        return f"segunda quincena de {label}"
    return f"{label} ({period.code})"


def months_of(period: Period, limit: int = 36) -> list[tuple[int, int]]:
    """The calendar months a period touches, oldest first (at most ``limit``, the latest)."""
    months = []
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[-limit:]


def is_after_data(employee: Employee, year: int, month: int) -> bool:
    """True when the month comes after the employee's latest payroll (not paid yet)."""
    last = employee.last_payroll
    return last is not None and (year, month) > (last.year, last.month)


def payrolls_in(employee: Employee, period: Period) -> list[PayrollPeriod]:
    """Every payroll of the months a period touches, oldest first."""
    found: list[PayrollPeriod] = []
    for year, month in months_of(period):
        found.extend(employee.payroll_periods(year, month))
    return found


def target_payrolls(ask: Ask) -> tuple[list[PayrollPeriod], str]:
    """The payrolls a question is about, and a note when the asked month has none yet.

    A named period gives its payrolls; no period gives the latest payroll. A month after
    the data (this month's payroll, not paid yet) falls back to the latest one, saying so.
    """
    employee = ask.me
    last = employee.last_payroll
    if not ask.entities.periods:
        return ([last] if last else []), ""
    found: list[PayrollPeriod] = []
    for period in ask.entities.periods:
        found.extend(p for p in payrolls_in(employee, period) if p not in found)
    if found:
        return found, ""
    period = ask.entities.periods[-1]
    if last is not None and is_after_data(employee, period.start.year, period.start.month):
        note = (f"Todavía no tengo la nómina de {period.label}; la más reciente es la de "
                f"{month_label(last)}.")
        return [last], note
    return [], f"No tengo nóminas registradas en {period.label}."


# -- text --------------------------------------------------------------------------------------


def cop(amount: Decimal | int) -> str:
    """Pesos the Colombian way (``$3.500.000``)."""
    return format_cop(amount)


def day(value: date) -> str:
    """``31 de octubre de 2026``."""
    return format_date(value)


def span(start: date, end: date | None) -> str:
    """``del 1 de enero de 2026 al 31 de diciembre de 2026`` (full dates: easier to read back)."""
    if end is None:
        return f"desde el {format_date(start)}"
    if start == end:
        return f"el {format_date(start)}"
    return f"del {format_date(start)} al {format_date(end)}"


def bullets(lines: Iterable[str]) -> str:
    """Lines as a list, one per line."""
    return "\n".join(f"- {line}" for line in lines)


def join_sentences(*parts: str) -> str:
    """Non-empty parts joined with spaces or line breaks as they come."""
    out = ""
    for part in parts:
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith("\n") or part.startswith("\n"):
            out += part
        else:
            out += " " + part
    return out


def percent_change(old: Decimal, new: Decimal) -> Decimal | None:
    """(new − old) / old in percentage points, or None when old is zero."""
    if not old:
        return None
    return (new - old) * 100 / old
