"""Bad input raises InvalidRequest (or ParameterNotFound) naming the offending field, in Spanish."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chatnomina.engine import (
    Contract,
    EngineInput,
    Novelty,
    NoveltyKind,
    Period,
    compute_golden,
    compute_payslip,
)
from chatnomina.errors import InvalidRequest, ParameterNotFound
from tests.engine.builders import golden_input

GOOD_SPAN = {"date": "2026-03-11", "start": "17:00", "end": "19:00", "kind": "extra"}


def field_of(payload: dict[str, Any]) -> str | None:
    with pytest.raises(InvalidRequest) as caught:
        compute_golden(payload)
    assert caught.value.message and caught.value.details.get("field") == caught.value.field
    return caught.value.field


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"base_monthly_salary": -1}, "inputs.base_monthly_salary"),
        ({"base_monthly_salary": 0}, "inputs.base_monthly_salary"),
        ({"base_monthly_salary": "abc"}, "inputs.base_monthly_salary"),
        ({"base_monthly_salary": True}, "inputs.base_monthly_salary"),
        ({"base_monthly_salary": "NaN"}, "inputs.base_monthly_salary"),
        (
            {"base_monthly_salary": 22_761_764, "salary_type": "integral"},
            "inputs.base_monthly_salary",
        ),
        ({"salary_type": "mixed"}, "inputs.salary_type"),
        ({"arl_class": "VI"}, "inputs.arl_class"),
        ({"arl_class": 3}, "inputs.arl_class"),
        ({"days_worked": 31}, "inputs.days_worked"),
        ({"days_worked": -1}, "inputs.days_worked"),
        ({"days_worked": 10.5}, "inputs.days_worked"),
        ({"prepaid_medicine_monthly": "mucho"}, "inputs.prepaid_medicine_monthly"),
        ({"housing_interest_monthly": -5}, "inputs.housing_interest_monthly"),
        ({"voluntary_pension_monthly": [1]}, "inputs.voluntary_pension_monthly"),
        ({"dependents": "yes"}, "inputs.dependents"),
        ({"employer_exonerated": 1}, "inputs.employer_exonerated"),
        ({"hire_date": "2026-02-30"}, "inputs.hire_date"),
        ({"hire_date": "16/03/2026"}, "inputs.hire_date"),
        ({"hire_date": "2026-04-01", "days_worked": 20}, "inputs.hire_date"),
        ({"overtime": "many"}, "inputs.overtime"),
        (
            {"overtime": [GOOD_SPAN, GOOD_SPAN, {**GOOD_SPAN, "start": "19:00", "end": "17:00"}]},
            "inputs.overtime[2].end",
        ),
        ({"overtime": [{**GOOD_SPAN, "kind": "weekend"}]}, "inputs.overtime[0].kind"),
        ({"overtime": [{**GOOD_SPAN, "date": "2026-13-01"}]}, "inputs.overtime[0].date"),
        ({"overtime": [{**GOOD_SPAN, "start": "25:00"}]}, "inputs.overtime[0].start"),
        ({"overtime": [{**GOOD_SPAN, "end": "7pm"}]}, "inputs.overtime[0].end"),
        ({"overtime": [{**GOOD_SPAN, "start": "17:00", "end": "17:00"}]}, "inputs.overtime[0].end"),
        (
            {"overtime": [{k: v for k, v in GOOD_SPAN.items() if k != "end"}]},
            "inputs.overtime[0].end",
        ),
        ({"overtime": [{**GOOD_SPAN, "end_date": "2026-03-13"}]}, "inputs.overtime[0].end_date"),
        ({"overtime": [{**GOOD_SPAN, "date": "2019-01-10"}]}, "inputs.overtime[0].date"),
        ({"novelties": [{"kind": "bonus", "amount": 1}]}, "inputs.novelties[0].kind"),
        ({"novelties": [{"kind": "libranza", "amount": "x"}]}, "inputs.novelties[0].amount"),
        ({"novelties": [{"kind": "vacation", "days": 0}]}, "inputs.novelties[0].days"),
        ({"days_worked": 25, "novelties": [{"kind": "vacation", "days": 10}]}, "inputs.novelties"),
        ({"rest_weekday": 9}, "inputs.rest_weekday"),
        (
            {"employer_settings": {"rest_day_pay": "double"}},
            "inputs.employer_settings.rest_day_pay",
        ),
        (
            {"employer_settings": {"ley_2101_step_day": 40}},
            "inputs.employer_settings.ley_2101_step_day",
        ),
    ],
)
def test_bad_input_names_its_field(fields: dict[str, Any], field: str) -> None:
    assert field_of(golden_input("2026-03", **fields)) == field


@pytest.mark.parametrize("period", ["2026-13", "2026-3", "marzo", None, 202603])
def test_bad_period_names_the_period(period: Any) -> None:
    assert field_of(golden_input(period)) == "period"


def test_case_shape_also_names_input_fields() -> None:
    payload = {"period": "2026-03", "inputs": {"base_monthly_salary": -10, "arl_class": "I"}}
    assert field_of(payload) == "inputs.base_monthly_salary"


def test_missing_salary_is_reported() -> None:
    payload = golden_input("2026-03")
    del payload["base_monthly_salary"]
    assert field_of(payload) == "inputs.base_monthly_salary"


@pytest.mark.parametrize("period", ["2019-01", "2023-12", "2027-01"])
def test_period_without_parameters_raises_parameter_not_found(period: str) -> None:
    with pytest.raises(ParameterNotFound) as caught:
        compute_golden(golden_input(period))
    error = caught.value
    assert error.field == "period"
    assert f"{period}-01" in error.message
    assert "SMMLV" in error.message  # names the parameter
    assert error.details["parameter"] == "smmlv"
    assert error.code == "INVALID_REQUEST"


def test_typed_api_names_typed_fields() -> None:
    period = Period(2026, 3)
    with pytest.raises(InvalidRequest) as caught:
        compute_payslip(EngineInput(period, Contract(Decimal(-1))))
    assert caught.value.field == "contract.base_monthly_salary"
    with pytest.raises(InvalidRequest) as caught:
        compute_payslip(EngineInput(period, Contract(Decimal(2_000_000), arl_class="X")))
    assert caught.value.field == "contract.arl_class"
    with pytest.raises(InvalidRequest) as caught:
        compute_payslip(EngineInput(period, Contract(Decimal(2_000_000)), days_in_period=31))
    assert caught.value.field == "days_in_period"
    bad_kind = Novelty(kind="bonus")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequest) as caught:
        compute_payslip(EngineInput(period, Contract(Decimal(2_000_000)), (bad_kind,)))
    assert caught.value.field == "novelties[0].kind"
    with pytest.raises(InvalidRequest) as caught:
        compute_payslip(
            EngineInput(
                period,
                Contract(Decimal(2_000_000)),
                (Novelty.money(NoveltyKind.LIBRANZA, Decimal(-5)),),
            )
        )
    assert caught.value.field == "novelties[0].amount"


def test_period_parse_accepts_year_month() -> None:
    assert Period.parse("2026-03") == Period(2026, 3)
    with pytest.raises(InvalidRequest) as caught:
        Period.parse("2026-00")
    assert caught.value.field == "period"
