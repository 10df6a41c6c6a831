"""``chatnomina dev`` on a machine without PostgreSQL/Redis: embedded servers, /ready, Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from chatnomina.devserver import free_port, port_open
from tests.support import ROOT, wait_http


def _dev_env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DB_", "REDIS_", "S3_", "AWS_")) and k != "ENVIRONMENT"}
    env.update(CHATNOMINA_DATA_DIR=str(data_dir), API_PORT=str(port), METRICS_PORT="0", PYTHONPATH=str(ROOT),
               WORKER_PROCESSES="1", LOG_LEVEL="warning")
    return env


async def test_dev_starts_everything_embedded_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    # A file, not a pipe: nobody reads a pipe while waiting, and a full one would block `dev`.
    log_path = tmp_path / "dev.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "chatnomina", "dev"], env=_dev_env(tmp_path / "local", port),
                                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/ready", 90)
        proc.send_signal(signal.SIGINT)
        code: int | None = await asyncio.to_thread(proc.wait, 60)
    except subprocess.TimeoutExpired:
        code = None  # the assertion below shows what `dev` printed
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    output = log_path.read_text(errors="replace")
    assert code == 0, output
    assert f"http://127.0.0.1:{port}" in output and "Iniciando PostgreSQL embebido" in output
    assert not port_open("127.0.0.1", port)
    assert (tmp_path / "local" / "postgres" / "PG_VERSION").exists()
    assert not (tmp_path / "local" / "postgres" / "postmaster.pid").exists()  # PostgreSQL stopped too
