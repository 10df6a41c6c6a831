"""Vacations, sick leave, unpaid leave, bonuses, non-salary payments and payroll deductions."""

from __future__ import annotations

from typing import Any

from chatnomina.engine import compute_golden
from tests.engine.builders import golden_input

SMMLV_2026 = 1_750_905


def payslip(**fields: Any) -> dict[str, Any]:
    return compute_golden(golden_input("2026-03", **fields))


def test_vacations_are_paid_on_base_salary_without_auxilio_for_those_days() -> None:
    result = payslip(
        base_monthly_salary=3_000_000, days_worked=20, novelties=[{"kind": "vacation", "days": 10}]
    )
    devengos = result["devengos"]
    assert devengos["salario"] == 2_000_000
    assert devengos["vacaciones"] == 1_000_000
    assert devengos["auxilio_transporte"] == 166_063  # 249.095 × 20/30
    assert devengos["total_devengado"] == 3_166_063
    assert result["ibc"] == 3_000_000  # vacations taken are in the IBC
    assert result["pila_view"]["ibc_parafiscales"] == 3_000_000  # and in the parafiscal base
    assert result["pila_view"]["days"] == 30
    assert result["pila_view"]["ibc_arl"] == 2_000_000  # no ARL for vacation days
    assert result["employer_contributions"]["arl"] == 10_440
    assert result["provisions"]["prima"] == 263_839  # (3.000.000 + 166.063) / 12
    assert result["provisions"]["vacaciones"] == 125_000


def test_incapacity_days_one_and_two_at_full_pay_then_66_67_percent() -> None:
    result = payslip(
        base_monthly_salary=3_000_000, days_worked=25, novelties=[{"kind": "incapacity", "days": 5}]
    )
    assert result["devengos"]["salario"] == 2_500_000
    assert result["devengos"]["incapacidad"] == 200_000 + 200_010  # 2 × 100.000 + 3 × 66.670
    assert result["devengos"]["auxilio_transporte"] == 207_579  # 249.095 × 25/30
    assert result["ibc"] == 2_900_010
    assert result["pila_view"]["ibc_parafiscales"] == 2_500_000  # sick pay is not salary
    codes = [line["code"] for line in result["lines"] if line["category"] == "devengo"]
    assert codes.count("INCAPACIDAD_EMPLEADOR") == 1 and codes.count("INCAPACIDAD_EPS") == 1


def test_incapacity_first_days_at_66_67_percent_is_an_employer_setting() -> None:
    result = payslip(
        base_monthly_salary=3_000_000,
        days_worked=25,
        novelties=[{"kind": "incapacity", "days": 5}],
        employer_settings={"incapacity_first_days_full_pay": False},
    )
    assert result["devengos"]["incapacidad"] == 133_340 + 200_010


def test_incapacity_never_pays_less_than_the_daily_smmlv() -> None:
    result = payslip(
        base_monthly_salary=SMMLV_2026,
        days_worked=25,
        novelties=[{"kind": "incapacity", "days": 5}],
    )
    # 2 days × 58.363,5 (full pay) + 3 days × max(66,67 % × 58.363,5; 58.363,5)
    assert result["devengos"]["incapacidad"] == 116_727 + 175_091


def test_incapacity_extension_continues_the_day_count() -> None:
    result = payslip(
        base_monthly_salary=6_000_000,
        days_worked=20,
        novelties=[{"kind": "incapacity", "days": 10, "first_day": 89}],
    )
    # Days 89–90 at 66,67 % of 200.000, days 91–98 at 50 %.
    assert result["devengos"]["incapacidad"] == 266_680 + 800_000
    floored = payslip(
        base_monthly_salary=3_000_000,
        days_worked=20,
        novelties=[{"kind": "incapacity", "days": 10, "first_day": 89}],
    )
    # 50 % of 100.000 is below the daily SMMLV (58.363,5), which then applies.
    assert floored["devengos"]["incapacidad"] == 133_340 + 466_908


def test_unpaid_leave_pays_nothing_and_prorates_the_ibc_floor() -> None:
    result = payslip(
        base_monthly_salary=1_000_000,
        days_worked=20,
        novelties=[{"kind": "unpaid_leave", "days": 10}],
    )
    assert result["devengos"]["salario"] == 666_667
    assert result["devengos"]["auxilio_transporte"] == 166_063
    assert result["ibc"] == 1_167_270  # 1.750.905 × 20/30
    assert result["pila_view"]["days"] == 20


def test_whole_month_of_unpaid_leave_has_no_contributions() -> None:
    result = payslip(days_worked=0, novelties=[{"kind": "unpaid_leave", "days": 30}])
    assert result["ibc"] == 0 and result["neto_a_pagar"] == 0
    assert result["pila_view"]["days"] == 0


def test_libranza_is_deducted_from_net_pay_without_tax_effect() -> None:
    plain = payslip(base_monthly_salary=12_000_000)
    result = payslip(
        base_monthly_salary=12_000_000,
        novelties=[
            {"kind": "libranza", "amount": 350_000, "description": "Banco X"},
            {"kind": "cooperative", "amount": "100000"},
        ],
    )
    assert result["deducciones"]["libranza"] == 350_000
    assert result["deducciones"]["cooperativa"] == 100_000
    assert result["deducciones"]["retencion_fuente"] == plain["deducciones"]["retencion_fuente"]
    assert result["neto_a_pagar"] == plain["neto_a_pagar"] - 450_000


def test_salary_bonus_and_commission_are_salary() -> None:
    result = payslip(
        base_monthly_salary=2_000_000,
        novelties=[
            {"kind": "commission", "amount": 300_000},
            {"kind": "salary_bonus", "amount": 200_000},
        ],
    )
    assert result["devengos"]["otros_devengos_salariales"] == 500_000
    assert result["ibc"] == 2_500_000
    assert result["pila_view"]["ibc_parafiscales"] == 2_500_000
    assert result["provisions"]["cesantias"] == 229_091  # (2.500.000 + 249.095) / 12
    assert result["provisions"]["vacaciones"] == 83_333  # base salary only
    assert result["devengos"]["auxilio_transporte"] == 249_095  # measured on the base salary


def test_non_salary_bonus_enters_the_ibc_only_above_40_percent() -> None:
    within = payslip(
        base_monthly_salary=3_000_000, novelties=[{"kind": "non_salary_bonus", "amount": 2_000_000}]
    )
    assert within["ibc"] == 3_000_000  # 2.000.000 ≤ 40 % × 5.000.000
    above = payslip(
        base_monthly_salary=2_000_000, novelties=[{"kind": "non_salary_bonus", "amount": 2_000_000}]
    )
    assert above["ibc"] == 2_400_000  # excess 2.000.000 − 40 % × 4.000.000 = 400.000
    assert above["pila_view"]["ibc_parafiscales"] == 2_000_000
    assert above["devengos"]["devengos_no_salariales"] == 2_000_000
    assert above["retencion_detail"]["gross_labour_income"] == above["devengos"]["total_devengado"]
    assert above["provisions"]["prima"] == 187_425  # (2.000.000 + 249.095) / 12: bonus excluded


def test_new_hire_days_come_from_the_hire_date_when_days_are_not_given() -> None:
    fields = golden_input("2026-03", base_monthly_salary=2_500_000, hire_date="2026-03-16")
    del fields["days_worked"]
    result = compute_golden(fields)
    assert result["devengos"]["salario"] == 1_250_000
    assert result["pila_view"]["days"] == 15


def test_termination_inside_the_period_counts_commercial_days() -> None:
    fields = golden_input("2026-02", base_monthly_salary=3_000_000, termination_date="2026-02-28")
    del fields["days_worked"]
    assert (
        compute_golden(fields)["devengos"]["salario"] == 3_000_000
    )  # 28 February counts as day 30
    fields["termination_date"] = "2026-02-10"
    assert compute_golden(fields)["devengos"]["salario"] == 1_000_000


def test_deductions_that_do_not_fit_in_the_net_stay_pending() -> None:
    result = payslip(
        base_monthly_salary=2_000_000,
        days_worked=1,
        novelties=[{"kind": "unpaid_leave", "days": 29}, {"kind": "libranza", "amount": 500_000}],
    )
    assert result["neto_a_pagar"] == 0
    libranza = next(line for line in result["lines"] if line["code"] == "LIBRANZA")
    assert "queda pendiente" in libranza["trace"]["formula"]
    assert result["deducciones"]["libranza"] == int(libranza["amount"]) < 500_000


def test_integral_salary_incapacity_is_paid_on_the_70_percent_base() -> None:
    result = payslip(
        base_monthly_salary=30_000_000,
        salary_type="integral",
        days_worked=25,
        novelties=[{"kind": "incapacity", "days": 5}],
    )
    # Daily base 70 % × 30.000.000 / 30 = 700.000: 2 days at 100 %, 3 days at 66,67 %.
    assert result["devengos"]["incapacidad"] == 1_400_000 + 1_400_070
    assert result["ibc"] == 17_500_000 + 2_800_070  # 70 % × 25.000.000 + sick pay
