"""``chatnomina dev``'s demo organisation: loads twice alike, and its logins work end to end."""

from __future__ import annotations

from typing import Any

from chatnomina.app import create_app
from chatnomina.demo import demo_files, demo_logins, load_demo
from chatnomina.settings import Settings
from tests.support import FIXTURES


async def _users(db: Any) -> list[tuple[Any, ...]]:
    rows = await db.fetch("SELECT id, email, roles, document FROM users ORDER BY id")
    return [tuple(row) for row in rows]


async def _token(client: Any, email: str, password: str) -> str:
    response = await client.post("/api/v1/auth/token", json={"username": email, "password": password})
    assert response.status == 200, await response.text()
    return str((await response.json())["access_token"])


def test_the_shipped_data_is_the_documented_sample() -> None:
    sample = {path.name: path.read_bytes() for path in (FIXTURES / "hr_exports").iterdir()}
    assert demo_files() == sample


def test_the_employee_and_the_manager_are_both_in_the_data() -> None:
    employee, manager, payroll, hr = demo_logins(demo_files())
    assert employee.document == "94713023" and manager.document == "16145230"
    assert manager.roles == ("employee", "manager") and payroll.roles == ("payroll_admin",) and hr.roles == ("hr_agent",)
    assert employee.email == "santiago.gomez@demo.chatnomina.co"


async def test_loading_twice_changes_nothing(settings: Settings, db: Any) -> None:
    first = await load_demo(settings)
    users = await _users(db)
    rows = await db.fetchval("SELECT count(*) FROM hr_deposits")
    second = await load_demo(settings)
    assert await _users(db) == users and len(users) == 4
    assert await db.fetchval("SELECT count(*) FROM hr_deposits") == rows == 308
    assert first[1:] == second[1:]
    assert "1264 filas; 1264 nuevas" in first[0] and "1264 filas; 0 nuevas" in second[0]
    assert any(line.startswith("Empleado: santiago.gomez@demo.chatnomina.co / contraseña demo-empleado-2026")
               for line in first)


async def test_demo_logins_work(aiohttp_client: Any, settings: Settings, db: Any) -> None:
    await load_demo(settings)
    client = await aiohttp_client(create_app(settings))
    employee, manager, payroll, hr = demo_logins(demo_files())
    headers = {"Authorization": f"Bearer {await _token(client, employee.email, employee.password)}"}
    me = await (await client.get("/api/v1/users/me", headers=headers)).json()
    assert me["name"] == "Santiago Ignacio Gómez Trujillo"
    assert me["position"] == "PROFESOR ASOCIADO" and me["roles"] == ["employee"]
    assert me["manager"]["name"] and me["document"].endswith(employee.document[-4:])
    boss = {"Authorization": f"Bearer {await _token(client, manager.email, manager.password)}"}
    seen = await client.get(f"/api/v1/hr/employees/{employee.document}", headers=boss)
    assert seen.status == 200, await seen.text()
    for login in (payroll, hr):
        token = await _token(client, login.email, login.password)
        profile = await (await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})).json()
        assert profile["roles"] == list(login.roles) and profile["document"] is None
    wrong = await client.post("/api/v1/auth/token", json={"username": employee.email, "password": "otra"})
    assert wrong.status == 401


async def test_refused_in_production(settings: Settings, db: Any) -> None:
    lines = await load_demo(settings.with_overrides(environment="production"))
    assert len(lines) == 1 and "omitidos" in lines[0]
    assert await _users(db) == []
