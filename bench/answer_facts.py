"""Answer-fact accuracy of the assistant over HR exports and their truth file; prints one JSON document.

    python bench/answer_facts.py [--exports DIR] [--truth FILE] [--today YYYY-MM-DD] [--verbose]

Imports the exports into a scratch PostgreSQL database (``cn_facts_<random>``, created and
dropped here, on the server the environment names, else the local one, else an embedded one),
then asks the assistant, as each employee of the truth file, a fixed battery of questions in
several phrasings (salary, last deposit and its date, deposits of a month, totals of a year,
vacation days pending, last vacation, bank, EPS/AFP/cesantías, withholding, deductions,
novelties...) through ``Assistant.respond`` (the chat's own path: one ``load_person`` per
message). A fact is correct when the answer contains every expected value written the way the
assistant writes them (``$3.500.000``, ``31 de octubre de 2026``, ``8,13 días``, ``****7701``).

Output: ``{"facts_checked", "facts_correct", "accuracy", "by_fact": {...}, "failures": [...]}``.
The expected values come from the truth file only, so the same battery scores any export set
that ships a truth file of the same shape.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import summary_ms  # noqa: E402
from chatnomina.assistant.formatting import MONTHS, format_cop, format_date, format_days  # noqa: E402

DEFAULT_EXPORTS = ROOT / "tests" / "fixtures" / "hr_exports"
DEFAULT_TRUTH = ROOT / "tests" / "fixtures" / "hr_exports_truth.json"


@dataclass(frozen=True)
class Check:
    """One question about one fact, and the strings its answer must contain."""

    fact: str
    question: str
    expected: tuple[str, ...]


def _cop(value: Any) -> str:
    return format_cop(Decimal(str(value)))


def _day(value: str) -> str:
    return format_date(date.fromisoformat(value))


def _month_words(code: str) -> str:
    """``202603M`` → ``marzo de 2026``."""
    return f"{MONTHS[int(code[4:6]) - 1]} de {code[:4]}"


def _previous_month(today: date) -> str:
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return f"{year:04d}{month:02d}"


def battery(truth: dict[str, Any], today: date) -> list[Check]:
    """The questions for one employee of the truth file, with what each answer must say."""
    checks: list[Check] = []

    def add(fact: str, questions: list[str], expected: list[str]) -> None:
        for question in questions:
            checks.append(Check(fact, question, tuple(expected)))

    if truth.get("current_salary") is not None:
        add("salary", ["¿Cuánto gano?", "¿cuál es mi salario actual?", "dime mi sueldo porfa",
                       "¿De cuánto es mi salario mensual?"], [_cop(truth["current_salary"])])
        if truth.get("current_salary_since"):
            add("salary_since", ["¿Desde cuándo gano este salario?"], [_day(truth["current_salary_since"])])
    last = truth.get("last_deposit")
    if last:
        add("last_deposit", ["¿Cuál fue mi último pago?", "¿cuánto me consignaron la última vez?",
                             "¿Cuándo me consignaron por última vez?", "valor de la última consignación"],
            [_cop(last["value"]), _day(last["date"])])
    deposits = {d["period"]: d for d in truth.get("deposits", [])}
    previous = _previous_month(today)
    chosen = [code for code in sorted(deposits) if code.startswith(previous)]
    for code in chosen:
        add("deposit_last_month", ["¿Cuánta plata me consignaron el mes pasao?", "¿cuánto me pagaron el mes pasado?"],
            [_cop(deposits[code]["value"]), _day(deposits[code]["date"])])
    samples = [code for code in sorted(deposits) if code.endswith("M")]
    for code in samples[-7:-6] + samples[:1]:
        month = _month_words(code)
        add("deposit_of_month", [f"¿Cuánto me consignaron en {month}?", f"cuanta plata me pagaron en {month}"],
            [_cop(deposits[code]["value"])])
    if "total_deposited_2025" in truth:
        add("total_2025", ["¿Cuánto me consignaron en total en 2025?", "¿cuánto recibí en el 2025?"],
            [_cop(truth["total_deposited_2025"])])
    if "total_deposited_2026_jan_oct" in truth and today.year == 2026 and today.month > 10:
        add("total_2026", ["¿Cuánto he recibido en total este año?"], [_cop(truth["total_deposited_2026_jan_oct"])])
    if "pending_vacation_days" in truth:
        add("vacation_pending", ["¿Cuántos días de vacaciones me quedan?", "¿cuántos días de vacaciones tengo pendientes?",
                                 "mi saldo de vacaciones"],
            [format_days(Decimal(str(truth["pending_vacation_days"])))])
    if "last_vacation" in truth:
        vacation = truth["last_vacation"]
        expected = [_day(vacation["start"]), _day(vacation["end"])] if vacation else ["No tengo vacaciones"]
        add("last_vacation", ["¿Cuándo fueron mis últimas vacaciones?", "¿cuándo tomé vacaciones por última vez?"],
            expected)
    bank = truth.get("bank")
    if bank:
        add("bank", ["¿En qué banco me pagan?", "¿a qué cuenta me consignan el sueldo?", "datos bancarios"],
            [bank["name"], "****" + bank["last4"]])
    for fact, key, questions in (
        ("eps", "eps", ["¿Cuál es mi EPS?", "¿a qué entidad de salud estoy afiliado?"]),
        ("afp", "afp", ["¿En qué fondo de pensiones estoy?", "¿a qué AFP cotizo?"]),
        ("cesantias", "cesantias", ["¿Cuál es mi fondo de cesantías?", "¿En qué fondo están mis cesantías?"]),
        ("manager", "manager_name_display", ["¿Quién es mi jefe?"]),
        ("position", "position", ["¿Cuál es mi cargo?"]),
    ):
        if truth.get(key):
            add(fact, questions, [truth[key]])
    if truth.get("hire_date_current_contract"):
        add("hire_date", ["¿Cuál es mi fecha de ingreso?"], [_day(truth["hire_date_current_contract"])])
    if "withholding_2026_10" in truth:
        add("withholding_2026_10", ["¿Cuánto me retuvieron en la fuente en octubre de 2026?",
                                    "¿cuánta retefuente me sacaron en octubre de 2026?"],
            [_cop(truth["withholding_2026_10"])])
    if "withholding_2025" in truth:
        add("withholding_2025", ["¿Cuánto me retuvieron en la fuente en 2025?"], [_cop(truth["withholding_2025"])])
    if "withholding_2026_jan_oct" in truth and today.year == 2026 and today.month > 10:
        add("withholding_2026", ["¿Cuánto me han retenido en la fuente este año?"],
            [_cop(truth["withholding_2026_jan_oct"])])
    cuts = truth.get("deductions_2026_10")
    if cuts:
        expected = [_cop(cuts["total"]), _cop(cuts["salud"]), _cop(cuts["pension"])]
        expected += [_cop(v) for v in cuts.get("novedades", {}).values()]
        add("deductions_2026_10", ["¿Qué descuentos me hicieron en octubre de 2026?",
                                   "¿cuánto me descontaron en octubre de 2026?"], expected)
        add("health_2026_10", ["¿Cuánto me descontaron de salud en octubre de 2026?"], [_cop(cuts["salud"])])
    if "novelties_2026_10" in truth:
        items = truth["novelties_2026_10"]
        expected = [_cop(n["value"]) for n in items] if items else ["No tienes novedades"]
        add("novelties_2026_10", ["¿Qué novedades tuve en octubre de 2026?"], expected)
    if "pending_novelties" in truth:
        items = truth["pending_novelties"]
        expected = [_cop(n["value"]) for n in items] if items else ["No tienes novedades pendientes"]
        add("pending_novelties", ["¿Tengo novedades pendientes?"], expected)
    earnings = truth.get("earnings_2026_10")
    if earnings:
        add("payslip_2026_10", ["Explícame mi desprendible de octubre de 2026"],
            [_cop(earnings["basico"]), _cop(earnings["total"])])
    return checks


# -- services ----------------------------------------------------------------------------------


def _environment(stops: list[Any]) -> dict[str, str]:
    from chatnomina.devserver import EmbeddedPostgres, port_open

    env = dict(os.environ)
    if not env.get("DB_HOST"):
        if port_open("127.0.0.1", 5432):
            env.update({"DB_HOST": "127.0.0.1", "DB_PORT": "5432", "DB_USER": "postgres", "DB_PASSWORD": ""})
        else:
            server = EmbeddedPostgres(ROOT / ".local" / "bench-postgres").start()
            stops.append(server.stop)
            env.update(server.env())
    env["DB_NAME"] = f"cn_facts_{uuid.uuid4().hex[:10]}"
    env.setdefault("LOG_LEVEL", "warning")
    env.pop("CHATNOMINA_TODAY", None)
    return env


async def _admin(settings: Any, statement: str) -> None:
    import asyncpg

    from chatnomina.db import connect_kwargs

    conn = await asyncpg.connect(**connect_kwargs(settings, "postgres"))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def _run(settings: Any, exports: Path, employees: dict[str, Any], today: date) -> dict[str, Any]:
    from chatnomina.assistant.service import Assistant
    from chatnomina.auth.principal import Principal
    from chatnomina.db import create_pool
    from chatnomina.services.hr_import import run_import
    from chatnomina.stores import imports as import_store

    pool = await create_pool(settings, min_size=1, max_size=4)
    try:
        files = {path.name: path.read_bytes() for path in sorted(exports.iterdir()) if path.is_file()}
        job = await import_store.create_import(pool, source="cli", requested_by="bench", status="running")
        report = await run_import(pool, job.id, files)
        assistant = await Assistant.load(settings.with_overrides(today=today))
        by_fact: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        failures: list[dict[str, Any]] = []
        checked = correct = 0
        latencies: list[float] = []
        for document, truth in employees.items():
            principal = Principal(subject="user:0", kind="user", roles=frozenset({"employee"}), document=document)
            for check in battery(truth, today):
                started = time.perf_counter()
                reply = await assistant.respond(pool, principal=principal, text=check.question, context={})
                latencies.append(time.perf_counter() - started)
                missing = [value for value in check.expected if value not in reply.text]
                checked += 1
                by_fact[check.fact][1] += 1
                if missing:
                    failures.append({"document": document, "fact": check.fact, "question": check.question,
                                     "intent": reply.intent, "missing": missing, "answer": reply.text[:600]})
                else:
                    correct += 1
                    by_fact[check.fact][0] += 1
        return {
            "imported_rejects": len(report.rejected),
            "employees": len(employees),
            "facts_checked": checked,
            "facts_correct": correct,
            "accuracy": round(correct / checked, 4) if checked else 0.0,
            "by_fact": {fact: {"correct": ok, "checked": n} for fact, (ok, n) in sorted(by_fact.items())},
            "turn_latency": summary_ms(latencies),  # respond(): one load_person + answering, local database
            "failures": failures,
        }
    finally:
        await pool.close()


def main(argv: list[str] | None = None) -> int:
    """Import, ask, check; print the JSON report (exit 0 when accuracy ≥ --target)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=Path, default=DEFAULT_EXPORTS)
    parser.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="date the questions are asked (default: the truth file's meta.today_for_questions)")
    parser.add_argument("--target", type=float, default=0.95)
    args = parser.parse_args(argv)
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    today = args.today or date.fromisoformat(truth.get("meta", {}).get("today_for_questions", "2026-11-27"))

    from chatnomina.logs import configure_logging
    from chatnomina.migrate import upgrade_head
    from chatnomina.settings import Settings

    stops: list[Any] = []
    try:
        settings = Settings.from_env(_environment(stops))
        configure_logging("warning", environment=settings.environment)  # stdout carries only the JSON
        asyncio.run(_admin(settings, f'CREATE DATABASE "{settings.db_name}"'))
        try:
            upgrade_head(settings)
            result = asyncio.run(_run(settings, args.exports, truth["employees"], today))
        finally:
            asyncio.run(_admin(settings, f'DROP DATABASE IF EXISTS "{settings.db_name}" WITH (FORCE)'))
    finally:
        for stop in reversed(stops):
            stop()
    result = {"today": today.isoformat(), **result}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["accuracy"] >= args.target else 1


if __name__ == "__main__":
    raise SystemExit(main())
