"""Migrations: idempotent, and safe when two processes run them at once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid

import asyncpg

from chatnomina.migrate import current_revision_heads
from chatnomina.settings import Settings
from tests.support import ROOT, subprocess_env


async def _fetch(settings: Settings, database: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(host=settings.db_host, port=settings.db_port, user=settings.db_user,
                                 password=settings.db_password.get() or None, database=database)
    try:
        return await conn.fetch(sql)
    finally:
        await conn.close()


async def test_running_twice_changes_nothing(settings: Settings, service_env: dict[str, str]) -> None:
    env = subprocess_env(service_env)
    before = await _fetch(settings, settings.db_name, "SELECT version_num FROM alembic_version")
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "chatnomina", "migrate"], env=env, cwd=ROOT,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    after = await _fetch(settings, settings.db_name, "SELECT version_num FROM alembic_version")
    assert [r[0] for r in before] == [r[0] for r in after] == current_revision_heads()


async def test_concurrent_runs_do_not_corrupt(settings: Settings, service_env: dict[str, str]) -> None:
    database = f"cn_mig_{uuid.uuid4().hex[:8]}"
    await _fetch(settings, "postgres", f'CREATE DATABASE "{database}"')
    try:
        env = subprocess_env(service_env, DB_NAME=database)
        procs = [
            subprocess.Popen([sys.executable, "-m", "chatnomina", "migrate"], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for _ in range(3)
        ]
        outputs = [await asyncio.to_thread(p.communicate, timeout=180) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], outputs
        versions = await _fetch(settings, database, "SELECT version_num FROM alembic_version")
        assert [r[0] for r in versions] == current_revision_heads()
        tables = await _fetch(settings, database, "SELECT count(*) FROM pg_tables WHERE schemaname='public'")
        main_tables = await _fetch(settings, settings.db_name, "SELECT count(*) FROM pg_tables WHERE schemaname='public'")
        assert tables[0][0] == main_tables[0][0]
    finally:
        await _fetch(settings, "postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_alembic_cli_reads_the_same_environment(service_env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "current"],
        env=subprocess_env(service_env), cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert current_revision_heads()[0] in result.stdout + result.stderr
