"""``chatnomina payroll compute``: the pure engine from the command line (no database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.engine.builders import golden_input, load_golden_cases
from tests.support import ROOT

CASES = {case["id"]: case for case in load_golden_cases()}


def compute(*args: str, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m chatnomina payroll compute ARGS`` and capture its bytes."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "chatnomina", "payroll", "compute", *args],
        input=stdin, capture_output=True, cwd=ROOT, env=environment, timeout=120, check=False,
    )


def payslip_of(result: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    return json.loads(result.stdout.decode("utf-8"))


def test_a_golden_case_file_prints_its_expected_payslip(tmp_path: Path) -> None:
    case = CASES["CO-2026-03-NEWHIRE-15D"]
    path = tmp_path / "caso.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    payslip = payslip_of(compute(str(path)))
    lines = payslip.pop("lines")
    assert payslip == case["expected"]
    assert {"SALARIO", "SALUD", "PENSION"} <= {line["code"] for line in lines}


def test_stdin_takes_a_flat_input_and_the_output_is_indented_utf8() -> None:
    case = CASES["CO-2026-06-OT-BEFORE"]
    flat = {"period": case["period"], **case["inputs"]}
    # An ASCII-only terminal must still get UTF-8 ("Salario básico"), not escapes or an error.
    result = compute("-", stdin=json.dumps(flat).encode(), PYTHONIOENCODING="ascii")
    text = result.stdout.decode("utf-8")
    assert text.startswith("{\n  \"devengos\": {\n") and text.endswith("}\n")
    assert "Salario básico" in text and "\\u" not in text
    payslip = payslip_of(result)
    payslip.pop("lines")
    assert payslip == case["expected"]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"base_monthly_salary": -1}, "inputs.base_monthly_salary", "El salario mensual debe ser mayor que cero."),
    ({"prepaid_medicine_monthly": "mucho"}, "inputs.prepaid_medicine_monthly", "«mucho» no es un número válido."),
    ({"period": "2019-05"}, "period", "No hay un valor vigente de «Salario mínimo"),
])
def test_bad_input_exits_1_naming_the_field(change: dict[str, Any], field: str, message: str) -> None:
    result = compute("-", stdin=json.dumps(golden_input(**change)).encode())
    assert result.returncode == 1
    assert result.stdout == b""
    error = result.stderr.decode("utf-8")
    assert error.startswith(f"Entrada inválida (campo «{field}»): {message}")


def test_a_missing_file_exits_1(tmp_path: Path) -> None:
    result = compute(str(tmp_path / "no-existe.json"))
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode() == f"No se pudo leer el archivo «{tmp_path / 'no-existe.json'}»: no existe.\n"


@pytest.mark.parametrize(("data", "message"), [
    (b'{"period": "2026-03",', "La entrada estándar no es JSON válido (línea 1, columna 22).\n"),
    (b"", "No se pudo leer la entrada estándar: está vacía.\n"),
    (b'{"period": "caf\xe9"}', "No se pudo leer la entrada estándar: no está codificado en UTF-8.\n"),
])
def test_unreadable_json_exits_1(data: bytes, message: str) -> None:
    result = compute("-", stdin=data)
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode() == message
