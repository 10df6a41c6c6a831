"""Integration clients (OAuth2 client credentials) with scopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from chatnomina.db import Executor


@dataclass(frozen=True)
class ApiClient:
    id: str
    name: str
    secret_hash: bytes
    scopes: tuple[str, ...]
    active: bool

    @property
    def subject(self) -> str:
        return f"client:{self.id}"


async def create_client(
    db: Executor, *, client_id: str, name: str, secret_hash: bytes, scopes: Sequence[str]
) -> ApiClient:
    """Insert a client (its secret is stored only as a hash)."""
    row = await db.fetchrow(
        """INSERT INTO api_clients (id, name, secret_hash, scopes) VALUES ($1, $2, $3, $4)
           RETURNING id, name, secret_hash, scopes, active""",
        client_id, name, secret_hash, list(scopes),
    )
    return ApiClient(row["id"], row["name"], bytes(row["secret_hash"]), tuple(row["scopes"]), row["active"])


async def get_client(db: Executor, client_id: str) -> ApiClient | None:
    row = await db.fetchrow(
        "SELECT id, name, secret_hash, scopes, active FROM api_clients WHERE id = $1", client_id
    )
    if row is None:
        return None
    return ApiClient(row["id"], row["name"], bytes(row["secret_hash"]), tuple(row["scopes"]), row["active"])
