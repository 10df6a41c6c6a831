"""The ``chatnomina`` command: one subcommand per operator task (output in Spanish).

Subcommand implementations live in ``chatnomina/commands/`` and are imported only when
used, so ``chatnomina --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Callable, Sequence

from chatnomina import __version__
from chatnomina.settings import Settings, SettingsError


def load_settings() -> Settings:
    """Settings from the environment, or exit 1 listing every bad variable."""
    try:
        return Settings.from_env(os.environ)
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(1) from None


def _command(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        implementation = getattr(importlib.import_module(f"chatnomina.commands.{module}"), function)
        return int(implementation(args) or 0)

    return run


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="chatnomina", description="ChatNomina: nómina colombiana y asistente de nómina."
    )
    parser.add_argument("--version", action="version", version=f"chatnomina {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMANDO", required=True)

    serve = sub.add_parser("serve", help="proceso web (API REST, websocket, salud, métricas)")
    serve.add_argument("--port", type=int, help="puerto (por defecto API_PORT)")
    serve.add_argument("--host", default="0.0.0.0", help="dirección de escucha (por defecto 0.0.0.0)")
    serve.set_defaults(run=_command("serve", "serve"))

    worker = sub.add_parser("worker", help="workers de Dramatiq para todas las colas")
    worker.add_argument("--processes", type=int, help="procesos (por defecto WORKER_PROCESSES)")
    worker.add_argument("--threads", type=int, help="hilos por proceso (por defecto WORKER_THREADS)")
    worker.set_defaults(run=_command("worker", "worker"))

    migrate = sub.add_parser("migrate", help="aplica las migraciones (alembic upgrade head)")
    migrate.set_defaults(run=_command("migrate", "migrate"))

    dev = sub.add_parser("dev", help="todo en una máquina: bases embebidas, migraciones, web y worker")
    dev.add_argument("--port", type=int, default=None, help="puerto web (por defecto API_PORT)")
    dev.add_argument("--no-worker", action="store_true", help="no iniciar workers")
    dev.set_defaults(run=_command("dev", "dev"))

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Subcommands contributed by the domain modules (import, payroll, users, ...)."""
    from chatnomina.commands import registry

    return registry()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``chatnomina`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
