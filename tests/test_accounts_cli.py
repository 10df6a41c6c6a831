"""``chatnomina users create`` and ``clients create`` against the real database."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from typing import Any

from chatnomina.app import create_app
from chatnomina.settings import Settings
from tests.support import ROOT, subprocess_env


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatnomina", *args], env=env, cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


async def test_users_create_reads_password_from_stdin(aiohttp_client: Any, settings: Settings, service_env: dict[str, str], db: Any) -> None:
    env = subprocess_env(service_env)
    result = await asyncio.to_thread(_run, ["users", "create", "--email", "hr@example.co", "--role", "hr_agent",
                                            "--role", "payroll_admin"], env, "una-clave-larga-123\n")
    assert result.returncode == 0, result.stderr
    assert "Contraseña generada" not in result.stdout
    client = await aiohttp_client(create_app(settings))
    response = await client.post("/api/v1/auth/token", json={"username": "hr@example.co", "password": "una-clave-larga-123"})
    assert response.status == 200
    duplicate = await asyncio.to_thread(_run, ["users", "create", "--email", "HR@example.co", "--role", "employee"], env, "otra-clave-larga-1\n")
    assert duplicate.returncode == 1 and "Ya existe" in duplicate.stderr


async def test_users_create_generates_and_prints_password_once(aiohttp_client: Any, settings: Settings, service_env: dict[str, str], db: Any) -> None:
    result = await asyncio.to_thread(_run, ["users", "create", "--email", "e@example.co", "--role", "employee",
                                            "--document", "123"], subprocess_env(service_env), "")
    assert result.returncode == 0, result.stderr
    password = re.search(r"una sola vez\): (\S+)", result.stdout).group(1)  # type: ignore[union-attr]
    client = await aiohttp_client(create_app(settings))
    response = await client.post("/api/v1/auth/token", json={"username": "e@example.co", "password": password})
    assert response.status == 200


async def test_clients_create_prints_secret_that_works(aiohttp_client: Any, settings: Settings, service_env: dict[str, str], db: Any) -> None:
    result = await asyncio.to_thread(_run, ["clients", "create", "--name", "ERP", "--scopes", "payroll:read,hr:import"],
                                     subprocess_env(service_env))
    assert result.returncode == 0, result.stderr
    client_id = re.search(r"client_id: (\S+)", result.stdout).group(1)  # type: ignore[union-attr]
    secret = re.search(r"client_secret .*: (\S+)", result.stdout).group(1)  # type: ignore[union-attr]
    client = await aiohttp_client(create_app(settings))
    response = await client.post("/api/v1/auth/token", data={"grant_type": "client_credentials",
                                                            "client_id": client_id, "client_secret": secret})
    assert response.status == 200
    bad = await asyncio.to_thread(_run, ["clients", "create", "--name", "X", "--scopes", "root"], subprocess_env(service_env))
    assert bad.returncode == 1
