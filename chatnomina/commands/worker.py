"""``chatnomina worker``: Dramatiq worker processes for every queue."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile

from chatnomina.cli import load_settings


def worker(args: argparse.Namespace) -> int:
    """Replace this process with Dramatiq's (so SIGTERM reaches it directly)."""
    settings = load_settings()
    processes = args.processes or settings.worker_processes
    threads = args.threads or settings.worker_threads
    env = dict(os.environ)
    metrics_dir = env.get("PROMETHEUS_MULTIPROC_DIR")
    if not metrics_dir:
        metrics_dir = tempfile.mkdtemp(prefix="chatnomina-metrics-")
        env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    else:
        shutil.rmtree(metrics_dir, ignore_errors=True)
        os.makedirs(metrics_dir, exist_ok=True)
    argv = [
        sys.executable, "-m", "dramatiq", "workers.tasks",
        "--processes", str(processes),
        "--threads", str(threads),
        # running jobs get the grace period after SIGTERM; unfinished ones are redelivered
        "--worker-shutdown-timeout", str(int(settings.shutdown_grace_seconds * 1000)),
    ]
    sys.stdout.flush()
    os.execvpe(sys.executable, argv, env)
    return 0  # not reached
