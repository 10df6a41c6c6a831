"""Builders shared by the engine tests: the golden fixture and a minimal §9 input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GOLDEN_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "golden_payroll_cases.json"


def load_golden_cases() -> list[dict[str, Any]]:
    """Every case of the hand-checked fixture."""
    with GOLDEN_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)["cases"]


def golden_input(period: str = "2026-03", **fields: Any) -> dict[str, Any]:
    """A flat §9 input: a full-month ordinary worker unless ``fields`` say otherwise."""
    payload: dict[str, Any] = {
        "period": period,
        "base_monthly_salary": 2_000_000,
        "salary_type": "ordinary",
        "days_worked": 30,
        "overtime": [],
        "arl_class": "I",
        "dependents": False,
        "prepaid_medicine_monthly": 0,
        "housing_interest_monthly": 0,
        "voluntary_pension_monthly": 0,
        "employer_exonerated": True,
    }
    payload.update(fields)
    return payload
