"""Whose data a caller may read: their own; a manager their reports; HR anyone (audited).

An employee never chooses whose data to read: the document comes from their token. A
document sent by the client only matters for managers and HR, and every read of another
person's data is written to the audit log (who, whom, what, when).
"""

from __future__ import annotations

import asyncpg

from chatnomina.auth.principal import Principal
from chatnomina.errors import Forbidden, NotFound
from chatnomina.stores import audit
from chatnomina.stores import hr as hr_store

NOT_LINKED = "Tu usuario no está vinculado a ningún empleado."


async def subject_document(
    db: asyncpg.Pool, principal: Principal, requested: str | None, *, action: str, request_id: str | None = None
) -> str:
    """The employee document the caller may read for ``action``; raise otherwise."""
    own = principal.document
    if requested is None or requested == own:
        if own is None:
            raise NotFound(NOT_LINKED)
        return own
    if principal.is_hr:
        await audit.record(db, actor=principal.subject, action=action, subject=requested, request_id=request_id)
        return requested
    if "manager" in principal.roles and own is not None and await hr_store.manager_of(db, requested) == own:
        await audit.record(db, actor=principal.subject, action=action, subject=requested, request_id=request_id,
                           details={"as": "manager"})
        return requested
    raise Forbidden("Solo puede consultar su propia información.")


def mask_document(document: str) -> str:
    """``1130846901`` → ``******6901``."""
    return "*" * max(0, len(document) - 4) + document[-4:]
