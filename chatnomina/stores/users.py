"""Users: login identities with roles, linked to an employee by document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import asyncpg

from chatnomina.db import Executor
from chatnomina.errors import Conflict, InvalidRequest


@dataclass(frozen=True)
class User:
    id: int
    email: str
    password_hash: str
    roles: tuple[str, ...]
    document: str | None
    display_name: str | None
    active: bool
    preferences: dict[str, Any]

    @property
    def subject(self) -> str:
        return f"user:{self.id}"


_COLUMNS = "id, email, password_hash, roles, document, display_name, active, preferences"


def _user(row: asyncpg.Record | None) -> User | None:
    if row is None:
        return None
    return User(
        id=row["id"], email=row["email"], password_hash=row["password_hash"], roles=tuple(row["roles"]),
        document=row["document"], display_name=row["display_name"], active=row["active"],
        preferences=dict(row["preferences"] or {}),
    )


async def create_user(
    db: Executor, *, email: str, password_hash: str, roles: Sequence[str],
    document: str | None = None, display_name: str | None = None,
) -> User:
    """Insert a user; a duplicate email or document is a Conflict."""
    try:
        row = await db.fetchrow(
            f"""INSERT INTO users (email, password_hash, roles, document, display_name)
                VALUES ($1, $2, $3, $4, $5) RETURNING {_COLUMNS}""",
            email.strip(), password_hash, list(roles), document, display_name,
        )
    except asyncpg.UniqueViolationError as exc:
        field = "document" if "document" in (exc.constraint_name or "") else "email"
        raise Conflict(f"Ya existe un usuario con ese {('documento' if field == 'document' else 'correo')}.",
                       details={"field": field}) from None
    except asyncpg.CheckViolationError:
        raise InvalidRequest("Rol desconocido.", field="roles") from None
    user = _user(row)
    assert user is not None
    return user


async def get_user_by_email(db: Executor, email: str) -> User | None:
    """The user with this email (case-insensitive), active or not."""
    return _user(await db.fetchrow(f"SELECT {_COLUMNS} FROM users WHERE lower(email) = lower($1)", email.strip()))


async def get_user(db: Executor, user_id: int) -> User | None:
    return _user(await db.fetchrow(f"SELECT {_COLUMNS} FROM users WHERE id = $1", user_id))


async def get_user_by_document(db: Executor, document: str) -> User | None:
    return _user(await db.fetchrow(f"SELECT {_COLUMNS} FROM users WHERE document = $1", document))


async def update_password_hash(db: Executor, user_id: int, password_hash: str) -> None:
    await db.execute("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1", user_id, password_hash)


async def set_preferences(db: Executor, user_id: int, preferences: dict[str, Any]) -> dict[str, Any]:
    """Merge ``preferences`` into the stored ones and return the result."""
    row = await db.fetchrow(
        """UPDATE users SET preferences = preferences || $2::jsonb, updated_at = now()
           WHERE id = $1 RETURNING preferences""",
        user_id, preferences,
    )
    return dict(row["preferences"]) if row else {}


async def upsert_demo_user(
    db: Executor, *, email: str, password_hash: str, roles: Sequence[str], document: str | None,
    display_name: str | None,
) -> User:
    """Create or refresh a demo account (``chatnomina dev``)."""
    row = await db.fetchrow(
        f"""INSERT INTO users (email, password_hash, roles, document, display_name)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (lower(email)) DO UPDATE
               SET password_hash = EXCLUDED.password_hash, roles = EXCLUDED.roles,
                   document = EXCLUDED.document, display_name = EXCLUDED.display_name, active = true
            RETURNING {_COLUMNS}""",
        email, password_hash, list(roles), document, display_name,
    )
    user = _user(row)
    assert user is not None
    return user
