"""The synthetic exports are consistent, deterministic and answer every fact."""

from __future__ import annotations

from chatnomina.hr import facts
from chatnomina.hr.parser import parse_directory
from chatnomina.hr.rows import FileKind
from chatnomina.hr.synthetic import generate_exports


def test_synthetic_exports_parse_without_a_single_reject() -> None:
    files = generate_exports(150, months=24, seed=7)
    assert sorted(files) == sorted(kind.file_name for kind in FileKind)
    parsed = parse_directory(files)
    assert parsed.report_lines() == []
    assert len(parsed.rows(FileKind.ACTIVE_EMPLOYEES)) == 150
    deposits = parsed.rows(FileKind.DEPOSITS)
    assert 150 <= len(deposits) <= 150 * 24
    assert {r.cod_nomina.code for r in deposits} >= {"202411M", "202610M"}
    assert str(parsed.last_payroll()) == "202610M"


def test_the_same_seed_gives_the_same_bytes() -> None:
    assert generate_exports(40, 6, seed=3) == generate_exports(40, 6, seed=3)
    assert generate_exports(40, 6, seed=3) != generate_exports(40, 6, seed=4)


def test_every_synthetic_person_has_the_facts_the_assistant_needs() -> None:
    parsed = parse_directory(generate_exports(80, months=24, seed=11))
    last = parsed.last_payroll()
    assert last is not None
    people = facts.group_by_person(parsed)
    for person in people.values():
        assert facts.profile(person) is not None
        salary = facts.current_salary(person)
        assert salary is not None and salary.amount > 0
        earned = facts.earnings(person, last)
        deducted = facts.deductions(person, last)
        assert earned is not None and deducted is not None
        assert earned.auxilio_transporte >= 0
        parts = deducted.salud + deducted.pension + deducted.fondo_solidaridad + deducted.retencion_fuente
        assert parts + sum(deducted.novedades.values()) == deducted.total
        assert facts.bank_account(person) is not None
        assert facts.pending_vacation_days(person) >= 0
        assert facts.vacation_periods(person)


def test_kinds_select_files_and_latin1_crlf_is_available() -> None:
    files = generate_exports(5, 2, seed=1, kinds=[FileKind.DEPOSITS], encoding="latin-1", eol="\r\n")
    assert list(files) == ["CONSIGNACIONES_HM.TXT"]
    assert b"\r\n" in files["CONSIGNACIONES_HM.TXT"]
