"""Uploading HR exports for a background import, and following the import."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import BodyPartReader, web

from chatnomina import jobs
from chatnomina.auth.principal import Principal
from chatnomina.errors import InvalidRequest, NotFound, PayloadTooLarge, UnsupportedMediaType
from chatnomina.keys import DB, JOBS, S3, SETTINGS
from chatnomina.stores import imports as import_store
from chatnomina.web.routing import RouteTable, allow

routes = RouteTable("gestión humana")
IMPORTERS = allow("payroll_admin", scopes=["hr:import"])
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._\-]+")


async def _read_parts(request: web.Request) -> dict[str, bytes]:
    if request.content_type != "multipart/form-data":
        raise UnsupportedMediaType("Envíe los archivos como multipart/form-data.", field="files")
    limit = request.app[SETTINGS].upload_max_bytes
    reader = await request.multipart()
    files: dict[str, bytes] = {}
    total = 0
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or not part.filename:
            continue
        name = _SAFE_NAME.sub("_", part.filename.rsplit("/", 1)[-1]) or "archivo"
        chunks = []
        while chunk := await part.read_chunk(1 << 20):
            total += len(chunk)
            if total > limit:
                raise PayloadTooLarge(f"Los archivos superan el máximo de {limit // (1 << 20)} MiB.", field="files")
            chunks.append(chunk)
        files[name] = b"".join(chunks)
    if not files:
        raise InvalidRequest("No se recibió ningún archivo.", field="files")
    return files


@routes.post(
    "/hr/imports",
    summary="Subir exportaciones de RR. HH. para importarlas en segundo plano",
    access=IMPORTERS,
    status=202,
    description="multipart/form-data con uno o más archivos (cualquier nombre de campo).",
    extra_responses={413: "Archivos demasiado grandes.", 415: "No es multipart/form-data."},
)
async def upload(request: web.Request, principal: Principal) -> dict[str, Any]:
    """Store the files in S3, record the import, enqueue it (after commit) → 202."""
    files = await _read_parts(request)
    db, s3 = request.app[DB], request.app[S3]
    job = await import_store.create_import(db, source="upload", requested_by=principal.subject)
    prefix = f"imports/{job.id}/"
    await s3.ensure_bucket()
    for name, data in files.items():
        await s3.put_bytes(prefix + name, data, content_type="text/plain")
    await db.execute("UPDATE hr_imports SET storage_key = $2 WHERE id = $1", job.id, prefix)
    await request.app[JOBS].send(jobs.IMPORT_HR_EXPORTS, job.id)
    return {"import_id": job.id, "status": "queued", "files": sorted(files)}


@routes.get("/hr/imports/{import_id:\\d+}", summary="Estado de una importación", access=IMPORTERS)
async def status(request: web.Request) -> dict[str, Any]:
    """Status, counts per file and the rejected rows (``FILE:LINE: reason``)."""
    job = await import_store.get_import(request.app[DB], int(request.match_info["import_id"]))
    if job is None:
        raise NotFound("La importación no existe.")
    return job.to_dict()
