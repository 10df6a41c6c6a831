"""HR export rows → engine inputs: the sample's October 2026 payroll, special cases, errors."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from chatnomina.engine import (
    EmployerSettings,
    NoveltyKind,
    Period,
    SalaryType,
    compute_payslip,
    golden_payslip,
)
from chatnomina.errors import InvalidRequest, ParameterNotFound
from chatnomina.hr.facts import PersonRows, group_by_person
from chatnomina.hr.parser import parse_directory
from chatnomina.hr.rows import (
    AbsenceRow,
    AbsenceType,
    ContractRow,
    NoveltyRow,
    NoveltyStatus,
    NoveltyType,
    SalaryPeriodRow,
)
from chatnomina.payroll import (
    EmployeeInputError,
    PayrollSettings,
    PeriodMapper,
    engine_input,
    people_in_period,
    period_inputs,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TRUTH = json.loads((FIXTURES / "hr_exports_truth.json").read_text(encoding="utf-8"))["employees"]
PEOPLE = group_by_person(
    parse_directory({p.name: p.read_bytes() for p in sorted((FIXTURES / "hr_exports").iterdir())})
)
OCTOBER = Period(2026, 10)

BOLANOS = "1130846901"  # overtime (HED, HEN, RN) and a libranza
CHAUX = "1130057656"  # voluntary pension, prepaid medicine, housing interest
CIFUENTES = "16145230"  # integral salary, AFC + AVP, dependents; a work accident in February
GONZALEZ = "94199293"  # vacations 06–13/10/2026, dependents
GOMEZ = "94713023"  # bonus in October
MORENO = "94972675"  # overtime in October, sick leave 18–23/09/2026
OROZCO = "1107335914"  # hired 2025; paid bereavement leave in February 2026
ORTIZ = "1144186723"  # hired 16/07/2026
PENA = "1144268998"  # contract 1235 ended 31/03/2025, contract 1343 from 01/06/2025
QUINTERO = "94197383"  # raise on 01/07/2026
SALAZAR_DIAZ = "1130770817"  # vacations 09–16/10/2026, earns the auxilio de transporte


def person(document: str, **changes: Any) -> PersonRows:
    """A sample person, with some of their row tuples replaced."""
    return dataclasses.replace(PEOPLE[document], **changes)


def october(document: str) -> Any:
    """The engine input of ``document`` for October 2026."""
    return engine_input(PEOPLE[document], OCTOBER)


def novelty(document: str, code: str, start: date, value: int, **fields: Any) -> NoveltyRow:
    """A novelty row on the person's current contract."""
    base = PEOPLE[document]
    assert base.active is not None
    row: dict[str, Any] = {
        "num_vinculacion": base.active.num_vinculacion, "documento": document,
        "nombre_completo": None, "cod_concepto": code, "fecha_inicio": start, "fecha_fin": start,
        "fecha_ocurrencia": start, "estado": NoveltyStatus.LIQUIDADA, "valor": Decimal(value),
        "valor_total": Decimal(value), "valor_acumulado": Decimal(value), "observacion": None,
        "cenco": None, "tipo_novedad": NoveltyType.DEVENGO, "line": 999,
    }
    row.update(fields)
    return NoveltyRow(**row)


def absence(document: str, kind: AbsenceType, start: date, end: date, subtype: str | None = None,
            name: str | None = None, **fields: Any) -> AbsenceRow:
    """An absence row on the person's current contract."""
    base = PEOPLE[document]
    assert base.active is not None
    row: dict[str, Any] = {
        "num_vinculacion": base.active.num_vinculacion, "documento": document,
        "nombre_completo": None, "cod_ausencia_tipo": kind, "cod_ausencia_subtipo": subtype,
        "ausencia_subtipo": name, "dias_calendario": (end - start).days + 1,
        "tipo_disfrute": None, "fecha_inicio": start, "fecha_fin": end, "dias": None, "line": 998,
    }
    row.update(fields)
    return AbsenceRow(**row)


def absences(inp: Any) -> list[tuple[NoveltyKind, int, int, date | None]]:
    """(kind, days, first day number, start) of the input's absences."""
    return [(n.kind, n.days, n.first_day, n.day) for n in inp.novelties if n.days]


def money(inp: Any, kind: NoveltyKind) -> list[Decimal]:
    """Amounts of the input's money novelties of ``kind``."""
    return [n.amount for n in inp.novelties if n.kind is kind]


def error_of(document: str | PersonRows, period: Period = OCTOBER) -> EmployeeInputError:
    """The mapping error of a person (sample document or changed rows) for ``period``."""
    target = PEOPLE[document] if isinstance(document, str) else document
    with pytest.raises(EmployeeInputError) as caught:
        engine_input(target, period)
    assert caught.value.details["document"] == target.documento
    return caught.value


# -- (a) the whole sample, October 2026 ---------------------------------------------------------


def test_every_sample_employee_has_a_contract_in_october() -> None:
    chosen = people_in_period(PEOPLE.values(), OCTOBER)
    assert sorted(p.documento for p in chosen) == sorted(TRUTH)
    assert len(chosen) == 15


def test_october_maps_and_computes_for_all_fifteen_without_errors() -> None:
    results = list(period_inputs(people_in_period(PEOPLE.values(), OCTOBER), OCTOBER))
    assert [r for r in results if isinstance(r[2], EmployeeInputError)] == []
    assert len(results) == 15
    for document, contract, inp in results:
        assert contract == TRUTH[document]["num_vinculacion_actual"]
        compute_payslip(inp)


def test_every_sample_month_maps_except_the_two_work_accidents() -> None:
    """January 2025 to December 2026: the only errors are the two work-related incapacities.

    Both are truly beyond the engine (the ARL pays 100 % of an AT incapacity); the rows
    themselves are consistent, so the error says what is unsupported, not what is wrong.
    """
    failures = []
    for year in (2025, 2026):
        for month in range(1, 13):
            period = Period(year, month)
            for document, _, result in period_inputs(people_in_period(PEOPLE.values(), period), period):
                if isinstance(result, EmployeeInputError):
                    failures.append((str(period), document, result.reason))
                else:
                    compute_payslip(result)
    assert failures == [
        ("2026-02", CIFUENTES, "unsupported_absence"),
        ("2026-08", ORTIZ, "unsupported_absence"),
    ]


# Engine minus the exported 202610M deposit: (gross, deductions, net). The foreign payroll pays
# the auxilio de transporte for vacation days too; the engine pays it for days worked only
# (Ley 15/1959, nomina-colombia.md §1.2): 249,095 × 8 / 30 = 66,425 for Rocío Salazar Díaz.
KNOWN_GAPS = {SALAZAR_DIAZ: (-66_425, 0, -66_425)}


@pytest.mark.parametrize("document", sorted(TRUTH))
def test_october_payslip_against_the_exported_deposit(document: str) -> None:
    payslip = compute_payslip(october(document))
    deposit = TRUTH[document]["last_deposit"]
    assert deposit["period"] == "202610M"
    gaps = (
        int(payslip.total_earned) - deposit["ingresos"],
        int(payslip.total_deductions) - deposit["descuentos"],
        int(payslip.net_pay) - deposit["value"],
    )
    assert gaps == KNOWN_GAPS.get(document, (0, 0, 0))


def test_the_only_october_gap_is_the_auxilio_of_vacation_days() -> None:
    payslip = compute_payslip(october(SALAZAR_DIAZ))
    assert (payslip.days.worked, payslip.days.vacation) == (22, 8)
    assert payslip.transport_allowance == 182_670  # 249.095 × 22 / 30
    assert 249_095 - payslip.transport_allowance == -KNOWN_GAPS[SALAZAR_DIAZ][2]


@pytest.mark.parametrize("document", sorted(TRUTH))
def test_october_social_security_and_withholding_match_the_export(document: str) -> None:
    payslip = compute_payslip(october(document))
    truth = TRUTH[document]["deductions_2026_10"]
    assert int(payslip.health) == truth["salud"]
    assert int(payslip.pension) == truth["pension"]
    assert int(payslip.fsp) == truth["fondo_solidaridad"]
    assert int(payslip.withholding.withholding) == truth["retencion_fuente"]


# -- (b) special cases --------------------------------------------------------------------------


@pytest.mark.parametrize("document", [BOLANOS, MORENO])
def test_overtime_is_paid_at_the_amounts_the_hr_system_valued(document: str) -> None:
    inp = october(document)
    truth = TRUTH[document]
    valued = money(inp, NoveltyKind.SALARY_BONUS)
    assert sum(valued) == truth["earnings_2026_10"]["horas_extra_y_recargos"]
    overtime = [n for n in truth["novelties_2026_10"] if n["code"] in ("HED", "HEN", "RN")]
    assert sorted(valued) == sorted(Decimal(n["value"]) for n in overtime)
    descriptions = " ".join(n.description for n in inp.novelties)
    for item in overtime:
        assert f"({item['hours']} h, {item['code']}," in descriptions
    result = golden_payslip(compute_payslip(inp))
    assert result["devengos"]["otros_devengos_salariales"] == sum(n["value"] for n in overtime)
    # Overtime is salary: it is in the IBC, as in the export's salud.
    assert result["ibc"] == truth["earnings_2026_10"]["basico"] + sum(n["value"] for n in overtime)


def test_a_bonus_is_paid_outside_the_contribution_base() -> None:
    inp = october(GOMEZ)
    truth = TRUTH[GOMEZ]
    assert money(inp, NoveltyKind.NON_SALARY_BONUS) == [Decimal(truth["earnings_2026_10"]["bonificaciones"])]
    result = golden_payslip(compute_payslip(inp))
    assert result["devengos"]["devengos_no_salariales"] == 600_000
    assert result["ibc"] == truth["current_salary"]  # not in the IBC (Total_Sal of the export)
    assert result["deducciones"]["retencion_fuente"] == truth["withholding_2026_10"]  # but taxed


_DEDUCTION_KEYS = {"LIB": "libranza", "COOP": "cooperativa", "MEDPRE": "otras_deducciones",
                   "AVP": "aporte_voluntario_pension", "AFC": "aporte_voluntario_pension"}


@pytest.mark.parametrize("document", sorted(TRUTH))
def test_payroll_deductions_are_the_months_novelties(document: str) -> None:
    expected: dict[str, int] = {}
    for code, value in TRUTH[document]["deductions_2026_10"]["novedades"].items():
        key = _DEDUCTION_KEYS[code]
        expected[key] = expected.get(key, 0) + value
    deductions = golden_payslip(compute_payslip(october(document)))["deducciones"]
    found = {key: deductions[key] for key in set(_DEDUCTION_KEYS.values()) if key in deductions}
    assert found == expected


def test_libranza_keeps_the_lenders_description() -> None:
    inp = october(BOLANOS)
    (libranza,) = [n for n in inp.novelties if n.kind is NoveltyKind.LIBRANZA]
    assert libranza.amount == 347_000
    assert libranza.description == "LIBRANZA BANCOLOMBIA 24 CUOTAS"


@pytest.mark.parametrize(("document", "start"), [(GONZALEZ, date(2026, 10, 6)), (SALAZAR_DIAZ, date(2026, 10, 9))])
def test_vacations_in_the_month_count_their_calendar_days(document: str, start: date) -> None:
    taken = [v for v in TRUTH[document]["vacations_taken"] if v["start"] == start.isoformat()]
    assert taken and taken[0]["days"] == 5  # five working days, eight calendar days
    inp = october(document)
    assert absences(inp) == [(NoveltyKind.VACATION, 8, 1, start)]
    payslip = compute_payslip(inp)
    salary = TRUTH[document]["current_salary"]
    assert (payslip.days.worked, payslip.days.vacation) == (22, 8)
    result = golden_payslip(payslip)
    assert result["devengos"]["salario"] + result["devengos"]["vacaciones"] == salary


def test_integral_salary() -> None:
    inp = october(CIFUENTES)
    assert TRUTH[CIFUENTES]["salary_integral"] is True
    assert inp.contract.salary_type is SalaryType.INTEGRAL
    assert inp.contract.base_monthly_salary == TRUTH[CIFUENTES]["current_salary"]
    payslip = compute_payslip(inp)
    assert payslip.ibc == Decimal(24_900_000) * Decimal("0.7")
    assert payslip.provisions.prima == 0 and payslip.transport_allowance == 0


def test_voluntary_pension_and_afc_are_one_exempt_deduction() -> None:
    inp = october(CIFUENTES)
    assert inp.contract.voluntary_pension_monthly == 1_920_000 + 1_250_000
    assert inp.contract.dependents is True  # Dep 1.675.968 in 202610M
    assert inp.contract.prepaid_medicine_monthly == 432_000
    assert inp.contract.housing_interest_monthly == 1_620_000


def test_withholding_facts_come_from_the_latest_withholding_row() -> None:
    chaux = october(CHAUX).contract
    assert (chaux.dependents, chaux.prepaid_medicine_monthly, chaux.housing_interest_monthly) == (
        False, 596_300, 950_000)
    assert chaux.voluntary_pension_monthly == 490_000
    assert october(QUINTERO).contract.dependents is True
    assert october(GONZALEZ).contract.dependents is True
    # November has no withholding row yet: October's facts still apply.
    november = engine_input(PEOPLE[CHAUX], Period(2026, 11)).contract
    assert november.housing_interest_monthly == 950_000


def test_prepaid_medicine_without_a_payroll_deduction_comes_from_the_withholding_file() -> None:
    changed = person(CHAUX, novelties=tuple(n for n in PEOPLE[CHAUX].novelties if n.cod_concepto != "MEDPRE"))
    inp = engine_input(changed, OCTOBER)
    assert inp.contract.prepaid_medicine_monthly == 596_300
    assert money(inp, NoveltyKind.OTHER_DEDUCTION) == []


def test_the_salary_in_force_after_a_raise() -> None:
    assert october(QUINTERO).contract.base_monthly_salary == TRUTH[QUINTERO]["current_salary"]
    june = engine_input(PEOPLE[QUINTERO], Period(2026, 6)).contract
    assert june.base_monthly_salary == 5_580_000


def test_a_salary_change_inside_the_month_is_split_by_days() -> None:
    rows = [r for r in PEOPLE[QUINTERO].salaries if r.fecha_fin_sueldo is not None]
    current = next(r for r in PEOPLE[QUINTERO].salaries if r.fecha_fin_sueldo is None)
    rows += [
        dataclasses.replace(current, fecha_fin_sueldo=date(2026, 10, 10)),
        dataclasses.replace(current, fecha_inicio_sueldo=date(2026, 10, 11), sueldo=Decimal(7_000_000)),
    ]
    inp = engine_input(person(QUINTERO, salaries=tuple(rows)), OCTOBER)
    expected = (Decimal(6_746_000) * 10 + Decimal(7_000_000) * 20) / 30
    assert inp.contract.base_monthly_salary == expected.quantize(Decimal("0.01"))
    assert compute_payslip(inp).salary == 6_915_333  # 2.248.666,67 + 4.666.666,67


def test_a_new_hire_is_paid_from_the_hire_date() -> None:
    july = engine_input(PEOPLE[ORTIZ], Period(2026, 7))
    assert july.contract.hire_date == date(2026, 7, 16)
    payslip = compute_payslip(july)
    assert payslip.days.contract == 15
    deposit = next(d for d in TRUTH[ORTIZ]["deposits"] if d["period"] == "202607M")
    assert payslip.total_earned == deposit["ingresos"] == 3_473_500
    assert ORTIZ not in {p.documento for p in people_in_period(PEOPLE.values(), Period(2026, 6))}
    assert compute_payslip(october(ORTIZ)).days.contract == 30


def test_an_ended_contract_is_paid_until_its_last_day_then_not_at_all() -> None:
    march = engine_input(PEOPLE[PENA], Period(2025, 3))
    assert march.contract.termination_date == date(2025, 3, 31)
    assert march.contract.base_monthly_salary == 2_823_000
    assert compute_payslip(march).days.contract == 30
    april = Period(2025, 4)
    assert PENA not in {p.documento for p in people_in_period(PEOPLE.values(), april)}
    assert error_of(PENA, april).message == "No tiene un contrato vigente en 2025-04."
    assert october(PENA).contract.hire_date == date(2025, 6, 1)  # the current contract


def test_a_termination_inside_the_month() -> None:
    contracts = tuple(
        dataclasses.replace(c, fecha_retiro=date(2026, 10, 15)) if c.num_vinculacion == 1343 else c
        for c in PEOPLE[PENA].contracts
    )
    payslip = compute_payslip(engine_input(person(PENA, contracts=contracts), OCTOBER))
    assert payslip.days.contract == 15
    assert payslip.salary == 4_364_000 / 2


def test_sick_leave_days_of_the_month() -> None:
    inp = engine_input(PEOPLE[MORENO], Period(2026, 9))
    assert absences(inp) == [(NoveltyKind.INCAPACITY, 6, 1, date(2026, 9, 18))]
    payslip = compute_payslip(inp)
    assert (payslip.days.worked, payslip.days.incapacity) == (24, 6)
    codes = [line.code for line in payslip.lines if line.code.startswith("INCAPACIDAD")]
    assert codes == ["INCAPACIDAD_EMPLEADOR", "INCAPACIDAD_EPS"]


def test_an_incapacity_extension_continues_the_day_numbering() -> None:
    rows = PEOPLE[MORENO].absences + (
        absence(MORENO, AbsenceType.INC, date(2026, 9, 24), date(2026, 10, 3), "EG", "ENFERMEDAD GENERAL"),
        absence(MORENO, AbsenceType.INC, date(2026, 10, 4), date(2026, 10, 8), "EG", "ENFERMEDAD GENERAL"),
    )
    inp = engine_input(person(MORENO, absences=rows), OCTOBER)
    # 18–23/09 and 24/09–03/10 chain: 1 October is day 14, 4 October day 17.
    assert absences(inp) == [
        (NoveltyKind.INCAPACITY, 3, 14, date(2026, 10, 1)),
        (NoveltyKind.INCAPACITY, 5, 17, date(2026, 10, 4)),
    ]


def test_paid_leave_changes_nothing() -> None:
    february = engine_input(PEOPLE[OROZCO], Period(2026, 2))
    assert absences(february) == []  # LIC LLUT, licencia de luto: paid (Ley 1280 de 2009)
    deposit = next(d for d in TRUTH[OROZCO]["deposits"] if d["period"] == "202602M")
    assert compute_payslip(february).net_pay == deposit["value"]


@pytest.mark.parametrize(("subtype", "name"), [("LNR", "LICENCIA NO REMUNERADA"), (None, None),
                                               ("LXX", "Licencia no remunerada por estudios")])
def test_unpaid_leave_days(subtype: str | None, name: str | None) -> None:
    rows = (absence(OROZCO, AbsenceType.LIC, date(2026, 10, 13), date(2026, 10, 19), subtype, name),)
    inp = engine_input(person(OROZCO, absences=rows), OCTOBER)
    assert absences(inp) == [(NoveltyKind.UNPAID_LEAVE, 7, 1, date(2026, 10, 13))]
    payslip = compute_payslip(inp)
    assert (payslip.days.worked, payslip.days.unpaid_leave, payslip.pila.days) == (23, 7, 23)


def test_a_permission_is_paid_and_changes_nothing() -> None:
    rows = (absence(OROZCO, AbsenceType.PER, date(2026, 10, 13), date(2026, 10, 13), "PCIT", "CITA MÉDICA"),)
    assert absences(engine_input(person(OROZCO, absences=rows), OCTOBER)) == []


def test_absence_days_are_commercial_days_of_the_month() -> None:
    rows = (
        absence(OROZCO, AbsenceType.VAC, date(2026, 9, 21), date(2026, 10, 2)),
        absence(OROZCO, AbsenceType.LIC, date(2026, 10, 31), date(2026, 10, 31), "LNR"),
    )
    inp = engine_input(person(OROZCO, absences=rows), OCTOBER)
    assert absences(inp) == [(NoveltyKind.VACATION, 2, 1, date(2026, 10, 1))]  # the 31st adds none
    february = (absence(OROZCO, AbsenceType.VAC, date(2026, 2, 23), date(2026, 3, 6)),)
    inp = engine_input(person(OROZCO, absences=february), Period(2026, 2))
    assert absences(inp) == [(NoveltyKind.VACATION, 8, 1, date(2026, 2, 23))]  # 23 → 30


def test_employer_settings_and_arl_classes() -> None:
    settings = PayrollSettings(
        employer=EmployerSettings(exonerated=True), arl_class="II", arl_by_document={BOLANOS: "IV"},
        rest_weekday=5,
    )
    mapper = PeriodMapper(OCTOBER, settings)
    driver = mapper.engine_input(PEOPLE[BOLANOS])
    assert driver.contract.arl_class == "IV" and driver.employer.exonerated is True
    assert driver.contract.rest_weekday == 5
    assert mapper.engine_input(PEOPLE[CHAUX]).contract.arl_class == "II"
    assert compute_payslip(driver).employer.exonerated is True


def test_a_person_without_salary_history_gets_the_active_rows_salary() -> None:
    inp = engine_input(person(ORTIZ, salaries=()), OCTOBER)
    assert inp.contract.base_monthly_salary == 6_947_000


def test_an_unknown_concept_outside_the_month_is_ignored() -> None:
    rows = PEOPLE[BOLANOS].novelties + (novelty(BOLANOS, "XYZ", date(2026, 9, 5), 1000),)
    engine_input(person(BOLANOS, novelties=rows), OCTOBER)


# -- (c) errors ---------------------------------------------------------------------------------


def test_error_no_salary_in_force() -> None:
    rows = tuple(dataclasses.replace(r, fecha_inicio_sueldo=date(2026, 10, 10)) for r in PEOPLE[ORTIZ].salaries)
    error = error_of(person(ORTIZ, salaries=rows))
    assert error.reason == "no_salary"
    assert error.message == (
        "No hay salario vigente para el contrato 1354 el 01/10/2026 (HISTORICO_SUELDO_HM)."
    )
    assert isinstance(error, InvalidRequest) and error.code == "INVALID_REQUEST"


def test_error_two_salaries_on_the_same_day() -> None:
    extra = SalaryPeriodRow(1162, QUINTERO, None, date(2026, 10, 1), None, Decimal(7_000_000), line=157)
    error = error_of(person(QUINTERO, salaries=PEOPLE[QUINTERO].salaries + (extra,)))
    assert error.reason == "overlapping_salaries"
    assert error.message == (
        "El contrato 1162 tiene dos salarios vigentes el 01/10/2026 (HISTORICO_SUELDO_HM, línea 157); "
        "corrija las fechas del histórico."
    )
    assert error.details["source"] == "HISTORICO_SUELDO_HM.TXT:157"


def test_error_overlapping_absences() -> None:
    sick = absence(GONZALEZ, AbsenceType.INC, date(2026, 10, 10), date(2026, 10, 12), "EG", "ENFERMEDAD GENERAL")
    error = error_of(person(GONZALEZ, absences=PEOPLE[GONZALEZ].absences + (sick,)))
    assert error.reason == "overlapping_absences"
    assert error.message == (
        "La ausencia INC del 10/10/2026 al 12/10/2026 (AUSENTISMO_HM, línea 998) se superpone con "
        "VAC del 06/10/2026 al 13/10/2026 (AUSENTISMO_HM, línea 62); una incapacidad interrumpe "
        "las vacaciones: divida la ausencia VAC en el sistema de recursos humanos."
    )


def test_error_absence_outside_the_contract() -> None:
    early = absence(ORTIZ, AbsenceType.VAC, date(2026, 7, 10), date(2026, 7, 20))
    error = error_of(person(ORTIZ, absences=(early,)), Period(2026, 7))
    assert error.reason == "absence_outside_contract"
    assert "cae fuera de los días del contrato en el período (16/07/2026 a 31/07/2026)" in error.message


def test_error_integral_salary_below_thirteen_minimum_wages() -> None:
    rows = tuple(dataclasses.replace(r, sueldo=Decimal(20_000_000)) for r in PEOPLE[CIFUENTES].salaries)
    error = error_of(person(CIFUENTES, salaries=rows))
    assert error.reason == "integral_below_minimum"
    assert error.message == (
        "El salario integral de $20.000.000 es inferior al mínimo legal de 13 SMMLV "
        "($22.761.765) en 2026-10 (CST art. 132)."
    )


def test_error_unknown_concept_code() -> None:
    rows = PEOPLE[BOLANOS].novelties + (novelty(BOLANOS, "XYZ", date(2026, 10, 5), 1000),)
    error = error_of(person(BOLANOS, novelties=rows))
    assert error.reason == "unknown_concept"
    assert error.message == (
        "Novedad XYZ del 05/10/2026 (NOVEDADES_HM, línea 999): concepto de novedad desconocido "
        "«XYZ»: no se sabe cómo liquidarlo (devengo o deducción, salarial o no, efecto tributario)."
    )


def test_error_novelty_type_contradicts_its_concept() -> None:
    rows = (novelty(BOLANOS, "HED", date(2026, 10, 5), 50_000, tipo_novedad=NoveltyType.DEDUCCION),)
    error = error_of(person(BOLANOS, novelties=rows))
    assert error.reason == "contradictory_novelty"
    assert error.message.endswith("el concepto HED es un devengo pero TipoNovedad dice DEDUCCION.")


def test_error_negative_novelty_value() -> None:
    rows = (novelty(BOLANOS, "BON", date(2026, 10, 5), -50_000),)
    error = error_of(person(BOLANOS, novelties=rows))
    assert error.reason == "negative_value"
    assert "el valor $-50.000 es negativo" in error.message


def test_error_work_related_incapacity_is_not_liquidated_yet() -> None:
    error = error_of(CIFUENTES, Period(2026, 2))
    assert error.reason == "unsupported_absence"
    assert error.message == (
        "La ausencia INC del 16/02/2026 al 18/02/2026 (AUSENTISMO_HM, línea 48) es de origen "
        "laboral: la ARL la paga al 100 % y el motor solo liquida la incapacidad de origen común."
    )


@pytest.mark.parametrize(("kind", "subtype", "name", "reason", "words"), [
    (AbsenceType.LIC, "LMA", "LICENCIA DE MATERNIDAD", "unsupported_absence", "maternidad o paternidad"),
    (AbsenceType.VAC, "VCD", "VACACIONES EN DINERO", "unsupported_absence", "compensadas en dinero"),
    (AbsenceType.LIC, "LZZ", "LICENCIA ESPECIAL", "unknown_absence_subtype", "subtipo desconocido «LZZ LICENCIA ESPECIAL»"),
    (AbsenceType.INC, "ZZ", "INCAPACIDAD OTRA", "unknown_absence_subtype", "no se sabe si es remunerado"),
])
def test_error_absences_the_engine_cannot_liquidate(kind: AbsenceType, subtype: str, name: str, reason: str,
                                                    words: str) -> None:
    rows = (absence(OROZCO, kind, date(2026, 10, 5), date(2026, 10, 9), subtype, name),)
    error = error_of(person(OROZCO, absences=rows))
    assert (error.reason, words in error.message) == (reason, True)


def test_error_simultaneous_contracts() -> None:
    second = ContractRow(PENA, 1400, date(2026, 9, 1), None, None, None, None, None, None, None)
    error = error_of(person(PENA, contracts=PEOPLE[PENA].contracts + (second,)))
    assert error.reason == "overlapping_contracts"
    assert error.message == (
        "Tiene contratos simultáneos en 2026-10: 1343 (desde 01/06/2025), 1400 (desde 01/09/2026). "
        "Cierre el anterior (FechaRetiro) o corrija las fechas."
    )


def test_two_consecutive_contracts_in_a_month_are_liquidated_separately() -> None:
    contracts = (
        dataclasses.replace(PEOPLE[PENA].contracts[0], fecha_retiro=date(2025, 3, 25)),
        dataclasses.replace(PEOPLE[PENA].contracts[1], fecha_ingreso=date(2025, 3, 26)),
    )
    salaries = PEOPLE[PENA].salaries + (SalaryPeriodRow(1343, PENA, None, date(2025, 3, 26), date(2025, 5, 31),
                                                         Decimal(3_900_000)),)
    changed = person(PENA, contracts=contracts, salaries=salaries)
    march = Period(2025, 3)
    error = error_of(changed, march)
    assert error.reason == "several_contracts"
    assert "liquida por separado" in error.message
    results = list(period_inputs([changed], march))
    assert [(doc, num) for doc, num, _ in results] == [(PENA, 1235), (PENA, 1343)]
    first, second = (compute_payslip(inp) for _, _, inp in results)
    assert (first.days.contract, second.days.contract) == (25, 5)
    assert first.days.vacation == 19  # 03–21/03, on the first contract
    assert engine_input(changed, march, num_vinculacion=1343).contract.base_monthly_salary == 3_900_000


def test_error_for_a_contract_number_not_in_the_period() -> None:
    with pytest.raises(EmployeeInputError) as caught:
        engine_input(PEOPLE[PENA], OCTOBER, num_vinculacion=1235)
    assert caught.value.message == "El contrato 1235 no está vigente en 2026-10."


def test_invalid_settings_are_rejected() -> None:
    with pytest.raises(InvalidRequest) as caught:
        PayrollSettings(arl_by_document={BOLANOS: "VI"})
    assert caught.value.message == (
        "Clase de riesgo ARL desconocida «VI» (documento 1130846901); use I, II, III, IV o V."
    )


def test_a_period_without_legal_parameters_fails_for_the_whole_run() -> None:
    with pytest.raises(ParameterNotFound) as caught:
        PeriodMapper(Period(2019, 5))
    assert caught.value.field == "period"
