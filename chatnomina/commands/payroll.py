"""``chatnomina payroll ...``: the payroll commands, one function per action.

``payroll compute FILE`` runs the pure engine on one engine-input JSON (the §9 format of
``docs/nomina-colombia.md``, flat or a golden case ``{"period", "inputs"}``; ``-`` reads
stdin) and prints the payslip JSON. It needs no database, Redis or settings. Exit status:
0 computed; 1 unreadable file, invalid JSON or an input the engine rejects (the Spanish
message names the field on stderr).

``payroll run --period YYYY-MM`` creates a payroll run, enqueues it for the workers and
follows its progress with a bar (exit 0 completed, 2 completed with employee errors, 1
failed or could not start).

To add an action: write ``_add_<name>(actions)`` registering its parser and ``run=``
function, and append it to ``ACTIONS``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``payroll`` subcommand group and each of its actions."""
    payroll = sub.add_parser("payroll", help="nómina: cálculo con el motor y corridas de nómina")
    actions = payroll.add_subparsers(dest="action", metavar="ACCIÓN", required=True)
    for add in ACTIONS:
        add(actions)


def _add_compute(actions: argparse._SubParsersAction) -> None:
    compute = actions.add_parser(
        "compute",
        help="calcula una colilla con el motor (sin base de datos)",
        description=(
            "Calcula la colilla de un trabajador y un mes a partir de una entrada del motor "
            "(formato §9, plano o caso dorado con period e inputs) e imprime el JSON."
        ),
    )
    compute.add_argument(
        "file", metavar="ARCHIVO", help="archivo JSON con la entrada del motor; '-' lee la entrada estándar"
    )
    compute.set_defaults(run=compute_command)


def _add_run(actions: argparse._SubParsersAction) -> None:
    run = actions.add_parser(
        "run",
        help="liquida la nómina de un periodo en los workers y sigue su avance",
        description="Crea la corrida de nómina del periodo, la encola y muestra el avance hasta que termina.",
    )
    run.add_argument("--period", required=True, metavar="AAAA-MM")
    run.add_argument("--group", default="general", help="grupo de nómina (por defecto general)")
    run.add_argument("--adjusts", type=int, metavar="RUN_ID", help="crea una nómina de ajuste de esa nómina cerrada")
    run.add_argument("--no-follow", action="store_true", help="solo encola; no espera")
    run.add_argument("--timeout", type=float, default=3600, help="segundos máximos de espera")
    run.set_defaults(run=run_command)


ACTIONS: list[Callable[[argparse._SubParsersAction], None]] = [_add_compute, _add_run]


def run_command(args: argparse.Namespace) -> int:
    """Enqueue the run and follow it with a progress bar; 0 completed, 2 with employee errors, 1 failed."""
    import asyncio
    import time

    from tqdm import tqdm

    from chatnomina.cli import load_settings
    from chatnomina.db import create_pool
    from chatnomina.errors import ChatNominaError
    from chatnomina.jobs import JobQueue
    from chatnomina.logs import configure_logging
    from chatnomina.services import payroll_runs
    from chatnomina.stores import payroll as run_store

    settings = load_settings()
    configure_logging("warning", environment=settings.environment)

    async def main() -> int:
        pool = await create_pool(settings, min_size=0, max_size=2)
        queue = JobQueue(settings)
        try:
            run = await payroll_runs.create_run(pool, queue, period=args.period, group=args.group,
                                                requested_by="cli", adjusts_run_id=args.adjusts)
            print(f"Nómina #{run.id} ({run.kind}) de {run.period} encolada.")
            if args.no_follow:
                return 0
            bar = tqdm(total=0, unit="empleados", desc="Liquidando", file=sys.stderr)
            deadline = time.monotonic() + args.timeout
            while True:
                current = await run_store.get_run(pool, run.id)
                assert current is not None
                if current.total and bar.total != current.total:
                    bar.total = current.total
                    bar.refresh()
                bar.n = current.done + current.failed
                bar.refresh()
                if current.status in ("completed", "failed", "closed"):
                    break
                if time.monotonic() > deadline:
                    bar.close()
                    print("Se agotó el tiempo de espera; la nómina sigue en los workers.", file=sys.stderr)
                    return 1
                await asyncio.sleep(0.5)
            bar.close()
            print(f"Estado: {current.status}. Empleados: {current.total}; liquidados: {current.done}; "
                  f"con error: {current.failed}.")
            for error in await run_store.errors_of(pool, run.id, limit=50):
                print(f"  {error['documento']}: {error['error']}")
            if current.status == "failed":
                return 1
            return 2 if current.failed else 0
        except ChatNominaError as exc:
            print(exc.message, file=sys.stderr)
            return 1
        finally:
            queue.close()
            await pool.close()

    return asyncio.run(main())


def compute_command(args: argparse.Namespace) -> int:
    """Compute one payslip from ``args.file`` and print it as indented UTF-8 JSON."""
    from chatnomina.engine import compute_golden
    from chatnomina.errors import InvalidRequest

    payload = _read_input(args.file)
    if payload is None:
        return 1
    try:
        payslip = compute_golden(payload)
    except InvalidRequest as exc:
        field = exc.details.get("field")
        where = f" (campo «{field}»)" if field else ""
        _error(f"Entrada inválida{where}: {exc.message}")
        return 1
    text = json.dumps(payslip, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


def _read_input(name: str) -> Any:
    """The parsed JSON of ``name`` (``-``: stdin), or None after printing why it cannot be read."""
    label = "la entrada estándar" if name == "-" else f"el archivo «{name}»"
    try:
        raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        reason = {
            "ENOENT": "no existe",
            "EACCES": "no hay permiso para leerlo",
            "EISDIR": "es un directorio",
        }.get(_errno_name(exc), "no se pudo leer")
        _error(f"No se pudo leer {label}: {reason}.")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        _error(f"No se pudo leer {label}: no está codificado en UTF-8.")
        return None
    if not text.strip():
        empty = "está vacía" if name == "-" else "está vacío"
        _error(f"No se pudo leer {label}: {empty}.")
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _error(f"{label[0].upper()}{label[1:]} no es JSON válido (línea {exc.lineno}, columna {exc.colno}).")
        return None


def _errno_name(exc: OSError) -> str:
    import errno

    return errno.errorcode.get(exc.errno or 0, "")


def _error(message: str) -> None:
    sys.stderr.buffer.write((message + "\n").encode("utf-8"))
    sys.stderr.buffer.flush()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")
