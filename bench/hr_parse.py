"""HR export parsing throughput on one core (this process's CPU time), as JSON.

    .venv/bin/python bench/hr_parse.py [--rows 1000000] [--months 24] [--repeat 3] [--seed 7]

Generates a CONSIGNACIONES_HM file in memory (``rows`` deposits: ``rows / months``
synthetic employees with one deposit per monthly payroll) and the matching
VALIDADOR_RETENCION file, then times ``parse_export`` on each: decoding, detection,
validation, duplicate check and the typed rows. The target is ≥ 300,000 deposit rows/s
(the import of 100,000 employees × 24 months must fit in 60 s with the COPY).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine
from chatnomina.hr.parser import parse_export
from chatnomina.hr.rows import FileKind
from chatnomina.hr.synthetic import generate_exports


def measure(name: str, data: bytes, repeat: int) -> dict[str, object]:
    """Parse ``data`` ``repeat`` times; CPU seconds, rows/s (best and median) and MB/s."""
    seconds: list[float] = []
    rows = rejects = 0
    for _ in range(repeat):
        started = time.process_time()
        parsed = parse_export(name, data)
        seconds.append(time.process_time() - started)
        rows, rejects = len(parsed.rows), len(parsed.rejects)
        del parsed
    best, median = min(seconds), statistics.median(seconds)
    return {
        "file": name,
        "rows": rows,
        "rejects": rejects,
        "megabytes": round(len(data) / 1e6, 1),
        "cpu_seconds_best": round(best, 3),
        "cpu_seconds_median": round(median, 3),
        "rows_per_s_best": round(rows / best),
        "rows_per_s_median": round(rows / median),
        "mb_per_s_best": round(len(data) / 1e6 / best, 1),
    }


def main() -> None:
    """Generate, parse, print one JSON document."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="deposit rows to generate")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    employees = max(1, args.rows // args.months)
    started = time.perf_counter()
    files = generate_exports(employees, args.months, args.seed, kinds=[FileKind.DEPOSITS, FileKind.WITHHOLDING])
    generated = time.perf_counter() - started
    results = [measure(name, files[name], args.repeat)
               for name in (FileKind.DEPOSITS.file_name, FileKind.WITHHOLDING.file_name)]
    print(json.dumps({
        "benchmark": "hr_parse",
        "machine": machine(),
        "employees": employees,
        "months": args.months,
        "generation_seconds": round(generated, 1),
        "target_deposit_rows_per_s": 300_000,
        "results": results,
    }, indent=2))


if __name__ == "__main__":
    main()
