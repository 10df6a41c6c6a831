"""``chatnomina import hr-exports DIR``: import the HR system's export files."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from tqdm import tqdm

from chatnomina.cli import load_settings
from chatnomina.db import create_pool
from chatnomina.logs import configure_logging
from chatnomina.services.hr_import import EXIT_FAILED, ImportReport, run_import
from chatnomina.stores import imports as import_store


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``import hr-exports``."""
    group = sub.add_parser("import", help="importa datos externos").add_subparsers(dest="what", required=True)
    hr = group.add_parser("hr-exports", help="importa las exportaciones del sistema de RR. HH. de un directorio")
    hr.add_argument("directory", metavar="DIR")
    hr.set_defaults(run=import_hr_exports)


def read_export_files(directory: Path) -> dict[str, bytes]:
    """Every regular, non-hidden file directly inside ``directory``."""
    return {
        path.name: path.read_bytes()
        for path in sorted(directory.iterdir())
        if path.is_file() and not path.name.startswith(".")
    }


def print_report(report: ImportReport) -> None:
    """The Spanish summary, then every rejected row as ``FILE:LINE: reason``."""
    totals = report.totals()
    print(f"Importación #{report.import_id}: {_status_text(report.status)}")
    for entry in report.files:
        if entry.get("error"):
            print(f"  {entry['file']}: no se importó ({entry['error']})")
            continue
        print(
            f"  {entry['file']}: {entry['rows']} filas — {entry['inserted']} nuevas, {entry['updated']} "
            f"actualizadas, {entry['unchanged']} sin cambios, {entry['rejected']} rechazadas"
        )
        for note in entry.get("notes", []):
            print(f"    nota: {note}")
    print(
        f"Total: {totals['rows']} filas, {totals['inserted']} nuevas, {totals['updated']} actualizadas, "
        f"{totals['unchanged']} sin cambios, {len(report.rejected)} rechazos."
    )
    if report.error:
        print(f"Error: {report.error}")
    if report.rejected:
        print("Filas rechazadas:")
        for line in report.rejected:
            print(line)


def _status_text(status: str) -> str:
    return {
        "completed": "completada",
        "completed_with_rejects": "completada con filas rechazadas",
        "failed": "no se pudo realizar",
    }.get(status, status)


def import_hr_exports(args: argparse.Namespace) -> int:
    """Exit 0 when everything was imported, 2 when some rows were rejected, 1 when it could not run."""
    directory = Path(args.directory)
    if not directory.is_dir():
        print(f"No existe el directorio {directory}", file=sys.stderr)
        return EXIT_FAILED
    settings = load_settings()
    configure_logging("warning", environment=settings.environment)
    files = read_export_files(directory)
    bar = tqdm(total=sum(len(data) for data in files.values()) or 1, unit="B", unit_scale=True,
               desc="Importando", file=sys.stderr, disable=not sys.stderr.isatty() and None)
    sizes = {name: len(data) for name, data in files.items()}

    def progress(stage: str, _: int) -> None:
        bar.set_description(stage[:40])
        for name, size in list(sizes.items()):
            if stage.endswith(f"{name} importado"):
                bar.update(sizes.pop(name))

    async def run() -> ImportReport:
        pool = await create_pool(settings, min_size=0, max_size=2)
        try:
            job = await import_store.create_import(pool, source="cli", requested_by="cli", status="running")
            return await run_import(pool, job.id, files, progress=progress)
        finally:
            await pool.close()

    try:
        report = asyncio.run(run())
    except OSError as exc:
        bar.close()
        print(f"No se pudo conectar a PostgreSQL ({settings.dsn_display}): {exc}", file=sys.stderr)
        return EXIT_FAILED
    bar.update(sum(sizes.values()))
    bar.close()
    print_report(report)
    return report.exit_code
