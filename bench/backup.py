"""Backup, restore and verification of the payroll-run benchmark's database.

    python bench/backup.py [--database chatnomina_bench_payroll]

Run ``bench/payroll_run.py`` first: it leaves 100,000 employees, two years of deposits and
a computed payroll in ``chatnomina_bench_payroll``. This backs that database up through the
real path (``pg_dump`` streamed into an S3 multipart upload via aiobotocore, to moto's
server on loopback unless ``S3_ENDPOINT_URL`` is set), restores it into a scratch database
and verifies row counts and per-table checksums. Prints JSON: database size, dump size,
backup/restore/verify seconds, whether the copies are equal, and this process's peak RSS
(the dump streams, so it must stay far below the dump's size).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, service_env  # noqa: E402
from chatnomina.db import connect_kwargs, create_pool  # noqa: E402
from chatnomina.logs import configure_logging  # noqa: E402
from chatnomina.settings import Settings  # noqa: E402


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def _database_facts(settings: Settings) -> dict[str, int]:
    conn = await asyncpg.connect(**connect_kwargs(settings))
    try:
        return {
            "bytes": await conn.fetchval("SELECT pg_database_size(current_database())"),
            "employees": await conn.fetchval("SELECT count(*) FROM hr_employees"),
            "payslips": await conn.fetchval("SELECT count(*) FROM payslips"),
            "payslip_lines": await conn.fetchval("SELECT count(*) FROM payslip_lines"),
            "deposits": await conn.fetchval("SELECT count(*) FROM hr_deposits"),
        }
    finally:
        await conn.close()


async def _drop(settings: Settings, database: str) -> None:
    conn = await asyncpg.connect(**connect_kwargs(settings, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await conn.close()


async def measure(settings: Settings, target: str) -> dict:
    from chatnomina.s3 import S3
    from chatnomina.services import backups

    try:
        facts = await _database_facts(settings)
    except asyncpg.InvalidCatalogNameError:
        raise SystemExit(f"No existe la base {settings.db_name}: ejecute antes bench/payroll_run.py.") from None
    await _drop(settings, target)
    pool = await create_pool(settings, min_size=0, max_size=2)
    s3 = await S3(settings).open()
    try:
        started = time.monotonic()
        result = await backups.backup_database(pool, s3, settings, trigger="manual")
        backup_seconds = time.monotonic() - started
        rss_after_backup = _peak_rss_mb()

        started = time.monotonic()
        await backups.restore(s3, settings, result.key, target)
        restore_seconds = time.monotonic() - started

        started = time.monotonic()
        report = await backups.verify(settings, settings.db_name, target)
        verify_seconds = time.monotonic() - started
    finally:
        await s3.close()
        await pool.close()
        await _drop(settings, target)
    return {
        "database": {**facts, "mb": round(facts["bytes"] / 1e6, 1)},
        "dump_mb": round(result.size_bytes / 1e6, 1),
        "compression_ratio": round(facts["bytes"] / result.size_bytes, 1),
        "backup_seconds": round(backup_seconds, 1),
        "backup_mb_per_s": round(result.size_bytes / 1e6 / backup_seconds, 1),
        "restore_seconds": round(restore_seconds, 1),
        "verify_seconds": round(verify_seconds, 1),
        "verified_equal": report.equal,
        "tables_compared": sum(1 for t in report.tables.values() if not t.get("skipped")),
        "peak_rss_mb": {"after_backup": rss_after_backup, "after_restore": _peak_rss_mb()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="chatnomina_bench_payroll")
    parser.add_argument("--target", default="chatnomina_bench_restore")
    args = parser.parse_args()
    env = service_env()
    env["DB_NAME"] = args.database
    env.setdefault("S3_BUCKET", "chatnomina-bench")
    s3_server = None
    if "S3_ENDPOINT_URL" not in env:
        from chatnomina.devserver import EmbeddedS3

        s3_server = EmbeddedS3().start()
        env.update(s3_server.env())
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            os.environ[name] = env[name]
    settings = Settings.from_env(env)
    configure_logging("warning", environment=settings.environment)  # stdout carries only the JSON
    try:
        result = asyncio.run(measure(settings, args.target))
    finally:
        if s3_server is not None:
            s3_server.stop()
    print(json.dumps({"benchmark": "backup", "machine": machine(), **result}, indent=2))


if __name__ == "__main__":
    main()
