"""Properties over generated inputs: arithmetic identities, bounds, whole pesos, determinism."""

from __future__ import annotations

import json
from decimal import Decimal
from math import ceil
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatnomina.engine import compute_golden

SMMLV = {2024: 1_300_000, 2025: 1_423_500, 2026: 1_750_905}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    year = draw(st.sampled_from(sorted(SMMLV)))
    month = draw(st.integers(1, 12))
    integral = draw(st.booleans()) and draw(st.booleans())
    smmlv = SMMLV[year]
    salary = draw(
        st.integers(13 * smmlv, 90_000_000) if integral else st.integers(500_000, 60_000_000)
    )
    days_worked = draw(st.integers(0, 30))
    free = 30 - days_worked
    novelties: list[dict[str, Any]] = []
    for kind in draw(
        st.lists(st.sampled_from(["vacation", "incapacity", "unpaid_leave"]), max_size=2)
    ):
        if free == 0:
            break
        days = draw(st.integers(1, free))
        free -= days
        novelty: dict[str, Any] = {"kind": kind, "days": days}
        if kind == "incapacity":
            novelty["first_day"] = draw(st.integers(1, 200))
        novelties.append(novelty)
    for kind in draw(
        st.lists(
            st.sampled_from(
                [
                    "salary_bonus",
                    "commission",
                    "non_salary_bonus",
                    "libranza",
                    "cooperative",
                    "other_deduction",
                ]
            ),
            max_size=3,
        )
    ):
        novelties.append({"kind": kind, "amount": draw(st.integers(0, 3_000_000))})
    overtime = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, 24 * 60 - 1))
        length = draw(st.integers(1, 12 * 60))
        end = (start + length) % (24 * 60)
        overtime.append(
            {
                "date": f"{year}-{month:02d}-{draw(st.integers(1, 28)):02d}",
                "start": f"{start // 60:02d}:{start % 60:02d}",
                "end": f"{end // 60:02d}:{end % 60:02d}",
                "kind": draw(st.sampled_from(["extra", "ordinary_night", "ordinary_rest_day"])),
            }
        )
    return {
        "period": f"{year}-{month:02d}",
        "base_monthly_salary": salary if draw(st.booleans()) else f"{salary}.00",
        "salary_type": "integral" if integral else "ordinary",
        "days_worked": days_worked,
        "overtime": overtime,
        "novelties": novelties,
        "arl_class": draw(st.sampled_from(["I", "II", "III", "IV", "V"])),
        "dependents": draw(st.booleans()),
        "prepaid_medicine_monthly": draw(st.integers(0, 2_000_000)),
        "housing_interest_monthly": draw(st.integers(0, 8_000_000)),
        "voluntary_pension_monthly": draw(st.integers(0, 5_000_000)),
        "employer_exonerated": draw(st.booleans()),
        "rest_weekday": draw(st.sampled_from([5, 6, 6, 6])),
        "employer_settings": {
            "rest_day_pay": draw(st.sampled_from(["base_plus_surcharge", "surcharge_only"])),
            "exoneration_measure": draw(st.sampled_from(["salary_items", "total_earned"])),
            "incapacity_first_days_full_pay": draw(st.booleans()),
        },
    }


def money_values(result: dict[str, Any]) -> list[Any]:
    values = [result["ibc"], result["neto_a_pagar"]]
    for section in ("devengos", "deducciones", "employer_contributions", "pila_view", "provisions"):
        values += [
            v
            for k, v in result[section].items()
            if k not in ("overtime_lines", "fsp_rate", "exonerated_applied", "fsp_note", "days")
        ]
    values += [v for k, v in result["retencion_detail"].items() if not k.endswith("_uvt")]
    values += [line["amount"] for line in result["devengos"]["overtime_lines"]]
    return values


@SETTINGS
@given(payloads())
def test_net_pay_is_earnings_minus_deductions(payload: dict[str, Any]) -> None:
    result = compute_golden(payload)
    assert (
        result["neto_a_pagar"]
        == result["devengos"]["total_devengado"] - result["deducciones"]["total"]
    )
    lines = result["lines"]
    earned = sum(Decimal(line["amount"]) for line in lines if line["category"] == "devengo")
    deducted = sum(Decimal(line["amount"]) for line in lines if line["category"] == "deduccion")
    assert earned == result["devengos"]["total_devengado"]
    assert deducted == result["deducciones"]["total"]


@SETTINGS
@given(payloads())
def test_ibc_stays_within_floor_and_cap(payload: dict[str, Any]) -> None:
    result = compute_golden(payload)
    smmlv = SMMLV[int(payload["period"][:4])]
    days = result["pila_view"]["days"]
    assert ceil(smmlv * days / 30) <= result["ibc"] <= 25 * smmlv
    assert result["pila_view"].get("ibc_arl", result["ibc"]) <= result["ibc"]


@SETTINGS
@given(payloads())
def test_amounts_are_whole_pesos_and_pila_rounds_to_hundreds(payload: dict[str, Any]) -> None:
    result = compute_golden(payload)
    for value in money_values(result):
        assert type(value) is int and value >= 0
    for line in result["lines"]:
        assert Decimal(line["amount"]) == Decimal(line["amount"]).to_integral_value()
    pila = result["pila_view"]
    for key in ("salud_total", "pension_total", "fsp_total", "arl", "caja", "icbf", "sena"):
        assert pila[key] % 100 == 0
    assert result["deducciones"]["retencion_fuente"] % 1000 == 0
    assert pila["employer_salud_payable"] >= 0 and pila["employer_pension_payable"] >= 0
    assert result["deducciones"]["fsp_rate"] in {
        "0",
        "0.01",
        "0.012",
        "0.014",
        "0.016",
        "0.018",
        "0.02",
    }


@SETTINGS
@given(payloads())
def test_same_input_gives_the_same_payslip(payload: dict[str, Any]) -> None:
    first = json.dumps(compute_golden(payload), sort_keys=True)
    second = json.dumps(compute_golden(json.loads(json.dumps(payload))), sort_keys=True)
    assert first == second
