"""Preparing export files for the database: parse, check and encode as COPY text, file by file.

Pure (no I/O of its own), and built to run in worker processes: :func:`prepare_files` takes
files' bytes and returns each one's report (kind, rejects, notes) and its good rows as COPY
text (:mod:`chatnomina.hr.pgcopy`), never the row objects themselves. A file of any size is
parsed, checked and encoded one block at a time; with a caller-supplied writer, each block's
COPY text leaves as soon as it is made (the import streams it into the database while the
rest of the file is still being parsed), so memory stays bounded.

The results are exactly :func:`~chatnomina.hr.parser.parse_directory`'s: :func:`plan_export`
picks the same file of each kind and orders them the same way, and the cross-file contract
check sees the same contracts, because the files that introduce contracts (``ACTIVOS_HM``
then ``VINCULACION_HM``) are prepared first and their contracts passed on to the rest.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any

from chatnomina.hr.parser import ContractCheck, ParsedFile, Reject, detect_encoding, detect_file, stream_export
from chatnomina.hr.pgcopy import CopyEncoder
from chatnomina.hr.rows import FileKind

PEOPLE_KINDS = (FileKind.ACTIVE_EMPLOYEES, FileKind.CONTRACTS)  # they introduce contracts, in this order


@dataclass(frozen=True)
class PreparedFile:
    """One file, parsed and checked: its report and its good rows as COPY text.

    ``parsed`` is what :func:`parse_directory` reports for the file except that its rows
    are not kept (``parsed.row_count`` counts them); ``copy`` holds them as COPY text
    chunks (unless they were written elsewhere as they were made); ``contracts`` the
    contracts the file introduces (id → document).
    """

    parsed: ParsedFile
    copy: tuple[bytes, ...] = ()
    contracts: dict[int, str] = field(default_factory=dict)
    copy_bytes: int = 0  # size of the COPY text (kept in ``copy`` or written elsewhere)

    @property
    def kind(self) -> FileKind | None:
        """The file's kind (None for an unrecognised file)."""
        return self.parsed.kind

    @property
    def rows(self) -> int:
        """How many good rows ``copy`` holds."""
        return self.parsed.row_count


@dataclass(frozen=True)
class ExportPlan:
    """Which file of each kind is imported (in dependency order) and which files are not."""

    chosen: tuple[tuple[FileKind, str], ...]
    unusable: tuple[tuple[str, str | None], ...]  # (file, the chosen file of its kind if a duplicate)

    def name_of(self, kind: FileKind) -> str | None:
        """The file imported as ``kind``, if any."""
        return dict(self.chosen).get(kind)


def plan_export(files: Mapping[str, bytes]) -> ExportPlan:
    """Decide, from the headers only, what :func:`parse_directory` would import and skip."""
    chosen: dict[FileKind, str] = {}
    unusable: list[tuple[str, str | None]] = []
    for name, data in sorted(files.items()):
        kind = detect_file(name, data)
        if kind is None:
            unusable.append((name, None))
        elif kind in chosen:
            unusable.append((name, chosen[kind]))
        else:
            chosen[kind] = name
    ordered = tuple((kind, chosen[kind]) for kind in FileKind if kind in chosen)
    return ExportPlan(ordered, tuple(unusable))


Writer = Callable[[str], AbstractContextManager[Callable[[bytes], None]]]
"""Opens where the COPY text of the named file goes; the function it yields takes each chunk."""


def prepare_files(
    files: Sequence[tuple[str, bytes]], known_contracts: Mapping[int, str | None], extra: Sequence[object] = (),
    writer: Writer | None = None,
) -> list[PreparedFile]:
    """Prepare ``files`` in order; the contracts each introduces are known to the next ones.

    ``known_contracts`` maps the contract ids known beforehand (stored, or introduced by
    files prepared earlier) to their person's document. ``extra`` values end every COPY
    line (the import id). With ``writer``, each file's COPY text is written there as it
    is produced instead of being kept in ``copy``.
    """
    known = dict(known_contracts)
    prepared = []
    for name, data in files:
        if writer is None:
            item = prepare_file(name, data, known, extra)
        else:
            with writer(name) as write:
                item = prepare_file(name, data, known, extra, write)
        known.update(item.contracts)
        prepared.append(item)
    return prepared


def prepare_file(
    filename: str, data: bytes, known_contracts: Mapping[int, str | None], extra: Sequence[object] = (),
    write: Callable[[bytes], None] | None = None,
) -> PreparedFile:
    """Parse one file, apply the cross-file contract check and encode its good rows.

    The COPY text goes to ``write`` chunk by chunk when given (``copy`` is then empty and
    ``copy_bytes`` says how much was written), else it is kept in ``copy``.
    """
    state: dict[str, Any] = {}

    def sink(kind: FileKind, columns: Mapping[str, str]) -> Any:
        state.update(chunks=[], rejects=[], contracts={}, rows=0, size=0)
        check = ContractCheck(kind, filename, columns, known_contracts, tuples=True)
        encode = CopyEncoder(kind, extra, tuples=True)
        chunks, rejects, contracts = state["chunks"], state["rejects"], state["contracts"]
        contract_of, document_of, line_of = check.contract_of, check.document_of, check.line_of
        introduces = kind in PEOPLE_KINDS
        emit = write if write is not None else chunks.append

        def on_rows(rows: list[Any]) -> None:
            bad = check(rows)
            if bad:
                rejects.extend(bad)
                lines = {r.line for r in bad}
                rows = [row for row in rows if line_of(row) not in lines]
            if introduces:
                # As parse_directory: a contract not known yet (or known without a
                # document) belongs to the first good row that names it.
                for row in rows:
                    contract = contract_of(row)
                    if known_contracts.get(contract) is None and contract not in contracts:
                        contracts[contract] = document_of(row)
            if rows:
                state["rows"] += len(rows)
                chunk = encode(rows)
                state["size"] += len(chunk)
                emit(chunk)

        return on_rows

    # The encoding is settled first (one fast pass), so the file is read once and what was
    # written never has to be taken back. Rows come as plain tuples: they are only read.
    parsed = stream_export(filename, data, sink, detect_encoding(data), tuples=True)
    if not state or parsed.error is not None:
        return PreparedFile(parsed)
    rejects: list[Reject] = state["rejects"]
    if rejects:
        parsed = replace(parsed, rejects=tuple(sorted(parsed.rejects + tuple(rejects), key=lambda r: r.line)))
    parsed = replace(parsed, row_count=state["rows"])
    return PreparedFile(parsed, tuple(state["chunks"]), state["contracts"], state["size"])


def unusable_file(filename: str, data: bytes, chosen: str | None) -> PreparedFile:
    """The report of a file that is not imported: unrecognised, or ``chosen`` is imported for its kind."""
    parsed = stream_export(filename, data, lambda kind, columns: lambda rows: None)
    if chosen is not None and parsed.error is None and parsed.kind is not None:
        parsed = replace(parsed, rows=(), rejects=(), row_count=0, error=(
            f"es otro archivo de tipo {parsed.kind.file_name} (ya se importa "
            f"{os.path.basename(chosen) or chosen}); se ignora"))
    return PreparedFile(parsed)
