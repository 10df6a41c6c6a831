"""The proof that parsing is right: facts derived from the parsed sample equal the truth file.

Every field of every employee is compared except ``special_cases`` (labels of the test
scenario, not data) and the ``cargo`` of former contracts (the exports carry a position
only for the current contract: ``NombrePosicion`` of ``ACTIVOS_HM``). Contact data
(emails, phone, address) is compared too.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest

from chatnomina.hr import facts
from chatnomina.hr.facts import PersonRows
from chatnomina.hr.parser import parse_directory
from chatnomina.hr.values import PayrollPeriod, parse_period
from tests.hr.conftest import TRUTH_FILE, sample_files

TRUTH = json.loads(TRUTH_FILE.read_text(encoding="utf-8"))
EMPLOYEES = TRUTH["employees"]
SKIPPED = {"special_cases"}


def plain(value: Any) -> Any:
    """Facts as JSON-like data: dates ISO, Decimals exact, enums by value, None fields kept."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)).normalize()
    return value


def truth_plain(value: Any) -> Any:
    """The truth file with numbers as exact Decimals (``8.13`` is read from its text)."""
    if isinstance(value, dict):
        return {k: truth_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [truth_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return Decimal(str(value)).normalize()


def derive(person: PersonRows, people: dict[str, Any], last_payroll: PayrollPeriod) -> dict[str, Any]:
    """Every truth field, computed from the person's rows by the facts module."""
    profile = facts.profile(person, people)
    assert profile is not None
    salary = facts.current_salary(person)
    assert salary is not None
    month = parse_period("202610M")
    last = facts.last_deposit(person)
    out: dict[str, Any] = {
        **{k: v for k, v in plain(profile).items()},
        "contracts": plain(facts.contracts(person)),
        "current_salary": plain(salary.amount),
        "salary_integral": salary.integral,
        "current_salary_since": plain(salary.since),
        "salary_history": plain(facts.salary_history(person)),
        "last_deposit": plain(last),
        "total_deposited_2025": plain(facts.total_deposited(person, date(2025, 1, 1), date(2025, 12, 31))),
        "total_deposited_2026_jan_oct": plain(
            facts.total_deposited(person, date(2026, 1, 1), date(2026, 10, 31))
        ),
        "deposits": plain(facts.deposits(person)),
        "pending_vacation_days": plain(facts.pending_vacation_days(person)),
        "vacation_periods": plain(facts.vacation_periods(person)),
        "last_vacation": plain(facts.last_vacation(person)),
        "vacations_taken": plain(facts.vacations_taken(person)),
        "bank": plain(facts.bank_account(person)),
        "bank_history": plain(facts.bank_history(person)),
        "novelties_2026_10": plain(facts.novelties_of_month(person, 2026, 10)),
        "pending_novelties": plain(facts.pending_novelties(person, last_payroll)),
        "active_recurring_novelties": plain(facts.active_recurring_novelties(person, last_payroll)),
        "withholding_2026_10": plain(facts.withholding(person, month)),
        "withholding_2026_jan_oct": plain(
            facts.withholding_total(person, parse_period("202601M"), parse_period("202610M"))
        ),
        "withholding_2025": plain(
            facts.withholding_total(person, parse_period("202501M"), parse_period("202512M"))
        ),
        "deductions_2026_10": plain(facts.deductions(person, month)),
        "earnings_2026_10": plain(facts.earnings(person, month)),
    }
    return out


def shape_like(derived: Any, expected: Any) -> Any:
    """Drop what the truth does not state: keys it lacks, ``hours`` of non-hour novelties,
    the masked-account ``since`` of ``bank`` and the position of former contracts."""
    if isinstance(expected, dict) and isinstance(derived, dict):
        return {k: shape_like(derived.get(k), v) for k, v in expected.items()} | {
            k: v for k, v in derived.items() if k not in expected and v is not None and k != "since"
            and k in ("hours",)
        }
    if isinstance(expected, list) and isinstance(derived, list) and len(expected) == len(derived):
        return [shape_like(d, e) for d, e in zip(derived, expected)]
    return derived


@pytest.fixture(scope="module")
def derived() -> dict[str, dict[str, Any]]:
    export = parse_directory(sample_files())
    assert export.report_lines() == []
    people = facts.group_by_person(export)
    actives = facts.active_rows(people.values())
    last_payroll = export.last_payroll()
    assert last_payroll == parse_period(TRUTH["meta"]["last_payroll"])
    return {doc: derive(p, actives, last_payroll) for doc, p in people.items() if p.active is not None}


def test_every_truth_employee_is_in_the_sample(derived: dict[str, dict[str, Any]]) -> None:
    assert sorted(derived) == sorted(EMPLOYEES)


@pytest.mark.parametrize("documento", sorted(EMPLOYEES))
def test_facts_match_the_truth_file(derived: dict[str, dict[str, Any]], documento: str) -> None:
    expected = truth_plain({k: v for k, v in EMPLOYEES[documento].items() if k not in SKIPPED})
    got = shape_like(derived[documento], expected)
    # Former contracts: the exports carry no position for them.
    for contract in expected["contracts"]:
        if contract["num_vinculacion"] != expected["num_vinculacion_actual"]:
            contract["cargo"] = None
    mismatches = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
    assert mismatches == {}
