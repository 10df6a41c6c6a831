"""Vacation balance and requests on the Colombian calendar.

Working days exclude Saturdays, Sundays and holidays (the `holidays` calendar with the
engine's overrides). The balance is what the HR exports say is pending, minus approved
requests the exports do not show as taken yet. Decisions are final.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from chatnomina.auth.principal import Principal
from chatnomina.db import transaction
from chatnomina.engine import default_parameters, holiday_calendar
from chatnomina.errors import Conflict, Forbidden, InvalidRequest, NotFound
from chatnomina.hr import facts
from chatnomina.stores import audit
from chatnomina.stores import hr as hr_store
from chatnomina.stores import vacations as store
from chatnomina.stores.vacations import VacationRequest

SATURDAY, SUNDAY = 5, 6
MAX_REQUEST_DAYS = 60


def working_days(start: date, end: date) -> int:
    """Weekdays from ``start`` to ``end`` inclusive that are not Colombian holidays."""
    return holiday_calendar(default_parameters()).business_days(start, end, rest_weekdays=(SATURDAY, SUNDAY))


@dataclass(frozen=True)
class Balance:
    """Vacation days per service year and in total."""

    periods: list[dict[str, Any]]
    total_days: Decimal
    used_days: Decimal
    remaining_days: Decimal
    approved_not_taken: Decimal
    pending_requests: Decimal


def _days(value: Decimal) -> str:
    return (str(value.quantize(Decimal("0.01"))).rstrip("0").rstrip(".") if value != value.to_integral()
            else str(int(value)))


async def balance(db: asyncpg.Pool, person: facts.PersonRows) -> Balance:
    """The balance of the person's current contract."""
    contract = facts.current_contract(person)
    periods = facts.vacation_periods(person)
    total = sum((p.dias_derecho for p in periods), Decimal(0))
    used = sum((p.dias_disfrute for p in periods), Decimal(0))
    approved = await store.approved_not_imported_days(db, person.documento, contract) if contract else Decimal(0)
    pending = await store.pending_days(db, person.documento)
    return Balance(
        periods=[
            {
                "period": p.periodo,
                "start": p.start.isoformat() if p.start else None,
                "end": p.end.isoformat() if p.end else None,
                "status": p.estado,
                "total_days": _days(p.dias_derecho),
                "used_days": _days(p.dias_disfrute),
                "remaining_days": _days(p.dias_derecho - p.dias_disfrute),
            }
            for p in periods
        ],
        total_days=total,
        used_days=used + approved,
        remaining_days=facts.pending_vacation_days(person) - approved,
        approved_not_taken=approved,
        pending_requests=pending,
    )


def balance_dict(value: Balance) -> dict[str, Any]:
    return {
        "total_days": _days(value.total_days),
        "used_days": _days(value.used_days),
        "remaining_days": _days(value.remaining_days),
        "approved_not_taken_days": _days(value.approved_not_taken),
        "pending_request_days": _days(value.pending_requests),
        "periods": value.periods,
    }


async def request_vacation(
    db: asyncpg.Pool, principal: Principal, *, start: date, end: date, reason: str | None, today: date
) -> VacationRequest:
    """Create a pending request of the caller, after every check the law and the employer ask."""
    if principal.document is None:
        raise NotFound("Tu usuario no está vinculado a ningún empleado.")
    if end < start:
        raise InvalidRequest("La fecha final es anterior a la inicial.", field="end_date")
    if start < today:
        raise InvalidRequest("Las vacaciones no pueden empezar en el pasado.", field="start_date")
    if (end - start).days > MAX_REQUEST_DAYS:
        raise InvalidRequest(f"Una solicitud no puede abarcar más de {MAX_REQUEST_DAYS} días calendario.",
                             field="end_date")
    days = working_days(start, end)
    if days == 0:
        raise InvalidRequest("El rango no tiene días hábiles (fines de semana y festivos no cuentan).",
                             field="start_date")
    person = await hr_store.load_person(db, principal.document)
    contract = facts.current_contract(person) if person else None
    if person is None or contract is None or person.active is None:
        raise NotFound("No hay un contrato activo para solicitar vacaciones.")
    async with transaction(db) as conn:
        # one request at a time per person, so two concurrent requests cannot both pass the checks
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('vacations:' || $1))", principal.document)
        absence = await store.overlapping_absence(conn, principal.document, start, end)
        if absence is not None:
            raise Conflict(
                f"Ya tienes una ausencia registrada del {absence['fecha_inicio']:%d/%m/%Y} al "
                f"{absence['fecha_fin']:%d/%m/%Y} que se cruza con esas fechas.", details={"field": "start_date"})
        other = await store.overlapping(conn, principal.document, start, end)
        if other is not None:
            raise Conflict(f"Ya tienes la solicitud #{other.id} ({other.status}) en esas fechas.",
                           details={"field": "start_date", "request_id": other.id})
        available = (await balance(conn, person)).remaining_days - await store.pending_days(conn, principal.document)
        if days > available and not await store.employer_allows_advance(conn):
            raise Conflict(
                f"Pides {days} días hábiles y tienes {_days(max(available, Decimal(0)))} disponibles; el empleador "
                "no permite anticipar vacaciones.", details={"field": "end_date", "available_days": _days(available)})
        return await store.create_request(
            conn, documento=principal.document, num_vinculacion=contract, start_date=start, end_date=end,
            working_days=Decimal(days), reason=reason, approver_document=person.active.documento_jefe,
            requested_by=principal.user_id,
        )


async def decide(
    db: asyncpg.Pool, principal: Principal, request_id: int, *, approve: bool, note: str | None
) -> VacationRequest:
    """Approve or reject; only the employee's manager or HR may, and only once."""
    request = await store.get_request(db, request_id)
    if request is None:
        raise NotFound("La solicitud no existe.")
    is_manager = principal.document is not None and principal.document == request.approver_document
    if not (is_manager or principal.is_hr) or principal.document == request.documento and not principal.is_hr:
        raise Forbidden("Solo el jefe inmediato o Gestión Humana pueden decidir esta solicitud.")
    decided = await store.decide(db, request_id, status="approved" if approve else "rejected",
                                 decided_by=principal.user_id, note=note)
    if decided is None:
        raise Conflict(f"La solicitud ya fue {'aprobada' if request.status == 'approved' else 'rechazada'}; "
                       "las decisiones son definitivas.")
    await audit.record(db, actor=principal.subject, action=f"vacation.{decided.status}", subject=request.documento,
                       details={"request_id": request_id})
    return decided


async def visible_documents(db: asyncpg.Pool, principal: Principal, scope: str) -> list[str] | None:
    """Whose requests the caller lists: own; a manager's team; HR everyone (None)."""
    if scope == "all":
        if not principal.is_hr:
            raise Forbidden("Solo Gestión Humana puede ver todas las solicitudes.")
        return None
    own = [principal.document] if principal.document else []
    if scope == "team":
        if principal.is_hr and not principal.document:
            return None
        if "manager" not in principal.roles and not principal.is_hr:
            raise Forbidden("Solo los jefes ven las solicitudes de su equipo.")
        return own + await hr_store.reports_of(db, principal.document or "")
    return own
