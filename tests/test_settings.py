"""Settings: defaults, validation of every variable at once, secrets never shown."""

from __future__ import annotations

import subprocess
import sys
from datetime import time

import pytest

from chatnomina.settings import DEV_JWT_SECRET, Settings, SettingsError
from tests.support import ROOT


def test_defaults_are_local_and_usable() -> None:
    settings = Settings.from_env({})
    assert settings.environment == "local"
    assert settings.db_host == "127.0.0.1" and settings.db_port == 5432
    assert settings.api_prefix == "/api/v1"
    assert settings.jwt_secret.get() == DEV_JWT_SECRET
    assert settings.backup_time == time(2, 0)


def test_guide_variables_are_read() -> None:
    settings = Settings.from_env(
        {
            "DB_HOST": "db.internal", "DB_PORT": "6543", "DB_NAME": "nomina", "DB_USER": "admin",
            "DB_PASSWORD": "pw", "REDIS_HOST": "cache", "REDIS_PORT": "6380", "REDIS_PASSWORD": "rp",
            "S3_BUCKET": "chatnomina-prod", "AWS_REGION": "us-east-1", "API_VERSION": "v1",
            "API_PORT": "9000", "ENVIRONMENT": "staging", "LOG_LEVEL": "DEBUG",
            "JWT_SECRET": "x" * 40, "JWT_EXPIRATION": "900",
            "CORS_ORIGINS": "https://chatnomina.com, https://staging.chatnomina.com",
        }
    )
    assert settings.db_port == 6543 and settings.redis_port == 6380
    assert settings.log_level == "debug"
    assert settings.cors_origins == ("https://chatnomina.com", "https://staging.chatnomina.com")
    assert settings.redis_url() == "redis://:rp@cache:6380/0"


def test_every_bad_variable_is_listed_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(
            {"DB_PORT": "abc", "JWT_EXPIRATION": "-1", "API_PORT": "70000", "LOG_LEVEL": "loud",
             "CORS_ORIGINS": "not a url", "BACKUP_TIME": "25:00", "CHATNOMINA_TODAY": "2026-13-01"}
        )
    problems = caught.value.problems
    assert set(problems) == {
        "DB_PORT", "JWT_EXPIRATION", "API_PORT", "LOG_LEVEL", "CORS_ORIGINS", "BACKUP_TIME", "CHATNOMINA_TODAY"
    }
    assert "entero" in problems["DB_PORT"]


def test_strict_environments_require_secrets() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"ENVIRONMENT": "production"})
    assert {"DB_PASSWORD", "REDIS_PASSWORD", "JWT_SECRET"} <= set(caught.value.problems)


def test_short_jwt_secret_is_refused_without_showing_it() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"JWT_SECRET": "hunter2-short"})
    assert "JWT_SECRET" in caught.value.problems
    assert "hunter2" not in str(caught.value)


def test_secrets_never_appear_in_repr() -> None:
    settings = Settings.from_env({"DB_PASSWORD": "s3cr3t-db", "JWT_SECRET": "j" * 40, "REDIS_PASSWORD": "s3cr3t-redis"})
    text = repr(settings) + str(settings.public_view())
    assert "s3cr3t" not in text and "jjjj" not in text
    assert settings.db_password.get() == "s3cr3t-db"


def test_pool_bounds_are_consistent() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DB_POOL_MIN": "20", "DB_POOL_MAX": "5"})
    assert "DB_POOL_MIN" in caught.value.problems


def test_serve_exits_1_naming_both_bad_variables() -> None:
    env = {"PATH": "/usr/bin:/bin", "DB_PORT": "abc", "JWT_EXPIRATION": "-1", "DB_PASSWORD": "topsecret"}
    result = subprocess.run(
        [sys.executable, "-m", "chatnomina", "serve"], env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "DB_PORT" in result.stderr and "JWT_EXPIRATION" in result.stderr
    assert "topsecret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
