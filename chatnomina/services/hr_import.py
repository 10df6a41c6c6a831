"""Importing a set of HR export files: parse, check, store file by file, report.

Good rows commit even when others are rejected; each file is stored in its own
transaction, and the report lists the files in dependency order (people and contracts
before what refers to them), exactly as :func:`~chatnomina.hr.parser.parse_directory`
sees them.

How a big import stays fast (``bench/import.py``: 100,000 employees, 7.4 million rows):

* Files are parsed, checked and encoded as COPY text in worker processes, one file per
  task (:mod:`chatnomina.hr.prepare`), so every core parses.
* A worker streams each file's COPY text through a Unix socket into the COPY of that
  file's transaction as it is produced: parsing and storing the same file overlap, no
  row object crosses a process boundary, and memory stays bounded. If the worker fails,
  the COPY is aborted and the file's transaction rolls back.
* ``ACTIVOS_HM`` and ``VINCULACION_HM`` go first, because the cross-file check of every
  other file needs the contracts they introduce; the others follow, largest first.
* See :func:`~chatnomina.stores.hr.store_copy` for the first-import and merge paths.

Small imports run the very same steps with a thread of this process as the worker.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import asyncpg

from chatnomina.db import transaction
from chatnomina.hr.prepare import PEOPLE_KINDS, ExportPlan, PreparedFile, plan_export, prepare_files, unusable_file
from chatnomina.hr.rows import FileKind
from chatnomina.logs import get_logger
from chatnomina.stores import hr as hr_store
from chatnomina.stores import imports as import_store

log = get_logger("chatnomina.import")

Progress = Callable[[str, int], None]  # (stage description, rows done in this step)

EXIT_OK, EXIT_FAILED, EXIT_REJECTS = 0, 1, 2
PARALLEL_MIN_BYTES = 8 << 20  # below this, starting worker processes costs more than it saves
MAX_WORKERS = 4
STORE_CONCURRENCY = 2  # files stored at once, each in a transaction on its own pooled connection

T = TypeVar("T")


@dataclass
class ImportReport:
    """What an import did, per file, with every rejected row."""

    import_id: int
    files: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    error: str | None = None
    timings: dict[str, Any] = field(default_factory=dict)  # wall seconds, overall and per file and step

    @property
    def status(self) -> str:
        if self.error is not None:
            return "failed"
        return "completed_with_rejects" if self.rejected else "completed"

    @property
    def exit_code(self) -> int:
        """The contract's exit status: 0 all imported, 2 some rows rejected, 1 could not run."""
        return {"failed": EXIT_FAILED, "completed_with_rejects": EXIT_REJECTS}.get(self.status, EXIT_OK)

    def totals(self) -> dict[str, int]:
        return {name: sum(int(f.get(name, 0)) for f in self.files)
                for name in ("rows", "inserted", "updated", "unchanged", "rejected")}


async def run_import(
    db: asyncpg.Pool, import_id: int, files: Mapping[str, bytes], *, progress: Progress | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import ``files`` (name → bytes) under the import job ``import_id``.

    ``workers``: processes that parse (0: a thread of this process does); by default one
    per core, up to :data:`MAX_WORKERS`, when the files are large enough to be worth it.
    """
    report = ImportReport(import_id)
    note = progress or (lambda stage, done: None)
    if not files:
        report.error = "No se recibió ningún archivo para importar."
        await _finish(db, report)
        return report
    started = time.perf_counter()
    count = _worker_count(files) if workers is None else workers
    try:
        async with _Workers(count) as pool, _CopyStreams() as streams:
            known = await hr_store.known_contracts(db)
            note("Leyendo y validando archivos", 0)
            plan = await asyncio.to_thread(plan_export, files)
            if not plan.chosen:
                report.error = "Ningún archivo es una exportación reconocida del sistema de RR. HH."
            run = _Run(db, import_id, files, note, pool, streams)
            await run.all(plan, known)
        for _, name in plan.chosen:
            _add_file(report, run.prepared[name], run.stored.get(name))
        for name, _ in plan.unusable:
            _add_file(report, run.prepared[name], None)
        if plan.name_of(FileKind.ACTIVE_EMPLOYEES) is not None:
            # Last, so that VINCULACION_HM rows of the same import are inserted, not "updated".
            await hr_store.ensure_contracts_of_actives(db, import_id)
    except BaseException as exc:
        # Files may have committed: finish the import as failed, so that staff see it and the
        # HR data version (stores.hr.HR_DATA_VERSION) moves on; a retry runs it again.
        report.error = f"La importación se interrumpió ({type(exc).__name__}); vuelva a ejecutarla."
        try:
            await asyncio.shield(_finish(db, report))
        except Exception:
            log.exception("hr_import.finish_failed", import_id=import_id)
        raise
    await _finish(db, report)
    report.timings = {"seconds": round(time.perf_counter() - started, 3), "workers": count, "files": run.timings}
    log.info("hr_import.finished", import_id=import_id, status=report.status, seconds=report.timings["seconds"],
             workers=count, **report.totals())
    return report


class _Run:
    """The files of one import on their way through the workers into the database."""

    def __init__(self, db: asyncpg.Pool, import_id: int, files: Mapping[str, bytes], note: Progress,
                 pool: _Workers, streams: _CopyStreams):
        self.db, self.import_id, self.files, self.note = db, import_id, files, note
        self.pool, self.streams = pool, streams
        self.prepared: dict[str, PreparedFile] = {}
        self.stored: dict[str, hr_store.UpsertCounts] = {}
        self.timings: dict[str, dict[str, float]] = {name: {} for name in files}
        self.store_slots = asyncio.Semaphore(STORE_CONCURRENCY)

    async def all(self, plan: ExportPlan, known: Mapping[int, str | None]) -> None:
        """Prepare and store every chosen file, and report on the others."""
        try:
            await self._all(plan, known)
        except BaseExceptionGroup as failed:
            # One failure cancels the rest; callers get the exception itself.
            raise failed.exceptions[0] from failed

    async def _all(self, plan: ExportPlan, known: Mapping[int, str | None]) -> None:
        async with asyncio.TaskGroup() as group:
            people = [(kind, name) for kind, name in plan.chosen if kind in PEOPLE_KINDS]
            first = group.create_task(self.prepare_and_store(group, people, known)) if people else None
            for name, chosen in plan.unusable:
                group.create_task(self.skip(name, chosen))
            if first is not None:
                contracts = dict(known)
                for item in await first:
                    contracts.update(item.contracts)
                known = contracts
            rest = [(kind, name) for kind, name in plan.chosen if kind not in PEOPLE_KINDS]
            for kind, name in sorted(rest, key=lambda item: -len(self.files[item[1]])):
                group.create_task(self.prepare_and_store(group, [(kind, name)], known))

    async def prepare_and_store(
        self, group: asyncio.TaskGroup, chosen: Sequence[tuple[FileKind, str]], known: Mapping[int, str | None]
    ) -> list[PreparedFile]:
        """Prepare ``chosen`` (in order, in one worker task) while storing each as its COPY text arrives.

        Returns once the worker is done; the stores may still be finishing in ``group``.
        """
        names = [name for _, name in chosen]
        tokens = [self.streams.expect() for _ in names]
        timing: dict[str, float] = {}
        worker = asyncio.ensure_future(self.pool.run(
            timing, _prepare_streamed, self.streams.address, list(zip(tokens, names)),
            [self.files[name] for name in names], known, (self.import_id,)))
        for index, ((kind, name), token) in enumerate(zip(chosen, tokens)):
            group.create_task(self.store(kind, name, self.streams.receive(token, worker, index)))
        items = await worker
        for name, item in zip(names, items):
            self.timings[name].update(timing)
            self.prepared.setdefault(name, item)
        return items

    async def store(self, kind: FileKind, name: str, copy: AsyncIterator[bytes]) -> None:
        """Store one file's rows in its own transaction, as the worker sends them."""
        async with self.store_slots:
            self.note(f"Guardando {name}", 0)
            began = time.perf_counter()
            async with transaction(self.db) as conn:
                self.stored[name] = await hr_store.store_copy(conn, kind, copy)
            self.timings[name]["store"] = round(time.perf_counter() - began, 3)
            self.note(f"{name} importado", self.stored[name].total)

    async def skip(self, name: str, chosen: str | None) -> None:
        """Report on a file that is not imported (unrecognised, or a second one of its kind)."""
        self.prepared[name] = await self.pool.run(self.timings[name], unusable_file, name, self.files[name], chosen)


def _ready() -> None:
    """A worker's first task: nothing, once this module is imported."""


def _prepare_streamed(
    address: str, jobs: Sequence[tuple[str, str]], data: Sequence[bytes], known: Mapping[int, str | None],
    extra: Sequence[object],
) -> list[PreparedFile]:
    """In a worker: prepare files in order, sending each one's COPY text through the import's socket."""
    tokens = dict((name, token) for token, name in jobs)

    @contextmanager
    def writer(name: str) -> Iterator[Callable[[bytes], None]]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(address)
            sock.sendall(f"{tokens[name]}\n".encode())
            yield sock.sendall

    return prepare_files([(name, body) for (_, name), body in zip(jobs, data)], known, extra, writer)


class _CopyStreams:
    """A Unix socket through which workers send COPY text, one connection per file.

    A connection starts with the file's token line; the rest is the file's COPY text, and
    the worker closing it ends the file. Each connection is drained as data arrives, so a
    worker never waits for its file's transaction to start (the text waits in memory
    instead). Whether the text is complete is only known from the worker's result (a
    worker that dies closes its connections too), so :meth:`receive` checks it before
    its consumer sees the end of the data.
    """

    def __init__(self) -> None:
        self.directory = ""
        self.address = ""
        self.server: asyncio.AbstractServer | None = None
        self.arrivals: dict[str, asyncio.Queue[bytes | None]] = {}
        self.connected: dict[str, asyncio.Event] = {}
        self.drains: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> _CopyStreams:
        self.directory = tempfile.mkdtemp(prefix="chatnomina-import-")
        self.address = os.path.join(self.directory, "copy.sock")
        self.server = await asyncio.start_unix_server(self._drain, self.address, limit=STREAM_BUFFER)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.close()
        for drain in self.drains:
            drain.cancel()
        await asyncio.gather(*self.drains, return_exceptions=True)
        if self.server is not None:
            await self.server.wait_closed()
        shutil.rmtree(self.directory, ignore_errors=True)

    def expect(self) -> str:
        """A token for one more file's connection."""
        token = str(len(self.arrivals))
        self.arrivals[token] = asyncio.Queue()
        self.connected[token] = asyncio.Event()
        return token

    async def _drain(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Queue what a connection brings (None at its end)."""
        self.drains.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            token = (await reader.readline()).decode("ascii", "replace").strip()
            arrivals = self.arrivals.get(token)
            if arrivals is None or self.connected[token].is_set():
                return
            self.connected[token].set()
            try:
                while chunk := await reader.read(STREAM_BUFFER):
                    arrivals.put_nowait(chunk)
            finally:
                arrivals.put_nowait(None)
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def receive(
        self, token: str, worker: asyncio.Future[list[PreparedFile]], index: int
    ) -> AsyncIterator[bytes]:
        """The COPY text sent under ``token`` as it arrives, for ``worker``'s ``index``-th file.

        Raises (and so aborts the COPY) if the worker failed or the text is incomplete.
        """
        connected: asyncio.Future[Any] = asyncio.ensure_future(self.connected[token].wait())
        try:
            await asyncio.wait([connected, cast("asyncio.Future[Any]", worker)], return_when=asyncio.FIRST_COMPLETED)
            if not connected.done():
                await worker  # raises the worker's exception; else its connection is on its way
                await asyncio.wait_for(connected, ACCEPT_TIMEOUT)
        finally:
            connected.cancel()
        arrivals = self.arrivals[token]
        received = 0
        while (chunk := await arrivals.get()) is not None:
            received += len(chunk)
            yield chunk
        item = (await worker)[index]
        if received != item.copy_bytes:
            raise RuntimeError(f"{item.parsed.filename}: received {received} of {item.copy_bytes} bytes")


STREAM_BUFFER = 1 << 22
ACCEPT_TIMEOUT = 60.0  # seconds for the connection of a worker that has finished to be accepted


def _add_file(report: ImportReport, item: PreparedFile, counts: hr_store.UpsertCounts | None) -> None:
    """One file's entry (rows, counts, notes, error) and its reject lines."""
    parsed = item.parsed
    entry: dict[str, Any] = {
        "file": parsed.filename,
        "kind": parsed.kind.value if parsed.kind else None,
        "encoding": parsed.encoding,
        "rows": parsed.row_count + len(parsed.rejects),
        "inserted": counts.inserted if counts else 0,
        "updated": counts.updated if counts else 0,
        "unchanged": counts.unchanged if counts else 0,
        "rejected": len(parsed.rejects),
        "notes": list(parsed.notes),
    }
    if parsed.error is not None:
        entry["error"] = parsed.error
    report.files.append(entry)
    report.rejected.extend(parsed.report_lines())


def _worker_count(files: Mapping[str, bytes]) -> int:
    """Worker processes for an import of ``files``: none for small ones, else one per core."""
    if sum(len(data) for data in files.values()) < PARALLEL_MIN_BYTES:
        return 0
    return max(0, min(len(os.sched_getaffinity(0)), MAX_WORKERS, len(files)))


class _Workers:
    """Runs the preparation of files in worker processes, or in threads when ``count`` is 0.

    Tasks wait for a free worker here rather than in the executor's queue, so that they
    start in the order the import asks for them and their timings are their own.
    """

    def __init__(self, count: int):
        self.count = count
        self.slots = asyncio.Semaphore(max(1, count))
        self.executor: Executor | None = None

    async def __aenter__(self) -> _Workers:
        if self.count > 0:
            # spawn: never fork a process that has threads and an event loop running.
            self.executor = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context("spawn"))
            # Start every worker now (they import this module while the import is planned).
            for _ in range(self.count):
                self.executor.submit(_ready)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.executor is not None:
            # On failure, queued tasks are dropped; a running one ends on its own (its
            # socket is closed under it).
            await asyncio.to_thread(self.executor.shutdown, wait=exc[0] is None, cancel_futures=True)

    async def run(self, timing: dict[str, float], fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on a free worker; its wall time goes to ``timing["parse"]``."""
        async with self.slots:
            began = time.perf_counter()
            if self.executor is None:
                result = await asyncio.to_thread(fn, *args)
            else:
                result = await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)
            timing["parse"] = round(time.perf_counter() - began, 3)
            return result


async def _finish(db: asyncpg.Pool, report: ImportReport) -> None:
    await import_store.finish_import(
        db, report.import_id, status=report.status, files=report.files, rejected=report.rejected, error=report.error
    )
