"""Helpers for tests that start child processes (servers, workers, the CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def subprocess_env(service_env: dict[str, str], **extra: str) -> dict[str, str]:
    """The environment for child processes (servers, workers, CLI) of a test."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DB_", "REDIS_"))}
    env.update(service_env)
    env.update(extra)
    env["PYTHONPATH"] = str(ROOT)
    return env


def start_process(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.Popen:
    """Start ``python -m chatnomina ...`` (or any module) as a child process."""
    kwargs.setdefault("start_new_session", True)  # stop_process signals the whole group
    return subprocess.Popen(
        [sys.executable, *args], env=env, cwd=str(ROOT),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs,
    )


def wait_http(url: str, timeout: float = 30.0, expect: int | None = 200) -> int:
    """Poll ``url`` until it answers (with ``expect`` if given); returns the status."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if expect is None or response.status == expect:
                    return response.status
        except urllib.error.HTTPError as exc:
            if expect is None or exc.code == expect:
                return exc.code
            last = exc
        except OSError as exc:
            last = exc
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer {expect} within {timeout}s: {last}")


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # children (Dramatiq's worker processes) included
    except (ProcessLookupError, PermissionError):
        pass


def stop_process(proc: subprocess.Popen, timeout: float = 20.0) -> str:
    """SIGTERM (then SIGKILL) a child and its process group, reap it, close its pipe; returns its output."""
    import signal

    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
    # leftovers of the group (orphaned children) must not keep the pipe open
    _signal_group(proc, signal.SIGKILL)
    output = ""
    if proc.stdout is not None and not proc.stdout.closed:
        output = proc.stdout.read().decode(errors="replace")
        proc.stdout.close()
    return output
