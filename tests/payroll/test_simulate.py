"""``POST /api/v1/payroll/simulate``: the engine over HTTP, nothing stored."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from chatnomina.auth.tokens import issue_access_token
from chatnomina.settings import Settings
from tests.engine.builders import golden_input, load_golden_cases

CASES = load_golden_cases()
URL = "/api/v1/payroll/simulate"


def employee(settings: Settings) -> dict[str, str]:
    token = issue_access_token(settings, subject="user:1", roles=["employee"], document="1130846901")
    return {"Authorization": f"Bearer {token.token}"}


def integration_client(settings: Settings) -> dict[str, str]:
    token = issue_access_token(settings, subject="client:erp", scopes=["payroll:read"])
    return {"Authorization": f"Bearer {token.token}"}


async def simulate(client: Any, settings: Settings, payload: Any, status: int) -> dict[str, Any]:
    response = await client.post(URL, json=payload, headers=employee(settings))
    body = await response.json()
    assert response.status == status, body
    return body


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
async def test_every_golden_case_computes_its_expected_payslip(client: Any, settings: Settings,
                                                               case: dict[str, Any]) -> None:
    body = await simulate(client, settings, case, 200)
    lines = body.pop("lines")
    assert body == case["expected"]
    assert all({"code", "label", "category", "amount", "trace"} <= set(line) for line in lines)


async def test_a_flat_input_with_string_amounts_is_the_same_payslip(client: Any, settings: Settings) -> None:
    case = CASES[3]
    flat = {"period": case["period"], **copy.deepcopy(case["inputs"])}
    flat["base_monthly_salary"] = f"{flat['base_monthly_salary']}.00"
    body = await simulate(client, settings, flat, 200)
    body.pop("lines")
    assert body == case["expected"]


async def test_an_integration_client_may_simulate(client: Any, settings: Settings) -> None:
    response = await client.post(URL, json=golden_input(), headers=integration_client(settings))
    assert response.status == 200, await response.text()


async def test_without_a_token_the_answer_is_401(client: Any) -> None:
    response = await client.post(URL, json=golden_input())
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "INVALID_TOKEN"


@pytest.mark.parametrize(("payload", "field", "message"), [
    (golden_input(base_monthly_salary=-1_500_000), "inputs.base_monthly_salary",
     "El salario mensual debe ser mayor que cero."),
    (golden_input(prepaid_medicine_monthly="mucho"), "inputs.prepaid_medicine_monthly",
     "«mucho» no es un número válido."),
    ({"period": "2026-03", "inputs": {"base_monthly_salary": "dos millones"}}, "inputs.base_monthly_salary",
     "«dos millones» no es un número válido."),
    (golden_input(arl_class="VI"), "inputs.arl_class",
     "Clase de riesgo ARL desconocida «VI»; use I, II, III, IV, V."),
    (golden_input(period="2019-05"), "period",
     ("No hay un valor vigente de «Salario mínimo mensual legal vigente (SMMLV)» (smmlv) para la "
      "fecha 2019-05-01: falta cargar el parámetro con su norma para ese período.")),
    (golden_input(overtime=[{"date": "2026-03-05", "start": "10:00", "end": "08:00", "kind": "extra"}]),
     "inputs.overtime[0].end",
     ("La franja termina (08:00) antes de empezar (10:00). Si cruza la medianoche, indique "
      "end_date con el día siguiente.")),
    ({"base_monthly_salary": 2_000_000}, "period", "El período debe tener la forma AAAA-MM (por ejemplo 2026-03)."),
])
async def test_bad_input_is_422_naming_the_field_as_the_engine_does(
    client: Any, settings: Settings, payload: dict[str, Any], field: str, message: str
) -> None:
    error = (await simulate(client, settings, payload, 422))["error"]
    assert (error["code"], error["message"], error["details"]["field"]) == ("INVALID_REQUEST", message, field)


async def test_nothing_is_written_to_the_database(client: Any, settings: Settings, db: Any) -> None:
    await simulate(client, settings, CASES[0], 200)
    await simulate(client, settings, golden_input(base_monthly_salary=-1), 422)
    async with db.acquire() as conn:
        tables = [row["tablename"] for row in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")]
        assert tables
        counts = {name: await conn.fetchval(f'SELECT count(*) FROM "{name}"') for name in tables}
    assert {name: count for name, count in counts.items() if count} == {}


async def test_openapi_documents_the_input_fields_and_the_error_field_paths(client: Any) -> None:
    spec = await (await client.get("/api/v1/openapi.json")).json()
    operation = spec["paths"][URL]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SimulateRequest"}
    assert "inputs.base_monthly_salary" in operation["description"]
    schemas = spec["components"]["schemas"]
    fields = set(schemas["SimulateRequest"]["properties"])
    assert fields >= {
        "period", "inputs", "base_monthly_salary", "salary_type", "days_worked", "hire_date", "overtime",
        "arl_class", "dependents", "prepaid_medicine_monthly", "housing_interest_monthly",
        "voluntary_pension_monthly", "employer_exonerated", "employer_settings",
    }
    assert set(schemas["OvertimeSpan"]["properties"]) >= {"date", "start", "end", "kind"}
    assert schemas["SimulateRequest"]["properties"]["base_monthly_salary"]["anyOf"] == [
        {"type": "number"}, {"type": "string"}]
    assert set(schemas["PayslipView"]["properties"]) >= {"devengos", "deducciones", "neto_a_pagar", "lines"}
