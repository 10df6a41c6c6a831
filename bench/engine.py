"""Payroll engine throughput on one core (this process's CPU time), a realistic mix, as JSON.

Run: ``.venv/bin/python bench/engine.py [--seconds 3] [--employees 2000] [--seed 7]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine
from chatnomina.engine import (
    Contract,
    EmployerSettings,
    EngineInput,
    Novelty,
    NoveltyKind,
    OvertimeKind,
    Period,
    SalaryType,
    compute_golden,
    compute_payslip,
    default_parameters,
    golden_payslip,
)

SMMLV_2026 = 1_750_905
PERIODS = (Period(2026, 3), Period(2026, 6), Period(2026, 7), Period(2025, 12))


def build_company(employees: int, seed: int) -> list[EngineInput]:
    """A payroll group: mostly plain salaries, some overtime, absences and high earners."""
    rng = random.Random(seed)
    employer = EmployerSettings(exonerated=True)
    inputs: list[EngineInput] = []
    for _ in range(employees):
        period = rng.choice(PERIODS)
        roll = rng.random()
        salary = Decimal(rng.randrange(SMMLV_2026, 6_000_000, 1000))
        salary_type = SalaryType.ORDINARY
        novelties: list[Novelty] = []
        tax: dict[str, Any] = {}
        if roll < 0.12:  # overtime and surcharges on several dates
            for _ in range(rng.randint(1, 5)):
                day = date(period.year, period.month, rng.randint(1, 28))
                start = rng.choice((6, 17, 18, 19, 20, 21, 22))
                length = rng.randint(1, 4)
                end = (start + length) % 24
                kind = rng.choice(tuple(OvertimeKind))
                novelties.append(Novelty.overtime(day, clock(start), clock(end), kind))
        elif roll < 0.22:  # absences and money novelties
            choice = rng.randrange(4)
            if choice == 0:
                novelties.append(Novelty.absence(NoveltyKind.VACATION, rng.randint(5, 15)))
            elif choice == 1:
                novelties.append(Novelty.absence(NoveltyKind.INCAPACITY, rng.randint(1, 10)))
            elif choice == 2:
                novelties.append(Novelty.absence(NoveltyKind.UNPAID_LEAVE, rng.randint(1, 5)))
            else:
                novelties.append(
                    Novelty.money(
                        NoveltyKind.NON_SALARY_BONUS, Decimal(rng.randrange(100_000, 900_000))
                    )
                )
                novelties.append(
                    Novelty.money(NoveltyKind.COMMISSION, Decimal(rng.randrange(50_000, 500_000)))
                )
            if rng.random() < 0.5:
                novelties.append(
                    Novelty.money(NoveltyKind.LIBRANZA, Decimal(rng.randrange(50_000, 400_000)))
                )
        elif roll < 0.34:  # high salaries with withholding and its deductions
            salary = Decimal(rng.randrange(8_000_000, 60_000_000, 1000))
            if rng.random() < 0.25:
                salary = max(salary, Decimal(13 * SMMLV_2026 + 1))
                salary_type = SalaryType.INTEGRAL
            tax = {
                "dependents": rng.random() < 0.5,
                "prepaid_medicine_monthly": Decimal(rng.choice((0, 450_000, 900_000))),
                "housing_interest_monthly": Decimal(rng.choice((0, 1_500_000, 6_000_000))),
                "voluntary_pension_monthly": Decimal(rng.choice((0, 500_000, 2_000_000))),
            }
        contract = Contract(
            base_monthly_salary=salary,
            salary_type=salary_type,
            arl_class=rng.choice(("I", "I", "I", "II", "III")),
            **tax,
        )
        inputs.append(EngineInput(period, contract, tuple(novelties), employer))
    return inputs


def measure(func: Any, items: list[Any], seconds: float) -> tuple[int, float, float]:
    """Call ``func`` over ``items`` round-robin for about ``seconds`` of CPU time.

    Returns (calls, CPU seconds, wall seconds). The rate uses the process's CPU time so that
    other work on a shared machine does not count against the engine; wall time is reported too.
    """
    count = 0
    wall = time.perf_counter()
    started = time.process_time()
    while True:
        for item in items:
            func(item)
        count += len(items)
        used = time.process_time() - started
        if used >= seconds:
            return count, used, time.perf_counter() - wall


def main() -> None:
    """Warm the caches, then time typed payslips and the golden JSON format on one core."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    default_parameters()
    company = build_company(args.employees, args.seed)
    for item in company:  # warm-up: parameter snapshots, holiday calendars
        compute_payslip(item)
    payslips, cpu, wall = measure(compute_payslip, company, args.seconds)

    golden_cases = [
        {
            "period": str(i.period),
            "base_monthly_salary": str(i.contract.base_monthly_salary),
            "salary_type": i.contract.salary_type.value,
            "days_worked": 30,
            "arl_class": i.contract.arl_class,
            "employer_exonerated": True,
        }
        for i in company[:200]
    ]
    golden_calls, golden_cpu, _ = measure(compute_golden, golden_cases, max(1.0, args.seconds / 3))
    with_json, json_cpu, _ = measure(
        lambda i: golden_payslip(compute_payslip(i)), company, max(1.0, args.seconds / 3)
    )

    print(
        json.dumps(
            {
                "benchmark": "engine",
                "payslips_per_s": round(payslips / cpu, 1),
                "payslips_per_wall_s": round(payslips / wall, 1),
                "payslips": payslips,
                "cpu_seconds": round(cpu, 3),
                "wall_seconds": round(wall, 3),
                "mix": {
                    "employees": len(company),
                    "overtime": "12 %",
                    "novelties_absences": "10 %",
                    "high_salaries_withholding": "12 %",
                    "plain": "66 %",
                },
                "golden_json_per_s": round(golden_calls / golden_cpu, 1),
                "payslip_plus_json_view_per_s": round(with_json / json_cpu, 1),
                "machine": machine(),  # shared description (bench/common.py)
                "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
