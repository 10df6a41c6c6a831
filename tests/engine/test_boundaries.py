"""Boundary of every money rule: auxilio, FSP brackets, IBC cap, integral minimum, exoneration."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from chatnomina.engine import compute_golden
from chatnomina.errors import InvalidRequest
from tests.engine.builders import golden_input

SMMLV_2026 = 1_750_905


def payslip(**fields):
    return compute_golden(golden_input("2026-03", **fields))


def test_auxilio_is_paid_at_exactly_two_smmlv() -> None:
    assert payslip(base_monthly_salary=2 * SMMLV_2026)["devengos"]["auxilio_transporte"] == 249_095


def test_auxilio_is_not_paid_one_peso_above_two_smmlv() -> None:
    assert payslip(base_monthly_salary=2 * SMMLV_2026 + 1)["devengos"]["auxilio_transporte"] == 0


def test_auxilio_is_prorated_by_days_worked() -> None:
    assert payslip(days_worked=10)["devengos"]["auxilio_transporte"] == 83_032  # 249.095 × 10/30


def test_auxilio_uses_the_year_of_the_period() -> None:
    result = compute_golden(golden_input("2025-03", base_monthly_salary=2_847_000))
    assert result["devengos"]["auxilio_transporte"] == 200_000


def test_integral_salary_has_no_auxilio() -> None:
    result = payslip(base_monthly_salary=13 * SMMLV_2026, salary_type="integral")
    assert result["devengos"]["auxilio_transporte"] == 0


@pytest.mark.parametrize(
    ("smmlv_multiple", "extra_pesos", "rate"),
    [
        (4, -1, "0"),
        (4, 0, "0.01"),
        (16, -1, "0.01"),
        (16, 0, "0.012"),
        (17, -1, "0.012"),
        (17, 0, "0.014"),
        (18, 0, "0.016"),
        (19, 0, "0.018"),
        (20, 0, "0.018"),
        (20, 1, "0.02"),
        (25, 0, "0.02"),
    ],
)
def test_fsp_brackets_are_half_open(smmlv_multiple: int, extra_pesos: int, rate: str) -> None:
    ibc = smmlv_multiple * SMMLV_2026 + extra_pesos
    result = payslip(base_monthly_salary=ibc, employer_exonerated=False)
    assert result["ibc"] == ibc
    assert result["deducciones"]["fsp_rate"] == rate
    expected = int((ibc * Decimal(rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert result["deducciones"]["fsp"] == expected


def test_fsp_note_follows_the_amount() -> None:
    assert payslip(base_monthly_salary=4 * SMMLV_2026)["pila_view"]["fsp_note"].startswith("FSP is")
    assert payslip(base_monthly_salary=4 * SMMLV_2026 - 1)["pila_view"]["fsp_note"] == "no FSP"


def test_ibc_is_not_capped_at_exactly_25_smmlv() -> None:
    result = payslip(base_monthly_salary=25 * SMMLV_2026)
    assert result["ibc"] == 43_772_625
    assert result["deducciones"]["salud"] == 1_750_905


def test_ibc_is_capped_above_25_smmlv_but_parafiscales_are_not() -> None:
    result = payslip(base_monthly_salary=25 * SMMLV_2026 + 1, employer_exonerated=False)
    assert result["ibc"] == 43_772_625
    assert result["pila_view"]["ibc_parafiscales"] == 43_772_626
    assert result["employer_contributions"]["caja"] == 1_750_905  # 4 % × 43.772.626 = 1.750.905,04


def test_ibc_floor_is_the_smmlv_prorated_by_days() -> None:
    result = payslip(base_monthly_salary=1_000_000, days_worked=30)  # part-time pay below the SMMLV
    assert result["ibc"] == SMMLV_2026
    result = payslip(base_monthly_salary=1_000_000, days_worked=15)
    assert result["ibc"] == 875_453  # 1.750.905 × 15/30 = 875.452,5, rounded up (R2)


def test_integral_salary_at_exactly_13_smmlv_is_accepted_with_70_percent_base() -> None:
    result = payslip(base_monthly_salary=13 * SMMLV_2026, salary_type="integral")
    assert result["ibc"] == 15_933_236  # 70 % × 22.761.765 = 15.933.235,5, rounded up
    assert result["provisions"]["prima"] == 0
    assert result["provisions"]["vacaciones"] == 948_407  # 22.761.765 × 15/360


def test_integral_salary_one_peso_below_13_smmlv_is_rejected() -> None:
    with pytest.raises(InvalidRequest) as caught:
        payslip(base_monthly_salary=13 * SMMLV_2026 - 1, salary_type="integral")
    assert caught.value.field == "inputs.base_monthly_salary"
    assert "13 SMMLV" in caught.value.message


def test_exactly_ten_smmlv_is_not_exonerated() -> None:
    result = payslip(base_monthly_salary=10 * SMMLV_2026, employer_exonerated=True)
    contributions = result["employer_contributions"]
    assert contributions["exonerated_applied"] is False
    assert contributions["salud"] == 1_488_269  # 8,5 % × 17.509.050 = 1.488.269,25
    assert contributions["icbf"] == 525_272 and contributions["sena"] == 350_181
    assert result["pila_view"]["salud_total"] == 2_188_700  # 12,5 % → 2.188.631,25 → next 100


def test_below_ten_smmlv_is_exonerated() -> None:
    result = payslip(base_monthly_salary=10 * SMMLV_2026 - 1, employer_exonerated=True)
    contributions = result["employer_contributions"]
    assert contributions["exonerated_applied"] is True
    assert contributions["salud"] == contributions["icbf"] == contributions["sena"] == 0
    assert contributions["caja"] > 0 and contributions["pension"] > 0


def test_exoneration_needs_the_employer_flag() -> None:
    result = payslip(base_monthly_salary=3_000_000, employer_exonerated=False)
    assert result["employer_contributions"]["exonerated_applied"] is False
    assert result["employer_contributions"]["salud"] == 255_000


def test_exoneration_measure_total_earned_counts_non_salary_payments() -> None:
    bonus = {"kind": "non_salary_bonus", "amount": 2_000_000}
    salary_items = payslip(base_monthly_salary=16_000_000, novelties=[bonus])
    total = payslip(
        base_monthly_salary=16_000_000,
        novelties=[bonus],
        employer_settings={"exoneration_measure": "total_earned"},
    )
    assert salary_items["employer_contributions"]["exonerated_applied"] is True
    assert total["employer_contributions"]["exonerated_applied"] is False


def test_pila_totals_round_up_to_100_and_employer_bears_the_difference() -> None:
    result = payslip(base_monthly_salary=SMMLV_2026)
    pila = result["pila_view"]
    assert (
        pila["salud_total"] == 70_100 and pila["pension_total"] == 280_200 and pila["arl"] == 9_200
    )
    assert pila["employer_salud_payable"] == 70_100 - result["deducciones"]["salud"]
    assert pila["employer_pension_payable"] == 280_200 - result["deducciones"]["pension"]


def test_withholding_is_rounded_to_the_nearest_thousand_by_default() -> None:
    result = payslip(base_monthly_salary=12_000_000)
    detail = result["retencion_detail"]
    assert detail["retencion_unrounded_peso"] == 617_232
    assert detail["retencion"] == result["deducciones"]["retencion_fuente"] == 617_000


def test_withholding_rounding_to_thousand_can_be_switched_off() -> None:
    result = payslip(base_monthly_salary=12_000_000, employer_settings={"round_withholding": False})
    assert result["deducciones"]["retencion_fuente"] == 617_232


def test_withholding_starts_above_95_uvt() -> None:
    result = payslip(base_monthly_salary=5_000_000)
    assert result["retencion_detail"]["base_gravable_uvt"] < 95
    assert result["deducciones"]["retencion_fuente"] == 0


def test_1340_uvt_cap_binds_for_large_benefits() -> None:
    result = payslip(
        base_monthly_salary=40_000_000,
        dependents=True,
        prepaid_medicine_monthly=1_000_000,
        housing_interest_monthly=6_000_000,
        voluntary_pension_monthly=5_000_000,
    )
    detail = result["retencion_detail"]
    assert detail["cap_40pct"] > detail["cap_1340uvt_month"] == 5_848_430
    assert detail["beneficios_allowed"] == 5_848_430
    assert result["deducciones"]["aporte_voluntario_pension"] == 5_000_000


def test_dependents_deduction_is_capped_at_32_uvt() -> None:
    result = payslip(base_monthly_salary=20_000_000, dependents=True)
    assert result["retencion_detail"]["deduccion_dependientes"] == 1_675_968  # 32 × 52.374
