"""Payroll runs: every employee of a period computed on workers, in chunks, idempotently.

queued → running → completed (or failed) → closed. The start job enrols the employees with a
contract in the period and enqueues one message per chunk; each chunk loads its people with
set-based queries, maps them to engine inputs, computes with the pure engine and writes the
payslips and their explained lines in one transaction. A per-employee problem is recorded
on that employee (in Spanish) and never fails the others; a retried chunk writes nothing
twice. Messages are enqueued only after the rows they refer to are committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Sequence

import asyncpg
from redis.asyncio import Redis

from chatnomina import jobs, metrics
from chatnomina.chat import events
from chatnomina.db import transaction
from chatnomina.engine import EmployerSettings, Period, compute_payslip, golden_payslip
from chatnomina.engine.models import RestDayPay
from chatnomina.errors import ChatNominaError, Conflict, InvalidRequest, NotFound
from chatnomina.jobs import JobQueue
from chatnomina.logs import get_logger
from chatnomina.payroll import EmployeeInputError, PayrollSettings, PeriodMapper
from chatnomina.settings import Settings
from chatnomina.stores import payroll as store
from chatnomina.stores.payroll import PayrollRun, PayslipRecord

log = get_logger("chatnomina.payroll_runs")

DEFAULT_CHUNK_SIZE = 500


def parse_period(text: str) -> Period:
    """``"2026-10"`` → Period, or InvalidRequest naming ``period``."""
    return Period.parse(text)


async def payroll_settings(db: Any) -> PayrollSettings:
    """The employer's settings as the mapper and the engine take them."""
    row = await store.employer_settings(db)
    return PayrollSettings(
        arl_class=row["default_arl_class"],
        employer=EmployerSettings(exonerated=row["exonerated"], rest_day_pay=RestDayPay(row["rest_day_pay"])),
    )


async def create_run(
    db: asyncpg.Pool, queue: JobQueue, *, period: str, group: str = "general", requested_by: str | None,
    adjusts_run_id: int | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> PayrollRun:
    """Record a queued run (checking the period has legal parameters) and enqueue its start."""
    parsed = parse_period(period)
    PeriodMapper(parsed, await payroll_settings(db))  # ParameterNotFound (field period) if no law applies
    kind = "regular"
    if adjusts_run_id is not None:
        original = await store.get_run(db, adjusts_run_id)
        if original is None or original.period != period:
            raise InvalidRequest("La nómina a ajustar no existe o es de otro periodo.", field="adjusts_run_id")
        if original.status != "closed":
            raise Conflict("Solo se ajusta una nómina cerrada; mientras esté abierta, vuelva a calcularla.")
        kind, group = "adjustment", original.group_code
    run = await store.create_run(db, period=period, group_code=group, kind=kind, adjusts_run_id=adjusts_run_id,
                                 chunk_size=chunk_size, requested_by=requested_by)
    await queue.send(jobs.START_PAYROLL_RUN, run.id)
    log.info("payroll_run.created", run_id=run.id, period=period, kind=kind)
    return run


async def start_run(db: asyncpg.Pool, queue: JobQueue, run_id: int) -> int:
    """Enrol the period's employees and enqueue their chunks; returns the number of chunks sent."""
    run = await store.get_run(db, run_id)
    if run is None or run.status in ("completed", "failed", "closed"):
        return 0
    period = parse_period(run.period)
    async with transaction(db) as conn:
        started = await store.start_run(conn, run_id)
        if started is not None:
            documents = await store.people_in_period(conn, period.start, period.end)
            total = await store.enrol_employees(conn, run_id, documents, run.chunk_size)
            if total == 0:
                await store.add_progress(conn, run_id, 0, 0)
    chunks = await store.chunks_to_compute(db, run_id)
    for chunk in chunks:
        await queue.send(jobs.COMPUTE_PAYROLL_CHUNK, run_id, chunk)
    log.info("payroll_run.started", run_id=run_id, chunks=len(chunks))
    return len(chunks)


@dataclass(frozen=True)
class ComputedChunk:
    payslips: list[PayslipRecord]
    failures: list[tuple[str, str, str]]
    templates: dict[str, tuple[str, list[list[str]]]]


def _record(document: str, contract: int, payslip: Any, previous_net: Decimal | None,
            templates: dict[str, tuple[str, list[list[str]]]]) -> PayslipRecord:
    summary = golden_payslip(payslip, with_lines=False)
    employer = payslip.employer
    employer_cost = (employer.health + employer.pension + employer.arl + employer.caja + employer.icbf
                     + employer.sena)
    lines = []
    for number, line in enumerate(payslip.lines, start=1):
        compact = line.trace.compact()
        if compact[0] not in templates:
            key, formula, spec = line.trace.template()
            templates[key] = (formula, spec)
        lines.append((number, line.code, line.label, line.category, line.amount, compact))
    return PayslipRecord(
        documento=document, num_vinculacion=contract, gross=payslip.total_earned,
        deductions=payslip.total_deductions, net=payslip.net_pay, ibc=payslip.ibc, employer_cost=employer_cost,
        summary=summary, lines=lines,
        difference_net=(payslip.net_pay - previous_net) if previous_net is not None else None,
    )


def compute_people(
    mapper: PeriodMapper, people: Sequence[Any], documents: Sequence[str],
    previous: dict[tuple[str, int], Decimal] | None = None,
) -> ComputedChunk:
    """Pure: map and compute every contract of every person; errors stay per employee."""
    by_document = {person.documento: person for person in people}
    payslips: list[PayslipRecord] = []
    failures: list[tuple[str, str, str]] = []
    templates: dict[str, tuple[str, list[list[str]]]] = {}
    for document in documents:
        person = by_document.get(document)
        if person is None:
            failures.append((document, "No hay datos de RR. HH. para este empleado.", "missing_data"))
            continue
        try:
            spans = mapper.contracts(person)
            if not spans:
                raise EmployeeInputError(document, f"No tiene un contrato vigente en {mapper.period}.",
                                         reason="no_contract")
            for span in spans:
                inp = mapper.contract_input(person, span)
                payslip = compute_payslip(inp)
                key = (document, span.num_vinculacion)
                payslips.append(_record(document, span.num_vinculacion, payslip,
                                        previous.get(key, Decimal(0)) if previous is not None else None,
                                        templates))
        except EmployeeInputError as exc:
            failures.append((document, exc.message, getattr(exc, "reason", None) or "input"))
        except ChatNominaError as exc:
            failures.append((document, exc.message, exc.code.lower()))
        except Exception as exc:  # one employee's unexpected failure must not fail the chunk
            log.exception("payroll_run.employee_crashed", document=document)
            failures.append((document, f"Error inesperado al calcular: {type(exc).__name__}.", "internal"))
    return ComputedChunk(payslips, failures, templates)


async def compute_chunk(db: asyncpg.Pool, redis: Redis, settings: Settings, run_id: int, chunk: int) -> int:
    """Compute and store one chunk; returns how many payslips it newly wrote."""
    run = await store.get_run(db, run_id)
    if run is None:
        raise NotFound(f"La nómina {run_id} no existe.")
    if run.status != "running":
        return 0
    documents = await store.pending_of_chunk(db, run_id, chunk)
    if not documents:
        return 0
    period = parse_period(run.period)
    mapper = PeriodMapper(period, await payroll_settings(db))
    people = await store.load_payroll_people(db, documents, period.start, period.end)
    previous = await store.net_by_employee(db, run.adjusts_run_id) if run.adjusts_run_id else None
    computed = compute_people(mapper, people, documents, previous)
    async with transaction(db) as conn:
        await store.save_templates(conn, computed.templates)
        result = await store.write_chunk(conn, run_id, run.period, computed.payslips, computed.failures)
        updated = await store.add_progress(conn, run_id, result.inserted, result.failed)
    metrics.PAYSLIPS_COMPUTED.inc(len(result.inserted_documents))
    metrics.PAYROLL_EMPLOYEE_ERRORS.inc(result.failed)
    await _announce(db, redis, settings, run_id, run.period, result.inserted_documents, updated)
    return result.inserted


async def _announce(db: asyncpg.Pool, redis: Redis, settings: Settings, run_id: int, period: str,
                    documents: list[str], run: PayrollRun | None) -> None:
    """payslip.generated for each employee with an account; progress for administrators."""
    items: list[tuple[str, dict[str, Any]]] = []
    if documents:
        for document, user_id in (await store.users_by_document(db, documents)).items():
            items.append((events.user_channel(settings, user_id), {
                "type": "event", "event": "payslip.generated",
                "data": {"period": period, "run_id": run_id},
            }))
    if run is not None:
        ratio = (run.done + run.failed) / run.total if run.total else 1.0
        metrics.PAYROLL_RUN_PROGRESS.set(0.0 if run.status != "running" else ratio)
        items.append((events.admin_channel(settings), {
            "type": "event", "event": "payroll_run.progress", "data": run.to_dict(),
        }))
    await events.publish_many(redis, items)


async def retry_failed(db: asyncpg.Pool, queue: JobQueue, run_id: int) -> int:
    """Put only the failed employees back to work (after fixing their data)."""
    run = await store.get_run(db, run_id)
    if run is None:
        raise NotFound("La nómina no existe.")
    if run.status == "closed":
        raise Conflict("La nómina está cerrada; cree una nómina de ajuste.")
    async with transaction(db) as conn:
        count = await store.reset_failed(conn, run_id)
    if count:
        for chunk in await store.chunks_to_compute(db, run_id):
            await queue.send(jobs.COMPUTE_PAYROLL_CHUNK, run_id, chunk)
    return count


async def close_run(db: asyncpg.Pool, run_id: int) -> PayrollRun:
    """Lock the period: the database refuses any later change to the run."""
    run = await store.get_run(db, run_id)
    if run is None:
        raise NotFound("La nómina no existe.")
    if run.status == "closed":
        raise Conflict("La nómina ya está cerrada.")
    if run.status != "completed" or run.failed:
        raise Conflict(
            f"Solo se cierra una nómina completa y sin errores (estado {run.status}, {run.failed} con error); "
            "corrija los datos y vuelva a calcular los empleados con error.")
    async with transaction(db) as conn:
        closed = await store.close_run(conn, run_id)
    if closed is None:
        raise Conflict("La nómina cambió mientras se cerraba; intente de nuevo.")
    log.info("payroll_run.closed", run_id=run_id)
    return closed
