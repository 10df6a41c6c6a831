"""Refresh tokens: stored hashed, rotated on every use, revoked by family."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from chatnomina.db import Executor


@dataclass(frozen=True)
class RefreshToken:
    id: int
    family_id: uuid.UUID
    user_id: int
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


async def insert_refresh_token(
    db: Executor, *, token_hash: bytes, family_id: uuid.UUID, user_id: int, days: int
) -> None:
    """Store a new refresh token of ``family_id``."""
    await db.execute(
        """INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(days => $4))""",
        token_hash, family_id, user_id, days,
    )


async def consume_refresh_token(db: Executor, token_hash: bytes) -> RefreshToken | None:
    """Mark a live token used and return it; ``None`` when it is unknown, used, revoked or expired.

    One UPDATE decides, so two concurrent refreshes with the same token cannot both win.
    """
    row = await db.fetchrow(
        """UPDATE refresh_tokens SET used_at = now()
           WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
           RETURNING id, family_id, user_id, expires_at, used_at, revoked_at""",
        token_hash,
    )
    return _token(row)


async def find_refresh_token(db: Executor, token_hash: bytes) -> RefreshToken | None:
    row = await db.fetchrow(
        "SELECT id, family_id, user_id, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1",
        token_hash,
    )
    return _token(row)


async def revoke_family(db: Executor, family_id: uuid.UUID) -> int:
    """Revoke every token of the family; returns how many were still live."""
    result = await db.execute(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL", family_id
    )
    return int(result.split()[-1])


async def delete_expired(db: Executor) -> int:
    """Housekeeping: forget tokens expired more than a day ago."""
    result = await db.execute("DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day'")
    return int(result.split()[-1])


def _token(row: object) -> RefreshToken | None:
    if row is None:
        return None
    return RefreshToken(
        id=row["id"], family_id=row["family_id"], user_id=row["user_id"],  # type: ignore[index]
        expires_at=row["expires_at"], used_at=row["used_at"], revoked_at=row["revoked_at"],  # type: ignore[index]
    )
