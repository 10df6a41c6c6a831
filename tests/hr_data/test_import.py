"""Importing the HR exports into PostgreSQL: CLI, upload + worker, idempotence, rejects."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from chatnomina.app import create_app
from chatnomina.hr import facts
from chatnomina.hr.parser import parse_directory
from chatnomina.hr.rows import FileKind
from chatnomina.hr.synthetic import generate_exports
from chatnomina.services import hr_import
from chatnomina.services.hr_import import run_import
from chatnomina.settings import Settings
from chatnomina.stores import hr as hr_store
from chatnomina.stores import imports as import_store
from tests.chat.helpers import bearer, make_user
from tests.support import FIXTURES, ROOT, start_process, stop_process, subprocess_env

SAMPLE = FIXTURES / "hr_exports"


def _import(directory: Path, service_env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatnomina", "import", "hr-exports", str(directory)],
                          env=subprocess_env(service_env), cwd=ROOT, capture_output=True, text=True, timeout=300)


async def test_cli_import_then_reimport_changes_nothing(service_env: dict[str, str], db: Any) -> None:
    first = await asyncio.to_thread(_import, SAMPLE, service_env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Importación #1: completada" in first.stdout
    assert await db.fetchval("SELECT count(*) FROM hr_deposits") == 308
    second = await asyncio.to_thread(_import, SAMPLE, service_env)
    assert second.returncode == 0
    assert "0 nuevas, 0 actualizadas, 1264 sin cambios, 0 rechazos" in second.stdout


async def test_newer_export_updates_what_changed(service_env: dict[str, str], db: Any, tmp_path: Path) -> None:
    await asyncio.to_thread(_import, SAMPLE, service_env)
    newer = tmp_path / "newer"
    shutil.copytree(SAMPLE, newer)
    history = (newer / "HISTORICO_SUELDO_HM.TXT").read_text(encoding="utf-8")
    (newer / "HISTORICO_SUELDO_HM.TXT").write_text(history.replace(";01/01/2026;;2447000", ";01/01/2026;;2600000"), encoding="utf-8")
    result = await asyncio.to_thread(_import, newer, service_env)
    assert result.returncode == 0
    assert "HISTORICO_SUELDO_HM.TXT: 156 filas — 0 nuevas, 1 actualizadas, 155 sin cambios" in result.stdout
    assert await db.fetchval(
        "SELECT sueldo FROM hr_salary_periods WHERE documento = '1130846901' AND fecha_fin_sueldo IS NULL") == 2600000


async def test_bad_rows_are_reported_and_good_rows_commit(service_env: dict[str, str], db: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(SAMPLE, broken)
    deposits = (broken / "CONSIGNACIONES_HM.TXT").read_text(encoding="utf-8").splitlines()
    deposits[1] = deposits[1].replace("31/01/2025", "31/02/2025")
    deposits[2] = deposits[2].replace(";7900000;", ";siete millones;")
    (broken / "CONSIGNACIONES_HM.TXT").write_text("\n".join(deposits) + "\n", encoding="utf-8")
    (broken / "notas.txt").write_text("esto no es una exportación\n", encoding="utf-8")
    result = await asyncio.to_thread(_import, broken, service_env)
    assert result.returncode == 2, result.stdout
    lines = result.stdout.splitlines()
    assert any(line.startswith("CONSIGNACIONES_HM.TXT:2: ") and "31/02/2025" in line for line in lines)
    assert any(line.startswith("CONSIGNACIONES_HM.TXT:3: ") and "siete millones" in line for line in lines)
    assert any(line.startswith("notas.txt: ") for line in lines)
    assert await db.fetchval("SELECT count(*) FROM hr_deposits") == 306


async def test_nothing_importable_exits_1(service_env: dict[str, str], db: Any, tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hola;mundo\n1;2\n", encoding="utf-8")
    result = await asyncio.to_thread(_import, tmp_path, service_env)
    assert result.returncode == 1
    missing = await asyncio.to_thread(_import, tmp_path / "nope", service_env)
    assert missing.returncode == 1


async def test_database_gives_the_same_rows_as_the_files(service_env: dict[str, str], db: Any) -> None:
    await asyncio.to_thread(_import, SAMPLE, service_env)
    files = {path.name: path.read_bytes() for path in SAMPLE.iterdir()}
    from_files = facts.group_by_person(parse_directory(files))
    from_db = await hr_store.load_people(db, sorted(from_files))
    assert set(from_db) == set(from_files)
    for document, person in from_files.items():
        stored = from_db[document]
        for attribute in ("contracts", "salaries", "deposits", "novelties", "absences", "vacations", "accounts", "withholdings"):
            ordered = lambda rows: sorted(rows, key=lambda r: repr(r.key))  # noqa: E731
            assert ordered(getattr(stored, attribute)) == ordered(getattr(person, attribute)), (document, attribute)
        assert stored.active == person.active


async def test_upload_runs_on_a_worker(aiohttp_client: Any, settings: Settings, service_env: dict[str, str], db: Any) -> None:
    admin = await make_user(db, "nomina@example.co", ["payroll_admin"], None, "Nómina")
    employee = await make_user(db, "e@example.co", ["employee"], "1", "E")
    client = await aiohttp_client(create_app(settings))
    worker = start_process(["-m", "chatnomina", "worker", "--processes", "1", "--threads", "2"], subprocess_env(service_env))
    try:
        form = aiohttp.FormData()
        for path in sorted(SAMPLE.iterdir()):
            form.add_field("files", path.read_bytes(), filename=path.name, content_type="text/plain")
        form.add_field("files", b"basura;sin;sentido\n", filename="otro.txt", content_type="text/plain")
        forbidden = await client.post("/api/v1/hr/imports", data=form, headers=bearer(settings, employee))
        assert forbidden.status == 403
        form = aiohttp.FormData()
        for path in sorted(SAMPLE.iterdir()):
            form.add_field("files", path.read_bytes(), filename=path.name, content_type="text/plain")
        form.add_field("files", b"basura;sin;sentido\n", filename="otro.txt", content_type="text/plain")
        response = await client.post("/api/v1/hr/imports", data=form, headers=bearer(settings, admin))
        assert response.status == 202, await response.text()
        import_id = (await response.json())["import_id"]
        deadline = time.monotonic() + 60
        while True:
            status = await (await client.get(f"/api/v1/hr/imports/{import_id}", headers=bearer(settings, admin))).json()
            if status["status"] not in ("queued", "running") or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.3)
        assert status["status"] == "completed_with_rejects", status
        assert status["totals"]["inserted"] == 1264
        assert status["rejected"] and status["rejected"][0].startswith("otro.txt: ")
    finally:
        await asyncio.to_thread(stop_process, worker)


# -- the parallel import path -------------------------------------------------------------------

HR_TABLES = {kind: hr_store.TABLES[kind] for kind in FileKind}


def _exports_with_mistakes() -> dict[str, bytes]:
    """A small generated organisation whose files carry the usual mistakes."""
    files = dict(generate_exports(60, months=6, seed=5))
    deposits = files["CONSIGNACIONES_HM.TXT"].decode().splitlines()
    deposits[1] = deposits[1].replace(";NOM;", ";;")
    deposits[2] = "424242;" + deposits[2].split(";", 1)[1]
    deposits.append(deposits[3])
    files["CONSIGNACIONES_HM.TXT"] = ("\n".join(deposits) + "\n").encode()
    files["ACTIVOS_HM.TXT"] = files["ACTIVOS_HM.TXT"].decode().encode("latin-1")
    files["otro.txt"] = b"hola;mundo\n"
    return files


async def _tables(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every HR table's rows (without import id and timestamps), in key order."""
    out = {}
    for table in HR_TABLES.values():
        rows = await db.fetch(f"SELECT {', '.join(table.columns)} FROM {table.name} ORDER BY {', '.join(table.key)}")
        out[table.name] = [tuple(row) for row in rows]
    return out


async def _truncate_hr(db: Any) -> None:
    await db.execute(f"TRUNCATE {', '.join(t.name for t in HR_TABLES.values())}")


async def _run(db: Any, files: dict[str, bytes], workers: int) -> Any:
    job = await import_store.create_import(db, source="cli", requested_by="test", status="running")
    return await run_import(db, job.id, files, workers=workers)


async def test_worker_processes_and_a_thread_import_alike(db: Any) -> None:
    files = _exports_with_mistakes()
    in_processes = await _run(db, files, workers=2)
    stored = await _tables(db)
    await _truncate_hr(db)
    in_thread = await _run(db, files, workers=0)
    assert in_thread.files == in_processes.files and in_thread.rejected == in_processes.rejected
    assert await _tables(db) == stored
    reference = parse_directory(files)
    assert in_processes.rejected == reference.report_lines()
    assert [f["file"] for f in in_processes.files] == [p.filename for p in reference.files]
    assert in_processes.exit_code == 2 and len(stored["hr_deposits"]) == len(reference.rows(FileKind.DEPOSITS))


async def test_first_import_and_merge_store_the_same_rows(db: Any) -> None:
    files = _exports_with_mistakes()
    first = await _run(db, files, workers=0)  # empty tables: straight COPY
    direct = await _tables(db)
    await _truncate_hr(db)
    partial = {name: b"\n".join(data.split(b"\n")[:8]) + b"\n" for name, data in files.items()}
    await _run(db, partial, workers=0)
    merged = await _run(db, files, workers=0)  # tables not empty: staged and merged
    assert await _tables(db) == direct
    assert merged.totals()["rows"] == first.totals()["rows"]
    assert merged.totals()["inserted"] + merged.totals()["unchanged"] == first.totals()["inserted"]
    assert merged.totals()["updated"] == 0


async def test_a_reimport_writes_nothing(db: Any) -> None:
    files = _exports_with_mistakes()
    await _run(db, files, workers=0)
    versions = await db.fetch("SELECT xmin::text AS v, import_id FROM hr_deposits ORDER BY 1")
    again = await _run(db, files, workers=2)
    assert again.totals()["inserted"] == again.totals()["updated"] == 0
    assert await db.fetch("SELECT xmin::text AS v, import_id FROM hr_deposits ORDER BY 1") == versions


async def test_a_failing_worker_rolls_its_file_back(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"VINCULACION_HM.TXT": (SAMPLE / "VINCULACION_HM.TXT").read_bytes(),
             "CONSIGNACIONES_HM.TXT": (SAMPLE / "CONSIGNACIONES_HM.TXT").read_bytes()}
    real = hr_import.prepare_files

    def failing(jobs: Any, known: Any, extra: Any, writer: Any) -> Any:
        if jobs[0][0] != "CONSIGNACIONES_HM.TXT":
            return real(jobs, known, extra, writer)
        with writer(jobs[0][0]) as write:
            write(b"1158\t1130846901\t")  # half a row, then the worker dies
            raise RuntimeError("worker died")

    monkeypatch.setattr(hr_import, "prepare_files", failing)
    with pytest.raises(RuntimeError, match="worker died"):
        await _run(db, files, workers=0)
    assert await db.fetchval("SELECT count(*) FROM hr_deposits") == 0


async def test_the_hr_data_version_is_none_while_an_import_runs_and_moves_forward(db: Any) -> None:
    """The version chat turns check the assistant's copy of an employee's rows against."""
    assert await db.fetchval(hr_store.HR_DATA_VERSION) is None  # no import yet
    job = await import_store.create_import(db, source="cli", requested_by="test", status="running")
    await db.execute("INSERT INTO hr_imports (source, status, finished_at) VALUES ('cli', 'completed', now())")
    assert await db.fetchval(hr_store.HR_DATA_VERSION) is None  # one is running
    # even when the database's clock has stepped back, finishing moves the version forward
    ahead = await db.fetchval("UPDATE hr_imports SET finished_at = now() + interval '1 hour' "
                              "WHERE finished_at IS NOT NULL RETURNING finished_at::text")
    await import_store.finish_import(db, job.id, status="completed", files=[], rejected=[])
    version = await db.fetchval(hr_store.HR_DATA_VERSION)
    assert version is not None and version > ahead


async def test_an_import_that_fails_midway_is_finished_as_failed(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its files committed: staff see it failed, and the HR data version moves on."""

    async def database_gone(*args: Any, **kwargs: Any) -> int:
        raise ConnectionResetError("conexión perdida")

    monkeypatch.setattr(hr_store, "ensure_contracts_of_actives", database_gone)
    job = await import_store.create_import(db, source="cli", requested_by="test", status="running")
    with pytest.raises(ConnectionResetError):
        await run_import(db, job.id, _exports_with_mistakes(), workers=0)
    finished = await import_store.get_import(db, job.id)
    assert finished is not None and finished.status == "failed" and "vuelva a ejecutarla" in (finished.error or "")
    assert await db.fetchval("SELECT count(*) FROM hr_employees") > 0  # the files that committed stay
    assert await db.fetchval(hr_store.HR_DATA_VERSION) is not None
