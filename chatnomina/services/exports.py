"""Exports of a payroll run to CSV or XLSX, written by a worker into S3.

One row per employee, contract and concept: ``Documento, Nombre, Periodo, Nómina,
Vinculación, Código concepto, Concepto, Categoría, Valor``. The concepts are the payslip's
lines of category devengo, deducción, aporte del empleador and provisión (the ``base``
lines — IBC and the like — are bases, not money, and stay out), in payslip order, and each
payslip ends with a ``NETO`` row (categoría «Neto») carrying its net pay, so that a filter
or a pivot table on the concept gives the net to pay without double counting.

CSV: UTF-8 with BOM, ``;`` as separator and the decimal comma with no thousands separator
(``2447000,00``) — what Excel with Colombian regional settings opens without an import
wizard; CRLF line ends; text that Excel would take for a formula gets a leading ``'``.
Rows come from PostgreSQL through a server-side cursor (2,000 at a time) inside one
repeatable-read read-only transaction (one snapshot for the whole file), are encoded into
~256 KiB chunks and go to S3 through the multipart stream (8 MiB parts): memory stays at
a few MiB whatever the size of the run.

XLSX: openpyxl in write-only mode, run in a worker thread batch by batch so the event loop
stays free. openpyxl streams each sheet's XML into a temporary file and zips them on
save, so memory is constant too, but disk is not: about 0.4 KiB per row of uncompressed
sheet XML plus the final file (≈ 1 GB of temporary disk for 2 million rows), in a
temporary directory (``$TMPDIR``, ``/tmp`` by default) removed afterwards. A sheet holds
at most 1,048,576 rows; longer runs continue on «Nómina (2)», «Nómina (3)»… — each with
its header and autofilter, and a payslip is never split between two sheets.
"""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator
from contextlib import aclosing, asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from chatnomina import jobs
from chatnomina.errors import Conflict, NotFound
from chatnomina.jobs import JobQueue
from chatnomina.logs import get_logger
from chatnomina.s3 import S3
from chatnomina.stores import exports as store
from chatnomina.stores import payroll as payroll_store
from chatnomina.stores.exports import Export, ExportRow
from chatnomina.stores.payroll import PayrollRun

log = get_logger("chatnomina.exports")

EXPORTABLE = ("completed", "closed")
URL_SECONDS = 15 * 60
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADERS = ("Documento", "Nombre", "Periodo", "Nómina", "Vinculación", "Código concepto", "Concepto", "Categoría",
           "Valor")
CATEGORY_NAMES = {
    "devengo": "Devengo",
    "deduccion": "Deducción",
    "aporte_empleador": "Aporte empleador",
    "provision": "Provisión",
    "neto": "Neto",
}
EXPORTED_CATEGORIES = ["devengo", "deduccion", "aporte_empleador", "provision"]
NET_CODE, NET_LABEL, NET_CATEGORY = "NETO", "Neto a pagar", "neto"
CSV_SEPARATOR = ";"
CSV_CHUNK = 256 * 1024
FETCH_BATCH = 2000
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, header included
XLSX_SHEET = "Nómina"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def storage_key(export: Export) -> str:
    """``exports/<run_id>/<export_id>.<ext>``."""
    return f"exports/{export.run_id}/{export.id}.{export.format}"


def _not_exportable(run: PayrollRun) -> Conflict:
    return Conflict(
        f"La nómina #{run.id} está en estado «{run.status}»; solo se exporta una nómina completada o cerrada.",
        details={"run_id": run.id, "status": run.status})


async def request_export(db: asyncpg.Pool, queue: JobQueue, *, run_id: int, fmt: str,
                         requested_by: str | None) -> Export:
    """Record a queued export of a completed or closed run and enqueue it (after the insert commits)."""
    run = await payroll_store.get_run(db, run_id)
    if run is None:
        raise NotFound(f"La nómina #{run_id} no existe.")
    if run.status not in EXPORTABLE:
        raise _not_exportable(run)
    export = await store.create_export(db, run_id=run_id, fmt=fmt, requested_by=requested_by)
    await queue.send(jobs.EXPORT_PAYROLL_RUN, export.id)
    log.info("export.requested", export_id=export.id, run_id=run_id, format=fmt)
    return export


async def export_view(db: asyncpg.Pool, s3: S3, export_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    """Status, rows and size; once completed, a download URL valid 15 minutes and when it expires."""
    export = await store.get_export(db, export_id)
    if export is None:
        raise NotFound("La exportación no existe.")
    view = export.to_dict()
    if export.status == "completed" and export.storage_key:
        run = await payroll_store.get_run(db, export.run_id)
        period = run.period if run else "periodo"
        signed_at = now or datetime.now(UTC)
        view["download_url"] = await s3.presigned_get(
            export.storage_key, expires_in=URL_SECONDS,
            filename=f"nomina-{period}-n{export.run_id}.{export.format}")
        view["expires_at"] = (signed_at + timedelta(seconds=URL_SECONDS)).isoformat(timespec="seconds").replace(
            "+00:00", "Z")
        view["content_type"] = CONTENT_TYPES[export.format]
    return view


async def run_export(db: asyncpg.Pool, s3: S3, export_id: int, *, final_attempt: bool = True) -> Export | None:
    """Write the file of an export and mark it completed; a completed export is left alone.

    A failure records its reason: ``failed`` on the last attempt, else ``queued`` again while
    the job system retries. A run that is no longer completed or closed fails at once.
    """
    export = await store.claim_export(db, export_id)
    if export is None:
        log.info("export.skipped", export_id=export_id)
        return None
    key = storage_key(export)
    try:
        await s3.ensure_bucket()
        if export.format == "csv":
            size, rows = await _write_csv(db, s3, export, key)
        else:
            size, rows = await _write_xlsx(db, s3, export, key)
    except Conflict as exc:
        await store.fail_export(db, export_id, exc.message, final=True)
        log.warning("export.refused", export_id=export_id, reason=exc.message)
        return await store.get_export(db, export_id)
    except (Exception, asyncio.CancelledError) as exc:  # cancelled: a time limit or a shutdown
        reason = f"No se pudo generar el archivo ({type(exc).__name__})."
        await store.fail_export(db, export_id, reason if final_attempt else reason + " Se reintentará.",
                                final=final_attempt)
        log.exception("export.crashed", export_id=export_id, final=final_attempt)
        raise
    await store.complete_export(db, export_id, storage_key=key, size_bytes=size, rows=rows)
    log.info("export.finished", export_id=export_id, run_id=export.run_id, format=export.format, rows=rows,
             size_bytes=size)
    return await store.get_export(db, export_id)


@asynccontextmanager
async def _snapshot(db: asyncpg.Pool, run_id: int) -> AsyncIterator[asyncpg.Connection]:
    """A connection in a read-only repeatable-read transaction (one snapshot for the whole file),
    with the run checked inside it."""
    async with db.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        run = await payroll_store.get_run(conn, run_id)
        if run is None:
            raise Conflict(f"La nómina #{run_id} ya no existe.")
        if run.status not in EXPORTABLE:
            raise _not_exportable(run)
        yield conn


def rows_of(conn: asyncpg.Connection, run_id: int) -> AsyncGenerator[ExportRow, None]:
    """The export rows of a run, streamed from the server-side cursor."""
    return store.stream_run_rows(conn, run_id, categories=EXPORTED_CATEGORIES, net_code=NET_CODE,
                                 net_label=NET_LABEL, net_category=NET_CATEGORY, prefetch=FETCH_BATCH)


# ---------------------------------------------------------------- CSV

def csv_amount(value: Decimal) -> str:
    """``Decimal("2447000")`` → ``"2447000,00"`` (decimal comma, as the ``;`` separator goes with)."""
    return f"{value:.2f}".replace(".", ",")


def safe_text(text: str | None) -> str:
    """Text a spreadsheet will not run as a formula (OWASP: prefix a quote)."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


class CsvEncoder:
    """Rows → UTF-8 (BOM first) chunks of about ``chunk_size`` bytes; counts the rows."""

    def __init__(self, chunk_size: int = CSV_CHUNK):
        self.chunk_size = chunk_size
        self.rows = 0

    def _row(self, row: ExportRow) -> tuple[str, ...]:
        return (safe_text(row.documento), safe_text(row.nombre), row.period, str(row.run_id),
                str(row.num_vinculacion), safe_text(row.code), safe_text(row.label),
                CATEGORY_NAMES.get(row.category, row.category), csv_amount(row.amount))

    async def chunks(self, rows: AsyncIterable[ExportRow]) -> AsyncGenerator[bytes, None]:
        """The file, piece by piece; never more than one chunk of text in memory."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        buffer.write("\ufeff")
        writer.writerow(HEADERS)
        async for row in rows:
            writer.writerow(self._row(row))
            self.rows += 1
            if buffer.tell() >= self.chunk_size:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")


async def _write_csv(db: asyncpg.Pool, s3: S3, export: Export, key: str) -> tuple[int, int]:
    encoder = CsvEncoder()
    async with _snapshot(db, export.run_id) as conn, aclosing(rows_of(conn, export.run_id)) as rows, \
            aclosing(encoder.chunks(rows)) as chunks:
        size, _sha256 = await s3.upload_stream(key, chunks, content_type=CONTENT_TYPES["csv"])
    return size, encoder.rows


# ---------------------------------------------------------------- XLSX

async def _batches(rows: AsyncIterable[ExportRow], size: int) -> AsyncIterator[list[ExportRow]]:
    batch: list[ExportRow] = []
    async for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


async def write_xlsx(rows: AsyncIterable[ExportRow], path: Path, **limits: int) -> int:
    """Write ``rows`` to an XLSX file at ``path`` (off the event loop); returns the data rows."""
    # openpyxl is imported here, by the worker that writes the file: imported with this
    # module it would cost every web process ~5 MB that no request of theirs uses.
    from chatnomina.services.xlsx_writer import XlsxWriter

    writer = await asyncio.to_thread(XlsxWriter, path, **limits)
    try:
        async for batch in _batches(rows, FETCH_BATCH):
            await asyncio.to_thread(writer.write, batch)
        await asyncio.to_thread(writer.close)
    except BaseException:
        writer.discard()
        raise
    return writer.rows


async def _file_chunks(path: Path, size: int = 1 << 20) -> AsyncGenerator[bytes, None]:
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, size):
            yield chunk
    finally:
        handle.close()


async def _write_xlsx(db: asyncpg.Pool, s3: S3, export: Export, key: str) -> tuple[int, int]:
    with tempfile.TemporaryDirectory(prefix="chatnomina-export-") as directory:
        path = Path(directory) / f"{export.id}.xlsx"
        async with _snapshot(db, export.run_id) as conn, aclosing(rows_of(conn, export.run_id)) as stream:
            rows = await write_xlsx(stream, path)
        async with aclosing(_file_chunks(path)) as chunks:
            size, _sha256 = await s3.upload_stream(key, chunks, content_type=CONTENT_TYPES["xlsx"])
    return size, rows
