"""What an employee sees about themselves: profile, payslips, payment history, benefits.

Payslips come from computed payroll runs when a run exists for the period (``source:
"payroll_run"``) and from the imported deposits before that (``source: "imported"``).
Money leaves as decimal strings with ``currency``; bank accounts only as ``****1234``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from chatnomina.engine.trace import render_stored
from chatnomina.errors import NotFound
from chatnomina.hr import facts
from chatnomina.hr.facts import PersonRows
from chatnomina.hr.names import bank_display_name, display_full_name
from chatnomina.hr.values import PayrollPeriod, parse_period
from chatnomina.services.access import mask_document
from chatnomina.stores import hr as hr_store
from chatnomina.stores import payroll as payroll_store
from chatnomina.stores.users import User

CURRENCY = "COP"
TWO = Decimal("0.01")

EARNING_LABELS = {
    "basico": "Salario básico",
    "auxilio_transporte": "Auxilio de transporte",
    "horas_extra_y_recargos": "Horas extra y recargos",
    "bonificaciones": "Bonificaciones",
}
DEDUCTION_LABELS = {
    "salud": "Aporte a salud (4 %)",
    "pension": "Aporte a pensión (4 %)",
    "fondo_solidaridad": "Fondo de Solidaridad Pensional",
    "retencion_fuente": "Retención en la fuente",
    "LIB": "Libranza",
    "COOP": "Cooperativa",
    "MEDPRE": "Medicina prepagada",
    "AVP": "Aporte voluntario a pensión",
    "AFC": "Ahorro AFC",
}


def money(value: Decimal | int | None) -> str | None:
    """``3500000`` → ``"3500000.00"``."""
    if value is None:
        return None
    return str(Decimal(value).quantize(TWO))


def amount(value: Decimal | int | None) -> dict[str, Any]:
    return {"amount": money(value), "currency": CURRENCY}


async def person_or_404(db: asyncpg.Pool, document: str) -> PersonRows:
    person = await hr_store.load_person(db, document)
    if person is None:
        raise NotFound("No hay datos de nómina para este empleado.")
    return person


def profile_view(person: PersonRows, user: User | None, people: dict[str, Any] | None = None) -> dict[str, Any]:
    """The contract's ``users/me`` shape."""
    profile = facts.profile(person, people)
    salary = facts.current_salary(person)
    account = facts.bank_account(person)
    view: dict[str, Any] = {
        "id": user.id if user else None,
        "email": user.email if user else (profile.email_institucional if profile else None),
        "name": profile.nombre if profile else (user.display_name if user else None),
        "document": mask_document(person.documento),
        "position": profile.position if profile else None,
        "department": profile.dependencia if profile else None,
        "hire_date": profile.hire_date_current_contract.isoformat() if profile else None,
        "contract_type": profile.contract_type if profile else None,
        "manager": {"name": profile.manager_name_display} if profile and profile.manager_name_display else None,
        "salary": {
            **amount(salary.amount if salary else None),
            "payment_frequency": "monthly",
            "integral": salary.integral if salary else False,
            "since": salary.since.isoformat() if salary and salary.since else None,
        },
        "eps": profile.eps if profile else None,
        "afp": profile.afp if profile else None,
        "cesantias_fund": profile.cesantias if profile else None,
        "bank_account": _account(account),
        "active": person.active is not None,
    }
    if user is not None:
        view["roles"] = list(user.roles)
        view["preferences"] = user.preferences
    return view


def person_name(person: PersonRows) -> str | None:
    """The display name, also for people no longer active (from any of their rows)."""
    if person.active is not None:
        return facts.person_display_name(person.active)
    for rows in (person.salaries, person.deposits, person.novelties, person.absences, person.accounts):
        for row in rows:
            name = getattr(row, "nombre_completo", None)
            if name:
                return display_full_name(name)
    return None


def _account(account: Any) -> dict[str, Any] | None:
    if account is None:
        return None
    return {"bank": account.name, "type": account.account_type, "number": account.masked}


def _line(code: str, label: str, value: Decimal) -> dict[str, Any]:
    return {"code": code, "label": label, **amount(value)}


def imported_payslip(person: PersonRows, period: PayrollPeriod) -> dict[str, Any] | None:
    """A payslip rebuilt from the imported deposit, novelties and withholding of ``period``."""
    deposit = facts.deposit_of(person, period)
    if deposit is None:
        return None
    earnings = facts.earnings(person, period)
    deductions = facts.deductions(person, period)
    earning_lines = []
    if earnings is not None:
        for code, label in EARNING_LABELS.items():
            value = getattr(earnings, code)
            if value:
                earning_lines.append(_line(code, label, value))
    deduction_lines = []
    if deductions is not None:
        for code in ("salud", "pension", "fondo_solidaridad", "retencion_fuente"):
            value = getattr(deductions, code)
            if value:
                deduction_lines.append(_line(code, DEDUCTION_LABELS[code], value))
        for code, value in sorted(deductions.novedades.items()):
            deduction_lines.append(_line(code, DEDUCTION_LABELS.get(code, code), value))
    account = facts.bank_account(person)
    return {
        "period": f"{period.year:04d}-{period.month:02d}",
        "payroll_code": period.code,
        "source": "imported",
        "employee": {"name": person_name(person),
                     "document": mask_document(person.documento)},
        "days_worked": earnings.dias if earnings else None,
        "earnings": earning_lines,
        "deductions": deduction_lines,
        "gross": money(deposit.ingresos),
        "total_deductions": money(deposit.descuentos),
        "net": money(deposit.valor_consignacion),
        "currency": CURRENCY,
        "payment_date": deposit.fecha_consignacion.isoformat(),
        "bank_account": _account(account) or (
            {"bank": bank_display_name(deposit.banco) if deposit.banco else None, "type": deposit.tipo_cuenta,
             "number": "****" + (deposit.num_cuenta or "")[-4:]} if deposit.num_cuenta else None),
    }


def latest_period(person: PersonRows) -> PayrollPeriod | None:
    """The latest ordinary payroll with a deposit."""
    periods = [r.cod_nomina if isinstance(r.cod_nomina, tuple) else parse_period(r.cod_nomina)
               for r in person.deposits]
    return max(periods) if periods else None


def imported_history(person: PersonRows, start: date | None, end: date | None) -> list[dict[str, Any]]:
    """Periods with gross, deductions, net and payment date, newest first."""
    items = []
    for deposit in reversed(facts.deposits(person, start, end)):
        period = parse_period(deposit.period)
        items.append({
            "period": f"{period.year:04d}-{period.month:02d}",
            "payroll_code": deposit.period,
            "gross": money(deposit.ingresos),
            "deductions": money(deposit.descuentos),
            "net": money(deposit.value),
            "currency": CURRENCY,
            "payment_date": deposit.date.isoformat(),
            "source": "imported",
        })
    return items


def computed_payslip_view(person: PersonRows, computed: dict[str, Any]) -> dict[str, Any]:
    """A payslip from a payroll run: the engine's explained lines."""
    year, month = (int(part) for part in computed["period"].split("-"))
    summary = computed["summary"]
    categories = {"devengo": "earnings", "deduccion": "deductions"}
    grouped: dict[str, list[dict[str, Any]]] = {"earnings": [], "deductions": [], "employer": [], "provisions": []}
    for line in computed["lines"]:
        target = categories.get(line["category"]) or (
            "employer" if line["category"] == "aporte_empleador" else "provisions"
            if line["category"] == "provision" else None)
        if target is None:
            continue
        grouped[target].append({"code": line["code"], "label": line["label"], **amount(line["amount"]),
                                "explanation": render_stored(line["trace"])})
    account = facts.bank_account(person)
    deposit = facts.deposit_of(person, PayrollPeriod(year, month, "M"))
    return {
        "period": computed["period"],
        "payroll_code": f"{year:04d}{month:02d}M",
        "source": "payroll_run",
        "run_id": computed["run_id"],
        "run_status": computed["run_status"],
        "employee": {"name": person_name(person),
                     "document": mask_document(person.documento)},
        "earnings": grouped["earnings"],
        "deductions": grouped["deductions"],
        "employer_contributions": grouped["employer"],
        "provisions": grouped["provisions"],
        "gross": money(computed["gross"]),
        "total_deductions": money(computed["deductions"]),
        "net": money(computed["net"]),
        "ibc": money(computed["ibc"]),
        "currency": CURRENCY,
        "payment_date": deposit.fecha_consignacion.isoformat() if deposit else None,
        "bank_account": _account(account),
        "summary": summary,
    }


async def payslip_for(db: asyncpg.Pool, document: str, year: int | None, month: int | None) -> dict[str, Any] | None:
    """The payslip of a period (the latest when none is given): computed if a run has it, else imported."""
    person = await person_or_404(db, document)
    if year is None or month is None:
        candidates = [p for p in (latest_period(person),) if p is not None]
        computed_periods = await payroll_store.computed_periods(db, document)
        if computed_periods:
            y, m = (int(x) for x in computed_periods[-1]["period"].split("-"))
            candidates.append(PayrollPeriod(y, m, "M"))
        if not candidates:
            return None
        period = max(candidates)
    else:
        period = PayrollPeriod(year, month, "M")
    computed = await payroll_store.latest_payslip(db, document, f"{period.year:04d}-{period.month:02d}")
    if computed is not None:
        return computed_payslip_view(person, computed)
    return imported_payslip(person, period)


async def history_for(db: asyncpg.Pool, document: str, start: date | None, end: date | None) -> list[dict[str, Any]]:
    """Every period with a payment between ``start`` and ``end``; computed runs replace imported rows."""
    person = await person_or_404(db, document)
    items = {item["period"]: item for item in imported_history(person, start, end)}
    for row in await payroll_store.computed_periods(db, document):
        imported = items.get(row["period"])
        year, month = (int(x) for x in row["period"].split("-"))
        day = date(year, month, 1)
        if imported is None and ((start and day < start.replace(day=1)) or (end and day > end)):
            continue
        items[row["period"]] = {
            "period": row["period"],
            "payroll_code": f"{year:04d}{month:02d}M",
            "gross": money(row["gross"]),
            "deductions": money(row["deductions"]),
            "net": money(row["net"]),
            "currency": CURRENCY,
            "payment_date": imported["payment_date"] if imported else None,
            "source": "payroll_run",
            "run_id": row["run_id"],
        }
    return sorted(items.values(), key=lambda item: item["period"], reverse=True)
