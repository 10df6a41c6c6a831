"""Importing a set of HR export files: parse, check, upsert file by file, report.

Good rows commit even when others are rejected; each file is merged in its own
transaction, in dependency order (people and contracts before what refers to them).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import asyncpg

from chatnomina.db import transaction
from chatnomina.hr.parser import ParsedExport, parse_directory
from chatnomina.hr.rows import FileKind
from chatnomina.logs import get_logger
from chatnomina.stores import hr as hr_store
from chatnomina.stores import imports as import_store

log = get_logger("chatnomina.import")

Progress = Callable[[str, int], None]  # (stage description, rows done in this step)

EXIT_OK, EXIT_FAILED, EXIT_REJECTS = 0, 1, 2


@dataclass
class ImportReport:
    """What an import did, per file, with every rejected row."""

    import_id: int
    files: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def status(self) -> str:
        if self.error is not None:
            return "failed"
        return "completed_with_rejects" if self.rejected else "completed"

    @property
    def exit_code(self) -> int:
        """The contract's exit status: 0 all imported, 2 some rows rejected, 1 could not run."""
        return {"failed": EXIT_FAILED, "completed_with_rejects": EXIT_REJECTS}.get(self.status, EXIT_OK)

    def totals(self) -> dict[str, int]:
        return {name: sum(int(f.get(name, 0)) for f in self.files)
                for name in ("rows", "inserted", "updated", "unchanged", "rejected")}


async def run_import(
    db: asyncpg.Pool, import_id: int, files: Mapping[str, bytes], *, progress: Progress | None = None
) -> ImportReport:
    """Import ``files`` (name → bytes) under the import job ``import_id``."""
    report = ImportReport(import_id)
    note = progress or (lambda stage, done: None)
    if not files:
        report.error = "No se recibió ningún archivo para importar."
        await _finish(db, report)
        return report
    known = await hr_store.known_contracts(db)
    note("Leyendo y validando archivos", 0)
    parsed: ParsedExport = await asyncio.to_thread(parse_directory, files, known)
    recognised = [p for p in parsed.files if p.error is None and p.kind is not None]
    if not recognised:
        report.error = "Ningún archivo es una exportación reconocida del sistema de RR. HH."
    for item in parsed.files:
        entry: dict[str, Any] = {
            "file": item.filename,
            "kind": item.kind.value if item.kind else None,
            "encoding": item.encoding,
            "rows": len(item.rows) + len(item.rejects),
            "inserted": 0, "updated": 0, "unchanged": 0,
            "rejected": len(item.rejects),
            "notes": list(item.notes),
        }
        if item.error is not None:
            entry["error"] = item.error
            report.files.append(entry)
            report.rejected.extend(item.report_lines())
            continue
        assert item.kind is not None
        note(f"Guardando {item.filename}", 0)
        async with transaction(db) as conn:
            counts = await hr_store.upsert_rows(conn, item.kind, item.rows, import_id)
        entry.update(inserted=counts.inserted, updated=counts.updated, unchanged=counts.unchanged)
        report.files.append(entry)
        report.rejected.extend(item.report_lines())
        note(f"{item.filename} importado", len(item.rows))
    if parsed.get(FileKind.ACTIVE_EMPLOYEES) is not None:
        # Last, so that VINCULACION_HM rows of the same import are inserted, not "updated".
        await hr_store.ensure_contracts_of_actives(db, import_id)
    await _finish(db, report)
    log.info("hr_import.finished", import_id=import_id, status=report.status, **report.totals())
    return report


async def _finish(db: asyncpg.Pool, report: ImportReport) -> None:
    await import_store.finish_import(
        db, report.import_id, status=report.status, files=report.files, rejected=report.rejected, error=report.error
    )
