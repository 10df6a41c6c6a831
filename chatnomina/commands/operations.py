"""``chatnomina scheduler``, ``chatnomina backup`` and ``chatnomina restore``."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from aiohttp import web

from chatnomina.cli import load_settings
from chatnomina.logs import configure_logging


def register(sub: argparse._SubParsersAction) -> None:
    """Add the operations subcommands."""
    scheduler = sub.add_parser("scheduler", help="encola los trabajos periódicos (copia diaria, retención)")
    scheduler.set_defaults(run=run_scheduler_command)

    backup = sub.add_parser("backup", help="copia de seguridad de la base de datos a S3, ahora")
    backup.add_argument("--retention", action="store_true", help="aplica además la política de retención")
    backup.set_defaults(run=backup_command)

    restore = sub.add_parser("restore", help="restaura una copia de S3 en una base de datos")
    restore.add_argument("key", metavar="KEY", help="clave S3 de la copia (backups/...)")
    restore.add_argument("--target-db", help="base de datos destino (por defecto DB_NAME)")
    restore.add_argument("--clean", action="store_true", help="reemplaza las tablas de una base existente")
    restore.add_argument("--verify", action="store_true",
                         help="compara filas y sumas de verificación por tabla con DB_NAME")
    restore.set_defaults(run=restore_command)


def run_scheduler_command(args: argparse.Namespace) -> int:
    """Run until SIGTERM; /health and /metrics on METRICS_PORT."""
    settings = load_settings()
    configure_logging(settings.log_level, environment=settings.environment)

    async def main() -> None:
        from chatnomina import metrics
        from chatnomina.jobs import JobQueue
        from chatnomina.redis import create_redis
        from chatnomina.scheduler import run_scheduler

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        redis = create_redis(settings)
        queue = JobQueue(settings)
        runner = None
        if settings.metrics_port:
            app = web.Application()

            async def health(request: web.Request) -> web.Response:
                return web.json_response({"status": "ok"})

            async def metrics_handler(request: web.Request) -> web.Response:
                response = web.Response(body=metrics.render())
                response.headers["Content-Type"] = metrics.CONTENT_TYPE
                return response

            app.router.add_get("/health", health)
            app.router.add_get("/metrics", metrics_handler)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "0.0.0.0", settings.metrics_port).start()
        try:
            await run_scheduler(settings, redis, queue, stop=stop)
        finally:
            if runner is not None:
                await runner.cleanup()
            queue.close()
            await redis.aclose()

    asyncio.run(main())
    return 0


def backup_command(args: argparse.Namespace) -> int:
    """Back up now (in this process) and print where the copy went."""
    settings = load_settings()
    configure_logging("warning", environment=settings.environment)
    from chatnomina.db import create_pool
    from chatnomina.s3 import S3
    from chatnomina.services import backups

    async def main() -> int:
        pool = await create_pool(settings, min_size=0, max_size=2)
        s3 = await S3(settings).open()
        try:
            result = await backups.backup_database(pool, s3, settings, trigger="manual")
            print(f"Copia creada: s3://{settings.s3_bucket}/{result.key}")
            print(f"  tamaño: {result.size_bytes:,} bytes".replace(",", "."))
            print(f"  sha256: {result.sha256}")
            print(f"  duración: {result.duration_ms / 1000:.1f} s")
            if args.retention:
                deleted = await backups.apply_retention(pool, s3, settings)
                print(f"Retención: {len(deleted)} copias vencidas eliminadas.")
            return 0
        except backups.BackupError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        finally:
            await s3.close()
            await pool.close()

    return asyncio.run(main())


def restore_command(args: argparse.Namespace) -> int:
    """Restore a backup; with --verify, compare the result with the source table by table."""
    settings = load_settings()
    configure_logging("warning", environment=settings.environment)
    from chatnomina.s3 import S3
    from chatnomina.services import backups

    target = args.target_db or settings.db_name

    async def main() -> int:
        s3 = await S3(settings).open()
        try:
            await backups.restore(s3, settings, args.key, target, clean=args.clean)
            print(f"Copia {args.key} restaurada en la base de datos {target}.")
            if args.verify:
                report = await backups.verify(settings, settings.db_name, target)
                print(json.dumps({"source": report.source, "target": report.target, "equal": report.equal,
                                  "tables": report.tables}, ensure_ascii=False, indent=2))
                print("Verificación: " + ("las bases coinciden tabla por tabla."
                                          if report.equal else "HAY DIFERENCIAS (ver tablas con equal=false)."))
                return 0 if report.equal else 3
            return 0
        except backups.BackupError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        finally:
            await s3.close()

    return asyncio.run(main())
