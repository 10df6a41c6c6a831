"""Database backups recorded with their S3 key, size, checksum and duration.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from migrations.sql import execute

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute(
        """
        CREATE TABLE backups (
            id           bigserial PRIMARY KEY,
            key          text NOT NULL UNIQUE,
            trigger      text NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
            status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
            size_bytes   bigint,
            sha256       text,
            duration_ms  integer,
            error        text,
            started_at   timestamptz NOT NULL DEFAULT now(),
            finished_at  timestamptz,
            deleted_at   timestamptz
        );
        CREATE INDEX backups_started_idx ON backups (started_at DESC);
        """
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only migrations")
