"""Overtime and surcharges split by date, night window, rest day, surcharge schedule and divisor."""

from __future__ import annotations

from typing import Any

import pytest

from chatnomina.engine import compute_golden
from tests.engine.builders import golden_input


def span(day: str, start: str, end: str, kind: str = "extra", **extra: Any) -> dict[str, Any]:
    return {"date": day, "start": start, "end": end, "kind": kind, **extra}


def hour_lines(period: str, salary: int, *spans: dict[str, Any], **fields: Any) -> list[tuple]:
    result = compute_golden(
        golden_input(period, base_monthly_salary=salary, overtime=list(spans), **fields)
    )
    return [
        (line["date"], line["type"], line["hours"], line["divisor"], line["factor"], line["amount"])
        for line in result["devengos"]["overtime_lines"]
    ]


def test_rest_day_surcharge_rises_from_75_to_80_percent_on_2025_07_01() -> None:
    # 2.300.000 / 230 = 10.000 per hour until 2025-07-14.
    assert hour_lines("2025-06", 2_300_000, span("2025-06-29", "08:00", "10:00")) == [
        ("2025-06-29", "HEDDF", 2, 230, "2.00", 40_000),
    ]
    assert hour_lines("2025-07", 2_300_000, span("2025-07-06", "08:00", "10:00")) == [
        ("2025-07-06", "HEDDF", 2, 230, "2.05", 41_000),
    ]


def test_span_from_a_holiday_into_an_ordinary_day_is_priced_by_each_date() -> None:
    # 2025-06-30 is a Monday holiday (Sacred Heart and Saints Peter and Paul: one rest day).
    lines = hour_lines(
        "2025-06", 2_300_000, span("2025-06-30", "22:00", "02:00", "ordinary_rest_day")
    )
    assert lines == [
        ("2025-06-30", "DOMN", 2, 230, "2.10", 42_000),
        ("2025-07-01", "RN", 2, 230, "0.35", 7_000),
    ]


def test_night_starts_at_21_until_2025_12_24_and_at_19_from_2025_12_25() -> None:
    # 2.200.000 / 220 = 10.000 per hour; 2025-12-25 is Christmas (holiday).
    assert hour_lines("2025-12", 2_200_000, span("2025-12-24", "19:00", "21:00")) == [
        ("2025-12-24", "HED", 2, 220, "1.25", 25_000),
    ]
    assert hour_lines("2025-12", 2_200_000, span("2025-12-25", "19:00", "21:00")) == [
        ("2025-12-25", "HENDF", 2, 220, "2.55", 51_000),
    ]
    assert hour_lines(
        "2025-12",
        2_200_000,
        span("2025-12-23", "19:00", "22:00", "ordinary_night"),
        span("2025-12-26", "19:00", "22:00", "ordinary_night"),
    ) == [
        ("2025-12-23", "RN", 1, 220, "0.35", 3_500),
        ("2025-12-26", "RN", 3, 220, "0.35", 10_500),
    ]


def test_span_crossing_midnight_into_the_new_night_window_and_a_holiday() -> None:
    lines = hour_lines("2025-12", 2_200_000, span("2025-12-24", "20:00", "02:00"))
    assert lines == [
        ("2025-12-24", "HED", 1, 220, "1.25", 12_500),
        ("2025-12-24", "HEN", 3, 220, "1.75", 52_500),
        ("2025-12-25", "HENDF", 2, 220, "2.55", 51_000),
    ]


def test_explicit_end_date_and_24_00_are_accepted() -> None:
    explicit = hour_lines(
        "2025-12", 2_200_000, span("2025-12-24", "20:00", "02:00", end_date="2025-12-25")
    )
    implicit = hour_lines("2025-12", 2_200_000, span("2025-12-24", "20:00", "02:00"))
    assert explicit == implicit
    assert hour_lines("2025-12", 2_200_000, span("2025-12-24", "22:00", "24:00")) == [
        ("2025-12-24", "HEN", 2, 220, "1.75", 35_000),
    ]


def test_rest_day_surcharge_rises_from_80_to_90_percent_on_2026_07_01() -> None:
    assert hour_lines(
        "2026-06", 2_200_000, span("2026-06-28", "08:00", "16:00", "ordinary_rest_day")
    ) == [
        ("2026-06-28", "DOM", 8, 220, "1.80", 144_000),
    ]
    assert hour_lines(
        "2026-07", 2_200_000, span("2026-07-05", "08:00", "16:00", "ordinary_rest_day")
    ) == [
        ("2026-07-05", "DOM", 8, 220, "1.90", 152_000),
    ]


def test_divisor_changes_from_220_to_210_on_2026_07_15() -> None:
    # 2.310.000 / 220 = 10.500 and / 210 = 11.000.
    lines = hour_lines(
        "2026-07",
        2_310_000,
        span("2026-07-14", "17:00", "19:00"),
        span("2026-07-15", "17:00", "19:00"),
    )
    assert lines == [
        ("2026-07-14", "HED", 2, 220, "1.25", 26_250),
        ("2026-07-15", "HED", 2, 210, "1.25", 27_500),
    ]


def test_span_crossing_midnight_on_the_divisor_change() -> None:
    lines = hour_lines("2026-07", 2_310_000, span("2026-07-14", "22:00", "01:00"))
    assert lines == [
        ("2026-07-14", "HEN", 2, 220, "1.75", 36_750),
        ("2026-07-15", "HEN", 1, 210, "1.75", 19_250),
    ]


def test_ley_2101_step_day_16_is_an_employer_setting() -> None:
    settings = {"ley_2101_step_day": 16}
    lines = hour_lines(
        "2026-07",
        2_310_000,
        span("2026-07-15", "17:00", "19:00"),
        span("2026-07-16", "17:00", "19:00"),
        employer_settings=settings,
    )
    assert [(line[0], line[3]) for line in lines] == [("2026-07-15", 220), ("2026-07-16", 210)]


def test_sunday_that_is_also_a_holiday_pays_one_surcharge() -> None:
    # 2025-07-20 (Independence Day) fell on a Sunday; 80 % surcharge, divisor 220.
    assert hour_lines(
        "2025-07", 2_200_000, span("2025-07-20", "08:00", "16:00", "ordinary_rest_day")
    ) == [
        ("2025-07-20", "DOM", 8, 220, "1.80", 144_000),
    ]


def test_monday_holiday_is_a_rest_day() -> None:
    # 2026-06-29 (Saints Peter and Paul) is a Monday holiday.
    assert hour_lines("2026-06", 2_200_000, span("2026-06-29", "08:00", "10:00")) == [
        ("2026-06-29", "HEDDF", 2, 220, "2.05", 41_000),
    ]


def test_ley_2578_holiday_2026_07_13_is_a_rest_day() -> None:
    lines = hour_lines(
        "2026-07", 2_200_000, span("2026-07-13", "08:00", "10:00", "ordinary_rest_day")
    )
    assert lines == [("2026-07-13", "DOM", 2, 220, "1.90", 38_000)]


def test_span_crossing_the_night_boundary_is_split_into_day_and_night() -> None:
    assert hour_lines("2026-03", 2_200_000, span("2026-03-11", "17:00", "21:00")) == [
        ("2026-03-11", "HED", 2, 220, "1.25", 25_000),
        ("2026-03-11", "HEN", 2, 220, "1.75", 35_000),
    ]


def test_early_morning_hours_are_night_hours() -> None:
    assert hour_lines("2026-03", 2_200_000, span("2026-03-11", "04:00", "07:00")) == [
        ("2026-03-11", "HEN", 2, 220, "1.75", 35_000),
        ("2026-03-11", "HED", 1, 220, "1.25", 12_500),
    ]


def test_ordinary_daytime_hours_on_a_working_day_have_no_line() -> None:
    assert hour_lines(
        "2026-03", 2_200_000, span("2026-03-11", "15:00", "20:00", "ordinary_night")
    ) == [
        ("2026-03-11", "RN", 1, 220, "0.35", 3_500),
    ]


def test_rest_day_night_hours_add_both_surcharges() -> None:
    assert hour_lines(
        "2026-03", 2_200_000, span("2026-03-15", "19:00", "21:00", "ordinary_rest_day")
    ) == [
        ("2026-03-15", "DOMN", 2, 220, "2.15", 43_000),
    ]
    assert hour_lines("2026-03", 2_200_000, span("2026-03-15", "19:00", "21:00")) == [
        ("2026-03-15", "HENDF", 2, 220, "2.55", 51_000),
    ]


def test_partial_hours_are_priced_by_the_minute() -> None:
    result = compute_golden(
        golden_input(
            "2026-03",
            base_monthly_salary=2_200_000,
            overtime=[span("2026-03-11", "17:00", "18:30")],
        )
    )
    line = result["devengos"]["overtime_lines"][0]
    assert line["hours"] == 1.5 and line["amount"] == 18_750


def test_rest_weekday_can_be_agreed_other_than_sunday() -> None:
    saturday_rest = {"rest_weekday": 5}
    lines = hour_lines(
        "2026-03",
        2_200_000,
        span("2026-03-14", "08:00", "10:00", "ordinary_rest_day"),
        span("2026-03-15", "08:00", "10:00"),
        **saturday_rest,
    )
    assert lines == [
        ("2026-03-14", "DOM", 2, 220, "1.80", 36_000),
        ("2026-03-15", "HED", 2, 220, "1.25", 25_000),
    ]


def test_ordinary_rest_day_marks_its_own_date_as_the_agreed_rest_day() -> None:
    # A Wednesday reported as rest-day work (an agreed rest day other than Sunday); the hours
    # after midnight fall on an ordinary Thursday.
    lines = hour_lines(
        "2026-03", 2_200_000, span("2026-03-11", "20:00", "02:00", "ordinary_rest_day")
    )
    assert lines == [
        ("2026-03-11", "DOMN", 4, 220, "2.15", 86_000),
        ("2026-03-12", "RN", 2, 220, "0.35", 7_000),
    ]
    assert hour_lines(
        "2026-03", 2_200_000, span("2026-03-11", "08:00", "10:00", "ordinary_rest_day")
    ) == [
        ("2026-03-11", "DOM", 2, 220, "1.80", 36_000),
    ]


def test_rest_day_ordinary_hours_can_be_paid_as_surcharge_only() -> None:
    settings = {"rest_day_pay": "surcharge_only"}
    lines = hour_lines(
        "2026-03",
        2_200_000,
        span("2026-03-15", "17:00", "21:00", "ordinary_rest_day"),
        employer_settings=settings,
    )
    assert lines == [
        ("2026-03-15", "DOM", 2, 220, "0.80", 16_000),
        ("2026-03-15", "DOMN", 2, 220, "1.15", 23_000),
    ]


def test_divisor_can_follow_the_minority_fixed_240_reading() -> None:
    lines = hour_lines(
        "2026-03",
        2_400_000,
        span("2026-03-11", "17:00", "19:00"),
        employer_settings={"hourly_divisor": "fixed_240"},
    )
    assert lines == [("2026-03-11", "HED", 2, 240, "1.25", 25_000)]


def test_shorter_agreed_week_sets_the_divisor() -> None:
    lines = hour_lines(
        "2026-03", 2_000_000, span("2026-03-11", "17:00", "19:00"), agreed_weekly_hours=40
    )
    assert lines == [("2026-03-11", "HED", 2, 200, "1.25", 25_000)]


def test_hourly_value_is_unrounded_and_each_line_rounded_half_up() -> None:
    result = compute_golden(
        golden_input(
            "2025-03",
            base_monthly_salary=2_000_000,
            overtime=[span("2025-03-12", "19:00", "21:00")],
        )
    )
    line = result["devengos"]["overtime_lines"][0]
    assert line["hourly_value"] == 8695.6522
    assert line["amount"] == 21_739  # 2 × 8.695,652… × 1,25 = 21.739,13


@pytest.mark.parametrize("period", ["2024-03", "2025-03", "2025-09", "2026-03", "2026-09"])
def test_divisor_follows_the_ley_2101_steps(period: str) -> None:
    expected = {"2024-03": 235, "2025-03": 230, "2025-09": 220, "2026-03": 220, "2026-09": 210}[
        period
    ]
    lines = hour_lines(period, 2_000_000, span(f"{period}-11", "17:00", "18:00"))
    assert lines[0][3] == expected


def test_overtime_lines_enter_ibc_and_prestaciones_but_not_vacation_provision() -> None:
    result = compute_golden(
        golden_input(
            "2026-03",
            base_monthly_salary=2_200_000,
            overtime=[span("2026-03-11", "17:00", "19:00")],
        )
    )
    assert result["ibc"] == 2_225_000
    assert result["provisions"]["vacaciones"] == 91_667  # 2.200.000 × 15/360
    assert result["provisions"]["prima"] == 206_175  # (2.200.000 + 25.000 + 249.095) / 12
