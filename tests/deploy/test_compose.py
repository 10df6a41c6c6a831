"""docker-compose.yml: the full local stack, health-gated, with the Procfile's commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from tests.deploy.helpers import (
    API_PORT,
    METRICS_PORT,
    REQUIRED_ENV,
    ROOT,
    ROUTES,
    SECRET_NAMES,
    WORKER_ROUTES,
    procfile,
    resolve_command,
)

COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
APP_PROCESSES = ("web", "worker", "scheduler")


def test_no_obsolete_version_key_and_named_project() -> None:
    assert "version" not in COMPOSE
    assert COMPOSE.get("name") == "chatnomina"


def test_the_whole_stack_is_there() -> None:
    assert {"postgres", "redis", "s3", "create-bucket", "release", *APP_PROCESSES} <= set(SERVICES)
    assert str(SERVICES["postgres"]["image"]).startswith("postgres:16")
    assert str(SERVICES["redis"]["image"]).startswith("redis:7")
    assert str(SERVICES["s3"]["image"]).startswith(("motoserver/moto", "minio/minio"))


def test_redis_requires_a_password_and_its_health_check_uses_it() -> None:
    redis = SERVICES["redis"]
    command = redis["command"]
    assert "--requirepass" in command
    password = command[command.index("--requirepass") + 1]
    assert password == SERVICES["web"]["environment"]["REDIS_PASSWORD"]
    assert redis["environment"]["REDISCLI_AUTH"] == password
    assert "ping" in " ".join(redis["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["postgres", "redis", "s3"])
def test_infrastructure_has_health_checks(name: str) -> None:
    check = SERVICES[name]["healthcheck"]
    assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert not check.get("disable")


@pytest.mark.parametrize("name", ["release", *APP_PROCESSES])
def test_commands_are_the_procfile_lines(name: str, tmp_path: Path) -> None:
    assert resolve_command(SERVICES[name]["command"], tmp_path) == procfile()[name]


def test_release_runs_once_after_the_databases() -> None:
    release = SERVICES["release"]
    assert release["restart"] == "no"
    assert release["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert release["depends_on"]["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", APP_PROCESSES)
def test_processes_wait_for_healthy_dependencies_and_migrations(name: str) -> None:
    depends = SERVICES[name]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert depends["release"]["condition"] == "service_completed_successfully"
    assert depends["create-bucket"]["condition"] == "service_completed_successfully"


def test_bucket_is_created_once_s3_is_healthy() -> None:
    bucket = SERVICES["create-bucket"]
    assert bucket["depends_on"]["s3"]["condition"] == "service_healthy"
    script = "\n".join(bucket["command"])
    assert "create_bucket" in script and "S3_BUCKET" in script
    assert bucket["restart"] == "no"


@pytest.mark.parametrize("name", APP_PROCESSES)
def test_process_health_checks_hit_health_on_the_right_port(name: str) -> None:
    test = SERVICES[name]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "chatnomina-healthcheck"]
    url = urlparse(test[2])
    expected_port = API_PORT if name == "web" else METRICS_PORT
    assert url.port == expected_port
    assert url.path == "/health"
    assert url.path in (ROUTES if name == "web" else WORKER_ROUTES)


def test_app_services_share_one_image_and_the_settings() -> None:
    app = ["create-bucket", "release", *APP_PROCESSES]
    assert len({SERVICES[name]["image"] for name in app}) == 1
    for name in app:
        env = SERVICES[name]["environment"]
        # Locally tracing is off (no collector): OTEL_SDK_DISABLED instead of an endpoint.
        assert (REQUIRED_ENV - {"OTEL_EXPORTER_OTLP_ENDPOINT"}) | SECRET_NAMES <= set(env), name
        assert env["OTEL_SDK_DISABLED"] == "true"
        assert env["API_PORT"] == str(API_PORT) and env["METRICS_PORT"] == str(METRICS_PORT)
        assert env["S3_ENDPOINT_URL"] == "http://s3:5000"
        assert env["DB_HOST"] == "postgres" and env["REDIS_HOST"] == "redis"
        assert SERVICES[name]["read_only"] is True and "/tmp" in SERVICES[name]["tmpfs"]
    assert SERVICES["web"]["ports"] == [f"{API_PORT}:{API_PORT}"]


def test_shutdown_grace_is_covered_by_the_stop_period() -> None:
    for name in APP_PROCESSES:
        grace = int(SERVICES[name]["environment"]["SHUTDOWN_GRACE_SECONDS"])
        stop = int(str(SERVICES[name]["stop_grace_period"]).rstrip("s"))
        assert stop >= grace + 5, name


def test_named_volumes_are_declared_and_used() -> None:
    declared = set(COMPOSE["volumes"])
    used = {
        mount.split(":")[0]
        for service in SERVICES.values()
        for mount in service.get("volumes", [])
        if not mount.startswith((".", "/"))
    }
    assert used == declared
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "redis-data:/data" in SERVICES["redis"]["volumes"]


def test_optional_prometheus_uses_the_repository_config() -> None:
    prometheus = SERVICES["prometheus"]
    assert prometheus["profiles"] == ["monitoring"]
    for mount in prometheus["volumes"]:
        source = mount.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).is_file(), source
