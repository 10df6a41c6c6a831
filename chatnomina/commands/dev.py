"""``chatnomina dev``: the whole system on one machine.

Without ``DB_HOST`` / ``REDIS_HOST`` / ``S3_ENDPOINT_URL`` it starts embedded PostgreSQL,
Redis and an S3-compatible server under the data folder (``CHATNOMINA_DATA_DIR``, default
``.local/``, ignored by git); with them it uses what they point at. Then it migrates,
loads the demo organisation, starts the web and worker processes and prints the URL and
demo logins. Ctrl-C stops everything it started.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import asyncpg

from chatnomina.cli import load_settings
from chatnomina.devserver import EmbeddedPostgres, EmbeddedRedis, EmbeddedS3
from chatnomina.settings import Settings


async def ensure_database(settings: Settings) -> None:
    """Create ``DB_NAME`` when it does not exist yet."""
    conn = await asyncpg.connect(
        host=settings.db_host, port=settings.db_port, user=settings.db_user,
        password=settings.db_password.get() or None, database="postgres",
    )
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", settings.db_name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{settings.db_name}"')
    finally:
        await conn.close()


def _say(text: str) -> None:
    print(text, flush=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def dev(args: argparse.Namespace) -> int:
    """Run the full stack in the foreground until Ctrl-C (or SIGTERM)."""
    # A shell starts background jobs with SIGINT ignored, and Python then installs no
    # KeyboardInterrupt handler: claim both signals so that they always stop everything.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    base = load_settings()
    data_dir = Path(base.data_dir).resolve()
    stops: list[Callable[[], None]] = []
    env = dict(os.environ)
    env.setdefault("ENVIRONMENT", "local")
    try:
        if "DB_HOST" not in os.environ:
            _say("Iniciando PostgreSQL embebido…")
            pg = EmbeddedPostgres(data_dir / "postgres").start()
            stops.append(pg.stop)
            env.update(pg.env())
        if "REDIS_HOST" not in os.environ:
            _say("Iniciando Redis embebido…")
            redis = EmbeddedRedis(data_dir / "redis").start()
            stops.append(redis.stop)
            env.update(redis.env())
        if "S3_ENDPOINT_URL" not in os.environ and "AWS_ACCESS_KEY_ID" not in os.environ:
            _say("Iniciando servidor S3 local (moto)…")
            s3 = EmbeddedS3().start()
            stops.append(s3.stop)
            env.update(s3.env())
        if args.port:
            env["API_PORT"] = str(args.port)
        os.environ.update(env)
        settings = load_settings()

        asyncio.run(ensure_database(settings))
        from chatnomina.migrate import upgrade_head

        upgrade_head(settings)
        _say("Migraciones aplicadas.")
        logins = _load_demo(settings)

        children = [subprocess.Popen([sys.executable, "-m", "chatnomina", "serve"], env=env)]
        if not args.no_worker:
            children.append(subprocess.Popen([sys.executable, "-m", "chatnomina", "worker"], env=env))
        stops.insert(0, lambda: _stop_children(children))
        url = f"http://127.0.0.1:{settings.api_port}"
        _say("")
        _say(f"ChatNomina está corriendo en {url}")
        _say(f"  Salud: {url}/ready   API: {url}{settings.api_prefix}/openapi.json")
        for line in logins:
            _say(f"  {line}")
        _say("Presione Ctrl-C para detener todo.")
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        _say("Un proceso terminó inesperadamente; deteniendo todo.")
        return 1
    except KeyboardInterrupt:
        _say("\nDeteniendo…")
        return 0
    finally:
        for stop in stops:
            try:
                stop()
            except Exception as exc:  # keep stopping the rest
                print(f"Error al detener: {exc}", file=sys.stderr)


def _load_demo(settings: Settings) -> list[str]:
    """Load the demo organisation if the HR module provides it; returns login lines."""
    try:
        from chatnomina.demo import load_demo
    except ImportError:
        return []
    return asyncio.run(load_demo(settings))


def _stop_children(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
