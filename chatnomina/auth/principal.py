"""Who is calling, as established from a verified access token."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

ROLES = ("employee", "manager", "hr_agent", "payroll_admin", "admin")
HR_ROLES = frozenset({"hr_agent", "payroll_admin", "admin"})


@dataclass(frozen=True)
class Principal:
    """A user or an integration client with its roles and scopes."""

    subject: str
    kind: str  # "user" or "client"
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    document: str | None = None
    token_id: str | None = None
    expires_at: int | None = None
    claims: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def user_id(self) -> int | None:
        """The numeric user id for users, ``None`` for integration clients."""
        if self.kind != "user":
            return None
        return int(self.subject.split(":", 1)[1])

    @property
    def is_hr(self) -> bool:
        """HR staff may read anyone's data (audited)."""
        return bool(self.roles & HR_ROLES)

    def has_any_role(self, roles: frozenset[str]) -> bool:
        """True when the principal holds one of ``roles``; ``admin`` holds them all."""
        return bool(self.roles & roles) or "admin" in self.roles

    def has_any_scope(self, scopes: frozenset[str]) -> bool:
        """True when an integration client was granted one of ``scopes``."""
        return bool(self.scopes & scopes)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        """Build from verified JWT claims (``sub`` is ``user:<id>`` or ``client:<id>``)."""
        subject = str(claims.get("sub", ""))
        kind = subject.split(":", 1)[0] if ":" in subject else "user"
        scope = claims.get("scope", "")
        return cls(
            subject=subject,
            kind=kind,
            roles=frozenset(claims.get("roles") or ()),
            scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(scope),
            document=claims.get("doc"),
            token_id=claims.get("jti"),
            expires_at=claims.get("exp"),
            claims=claims,
        )
