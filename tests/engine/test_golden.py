"""Every golden case computes to exactly its hand-checked payslip."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from chatnomina.engine import compute_golden
from tests.engine.builders import load_golden_cases

CASES = load_golden_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_case_matches_every_number(case: dict[str, Any]) -> None:
    result = compute_golden(case)
    lines = result.pop("lines")
    assert result == case["expected"]
    assert json.dumps(result, sort_keys=True) == json.dumps(case["expected"], sort_keys=True)
    assert lines, "every payslip carries explained lines"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_flat_input_with_string_amounts_gives_the_same_payslip(case: dict[str, Any]) -> None:
    flat = {"period": case["period"], **copy.deepcopy(case["inputs"])}
    for name in (
        "base_monthly_salary",
        "prepaid_medicine_monthly",
        "housing_interest_monthly",
        "voluntary_pension_monthly",
    ):
        flat[name] = f"{flat[name]}.00"
    result = compute_golden(flat)
    result.pop("lines")
    assert result == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_line_is_explained_with_dated_parameters(case: dict[str, Any]) -> None:
    lines = compute_golden(case)["lines"]
    for line in lines:
        assert set(line) >= {"code", "label", "category", "amount", "trace"}
        Decimal(line["amount"])  # a decimal string
        trace = line["trace"]
        assert trace["formula"] and isinstance(trace["formula"], str)
        for param in trace["parameters"]:
            assert param["source"] and param["effective_from"]
    codes = {line["code"] for line in lines}
    assert {
        "SALARIO",
        "AUXILIO_TRANSPORTE",
        "IBC",
        "SALUD",
        "PENSION",
        "FSP",
        "RETENCION_FUENTE",
        "ARL",
        "CAJA",
        "PROVISION_PRIMA",
        "PROVISION_VACACIONES",
    } <= codes


def test_lines_agree_with_the_totals() -> None:
    case = next(c for c in CASES if c["id"] == "CO-2026-06-OT-BEFORE")
    result = compute_golden(case)
    earned = sum(
        Decimal(line["amount"]) for line in result["lines"] if line["category"] == "devengo"
    )
    deducted = sum(
        Decimal(line["amount"]) for line in result["lines"] if line["category"] == "deduccion"
    )
    assert earned == result["devengos"]["total_devengado"]
    assert deducted == result["deducciones"]["total"]
    assert earned - deducted == result["neto_a_pagar"]


def test_trace_can_be_kept_structured_for_storage() -> None:
    from chatnomina.engine import compute_payslip, parse_golden

    engine_input, _ = parse_golden(CASES[0])
    payslip = compute_payslip(engine_input)
    line = payslip.line("SALUD")
    assert line is not None
    stored = line.trace.as_dict(rendered=False)
    assert stored["template"].format(**{k: str(v) for k, v in stored["inputs"].items()})
    assert stored["parameters"] == [
        {"name": "health_rate_employee", "effective_from": "2024-01-01"}
    ]
    assert "70.036" in payslip.explain()
