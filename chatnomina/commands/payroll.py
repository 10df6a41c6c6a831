"""``chatnomina payroll ...``: the payroll commands, one function per action.

``payroll compute FILE`` runs the pure engine on one engine-input JSON (the §9 format of
``docs/nomina-colombia.md``, flat or a golden case ``{"period", "inputs"}``; ``-`` reads
stdin) and prints the payslip JSON. It needs no database, Redis or settings. Exit status:
0 computed; 1 unreadable file, invalid JSON or an input the engine rejects (the Spanish
message names the field on stderr).

To add an action (``payroll run --period``): write ``_add_run(actions)`` registering its
parser and ``run=`` function, and append it to ``ACTIONS``.
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


ACTIONS: list[Callable[[argparse._SubParsersAction], None]] = [_add_compute]


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
