"""Dated parameters: lookups as of a date, sources, gaps, next year's data change, holidays."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources

import pytest

from chatnomina.engine import Parameters, compute_golden, default_parameters, holiday_calendar
from chatnomina.engine.calendar import commercial_days
from chatnomina.engine.rules import PeriodRules, day_rules
from chatnomina.errors import ParameterNotFound
from tests.engine.builders import golden_input


def raw_data() -> dict:
    text = resources.files("chatnomina.engine").joinpath("data/parameters.json").read_text("utf-8")
    return json.loads(text)


@pytest.mark.parametrize(
    ("name", "day", "value"),
    [
        ("smmlv", date(2024, 6, 1), Decimal(1300000)),
        ("smmlv", date(2025, 12, 31), Decimal(1423500)),
        ("smmlv", date(2026, 1, 1), Decimal(1750905)),
        ("transport_allowance", date(2026, 3, 1), Decimal(249095)),
        ("uvt", date(2025, 3, 1), Decimal(49799)),
        ("rest_day_surcharge", date(2025, 6, 30), Decimal("0.75")),
        ("rest_day_surcharge", date(2025, 7, 1), Decimal("0.80")),
        ("rest_day_surcharge", date(2026, 7, 1), Decimal("0.90")),
        ("rest_day_surcharge", date(2027, 7, 1), Decimal("1.00")),
        ("health_rate_employer", date(2026, 3, 1), Decimal("0.085")),
    ],
)
def test_values_are_looked_up_as_of_a_date(name: str, day: date, value: Decimal) -> None:
    assert default_parameters().get(name, day).value == value


def test_night_window_changes_on_2025_12_25() -> None:
    params = default_parameters()
    assert params.get("night_window", date(2025, 12, 24)).value["start"] == "21:00"
    assert params.get("night_window", date(2025, 12, 25)).value["start"] == "19:00"


def test_lookup_carries_dates_and_source() -> None:
    value = default_parameters().get("uvt", date(2026, 5, 1))
    assert value.effective_from == date(2026, 1, 1) and value.effective_until == date(2026, 12, 31)
    assert "000238" in value.source and value.label
    surcharge = default_parameters().get("rest_day_surcharge", date(2025, 8, 1))
    assert surcharge.effective_until == date(2026, 6, 30)


def test_lookups_are_cached() -> None:
    params = default_parameters()
    assert params.get("smmlv", date(2026, 2, 1)) is params.get("smmlv", date(2026, 2, 1))


def test_annual_figures_do_not_roll_over_into_a_year_without_a_decree() -> None:
    with pytest.raises(ParameterNotFound) as caught:
        default_parameters().get("smmlv", date(2027, 1, 1))
    assert "2027-01-01" in caught.value.message and "SMMLV" in caught.value.message


def test_unknown_parameter_is_reported() -> None:
    with pytest.raises(ParameterNotFound):
        default_parameters().get("salario_magico", date(2026, 1, 1))


def test_every_parameter_has_label_and_sourced_values() -> None:
    for name, spec in raw_data()["parameters"].items():
        assert spec["label"], name
        for entry in spec["values"]:
            assert entry["source"].strip(), name
            date.fromisoformat(entry["from"])


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_month_of_covered_years_has_all_period_parameters(year: int) -> None:
    params = default_parameters()
    for month in range(1, 13):
        PeriodRules(params, date(year, month, 1))


def test_every_day_of_covered_years_has_hour_parameters() -> None:
    params = default_parameters()
    day = date(2024, 1, 1)
    while day.year <= 2026:
        assert day_rules(params, day, None).divisor in (235, 230, 220, 210)
        day += timedelta(days=1)


def test_next_years_smmlv_is_a_data_change() -> None:
    data = copy.deepcopy(raw_data())
    for name, value in (("smmlv", "1900000"), ("transport_allowance", "270000"), ("uvt", "55000")):
        data["parameters"][name]["values"].append(
            {
                "from": "2027-01-01",
                "until": "2027-12-31",
                "value": value,
                "source": "Decreto de prueba",
            }
        )
    params = Parameters.from_mapping(data)
    result = compute_golden(golden_input("2027-02", base_monthly_salary=1_900_000), params)
    assert result["devengos"]["auxilio_transporte"] == 270_000
    assert result["ibc"] == 1_900_000
    assert result["retencion_detail"]["cap_1340uvt_month"] == 6_141_667  # 1.340 × 55.000 / 12
    smmlv = next(line for line in result["lines"] if line["code"] == "IBC")["trace"]["parameters"][0]
    assert smmlv["value"] == "1900000" and smmlv["source"] == "Decreto de prueba"


def test_overlapping_entries_are_rejected() -> None:
    data = copy.deepcopy(raw_data())
    data["parameters"]["smmlv"]["values"].append(
        {"from": "2026-06-01", "value": "1", "source": "error"}
    )
    with pytest.raises(ValueError):
        Parameters.from_mapping(data)


def test_holidays_come_from_the_package() -> None:
    calendar = holiday_calendar(default_parameters())
    holidays_2026 = calendar.holidays(2026)
    assert len(holidays_2026) == 19
    assert date(2026, 7, 13) in holidays_2026  # Ley 2578 de 2026
    assert date(2025, 6, 30) in calendar.holidays(2025)
    assert calendar.is_rest_day(date(2026, 3, 15))  # a Sunday
    assert not calendar.is_rest_day(date(2026, 3, 16))


def test_holiday_overrides_add_and_remove_dates() -> None:
    data = copy.deepcopy(raw_data())
    data["holidays"]["add"] = [
        {"date": "2026-03-19", "name": "Festivo de prueba", "source": "Ley X"}
    ]
    data["holidays"]["remove"] = [{"date": "2026-07-13", "source": "Sentencia de prueba"}]
    calendar = holiday_calendar(Parameters.from_mapping(data))
    assert calendar.holiday_name(date(2026, 3, 19)) == "Festivo de prueba"
    assert calendar.holiday_name(date(2026, 7, 13)) is None


def test_business_days_skip_sundays_and_holidays() -> None:
    calendar = holiday_calendar(default_parameters())
    # 2026-03-16 … 2026-03-28: 13 days less Sunday 22 and the Monday holiday of 23 March.
    assert calendar.business_days(date(2026, 3, 16), date(2026, 3, 28)) == 11


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 3, 1), date(2026, 3, 31), 30),
        (date(2026, 2, 1), date(2026, 2, 28), 30),
        (date(2026, 3, 16), date(2026, 3, 31), 15),
        (date(2026, 3, 31), date(2026, 3, 31), 1),
        (date(2026, 2, 10), date(2026, 2, 1), 0),
    ],
)
def test_commercial_days_follow_a_30_day_month(start: date, end: date, days: int) -> None:
    assert commercial_days(start, end) == days
