"""Authentication: users, integration clients, refresh tokens.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from migrations.sql import execute

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute(
        """
        CREATE TABLE users (
            id            bigserial PRIMARY KEY,
            email         text NOT NULL,
            password_hash text NOT NULL,
            roles         text[] NOT NULL DEFAULT '{employee}',
            document      text,                     -- the employee's cédula, when linked
            display_name  text,
            active        boolean NOT NULL DEFAULT true,
            preferences   jsonb NOT NULL DEFAULT '{}'::jsonb,
            created_at    timestamptz NOT NULL DEFAULT now(),
            updated_at    timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT users_roles_known CHECK (
                roles <@ ARRAY['employee','manager','hr_agent','payroll_admin','admin']::text[]
                AND cardinality(roles) > 0
            )
        );
        CREATE UNIQUE INDEX users_email_key ON users (lower(email));
        CREATE UNIQUE INDEX users_document_key ON users (document) WHERE document IS NOT NULL;

        CREATE TABLE api_clients (
            id          text PRIMARY KEY,           -- public client id
            name        text NOT NULL,
            secret_hash bytea NOT NULL,             -- sha256 of a 256-bit random secret
            scopes      text[] NOT NULL DEFAULT '{}',
            active      boolean NOT NULL DEFAULT true,
            created_at  timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE refresh_tokens (
            id          bigserial PRIMARY KEY,
            token_hash  bytea NOT NULL UNIQUE,      -- sha256 of the opaque token
            family_id   uuid NOT NULL,              -- every rotation of one login
            user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            issued_at   timestamptz NOT NULL DEFAULT now(),
            expires_at  timestamptz NOT NULL,
            used_at     timestamptz,                -- set when rotated
            revoked_at  timestamptz                 -- set when the family is revoked
        );
        CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
        CREATE INDEX refresh_tokens_expiry_idx ON refresh_tokens (expires_at);
        """
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only migrations")
