"""The image: Dockerfile stages, build context (.dockerignore), entrypoint and health check."""

from __future__ import annotations

import http.server
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.deploy.helpers import DEPLOY, PROCESS_TYPES, ROOT, procfile, resolve_command


@dataclass
class Stage:
    image: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def dockerfile_stages() -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, with continuation lines joined."""
    logical: list[str] = []
    current = ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or not stripped:
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    assert not current, "Dockerfile ends inside a continued line"
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = rest.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), words[0])
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(image=image, name=name))
        elif not stages:
            if keyword == "ARG" and "=" in rest:
                key, _, value = rest.partition("=")
                args[key.strip()] = value.strip()
        else:
            stages[-1].instructions.append((keyword, rest))
    return args, stages


def dockerignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    """(is_exception, regex) per .dockerignore line, Go filepath.Match plus `**`."""
    rules = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line[1:].strip() if exception else line
        pattern = pattern.strip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((exception, re.compile(regex + r"\Z")))
    return rules


def ignored(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for exception, regex in dockerignore_rules():
        if any(regex.match(candidate) for candidate in candidates):
            result = not exception
    return result


ARGS, STAGES = dockerfile_stages()
RUNTIME = STAGES[-1]


def test_multi_stage_on_current_slim_python() -> None:
    assert len(STAGES) >= 2, "build and runtime stages"
    for stage in STAGES:
        assert re.fullmatch(r"python:3\.1[1-3]-slim-(bookworm|trixie)", stage.image), stage.image
    assert RUNTIME.name == "runtime"
    assert STAGES[0].name == "build"


def test_build_stage_makes_wheels_from_the_lock_without_dev_extras() -> None:
    build = STAGES[0]
    runs = " ".join(build.all("RUN"))
    assert re.search(r"pip wheel .*-c constraints\.txt .*\.", runs), runs
    instructions = " ".join(args for stage in STAGES for _, args in stage.instructions)
    assert "[dev]" not in instructions and "torch" not in instructions
    assert "-e " not in instructions, "no editable install in the image"
    runtime_runs = " ".join(RUNTIME.all("RUN"))
    assert "--no-index" in runtime_runs and "--find-links=/wheels" in runtime_runs
    assert "-c /tmp/constraints.txt chatnomina" in runtime_runs


def test_runtime_has_pg_client_tini_and_no_compiler() -> None:
    runs = " ".join(RUNTIME.all("RUN"))
    assert "postgresql-client-${PG_MAJOR}" in runs
    pg_major = [a for a in RUNTIME.all("ARG") if a.startswith("PG_MAJOR=")]
    assert pg_major and int(pg_major[0].split("=")[1]) >= 16, "pg_dump must match RDS PostgreSQL 16"
    assert re.search(r"\btini\b", runs)
    assert "build-essential" not in runs and "gcc" not in runs


def test_runtime_runs_as_a_numeric_non_root_user() -> None:
    users = RUNTIME.all("USER")
    assert users, "USER missing in the runtime stage"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "numeric uid so runAsNonRoot can verify it"


def test_exposes_the_api_port_and_health_checks_with_python() -> None:
    assert RUNTIME.all("EXPOSE") == ["8000"]
    health = RUNTIME.all("HEALTHCHECK")
    assert len(health) == 1
    assert "chatnomina-healthcheck" in health[0]
    assert "curl" not in health[0] and "wget" not in health[0]
    copies = RUNTIME.all("COPY")
    assert any("deploy/healthcheck.py /usr/local/bin/chatnomina-healthcheck" in c for c in copies)
    assert (DEPLOY / "healthcheck.py").read_text().count("urllib.request") >= 1


def test_entrypoint_is_tini_then_the_process_type_script() -> None:
    entrypoint = RUNTIME.all("ENTRYPOINT")
    assert len(entrypoint) == 1
    assert entrypoint[0] == '["/usr/bin/tini", "--", "docker-entrypoint.sh"]'
    assert RUNTIME.all("CMD") == ['["web"]']
    copies = RUNTIME.all("COPY")
    assert any(
        "deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh" in c for c in copies
    )
    assert os.access(DEPLOY / "docker-entrypoint.sh", os.X_OK)
    assert os.access(DEPLOY / "healthcheck.py", os.X_OK)


def test_migrations_and_alembic_ini_reach_the_working_directory() -> None:
    build_runs = " ".join(STAGES[0].all("RUN"))
    assert "cp alembic.ini /release/alembic.ini" in build_runs
    assert "cp -r migrations /release/migrations" in build_runs
    assert "--from=build /release/ /app/" in " ".join(RUNTIME.all("COPY"))
    assert RUNTIME.all("WORKDIR")[-1] == "/app"
    assert "script_location = %(here)s/migrations" in (ROOT / "alembic.ini").read_text()


def test_every_context_file_the_dockerfile_copies_exists_and_is_not_ignored() -> None:
    for stage in STAGES:
        for args in stage.all("COPY"):
            words = [w for w in shlex.split(args) if not w.startswith("--")]
            if "--from=" in args:
                continue
            *sources, _dest = words
            for source in sources:
                if source == ".":
                    continue
                assert (ROOT / source).exists(), source
                assert not ignored(source), f"{source} is excluded by .dockerignore"
        for args in stage.all("RUN"):
            for source in re.findall(r"--mount=type=bind,source=([^,\s]+)", args):
                assert (ROOT / source).exists() and not ignored(source), source


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".git/HEAD",
        ".local/postgres/PG_VERSION",
        ".github/workflows/ci-cd.yml",
        "tests/fixtures/golden_payroll_cases.json",
        "tests/deploy/test_image.py",
        "bench/out/run.json",
        "chatnomina/__pycache__/app.cpython-311.pyc",
        "chatnomina.egg-info/PKG-INFO",
        "deploy/ecs/task-web.json",
        "deploy/deploy.sh",
        ".env",
        "docker-compose.yml",
    ],
)
def test_dockerignore_keeps_out(path: str) -> None:
    assert ignored(path), path


@pytest.mark.parametrize(
    "path",
    [
        "setup.cfg",
        "pyproject.toml",
        "constraints.txt",
        "README.md",
        "alembic.ini",
        "Procfile",
        "chatnomina/__init__.py",
        "chatnomina/metrics.py",
        "chatnomina/engine/data/x.json",
        "workers/tasks.py",
        "migrations/env.py",
        "migrations/versions/0001_x.py",
        "deploy/docker-entrypoint.sh",
        "deploy/healthcheck.py",
    ],
)
def test_dockerignore_keeps_what_the_build_needs(path: str) -> None:
    assert not ignored(path), path


@pytest.mark.parametrize("process", PROCESS_TYPES)
def test_entrypoint_maps_process_types_to_the_procfile(process: str, tmp_path: Path) -> None:
    assert resolve_command([process], tmp_path) == procfile()[process]


def test_entrypoint_defaults_to_web_and_passes_extra_arguments(tmp_path: Path) -> None:
    assert resolve_command([], tmp_path) == procfile()["web"]
    assert resolve_command(["web", "--port", "9000"], tmp_path) == [
        *procfile()["web"],
        "--port",
        "9000",
    ]


def test_entrypoint_passes_other_commands_through(tmp_path: Path) -> None:
    assert resolve_command(["chatnomina", "backup"], tmp_path) == ["chatnomina", "backup"]
    result = subprocess.run(
        ["sh", str(DEPLOY / "docker-entrypoint.sh"), "echo", "hola"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout == "hola\n"


# --------------------------------------------------------------------------- health check


class _Handler(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        code = self.status if self.path == "/health" else 404
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def _server(status: int) -> Iterator[int]:
    handler = type("Handler", (_Handler,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def healthy_port() -> Iterator[int]:
    yield from _server(200)


@pytest.fixture
def failing_port() -> Iterator[int]:
    yield from _server(503)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthcheck(*urls: str, **env: str) -> int:
    environ = {k: v for k, v in os.environ.items() if k not in ("API_PORT", "METRICS_PORT")}
    environ.update(env, HEALTHCHECK_TIMEOUT="3")
    return subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py"), *urls],
        env=environ,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).returncode


def test_healthcheck_passes_on_200(healthy_port: int) -> None:
    assert _healthcheck(f"http://127.0.0.1:{healthy_port}/health") == 0


def test_healthcheck_fails_on_503_404_and_no_listener(failing_port: int, healthy_port: int) -> None:
    assert _healthcheck(f"http://127.0.0.1:{failing_port}/health") == 1
    assert _healthcheck(f"http://127.0.0.1:{healthy_port}/nothing") == 1
    assert _healthcheck(f"http://127.0.0.1:{_closed_port()}/health") == 1


def test_healthcheck_default_tries_api_port_then_metrics_port(healthy_port: int) -> None:
    closed = str(_closed_port())
    assert _healthcheck(API_PORT=str(healthy_port), METRICS_PORT=closed) == 0
    assert _healthcheck(API_PORT=closed, METRICS_PORT=str(healthy_port)) == 0
    assert _healthcheck(API_PORT=closed, METRICS_PORT=closed) == 1
